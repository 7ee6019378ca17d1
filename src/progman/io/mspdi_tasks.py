"""The tasks of an MSPDI file as progman work items: outline, links, progress, baselines.

Part of :mod:`progman.io.mspdi_read` (which holds the reader's state, its durations and
its errors); kept apart so that each module has one job.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from progman.domain.base import ID_MAX_LENGTH, ID_PATTERN, checked_instance
from progman.domain.durations import Duration
from progman.domain.work import Dependency
from progman.io.mspdi_format import (
    CONSTRAINTS,
    ESTIMATED_OFFSET,
    FORMAT_UNITS,
    ID_ALIAS,
    LINK_TYPES,
    NS,
    PROJECT_ALIAS,
    PROJECT_ID,
    as_float,
    as_int,
    duration_of,
    fields_of,
    moment_of,
    period_minutes,
)
from progman.io.mspdi_undriven import eligible

if TYPE_CHECKING:
    from progman.io.mspdi_read import _Reader

_VALID_ID = re.compile(ID_PATTERN).match
#: The deepest outline level read (MS Project's own plans rarely pass 10; a deeper tree
#: would exhaust the validators' recursion).
MAX_OUTLINE_LEVEL = 100


def read_tasks(reader: _Reader, aliases: dict[str, str]) -> tuple[list[Any], list[Any]]:
    """The projects (plan data) and baselines of the file's ``Tasks``."""
    holder = reader.section("Tasks")
    rows: list[tuple[int, int, dict[str, Any], dict[str, str]]] = []
    for element in holder.findall(NS + "Task") if holder is not None else []:
        fields = fields_of(element)
        uid = as_int(fields.get("UID"), -1)
        level = as_int(fields.get("OutlineLevel"), 1)
        if fields.get("IsNull") == "1" or level <= 0:
            reader.skipped.add(uid)  # a blank row, or MS Project's project summary task
            continue
        if level > MAX_OUTLINE_LEVEL:
            raise reader.fail(
                f"task UID {uid} is at outline level {level}; progman reads work breakdowns "
                f"up to {MAX_OUTLINE_LEVEL} levels deep",
                reader.line_of("Task", uid),
            )
        rows.append((uid, level, fields, reader.custom(fields, aliases)))
    ids = _ids(reader, rows)
    records: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
    for (uid, level, fields, custom), ident in zip(rows, ids, strict=True):
        if uid in reader.tasks:
            raise reader.fail(f"two tasks have the UID {uid}", reader.line_of("Task", uid))
        name = fields.get("Name") or f"Task {uid}"
        entry: dict[str, Any] = {"id": ident, "name": name}
        reader.tasks[uid] = entry
        reader.labels[ident] = f"task UID {uid} {name!r}"
        reader.uids[ident] = uid
        if PROJECT_ALIAS in custom:
            entry["_project"] = custom[PROJECT_ALIAS]
        if len(fields.get("ExtendedAttribute", [])) > len(custom):
            reader.group("values of custom fields are not imported", reader.labels[ident])
        records.append((level, entry, fields))
    for _, entry, fields in records:
        _task_fields(reader, entry, fields)
    if reader.first_day is None:  # no project start: the earliest task's
        starts = [entry["_start"] for _, entry, _ in records if entry.get("_start")]
        reader.first_day = min(starts).date() if starts else None
    baselines: dict[int, dict[str, Any]] = defaultdict(dict)
    for _, entry, fields in records:
        _links(reader, entry, fields)
        for element in fields.get("Baseline", []):
            _baseline(reader, entry, element, baselines)
    roots = _tree(records)
    if roots and all("_project" in root and root.get("tasks") for root in roots):
        projects = [
            {"id": root.pop("_project"), "name": root["name"], "tasks": root["tasks"]}
            for root in roots
        ]
    else:
        projects = [{"id": PROJECT_ID, "name": reader.title, "tasks": roots}]
    for _, entry, _ in records:
        entry.pop("_project", None)
        entry.pop("_minutes", None)
    return projects, _baselines(reader, baselines)


