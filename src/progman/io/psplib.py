"""PSPLIB single-mode RCPSP files (``.sm``, Kolisch & Sprecher 1996) → :class:`RcpspInstance`.

The format: a header (``jobs (incl. supersource/sink ): 32``, ``- renewable : 4 R``), a
``PRECEDENCE RELATIONS`` table (job, modes, successor count, successors), a
``REQUESTS/DURATIONS`` table (job, mode, duration, one demand per resource) and
``RESOURCEAVAILABILITIES`` (names, then capacities). Non-renewable resources are not
supported (single-mode files have none). Every problem is reported as ``file:line``.

:func:`instance_to_program` turns an instance into a plan (``progman import``): one
period is one day of a 7-day calendar ``periods``, jobs are tasks ``J<n>`` of project
``P`` with finish-start links, renewable resources are material resources ``R1..Rk``.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from progman.domain import Program
from progman.domain.base import ID_PATTERN
from progman.domain.calendars import WEEKDAYS
from progman.domain.checked import check_once
from progman.domain.validation import format_path
from progman.engine.rcpsp import RcpspInstance, RcpspInvalid
from progman.errors import InputNotFound, Location, ProgmanError

#: Name of the 7-day calendar of an imported instance (one period = one day).
PERIODS_CALENDAR = "periods"
#: Id of the one project holding every job.
PROJECT_ID = "P"
_NOT_ID = re.compile(r"[^A-Za-z0-9_.\-/:]")


class PsplibInvalid(ProgmanError):
    """A PSPLIB file is malformed; the location names the file and line."""

    code = "input.psplib_invalid"
    http_status = 422


def _ints(text: str, path: str, line: int) -> list[int]:
    try:
        return [int(tok) for tok in text.split()]
    except ValueError:
        raise PsplibInvalid(
            f"expected whole numbers, got {text.strip()!r}",
            location=Location(file=path, line=line),
        ) from None


def parse_psplib(text: str, path: str = "<sm>") -> RcpspInstance:
    """Parse the text of a ``.sm`` file (``path`` is used in error locations only)."""
    lines = text.splitlines()

    def fail(message: str, line: int | None = None) -> PsplibInvalid:
        return PsplibInvalid(message, location=Location(file=path, line=line))

    def find(pattern: str) -> tuple[int, re.Match[str]]:
        regex = re.compile(pattern, re.IGNORECASE)
        for number, content in enumerate(lines, 1):
            match = regex.search(content)
            if match:
                return number, match
        raise fail(f"not a PSPLIB .sm file: no line matching {pattern!r}")

    _, jobs_match = find(r"jobs \(incl\. supersource/sink \)\s*:\s*(\d+)")
    n = int(jobs_match.group(1))
    _, res_match = find(r"-\s*renewable\s*:\s*(\d+)")
    k = int(res_match.group(1))
    nonren_line, nonren = find(r"-\s*nonrenewable\s*:\s*(\d+)")
    if int(nonren.group(1)):
        raise fail("non-renewable resources are not supported (multi-mode file?)", nonren_line)
    if n < 1:
        raise fail("the file declares no jobs")

    def table(title: str, count: int, skip: int) -> list[tuple[int, list[int]]]:
        head, _ = find(re.escape(title))
        rows: list[tuple[int, list[int]]] = []
        number = head + skip
        while len(rows) < count:
            if number > len(lines):
                raise fail(f"{title.strip(':')}: expected {count} rows, found {len(rows)}", number)
            content = lines[number - 1]
            if content.startswith("***"):
                raise fail(f"{title.strip(':')}: expected {count} rows, found {len(rows)}", number)
            if content.strip() and not content.lstrip().startswith("-"):
                rows.append((number, _ints(content, path, number)))
            number += 1
        return rows

    durations = np.zeros(n, dtype=np.int64)
    demand = np.zeros((n, k), dtype=np.int64)
    edges: list[tuple[int, int]] = []
    seen_prec: set[int] = set()
    for line, row in table("PRECEDENCE RELATIONS:", n, 2):
        if len(row) < 3 or len(row) != 3 + row[2]:
            raise fail("a precedence row is: job, modes, successor count, successors", line)
        job, modes = row[0], row[1]
        if not 1 <= job <= n or job in seen_prec:
            raise fail(f"job {job} is out of range 1..{n} or listed twice", line)
        if modes != 1:
            raise fail(f"job {job} has {modes} modes; only single-mode files are supported", line)
        seen_prec.add(job)
        for successor in row[3:]:
            if not 1 <= successor <= n:
                raise fail(f"successor {successor} of job {job} is out of range 1..{n}", line)
            edges.append((job - 1, successor - 1))
    seen_req: set[int] = set()
    for line, row in table("REQUESTS/DURATIONS:", n, 3):
        if len(row) != 3 + k:
            raise fail(f"a request row is: job, mode, duration and {k} demands", line)
        job = row[0]
        if not 1 <= job <= n or job in seen_req:
            raise fail(f"job {job} is out of range 1..{n} or listed twice", line)
        seen_req.add(job)
        durations[job - 1] = row[2]
        demand[job - 1] = row[3:]
    head, _ = find(r"RESOURCEAVAILABILITIES")
    line = head + 2
    if line > len(lines):
        raise fail("RESOURCEAVAILABILITIES: the capacities are missing", head)
    capacity = _ints(lines[line - 1], path, line)
    if len(capacity) != k:
        raise fail(f"expected {k} capacities, got {len(capacity)}", line)
    try:
        return RcpspInstance.from_edges(
            durations, edges, demand, capacity, np.arange(1, n + 1), name=Path(path).stem
        )
    except RcpspInvalid as error:
        raise fail(str(error)) from None


def read_psplib(path: str | Path) -> RcpspInstance:
    """Read and parse a ``.sm`` file."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise InputNotFound(f"no such file: {file}", location=Location(file=str(file))) from None
    except OSError as error:
        raise PsplibInvalid(
            f"cannot read: {error.strerror}", location=Location(file=str(file))
        ) from None
    return parse_psplib(text, str(file))


