"""The program board (the web UI's cross-project view): projects as lanes, and the links
that cross from one project into another as arrows between the tasks they join.

A link is *pushing* when it drives its successor (the successor starts when the link
lets it: its driving predecessor) and that successor has no float left (critical, or
behind a deadline): that project waits on the other one right now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from progman.services.inputs import check_project
from progman.services.roadmap import month_end, month_starts
from progman.services.scheduling import stored_schedule

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from progman.domain import Program
    from progman.domain.access import User
    from progman.engine.schedule import Schedule


#: The share of the axis a task's id takes after its bar (for packing the rows).
LABEL_SHARE = 0.09


@dataclass(frozen=True)
class BoardTask:
    id: str
    name: str
    project: str
    start: datetime
    finish: datetime
    milestone: bool
    total_float: float
    row: int = 0  # its row in its project's lane: tasks that would overlap take others


@dataclass(frozen=True)
class BoardLink:
    predecessor: str
    successor: str
    type: str
    lag: str
    pushing: bool


@dataclass(frozen=True)
class Board:
    projects: tuple[tuple[str, str], ...]  # the lanes: (id, name), plan order
    tasks: tuple[BoardTask, ...]  # the tasks at either end of a cross-project link
    links: tuple[BoardLink, ...]
    first: date
    last: date
    months: tuple[date, ...]
    status_date: date | None
    rows: dict[str, int]  # rows in each project's lane

    def at(self, moment: date | datetime) -> float:
        """Where ``moment`` sits on the axis, as a share of its width (0 to 1)."""
        day = moment.date() if isinstance(moment, datetime) else moment
        span = (self.last - self.first).days + 1
        return min(max((day - self.first).days, 0), span) / span


def cross_project_links(
    program: Program, schedule: Schedule, project: str | None = None
) -> tuple[BoardLink, ...]:
    """The links from one project into another (into or out of ``project`` only, when
    given), in plan order of their successors, each marked pushing or not."""
    owner = {item.id: p.id for p in program.projects for item in p.work_items()}
    found = [
        (dep, item.id)
        for item in program.work_items()
        for dep in item.depends
        if owner.get(dep.task) != owner[item.id]
        and (project is None or project in (owner.get(dep.task), owner[item.id]))
    ]
    successors = schedule.tasks_of([succ for _, succ in found])
    return tuple(
        BoardLink(
            dep.task, succ.id, dep.type, str(dep.lag),
            succ.driving_predecessor == dep.task and succ.total_float <= 0,
        )
        for (dep, _), succ in zip(found, successors, strict=True)
    )  # fmt: skip


def program_board(session: Session, user: User, key: str, *, project: str | None = None) -> Board:
    """The board of the stored program ``key``; with ``project``, only the links into or
    out of that project."""
    program, schedule = stored_schedule(session, user, key)
    if project is not None:
        check_project(program, project, option="project")
    links = cross_project_links(program, schedule, project)
    ends = {ident for link in links for ident in (link.predecessor, link.successor)}
    days = [program.start, schedule.finish.date()]
    first, last = min(days).replace(day=1), month_end(max(days))
    label_days = (last - first).days * LABEL_SHARE  # room for a task's id after its bar
    free_from: dict[str, list[float]] = {}  # per lane, per row: the day it is free again
    tasks, rows = [], {}
    for ident in sorted(ends, key=lambda i: (schedule.task(i).start, i)):
        t = schedule.task(ident)
        begins = (t.start.date() - first).days
        taken = free_from.setdefault(t.project, [])
        row = next((r for r, free in enumerate(taken) if free <= begins), len(taken))
        if row == len(taken):
            taken.append(0.0)
        taken[row] = (t.finish.date() - first).days + label_days
        rows[t.project] = len(taken)
        tasks.append(
            BoardTask(t.id, t.name, t.project, t.start, t.finish, t.milestone, t.total_float, row)
        )
    lanes = tuple(
        (p.id, p.name)
        for p in program.projects
        if project is None or p.id == project or any(t.project == p.id for t in tasks)
    )
    return Board(
        lanes, tuple(tasks), links, first, last, month_starts(first, last),
        schedule.status_date, rows,
    )  # fmt: skip