def _ids(reader: _Reader, rows: list[tuple[int, int, dict[str, Any], dict[str, str]]]) -> list[str]:
    """Each task's id: the progman id a file progman wrote carries (when valid and not
    repeated), else ``T<UID>`` (made unique against those: ``T5-2``)."""
    counted: dict[str, int] = defaultdict(int)
    for row in rows:
        wanted = row[3].get(ID_ALIAS, "")
        if wanted and len(wanted) <= ID_MAX_LENGTH and _VALID_ID(wanted):
            counted[wanted] += 1
    kept = {ident for ident, count in counted.items() if count == 1}
    ids, taken = [], set(kept)
    for uid, _, _, custom in rows:
        wanted = custom.get(ID_ALIAS, "")
        if wanted in kept:
            ids.append(wanted)
            continue
        ident, k = f"T{uid}", 1
        while ident in taken:
            k += 1
            ident = f"T{uid}-{k}"
        taken.add(ident)
        ids.append(ident)
    return ids


def _task_fields(reader: _Reader, entry: dict[str, Any], fields: dict[str, Any]) -> None:
    """Everything of one task but its links and baselines."""

    label = reader.labels[entry["id"]]
    calendar = reader.calendar_ids.get(as_int(fields.get("CalendarUID"), -1))
    if calendar:
        entry["calendar"] = calendar
    minutes = period_minutes(fields.get("Duration") or "") or 0.0
    entry["_minutes"] = minutes
    entry["_summary"] = fields.get("Summary") == "1"
    if fields.get("Milestone") == "1" and minutes == 0:
        entry["milestone"] = True
    else:
        if fields.get("Milestone") == "1":
            reader.group(
                "marked as milestones but lasting longer than a moment, imported as tasks",
                label,
            )
        duration = reader.duration(
            fields.get("Duration"), fields.get("DurationFormat"), calendar, label
        )
        if duration is not None:
            entry["duration"] = str(duration)
    code = as_int(fields.get("ConstraintType"), 0)
    kind = CONSTRAINTS.get(code, "asap")
    if kind != "asap":
        moment = moment_of(fields.get("ConstraintDate"))
        if kind == "alap":
            entry["constraint"] = {"type": "alap"}
        elif moment is not None:
            # a day's start (or a finish's 23:59) is that day, as a plan writes it
            ends = kind in ("fnet", "fnlt", "mfo")
            if (moment.hour, moment.minute) == ((23, 59) if ends else (0, 0)):
                entry["constraint"] = {"type": kind, "date": moment.date()}
            else:
                entry["constraint"] = {"type": kind, "date": moment}
        else:
            reader.group(f"constraint {kind.upper()} without a date, not imported", label)
    deadline = moment_of(fields.get("Deadline"))
    if deadline is not None:
        entry["deadline"] = deadline.date()
    priority = as_int(fields.get("Priority"), 500)
    if priority != 500 and 0 <= priority <= 1000:
        entry["priority"] = priority
    percent = as_float(fields.get("PercentComplete"))
    if percent > 0:
        entry["percent_complete"] = min(percent, 100.0)
    started, finished = _actuals(reader, entry, fields, percent, label)
    if 0 < percent < 100 and started is not None and "duration" in entry:
        remaining = reader.duration(
            fields.get("RemainingDuration"), fields.get("DurationFormat"), calendar, label
        )
        if remaining is not None:
            entry["remaining"] = str(remaining)
    if entry.get("milestone") and started and finished and started != finished:
        started = None  # a milestone is one moment: when it was reached
    if started is not None:
        entry["actual_start"] = started
    if finished is not None:
        entry["actual_finish"] = finished
    if fields.get("Notes"):
        entry["description"] = fields["Notes"]
    fixed = as_float(fields.get("FixedCost"))
    if fixed > 0:
        entry["fixed_cost"] = fixed
    entry["_start"] = moment_of(fields.get("Start"))
    if entry["_start"] is not None and eligible(fields, entry, percent):
        reader.file_starts[entry["id"]] = entry["_start"]
    for flag, value, what in (
        (
            "Manual",
            "1",
            "manually scheduled in MS Project; progman schedules them from "
            "their links and constraints",
        ),
        ("Active", "0", "inactive in MS Project; imported as active tasks"),
        ("ExternalTask", "1", "external tasks of another project, imported as plain tasks"),
        ("IsSubproject", "1", "inserted subprojects, imported as plain tasks"),
    ):
        if fields.get(flag) == value:
            reader.group(what, label)
    if fields.get("IgnoreResourceCalendar") == "1":
        entry["_own_calendar"] = True  # warned about once its people are known
    if as_int(fields.get("LevelingDelay")) != 0:
        reader.group(
            "delayed by MS Project's leveling (LevelingDelay), not imported: run progman level",
            label,
        )


