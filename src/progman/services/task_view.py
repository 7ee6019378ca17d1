"""One work item as the web UI's task page shows it: its fields, its computed dates and
floats, who works on it, its links both ways, and what moves if it slips (the question of
``progman impact --task ID --slip N``, answered by :mod:`progman.services.impact`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from progman.domain import Program, WorkItem
from progman.domain.access import User
from progman.services.impact import ImpactResult, impact_change, impact_of
from progman.services.scheduling import TaskSchedule, stored_schedule
from progman.services.work_items import find_item, version_of

#: The largest slip the task page asks about, in working days (about two years).
MAX_SLIP_DAYS = 500


@dataclass(frozen=True)
class LinkLine:
    """A link of the item, seen from it: the other end, its name, type (FS/SS/FF/SF) and
    lag in plan syntax (``2d``, ``-1d``)."""

    other: str
    name: str
    type: str
    lag: str


@dataclass(frozen=True)
class TaskDetail:
    """What the task page shows of one work item."""

    program: Program
    item: WorkItem
    project: str
    parent: str | None
    version: int
    row: TaskSchedule
    predecessors: tuple[LinkLine, ...]
    successors: tuple[LinkLine, ...]


def task_detail(session: Session, user: User, key: str, ident: str) -> TaskDetail:
    """Work item ``ident`` of the stored program ``key`` as ``user`` may see it, with its
    row of the program's schedule (the one the API and the Gantt show)."""
    program, schedule = stored_schedule(session, user, key)
    item, project, parent = find_item(program, ident)
    wanted = {d.task for d in item.depends}
    names: dict[str, str] = {}
    successors: list[LinkLine] = []
    for other in program.work_items():  # one walk: a program may hold 20,000 items
        if other.id in wanted:
            names[other.id] = other.name
        successors += (
            LinkLine(other.id, other.name, d.type, str(d.lag))
            for d in other.depends
            if d.task == ident
        )
    predecessors = tuple(
        LinkLine(d.task, names.get(d.task, ""), d.type, str(d.lag)) for d in item.depends
    )
    return TaskDetail(
        program,
        item,
        project,
        parent,
        version_of(session, key, ident),
        schedule.task(ident),
        predecessors,
        tuple(successors),
    )


def slip_text(days: int) -> str:
    """The ``--slip`` value of ``days`` working days (``5d``)."""
    return f"{days}d"


def slip_impact(
    program: Program, ident: str, days: int, *, status_date: date | None = None
) -> ImpactResult:
    """What moves if work item ``ident`` slips ``days`` working days: the answer of
    ``progman impact --task ID --slip {days}d`` (a done task cannot slip: a usage error)."""
    change = impact_change(task=ident, slip=slip_text(days))
    return impact_of(program, change, status_date=status_date)
