"""The sections of the executive report: where the program stands and why, what the
strategy rests on, when the milestones land, the top risks, and what waits for a decision.

Each function takes the :class:`ReportContext` and returns what its template shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from progman.reports import charts
from progman.services.reports.context import as_day
from progman.services.risks import LEVELS

if TYPE_CHECKING:
    from progman.domain import ChangeRequest, Decision, StageGate
    from progman.domain.health import Health, Reason
    from progman.engine.strategy import BenefitStatus, ObjectiveForecast
    from progman.services.reports.context import ReportContext
    from progman.services.risks import RiskAssessment, RiskMatrix

#: The risks an executive report lists, the highest scores first.
TOP_RISKS = 5
#: How far back the decision log is shown (days before the status date).
RECENT_DECISION_DAYS = 30


@dataclass(frozen=True)
class ScopeStatus:
    id: str
    name: str
    rag: str  # the colour shown: the override's when there is one
    computed: str
    override: str | None  # the override's comment
    reasons: tuple[Reason, ...]  # amber and red, worst first
    green: int  # how many green reasons are not listed


@dataclass(frozen=True)
class Status:
    program: ScopeStatus
    projects: tuple[ScopeStatus, ...]
    simulated: bool


def status(ctx: ReportContext) -> Status:
    """The program's and each project's health with the reasons that are not green."""
    found = ctx.health
    return Status(
        _scope(found.key, found.name, found.program),
        tuple(
            _scope(ident, name, health)
            for ident, name, health in found.scopes
            if ctx.project in (None, ident)
        ),
        found.simulated,
    )


def _scope(ident: str, name: str, health: Health) -> ScopeStatus:
    order = {"red": 0, "amber": 1}
    shown = sorted((r for r in health.reasons if r.rag != "green"), key=lambda r: order[r.rag])
    return ScopeStatus(
        ident,
        name,
        health.shown,
        health.rag,
        health.override.comment if health.override else None,
        tuple(shown),
        len(health.reasons) - len(shown),
    )


@dataclass(frozen=True)
class Goals:
    objectives: tuple[ObjectiveForecast, ...]
    benefits: tuple[BenefitStatus, ...]
    simulated: bool


def objectives(ctx: ReportContext) -> Goals:
    """Objectives with progress and forecast, benefits and what they depend on."""
    found = ctx.strategy.strategy
    return Goals(found.objectives, found.benefits, found.simulated)


@dataclass(frozen=True)
class MilestoneForecast:
    id: str
    name: str
    project: str
    deadline: date | None
    baseline: date | datetime | None  # its finish in the latest baseline
    forecast: datetime  # the CPM schedule's
    slip_days: float | None  # calendar days from the baseline's finish to the forecast
    float_days: float
    late: bool
    complete: bool
    p50: datetime | None = None
    p80: datetime | None = None
    on_time: float | None = None  # the share of iterations meeting the deadline

    @property
    def state(self) -> str:
        """done, late (forecast after the deadline), at risk (P80 after it), critical (no
        float left) or on track."""
        if self.complete:
            return "done"
        if self.late:
            return "late"
        if self.deadline is not None and self.p80 is not None and self.p80.date() > self.deadline:
            return "at risk"
        return "critical" if self.float_days <= 0 else "on track"


@dataclass(frozen=True)
class Milestones:
    lines: tuple[MilestoneForecast, ...]
    baseline: str | None
    finish: datetime
    finish_p50: datetime | None
    finish_p80: datetime | None
    iterations: int | None
    roadmap: charts.Chart
    trend: charts.Chart | None
    histogram: charts.Chart | None


def milestones(ctx: ReportContext) -> Milestones:
    """Every milestone: baseline, forecast, float, and P50/P80 when simulated; the roadmap,
    the milestone trend and the finish histogram."""
    from progman.services.dashboard import milestone_lines  # noqa: PLC0415

    schedule, simulation, baseline = ctx.schedule, ctx.simulation, ctx.baseline
    frozen = baseline.tasks if baseline is not None else {}
    lines = []
    for m in milestone_lines(schedule):
        if ctx.project not in (None, m.project):
            continue
        was = frozen[m.id].finish if m.id in frozen else None
        guess = simulation.milestones.get(m.id) if simulation is not None else None
        lines.append(
            MilestoneForecast(
                m.id, m.name, m.project, m.deadline, was, m.forecast,
                None if was is None else float((m.forecast.date() - as_day(was)).days),
                m.float_days, m.late, ctx.items[m.id].percent_complete == 100,
                guess.p50 if guess else None, guess.p80 if guess else None,
                guess.probability_on_time if guess else None,
            )
        )  # fmt: skip
    lines.sort(key=lambda m: (m.forecast, m.id))
    return Milestones(
        tuple(lines),
        baseline.id if baseline is not None else None,
        schedule.finish,
        simulation.finish.get("p50") if simulation else None,
        simulation.finish.get("p80") if simulation else None,
        simulation.iterations if simulation else None,
        charts.roadmap(
            _roadmap_rows(ctx),
            [charts.Mark(m.id, m.project, m.forecast, m.late) for m in lines],
            ctx.when,
        ),
        _trend(ctx, lines),
        _histogram(ctx),
    )


def _histogram(ctx: ReportContext) -> charts.Chart | None:
    from progman.services.simulation import finish_histogram  # noqa: PLC0415

    simulation = ctx.simulation
    if simulation is None or not simulation.finish_days:
        return None
    weeks = [(b.week, b.count) for b in finish_histogram(simulation)]
    marks = [
        ("plan", ctx.schedule.finish),
        ("P50", simulation.finish.get("p50")),
        ("P80", simulation.finish.get("p80")),
    ]
    return charts.histogram(weeks, marks, simulation.iterations)


def _roadmap_rows(ctx: ReportContext) -> tuple[charts.Bar, ...]:
    """A bar per project, coloured by its health."""
    health = ctx.health.projects
    rows = []
    for project in ctx.projects:
        start, finish = ctx.project_spans[project.id]
        if start is not None and finish is not None:
            rows.append(
                charts.Bar(project.id, project.name, start, finish, health[project.id].shown)
            )
    return tuple(rows)


def _trend(ctx: ReportContext, lines: list[MilestoneForecast]) -> charts.Chart | None:
    """Each milestone's finish as each baseline froze it and as forecast now."""
    baselines = sorted(ctx.program.baselines, key=lambda b: b.created)
    if not baselines:
        return None
    series = []
    for m in lines:
        points = [(b.created, as_day(b.tasks[m.id].finish)) for b in baselines if m.id in b.tasks]
        points.append((ctx.when, m.forecast.date()))
        if len(points) > 1:
            series.append(charts.Series(m.id, tuple(points)))
    return charts.milestone_trend(tuple(series)) if series else None