def _actuals(
    reader: _Reader, entry: dict[str, Any], fields: dict[str, Any], percent: float, label: str
) -> tuple[Any, Any]:
    """Actual start and finish as MS Project means them: it moves a started task's start
    to its actual start (and a finished one's finish to its actual finish), so an actual
    date elsewhere is a placeholder some tools write for "none" (Aspose: 2000-01-01); a
    task with progress but no actual start started at its start."""

    start, finish = moment_of(fields.get("Start")), moment_of(fields.get("Finish"))
    started, finished = moment_of(fields.get("ActualStart")), moment_of(fields.get("ActualFinish"))
    if started is not None and start is not None and started != start:
        reader.group(
            "actual start unlike their start (a placeholder for none), read as not started",
            label,
        )
        started = None
    if finished is not None and (started is None or finish is None or finished != finish):
        finished = None
    if started is None and percent > 0 and start is not None:
        reader.group("percent complete without an actual start, started at their start", label)
        started = start
    if finished is None and percent >= 100 and finish is not None and started is not None:
        finished = finish
    return started, finished


_UID, _TYPE, _CROSS = NS + "PredecessorUID", NS + "Type", NS + "CrossProject"
_LAG, _LAG_FORMAT = NS + "LinkLag", NS + "LagFormat"
#: The one "no lag" every link without one shares (the engine skips it by identity).
_NO_LAG = Dependency.model_fields["lag"].get_default(call_default_factory=True)
_LINK_FIELDS = {"task", "type", "lag"}


def _links(reader: _Reader, entry: dict[str, Any], fields: dict[str, Any]) -> None:
    """The task's ``PredecessorLink`` elements as its links, built as validation builds
    them (the ids are the reader's own, the lags :class:`Duration` objects)."""
    label = reader.labels[entry["id"]]
    depends = []
    for element in fields.get("PredecessorLink", []):
        uid = as_int(element.findtext(_UID), -1)
        if element.findtext(_CROSS) == "1":
            reader.group("links to tasks of other projects (CrossProject) are not imported", label)
            continue
        predecessor = reader.tasks.get(uid)
        if predecessor is None:
            if uid in reader.skipped:
                reader.group("links to blank rows or the project summary, not imported", label)
                continue
            raise reader.fail(
                f"{label} has the predecessor UID {uid}, which the file does not have; "
                "remove the link or add the task",
                reader.line_of("Task", reader.uids[entry["id"]]),
            )
        kind = LINK_TYPES.get(as_int(element.findtext(_TYPE), 1), "FS")
        amount = as_float(element.findtext(_LAG))
        lag = _NO_LAG
        if amount:
            fmt = element.findtext(_LAG_FORMAT)
            lag = _lag(reader, entry, predecessor, amount, fmt, label=label)
        values = {"task": predecessor["id"], "type": kind, "lag": lag}
        depends.append(checked_instance(Dependency, values, _LINK_FIELDS))
    if depends:
        entry["depends"] = depends


