"""The Gantt chart's data (the web UI's ``/programs/{key}/gantt``): every work item of the
stored program in WBS order under its project, with its scheduled dates, float and flags,
its baseline dates, its version (the ``If-Match`` of an edit), and the links between them.

The chart reads it once as JSON; a 20,000-task program is a few megabytes, so the rows are
arrays under a ``columns`` header rather than objects, and the text of a revision is made
once and kept (a revision never changes; only who reads it, and what they may edit, does).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import orjson

from progman.domain.access import Access
from progman.errors import UsageError
from progman.services.baselines import planned_duration
from progman.services.catalog import visible_program_at
from progman.services.scheduling import stored_schedule
from progman.services.single_flight import Kept
from progman.storage import work_item_versions

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from progman.domain import Baseline, Calendar, Duration, Program
    from progman.domain.access import User
    from progman.engine.schedule import Schedule

#: The fields of a row of ``tasks``, in order.
COLUMNS = (
    "id", "name", "project", "parent", "kind", "start", "finish", "duration",
    "total_float", "critical", "near_critical", "milestone", "summary", "percent_complete",
    "baseline_start", "baseline_finish", "version",
)  # fmt: skip
#: The link types, as the chart numbers them (dhtmlx: 0 FS, 1 SS, 2 FF, 3 SF).
LINK_TYPES = ("FS", "SS", "FF", "SF")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

#: the rows of a revision and baseline (the same for every viewer)
_ROWS: Kept[bytes] = Kept(8)


def gantt_feed(session: Session, user: User, key: str, *, baseline: str | None = None) -> bytes:
    """The chart's JSON for ``user``: the program's rows (kept per revision and baseline)
    and what this user may edit. ``baseline`` names the baseline drawn beside the bars
    (default: the latest one taken, none when the program has none)."""
    program, _, stamp = visible_program_at(session, user, key)
    chosen = _baseline(program, baseline)

    def rows() -> bytes:
        _, schedule = stored_schedule(session, user, key)
        versions = work_item_versions(session, key)
        return orjson.dumps(_rows(program, schedule, chosen, versions))

    text = _ROWS.get((stamp, chosen.id if chosen else None), rows)
    editable = [p.id for p in program.projects if user.access(key, p.id) >= Access.MANAGE_PROJECT]
    viewer = orjson.dumps({"editable": editable, "user": user.name})
    return text[:-1] + b',"viewer":' + viewer + b"}"


def can_edit_gantt(user: User, program: Program) -> bool:
    """Whether ``user`` may edit some project's work of ``program`` from the chart."""
    return any(user.access(program.key, p.id) >= Access.MANAGE_PROJECT for p in program.projects)


def _baseline(program: Program, ident: str | None) -> Baseline | None:
    if ident is None:
        if not program.baselines:
            return None
        return max(program.baselines, key=lambda b: b.created)  # the latest taken
    for candidate in program.baselines:
        if candidate.id == ident:
            return candidate
    known = ", ".join(b.id for b in program.baselines) or "none taken yet"
    raise UsageError(
        f"no baseline {ident!r} in program {program.key} (baselines: {known})", option="baseline"
    )


def _stamp(moment: date | datetime | None) -> str | None:
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return moment.replace(tzinfo=None).isoformat(timespec="minutes")
    return moment.isoformat()


def _rows(
    program: Program, schedule: Schedule, baseline: Baseline | None, versions: dict[str, int]
) -> dict[str, Any]:
    """Projects first in their WBS (each project a summary row), then the links."""
    by_id = {row["id"]: row for row in _schedule_rows(schedule)}
    frozen = baseline.tasks if baseline is not None else {}
    text = _Texts()
    types = {name: k for k, name in enumerate(LINK_TYPES)}
    rows: list[list[Any]] = []
    links: list[list[Any]] = []
    for project in program.projects:
        finish = schedule.projects.get(project.id, {}).get("finish")
        blank = [None, None, False, False, False, True, None, None, None, None]
        rows.append([project.id, project.name, project.id, None, "project", None, finish, *blank])
        stack = [(item, project.id) for item in reversed(project.tasks)]
        while stack:
            item, parent = stack.pop()
            row = by_id[item.id]
            before = frozen.get(item.id)
            rows.append(
                [item.id, item.name, project.id, parent, item.kind, row["start"], row["finish"],
                 text(planned_duration(item)), row["total_float"],
                 row["critical"], row["near_critical"], row["milestone"], row["summary"],
                 item.percent_complete, _stamp(before.start) if before else None,
                 _stamp(before.finish) if before else None, versions.get(item.id, 1)]
            )  # fmt: skip
            for dep in item.depends:
                links.append([dep.task, item.id, types[dep.type], text(dep.lag)])
            if item.tasks:
                stack.extend((child, item.id) for child in reversed(item.tasks))
    _project_starts(rows)
    calendar = program.calendars.get(program.calendar) if program.calendar else None
    return {
        "program": {
            "key": program.key,
            "name": program.name,
            "timezone": program.timezone,
            "start": program.start.isoformat(),
            "status_date": _stamp(schedule.status_date),
            "today": datetime.now(ZoneInfo(program.timezone)).date().isoformat(),
            "finish": _stamp(schedule.finish),
            "workdays": [
                d in (calendar.workdays if calendar else _WEEKDAYS[:5]) for d in _WEEKDAYS
            ],
            "holidays": _holidays(calendar),
        },
        "baseline": {"id": baseline.id, "name": baseline.name} if baseline else None,
        "baselines": [{"id": b.id, "name": b.name} for b in program.baselines],
        "resources": [[r.id, r.name] for r in program.resources],
        "columns": COLUMNS,
        "tasks": rows,
        "links": links,
    }


class _Texts(dict[Any, str]):
    """Durations as text, each distinct one written once (a big plan has few: "0d", "3d")."""

    def __call__(self, value: Duration | None) -> str | None:
        if value is None:
            return None
        found = self.get(value)
        if found is None:
            found = self[value] = str(value)
        return found


def _schedule_rows(schedule: Schedule) -> list[dict[str, Any]]:
    tasks = schedule.tasks
    rows = getattr(tasks, "rows", None)
    if rows is not None:  # a TaskTable: straight from its columns
        return rows(0, len(tasks))  # type: ignore[no-any-return]
    return schedule.to_json()["tasks"]  # type: ignore[no-any-return]


def _project_starts(rows: list[list[Any]]) -> None:
    """A project row starts with its earliest task (its finish is the schedule's)."""
    first: dict[str, str] = {}
    for row in rows:
        if row[4] != "project" and row[5] is not None:
            held = first.get(row[2])
            if held is None or row[5] < held:
                first[row[2]] = row[5]
    for row in rows:
        if row[4] == "project":
            row[5] = first.get(row[0], row[5])
            if row[6] is None:
                row[6] = row[5]


def _holidays(calendar: Calendar | None) -> list[str]:
    """Every holiday of the program's calendar, one day each (for counting working days)."""
    days: list[str] = []
    for span in calendar.holidays if calendar is not None else ():
        first = span.start.toordinal()
        last = (span.finish or span.start).toordinal()
        days.extend(date.fromordinal(day).isoformat() for day in range(first, last + 1))
    return days