@dataclass(frozen=True)
class TopRisks:
    risks: tuple[RiskAssessment, ...]
    open: int
    matrix: charts.Chart
    currency: str


def risks(ctx: ReportContext) -> TopRisks:
    """The open risks with the highest scores, and the 5×5 matrix of all open ones."""
    report = ctx.risks
    mine = [e for e in report.entries if ctx.project in (None, e.risk.project)]
    return TopRisks(
        tuple(mine[:TOP_RISKS]),
        len(mine),
        matrix(report.matrix),
        ctx.program.currency,
    )


def matrix(grid: RiskMatrix) -> charts.Chart:
    """The risk register's 5×5 matrix drawn."""
    levels = range(1, LEVELS + 1)
    return charts.risk_matrix(
        [[grid.ids(p, i) for i in levels] for p in levels],
        [[grid.rating(p, i) for i in levels] for p in levels],
    )


@dataclass(frozen=True)
class Waiting:
    changes: tuple[ChangeRequest, ...]  # submitted (to decide) or approved (to apply)
    gates: tuple[tuple[StageGate, datetime | None], ...]  # undecided, with their forecast
    open_decisions: tuple[Decision, ...]  # logged without an outcome
    recent: tuple[Decision, ...]  # decided in the last days up to the status date


def decisions(ctx: ReportContext) -> Waiting:
    """Change requests to decide or apply, gates still to pass, and recent decisions."""
    program = ctx.program
    changes = tuple(r for r in program.change_requests if r.state in ("submitted", "approved"))
    gates = []
    for gate in program.gates:
        if gate.decision is not None or ctx.project not in (None, gate.project):
            continue
        forecast = None
        if gate.milestone is not None and gate.milestone in ctx.items:
            forecast = ctx.schedule.task(gate.milestone).finish
        gates.append((gate, forecast))
    gates.sort(key=lambda g: (g[0].planned or date.max, g[0].id))
    since = ctx.when - timedelta(days=RECENT_DECISION_DAYS)
    return Waiting(
        changes,
        tuple(gates),
        tuple(d for d in program.decisions if not d.outcome),
        tuple(
            sorted(
                (d for d in program.decisions if d.outcome and since < d.date <= ctx.when),
                key=lambda d: d.date,
                reverse=True,
            )
        ),
    )