def _lag(
    reader: _Reader,
    entry: dict[str, Any],
    predecessor: dict[str, Any],
    amount: float,
    fmt: str | None,
    *,
    label: str,
) -> Duration:
    """A ``LinkLag`` (tenths of a minute, or a percentage) shown in ``LagFormat``."""
    code = as_int(fmt, 7)
    unit, elapsed = FORMAT_UNITS.get(code - ESTIMATED_OFFSET if code > 32 else code, ("d", False))
    if unit == "%":  # the value is the percentage (MPXJ and Aspose read it so)
        minutes = amount / 100 * predecessor.get("_minutes", 0.0)
        unit, elapsed = "d", False  # a share of the predecessor's working duration
        reader.group(
            "percentage lags, imported as that share of their predecessor's duration", label
        )
    else:
        minutes = amount / 10
    try:
        lag = duration_of(
            minutes,
            unit,
            elapsed,
            minutes_per_day=reader.minutes_per_day,
            minutes_per_week=reader.minutes_per_week,
            days_per_month=reader.days_per_month,
            calendar_minutes_per_day=reader.calendar_minutes.get(
                entry.get("calendar") or "", reader.minutes_per_day
            ),
        )
    except ValueError as error:  # a lag no plan holds (a million days)
        raise reader.bad_value(label, f"the lag {amount:g} of a link: {error}") from None
    return _NO_LAG if lag.is_zero else lag


def _baseline(
    reader: _Reader, entry: dict[str, Any], element: Any, baselines: dict[int, dict[str, Any]]
) -> None:

    fields = fields_of(element)
    start, finish = moment_of(fields.get("Start")), moment_of(fields.get("Finish"))
    if start is None or finish is None:
        return
    finish = max(start, finish)
    frozen: dict[str, Any] = {
        # a day's start, or its end at 23:59, is that day (as a plan writes it)
        "start": start.date() if (start.hour, start.minute) == (0, 0) else start,
        "finish": finish.date() if (finish.hour, finish.minute) == (23, 59) else finish,
    }
    label = reader.labels[entry["id"]]
    duration = reader.duration(
        fields.get("Duration"), fields.get("DurationFormat"), entry.get("calendar"), label
    )
    if duration is not None and not entry.get("_summary"):
        frozen["duration"] = str(duration)
    work = period_minutes(fields.get("Work") or "")
    if work:
        frozen["work"] = f"{round(work / 60, 4):g}h"
    cost = as_float(fields.get("Cost"))
    if cost > 0:
        frozen["cost"] = cost
    baselines[as_int(fields.get("Number"), 0)][entry["id"]] = frozen


def _baselines(reader: _Reader, found: dict[int, dict[str, Any]]) -> list[Any]:
    """MS Project's baselines 10..1, then 0 (listed last: the one variance is measured
    against), each dated the day the file was saved (MSPDI keeps no baseline date)."""

    saved = moment_of(reader.head.get("LastSaved")) or moment_of(reader.head.get("StartDate"))
    created = saved.date() if saved else reader.first_day
    return [
        {
            "id": f"MSP{number}",
            "name": "Baseline" if number == 0 else f"Baseline {number}",
            "created": created,
            "tasks": found[number],
        }
        for number in sorted(found, reverse=True)
        if found[number]
    ]


def _tree(records: list[tuple[int, dict[str, Any], dict[str, Any]]]) -> list[Any]:
    """The tasks nested by outline level; a summary task has no duration of its own."""
    roots: list[Any] = []
    stack: list[tuple[int, dict[str, Any]]] = []
    for level, entry, _ in records:
        while stack and stack[-1][0] >= level:
            stack.pop()
        (stack[-1][1].setdefault("tasks", []) if stack else roots).append(entry)
        stack.append((level, entry))
    for _, entry, _ in records:
        entry.pop("_summary", None)
        entry.pop("_start", None)
        if entry.get("tasks"):
            entry.pop("duration", None)
            entry.pop("milestone", None)
    return roots
