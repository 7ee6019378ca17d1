"""The sections of the team report, once per project: work due in the next two weeks,
what is overdue or blocked, who works on what in those weeks, and sprint progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from progman.reports import charts
from progman.services.reports.context import as_day

if TYPE_CHECKING:
    from progman.domain import Project, Sprint
    from progman.engine.schedule_table import TaskSchedule
    from progman.services.reports.context import ReportContext

#: The most rows a list shows (the rest are counted).
SHOWN = 40


@dataclass(frozen=True)
class TaskRow:
    id: str
    name: str
    start: datetime
    finish: datetime
    percent: float | None
    status: str | None
    people: str  # "anna 50 %, ben"
    float_days: float
    critical: bool


@dataclass(frozen=True)
class Due:
    rows: tuple[TaskRow, ...]
    more: int
    first: date
    last: date


def _open_tasks(ctx: ReportContext, project: Project) -> list[TaskSchedule]:
    """The project's tasks (no summaries) not complete, in plan order."""
    table = ctx.schedule.tasks
    positions = table.positions(project=project.id) if hasattr(table, "positions") else None
    rows = [table[int(k)] for k in positions] if positions is not None else list(table)
    return [t for t in rows if t.project == project.id and not t.summary and not t.complete]


def _row(ctx: ReportContext, task: TaskSchedule) -> TaskRow:
    item = ctx.items[task.id]
    people = ", ".join(
        (a.resource or a.role or "?") + ("" if a.units == 1 else f" {a.units * 100:.0f} %")
        for a in item.resources
    )
    return TaskRow(
        task.id, task.name, task.start, task.finish, item.percent_complete, item.status,
        people, task.total_float, task.critical,
    )  # fmt: skip


def due(ctx: ReportContext, project: Project) -> Due:
    """Tasks and milestones of ``project`` that finish from the status date to two weeks
    after it, the earliest first."""
    first, last = ctx.when, ctx.horizon
    found = [t for t in _open_tasks(ctx, project) if first <= t.finish.date() <= last]
    found.sort(key=lambda t: (t.finish, t.id))
    return Due(tuple(_row(ctx, t) for t in found[:SHOWN]), max(len(found) - SHOWN, 0), first, last)


@dataclass(frozen=True)
class Problem:
    task: TaskRow
    kind: str  # "overdue", "late" or "blocked"
    why: str


@dataclass(frozen=True)
class Overdue:
    rows: tuple[Problem, ...]
    more: int


def overdue(ctx: ReportContext, project: Project) -> Overdue:
    """Unfinished work past its baseline finish or deadline, work forecast after its
    deadline, and work marked blocked (with what drives it)."""
    frozen = ctx.baseline.tasks if ctx.baseline is not None else {}
    problems = []
    for task in _open_tasks(ctx, project):
        item = ctx.items[task.id]
        was = as_day(frozen[task.id].finish) if task.id in frozen else None
        if task.deadline is not None and task.deadline < ctx.when:
            problems.append(("overdue", f"deadline {task.deadline} has passed", task))
        elif was is not None and was < ctx.when:
            problems.append(("overdue", f"baseline {ctx.baseline.id} finished it on {was}", task))  # type: ignore[union-attr]
        elif task.deadline is not None and task.finish.date() > task.deadline:
            problems.append(("late", f"forecast after its deadline {task.deadline}", task))
        if item.status == "blocked":
            driver = task.driving_predecessor
            problems.append(("blocked", f"marked blocked; driven by {driver or 'nothing'}", task))
    order = {"blocked": 0, "overdue": 1, "late": 2}
    problems.sort(key=lambda p: (order[p[0]], p[2].finish, p[2].id))
    return Overdue(
        tuple(Problem(_row(ctx, t), kind, why) for kind, why, t in problems[:SHOWN]),
        max(len(problems) - SHOWN, 0),
    )


@dataclass(frozen=True)
class PersonLine:
    id: str
    name: str
    tasks: tuple[tuple[str, str, float, datetime, datetime], ...]  # id, name, units, from, to


@dataclass(frozen=True)
class Assignments:
    people: tuple[PersonLine, ...]
    unstaffed: tuple[str, ...]  # tasks in the window with a role and no person
    first: date
    last: date


def assignments(ctx: ReportContext, project: Project) -> Assignments:
    """Who works on which of the project's open tasks from the status date to two weeks
    after it."""
    first, last = ctx.when, ctx.horizon
    names = {r.id: r.name for r in ctx.program.resources}
    kinds = {r.id: r.kind for r in ctx.program.resources}
    by_person: dict[str, list[tuple[str, str, float, datetime, datetime]]] = {}
    unstaffed = []
    for task in _open_tasks(ctx, project):
        if task.start.date() > last or task.finish.date() < first or task.milestone:
            continue
        for a in ctx.items[task.id].resources:
            if a.resource is None:
                unstaffed.append(f"{task.id} ({a.role or a.skill or 'someone'})")
            elif kinds.get(a.resource) != "cost":
                by_person.setdefault(a.resource, []).append(
                    (task.id, task.name, a.units, task.start, task.finish)
                )
    people = tuple(
        PersonLine(ident, names.get(ident, ident), tuple(sorted(tasks, key=lambda t: t[3])))
        for ident, tasks in sorted(by_person.items(), key=lambda p: names.get(p[0], p[0]))
    )
    return Assignments(people, tuple(unstaffed), first, last)


@dataclass(frozen=True)
class SprintRow:
    sprint: Sprint
    done_points: float | None  # the points of its stories done (the active sprint's so far)
    stories: int


@dataclass(frozen=True)
class Sprints:
    rows: tuple[SprintRow, ...]
    velocity: float | None  # the mean completed points of the closed sprints
    total_points: float
    burndown: charts.Chart | None


def sprints(ctx: ReportContext, project: Project) -> Sprints:
    """The project's sprints with commitment and completion, the mean velocity, and the
    burndown of its story points across the sprints."""
    mine = sorted((s for s in ctx.program.sprints if s.project == project.id),
                  key=lambda s: s.start)  # fmt: skip
    stories = [i for i in project.work_items() if i.story_points is not None]
    total = float(sum(i.story_points or 0 for i in stories))
    rows = []
    for sprint in mine:
        members = [i for i in stories if i.sprint == sprint.id]
        done = sum(i.story_points or 0 for i in members if _done(i.status, i.percent_complete))
        rows.append(SprintRow(sprint, float(done) if members else None, len(members)))
    closed = [s.completed for s in mine if s.state == "closed" and s.completed is not None]
    velocity = sum(closed) / len(closed) if closed else None
    chart = _burndown(project, rows, total, velocity) if mine and total else None
    return Sprints(tuple(rows), velocity, total, chart)


def _done(status: str | None, percent: float | None) -> bool:
    return status == "done" or percent == 100


def _burndown(
    project: Project, rows: list[SprintRow], total: float, velocity: float | None
) -> charts.Chart:
    left, points = total, []
    for row in rows:
        sprint = row.sprint
        if sprint.state == "closed":
            left -= sprint.completed or 0
            points.append((sprint.id, sprint.finish, max(left, 0.0), False))
        elif sprint.state == "active":
            left -= row.done_points or 0
            points.append((sprint.id, sprint.finish, max(left, 0.0), False))
        elif velocity:
            left -= velocity
            points.append((sprint.id, sprint.finish, max(left, 0.0), True))
    return charts.burndown(f"Burndown: story points of {project.id} left after each sprint",
                           points, total)  # fmt: skip
