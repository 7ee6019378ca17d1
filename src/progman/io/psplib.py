"""PSPLIB single-mode RCPSP files (``.sm``, Kolisch & Sprecher 1996) → :class:`RcpspInstance`.

The format: a header (``jobs (incl. supersource/sink ): 32``, ``- renewable : 4 R``), a
``PRECEDENCE RELATIONS`` table (job, modes, successor count, successors), a
``REQUESTS/DURATIONS`` table (job, mode, duration, one demand per resource) and
``RESOURCEAVAILABILITIES`` (names, then capacities). Non-renewable resources are not
supported (single-mode files have none). Every problem is reported as ``file:line``.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from progman.engine.rcpsp import RcpspInstance, RcpspInvalid
from progman.errors import InputNotFound, Location, ProgmanError


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
