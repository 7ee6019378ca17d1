"""A project's work breakdown as the web UI's project page shows it: a tree of its work
items with their computed dates, duration, float and version (the ``If-Match`` of an edit
form), whether the user may edit it, and a one-line account of what an edit moved.

The edits themselves are :mod:`progman.services.work_items`' (the REST API's); this module
only reads, and turns an edit's ``moved`` (the ``impact --json`` shape) into a sentence.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from progman.domain import Project, WorkItem
from progman.domain.access import Access, User
from progman.errors import Location, PlanInvalid, Problem
from progman.services.catalog import program_entry
from progman.services.projects import find_project
from progman.services.scheduling import TaskSchedule, stored_schedule
from progman.storage import work_item_versions


@dataclass(frozen=True)
class WbsRow:
    """One work item of the tree: its depth (0 under the project), the ids of the rows it
    holds, its schedule row and its version."""

    item: WorkItem
    depth: int
    parent: str | None
    row: TaskSchedule
    version: int

    @property
    def summary(self) -> bool:
        return bool(self.item.tasks)


@dataclass(frozen=True)
class WbsView:
    """A project's breakdown in plan order, and what the viewer may do with it."""

    project: Project
    rows: tuple[WbsRow, ...]
    can_edit: bool  # add, rename, change duration, delete: a project manager of it or above


def planned_duration(item: WorkItem) -> str:
    """The duration the plan gives a work item (else its most likely estimate, a
    milestone's 0d, a task sized by its work ``work 80h``), as ``progman schedule`` prints
    it; a summary's rolls up: ``—``."""
    if item.tasks:
        return "—"
    if item.duration is not None:
        return str(item.duration)
    if item.estimate is not None:
        return str(item.estimate.most_likely)
    if item.milestone:
        return "0d"
    return f"work {item.work}" if item.work is not None else "—"


def can_manage(user: User, key: str, project: str) -> bool:
    """Whether ``user`` may change project ``project``'s breakdown (the services check it
    again on every edit; this only decides which controls a page shows)."""
    return user.access(key, project) >= Access.MANAGE_PROJECT


def project_wbs(session: Session, user: User, key: str, ident: str) -> WbsView:
    """The work breakdown of project ``ident`` of the stored program ``key``."""
    program_entry(session, user, key)  # a program the user may not see is not found
    program, schedule = stored_schedule(session, user, key)
    project = find_project(program, ident)
    placed = list(_walk(project.tasks, 0, None))
    versions = work_item_versions(session, key, [item.id for item, _, _ in placed])
    rows = tuple(
        WbsRow(item, depth, parent, schedule.task(item.id), versions.get(item.id, 1))
        for item, depth, parent in placed
    )
    return WbsView(project, rows, can_manage(user, key, ident))


def _walk(
    items: list[WorkItem], depth: int, parent: str | None
) -> Iterator[tuple[WorkItem, int, str | None]]:
    for item in items:
        yield item, depth, parent
        yield from _walk(item.tasks, depth + 1, item.id)


def moved_text(moved: Mapping[str, Any]) -> str:
    """``3 tasks and milestone API.ready moved +4 d`` from an edit's ``moved``."""
    changed = moved.get("changed", [])
    tasks = [t for t in changed if not t["milestone"]]
    milestones = [t["id"] for t in changed if t["milestone"]]
    parts = []
    if tasks:
        parts.append(f"{len(tasks)} task{'' if len(tasks) == 1 else 's'}")
    if milestones:
        shown = ", ".join(milestones[:3]) + (
            f" and {len(milestones) - 3} more" if len(milestones) > 3 else ""
        )
        parts.append(f"milestone{'' if len(milestones) == 1 else 's'} {shown}")
    if not parts:
        return "Nothing else moved in the schedule."
    delays = [float(t["delay_days"]) for t in changed]
    low, high = min(delays), max(delays)
    if low == high:
        how = _signed(high)
    elif low >= 0:
        how = f"by up to {_signed(high)}"
    else:
        how = f"by {_signed(low)} to {_signed(high)}"
    finish = moved.get("finish", {}).get("delay_days", 0.0)
    tail = f"; the program finish moved {_signed(finish)}" if finish else ""
    return f"{' and '.join(parts)} moved {how}{tail}."


def _signed(days: float) -> str:
    return f"{days:+g} d".replace("-", "−")


#: The fields of a new work item's form, in the order a problem is looked for in them.
NEW_ITEM_FIELDS = ("id", "name", "duration")


def new_item_problems(invalid: PlanInvalid) -> list[Problem]:
    """The problems of a refused new work item, each named after the form field it is about
    (``id``, ``name``, ``duration``; ``body`` for the rest): the service reports them as
    ``duration: invalid duration 'x'`` or ``duplicate task id 'x' …``."""
    problems = []
    for problem in invalid.problems:
        text = problem.message
        if text.startswith("add ") and ": " in text:
            text = text.split(": ", 1)[1]
        field = "body"
        for name in NEW_ITEM_FIELDS:
            if text.startswith(f"{name}: "):
                field, text = name, text.removeprefix(f"{name}: ")
                break
        if text.startswith("duplicate task id"):
            field = "id"
        problems.append(Problem(problem.code, text, Location(path=field)))
    return problems
