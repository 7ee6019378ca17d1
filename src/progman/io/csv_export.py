"""A program's tasks and links as CSV (``progman export --format csv``): one row per
project, then one per work item of it in outline order, with its scheduled start and
finish. The columns are :data:`~progman.io.csv_cells.COLUMNS`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime

from progman.domain import Program
from progman.domain.durations import DURATION_REGEX
from progman.domain.program import Project
from progman.domain.work import Assignment, WorkItem
from progman.engine.schedule import Schedule, schedule
from progman.engine.schedule_table import TaskTable
from progman.io.csv_cells import COLUMNS, LIST_SEPARATOR, csv_bytes, is_number, plain_number

_DURATION = re.compile(DURATION_REGEX).match


def write_csv(program: Program) -> bytes:
    """The CSV file of ``program`` (UTF-8 with a byte-order mark, ``,``-separated)."""
    return csv_bytes([list(COLUMNS), *csv_rows(program, schedule(program))])


def csv_rows(program: Program, scheduled: Schedule | None = None) -> Iterator[list[str]]:
    """The rows (without the header), each in the order of :data:`COLUMNS`."""
    dates = _scheduled_dates(scheduled) if scheduled is not None else {}
    for project in program.projects:
        yield _row(_project_cells(project))
        for number, item in enumerate(project.tasks, start=1):
            yield from _item_rows(project.id, None, str(number), item, dates)


def _scheduled_dates(scheduled: Schedule) -> dict[str, tuple[str, str]]:
    """Each task's scheduled start and finish as ``2027-03-01 09:00`` (from the table's
    columns at once: making a TaskSchedule per task would cost more than the rest)."""
    tasks = scheduled.tasks
    if isinstance(tasks, TaskTable):
        return {
            row["id"]: (row["start"].replace("T", " "), row["finish"].replace("T", " "))
            for row in tasks.rows(0, len(tasks))
        }
    return {task.id: (_when(task.start), _when(task.finish)) for task in tasks}


def _project_cells(project: Project) -> dict[str, str]:
    return {
        "project": project.id,
        "id": project.id,
        "name": project.name,
        "kind": "project",
        "start": _when(project.start),
        "deadline": _when(project.deadline),
        "priority": str(project.priority),
        "tags": LIST_SEPARATOR.join(project.tags),
        "description": project.description or "",
    }


def _item_rows(
    project: str, parent: str | None, wbs: str, item: WorkItem, dates: dict[str, tuple[str, str]]
) -> Iterator[list[str]]:
    cells = {
        "project": project,
        "id": item.id,
        "parent": parent or "",
        "wbs": wbs,
        "name": item.name,
        "kind": item.kind,
        "milestone": "yes" if item.milestone else "",
        "duration": _text(item.duration),
        "work": _text(item.work),
        "estimate": "/".join(item.estimate.model_dump()) if item.estimate else "",
        "depends": LIST_SEPARATOR.join(str(link.model_dump()) for link in item.depends),
        "constraint": _constraint(item),
        "deadline": _when(item.deadline),
        "resources": LIST_SEPARATOR.join(assignment_text(a) for a in item.resources),
        "percent_complete": _number(item.percent_complete),
        "actual_start": _when(item.actual_start),
        "actual_finish": _when(item.actual_finish),
        "remaining": _text(item.remaining),
        "status": item.status or "",
        "priority": _number(item.priority),
        "story_points": _number(item.story_points),
        "fixed_cost": _number(item.fixed_cost),
        "actual_cost": _number(_actual_cost(item)),
        "tags": LIST_SEPARATOR.join(item.tags),
        "description": item.description or "",
    }
    if item.id in dates:
        cells["start"], cells["finish"] = dates[item.id]
    yield _row(cells)
    for number, child in enumerate(item.tasks, start=1):
        yield from _item_rows(project, item.id, f"{wbs}.{number}", child, dates)


def assignment_text(assignment: Assignment) -> str:
    """``alice``, ``bob 50%``, ``carol 0.333 20h``, ``role:backend/skill:react``: who,
    then the units when not full time (a percentage when that reads back exactly), then
    the work when set."""
    if assignment.resource is not None:
        who = assignment.resource
    else:
        parts = [f"role:{assignment.role}"] if assignment.role else []
        parts += [f"skill:{assignment.skill}"] if assignment.skill else []
        who = "/".join(parts)
    words = [who]
    last = who.split()[-1] if who.split() else ""
    ambiguous = " " in who and (is_number(last.removesuffix("%")) or bool(_DURATION(last)))
    if assignment.units != 1.0 or ambiguous:  # a role ending in a number: say the units
        percent = f"{assignment.units * 100:g}"
        exact = float(percent) / 100 == assignment.units
        words.append(f"{percent}%" if exact else plain_number(assignment.units))
    if assignment.work is not None:
        words.append(str(assignment.work))
    return " ".join(words)


def _row(cells: dict[str, str]) -> list[str]:
    return [cells.get(column, "") for column in COLUMNS]


def _text(value: object | None) -> str:
    return "" if value is None else str(value)


def _number(value: float | None) -> str:
    return "" if value is None else plain_number(value)


def _when(value: date | datetime | None) -> str:
    """A date as ``2027-03-01``; a moment as ``2027-03-01 09:00`` (what spreadsheets
    read as a date and time)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.second == 0 else value.isoformat(" ")
    return value.isoformat()


def _constraint(item: WorkItem) -> str:
    constraint = item.constraint
    if constraint is None:
        return ""
    kind = constraint.type.upper()
    if constraint.date is None:
        return kind
    return f"{kind} {_when(constraint.date).replace(' ', 'T')}"  # one word: the date


def _actual_cost(item: WorkItem) -> float | None:
    """The item's actual cost: its total, else the sum of its periods (a CSV has no
    column per period)."""
    if item.actual_cost is not None or not item.actual_costs:
        return item.actual_cost
    return round(sum(entry.amount for entry in item.actual_costs), 2)
