"""The sections of the program report: each project against the latest baseline, the
cross-project links that put a project at risk, people over capacity, budget and cost by
earned value, the risk register by project, and the change requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from progman.reports import charts
from progman.services.reports.context import as_day

if TYPE_CHECKING:
    from progman.domain import ChangeRequest
    from progman.engine.evm import Measures
    from progman.services.dashboard import ConflictLine
    from progman.services.reports.context import ReportContext
    from progman.services.risks import RiskAssessment

#: A cross-project link is at risk when its successor has no more total float than this
#: (working days), or when it drives a successor that has none.
AT_RISK_FLOAT_DAYS = 5.0
#: The most rows a long list shows (the rest are counted).
SHOWN = 25


@dataclass(frozen=True)
class ProjectRow:
    id: str
    name: str
    rag: str
    start: datetime | None
    finish: datetime | None
    deadline: date | None
    baseline_finish: date | datetime | None
    finish_days: float | None  # the finish against the baseline's, working days (+ later)
    float_days: float | None  # the least total float of its tasks
    tasks: int
    critical: int


@dataclass(frozen=True)
class Projects:
    rows: tuple[ProjectRow, ...]
    baseline: str | None
    gantt: charts.Chart


def projects(ctx: ReportContext) -> Projects:
    """Each project's finish, float and trend against the latest baseline, and the Gantt of
    the projects with their baseline bars."""
    from progman.services.dashboard import project_lines  # noqa: PLC0415

    variance, baseline, health = ctx.variance, ctx.baseline, ctx.health.projects
    lines = {line.id: line for line in project_lines(ctx.program, ctx.schedule)}
    starts: dict[str, date | datetime] = {}
    if baseline is not None:
        owner = ctx.program.project_of()
        for ident, task in baseline.tasks.items():
            project = owner.get(ident)
            if project is not None and (
                project.id not in starts or as_day(task.start) < as_day(starts[project.id])
            ):
                starts[project.id] = task.start
    rows, bars = [], []
    for project in ctx.projects:
        line = lines[project.id]
        scope = variance.projects.get(project.id) if variance is not None else None
        start = ctx.project_spans[project.id][0]
        rows.append(
            ProjectRow(
                project.id, project.name, health[project.id].shown, start, line.finish,
                project.deadline, scope.baseline_finish if scope else None,
                scope.finish_days if scope and scope.baseline_finish else None,
                line.float_days, line.tasks, line.critical,
            )
        )  # fmt: skip
        if start is not None and line.finish is not None:
            was = scope.baseline_finish if scope else None
            bars.append(
                charts.Bar(
                    project.id, f"{project.id} {project.name}", start, line.finish,
                    health[project.id].shown, starts.get(project.id),
                    was,
                )
            )  # fmt: skip
    title = "Gantt: projects" + (f" against baseline {baseline.id}" if baseline else "")
    return Projects(
        tuple(rows), baseline.id if baseline else None, charts.gantt(title, bars, ctx.when)
    )


@dataclass(frozen=True)
class LinkRow:
    predecessor: str
    predecessor_project: str
    predecessor_finish: datetime
    successor: str
    successor_project: str
    successor_start: datetime
    type: str
    lag: str
    float_days: float  # the successor's total float
    pushing: bool  # the link drives a successor with no float


@dataclass(frozen=True)
class Dependencies:
    rows: tuple[LinkRow, ...]
    more: int
    links: int  # every cross-project link
    float_days: float


def dependencies(ctx: ReportContext) -> Dependencies:
    """The links from one project into another whose successor has little or no float
    left, the driving ones first."""
    from progman.services.board import cross_project_links  # noqa: PLC0415

    schedule = ctx.schedule
    links = cross_project_links(ctx.program, schedule)
    rows = []
    befores = schedule.tasks_of([link.predecessor for link in links])
    afters = schedule.tasks_of([link.successor for link in links])
    for link, before, after in zip(links, befores, afters, strict=True):
        if after.complete or (after.total_float > AT_RISK_FLOAT_DAYS and not link.pushing):
            continue
        rows.append(
            LinkRow(
                before.id, before.project, before.finish, after.id, after.project, after.start,
                link.type, link.lag, after.total_float, link.pushing,
            )
        )  # fmt: skip
    rows.sort(key=lambda r: (not r.pushing, r.float_days, r.successor_start))
    return Dependencies(
        tuple(rows[:SHOWN]), max(len(rows) - SHOWN, 0), len(links), AT_RISK_FLOAT_DAYS
    )


@dataclass(frozen=True)
class Conflicts:
    lines: tuple[ConflictLine, ...]  # from the status date on, the earliest first
    more: int
    people: int  # people over capacity at some time from the status date on
    past: int  # periods before the status date, not listed


def conflicts(ctx: ReportContext) -> Conflicts:
    """People loaded beyond their capacity from the status date on, by period."""
    from progman.services.dashboard import conflict_lines  # noqa: PLC0415

    every = conflict_lines(ctx.program, ctx.schedule, ctx.load)
    ahead = [c for c in every if c.finish >= ctx.when]
    return Conflicts(
        tuple(ahead[:SHOWN]),
        max(len(ahead) - SHOWN, 0),
        len({c.resource for c in ahead}),
        len(every) - len(ahead),
    )


@dataclass(frozen=True)
class CostRow:
    id: str
    name: str
    budget: float | None
    measures: Measures | None


@dataclass(frozen=True)
class Budget:
    rows: tuple[CostRow, ...]  # the program first
    baseline: str | None
    currency: str
    s_curve: charts.Chart | None


def budget(ctx: ReportContext) -> Budget:
    """Budget, earned value (PV, EV, AC, CPI, SPI, EAC) per project, and the S-curve."""
    earned, program = ctx.earned_value, ctx.program
    rows = [
        CostRow(program.key, "whole program", program.budget, earned.program if earned else None)
    ]
    rows += [
        CostRow(p.id, p.name, p.budget, earned.projects.get(p.id) if earned else None)
        for p in ctx.projects
    ]
    curve = None
    if earned is not None and earned.weeks:
        curve = charts.s_curve(
            [(w.monday, w.pv, w.ev, w.ac) for w in earned.weeks], earned.status_date,
            program.currency,
        )  # fmt: skip
    return Budget(tuple(rows), earned.baseline if earned else None, program.currency, curve)


@dataclass(frozen=True)
class RiskRow:
    id: str
    name: str
    open: int
    severe: int  # rated high or critical
    expected_days: float  # the sum of probability × schedule impact
    top: RiskAssessment | None


@dataclass(frozen=True)
class ProjectRisks:
    rows: tuple[RiskRow, ...]
    escalate: tuple[RiskAssessment, ...]  # project risks to escalate to the program


def risks_by_project(ctx: ReportContext) -> ProjectRisks:
    """The open risks and issues of the program and of each project."""
    report = ctx.risks
    scopes = [(None, ctx.program.key, "program risks")] + [
        (p.id, p.id, p.name) for p in ctx.projects
    ]
    rows = []
    for scope, ident, name in scopes:
        mine = [e for e in report.entries if e.risk.project == scope]
        rows.append(
            RiskRow(
                ident, name, len(mine),
                sum(1 for e in mine if e.rating in ("high", "critical")),
                round(sum(e.expected_days for e in mine), 1),
                mine[0] if mine else None,
            )
        )  # fmt: skip
    return ProjectRisks(tuple(rows), tuple(report.escalation))


@dataclass(frozen=True)
class Changes:
    requests: tuple[ChangeRequest, ...]


def changes(ctx: ReportContext) -> Changes:
    """Every change request, the ones still open first."""
    order = {"submitted": 0, "approved": 1, "draft": 2, "applied": 3, "rejected": 4}
    return Changes(
        tuple(sorted(ctx.program.change_requests, key=lambda r: (order.get(r.state, 5), r.id)))
    )