def _program_key(name: str) -> str:
    """A valid program id from the instance (file) name: ``j301_1`` stays ``j301_1``."""
    key = _NOT_ID.sub("_", name.strip())[:120]
    if key and not key[0].isalnum() and key[0] != "_":
        key = "_" + key[1:]
    return key if re.match(ID_PATTERN, key) else "PSPLIB"


def instance_to_program(instance: RcpspInstance, start: date, name: str | None = None) -> Program:
    """The plan of an RCPSP instance: the program starts on ``start``; one period is one day.

    * calendar ``periods`` works all seven days and is the program calendar;
    * project ``P`` holds job ``n`` as task ``J<n>`` with ``duration: <d>d`` (a job of
      zero duration is a milestone) and finish-start ``depends`` on its predecessors;
    * renewable resource ``r`` is material resource ``R<r>`` with its capacity, and each
      job's non-zero demands are its assignments (``{R1: 4}``).

    The CPM finish of the plan is the instance's critical-path length in days after
    ``start``. Raises :class:`PsplibInvalid` if the instance does not fit a plan.
    """
    where = Location(entity=instance.name or None)
    predecessors: list[list[int]] = [[] for _ in range(instance.n)]
    for j in range(instance.n):
        for s in instance.successors(j):
            predecessors[s].append(j)
    resources = [f"R{r + 1}" for r in range(instance.resources)]
    tasks: list[dict[str, Any]] = []
    for j in range(instance.n):
        job = int(instance.jobs[j])
        duration = int(instance.durations[j])
        task: dict[str, Any] = {"id": f"J{job}", "name": f"Job {job}"}
        if duration == 0:
            task["milestone"] = True
        else:
            task["duration"] = f"{duration}d"
        depends = sorted(int(instance.jobs[p]) for p in predecessors[j])
        if depends:
            task["depends"] = [f"J{p}" for p in depends]
        demands = {
            resources[r]: int(instance.demand[j, r])
            for r in range(instance.resources)
            if instance.demand[j, r] > 0
        }
        if demands:
            task["resources"] = demands
        tasks.append(task)
    label = instance.name or "instance"
    data: dict[str, Any] = {
        "program": name or f"PSPLIB {label}",
        "key": _program_key(instance.name),
        "description": (
            f"Imported from the PSPLIB instance {label}: {instance.n} jobs, "
            f"{instance.resources} renewable resources; one period is one day."
        ),
        "start": start,
        "calendar": PERIODS_CALENDAR,
        "calendars": {
            PERIODS_CALENDAR: {
                "description": "PSPLIB periods: every day is a working day",
                "workdays": list(WEEKDAYS),
            }
        },
        "resources": [
            {
                "id": ident,
                "name": f"Resource {ident}",
                "kind": "material",
                "capacity": int(instance.capacity[r]),
            }
            for r, ident in enumerate(resources)
        ],
        "projects": [{"id": PROJECT_ID, "name": label, "tasks": tasks}],
    }
    try:
        program = Program.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise PsplibInvalid(
            f"the instance does not fit a plan: {field}: {first['msg']}", location=where
        ) from None
    findings = check_once(program)  # marks it checked: scheduling it does not check again
    if findings:
        first_finding = findings[0]
        raise PsplibInvalid(
            f"the instance does not fit a plan: {format_path(first_finding.path)}: "
            f"{first_finding.message}",
            location=where,
        )
    return program
