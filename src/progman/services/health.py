"""Health (RAG) of a program and its projects with the reasons (``progman health``).

Five signals, each read from what progman already computes, each measure giving one
reason per scope (the worst item named, with its figure, and how many more):

* schedule: milestones (and projects) forecast after their deadline, by the plan's CPM
  schedule and, when the caller passes a simulation, by its P80; the least total float;
  SPI and SPI(t) when the plan has a baseline and a status date;
* cost: CPI; the estimate at completion (EAC by earned value, else the plan's planned
  cost) against the budget of the project or the program;
* risk: open risks and issues scoring at or above the limits, project risks to escalate;
* resources: person-days over capacity in the weeks after the status date;
* scope: change requests submitted or approved in the weeks up to the status date.

The limits are the plan's ``health:`` section (:mod:`progman.domain.health`, defaults
there). Nothing here reads a database but :func:`stored_health`, which only loads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from progman.domain.health import (
    Health,
    HealthSettings,
    Limits,
    Rag,
    Reason,
    Signal,
    health_of,
    rate_high,
    rate_low,
)
from progman.errors import UsageError
from progman.services.plans import PlanSource, load_program

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from progman.domain import Program
    from progman.domain.access import User
    from progman.engine.build import BuiltNetwork
    from progman.engine.evm import EarnedValue, Measures
    from progman.engine.impact_compare import ScheduledProgram
    from progman.engine.schedule import Schedule
    from progman.engine.simulation import Simulation

__all__ = [
    "Health",
    "ProgramHealth",
    "Reason",
    "SimulationRun",
    "health_json",
    "health_of_source",
    "program_health",
]

PROGRAM = None  # the scope key of the program in the per-scope dictionaries below


class SimulationRun(NamedTuple):
    """Which simulation the P80 forecasts were read from."""

    iterations: int
    seed: int
    leveled: bool


@dataclass(frozen=True)
class ProgramHealth:
    """The health of the program and of each project, as of ``status_date``."""

    key: str
    name: str
    status_date: date | None
    program: Health
    projects: dict[str, Health]
    names: dict[str, str]  # project id -> name
    earned_value: bool  # SPI, SPI(t) and CPI were measured (a baseline and a status date)
    simulated: bool  # P80 forecasts were read from a simulation
    simulation: SimulationRun | None = None  # ...this one

    @property
    def scopes(self) -> list[tuple[str, str, Health]]:
        """Each project as (id, name, health), in plan order."""
        return [(ident, self.names[ident], h) for ident, h in self.projects.items()]

    def to_json(self) -> dict[str, Any]:
        """``health --json`` (SPEC §5)."""
        return {
            "program": self.program.to_json(),
            "projects": {ident: h.to_json() for ident, h in self.projects.items()},
        }


def health_json(result: ProgramHealth) -> dict[str, Any]:
    return result.to_json()


def health_of_source(
    source: PlanSource,
    *,
    status_date: date | None = None,
    iterations: int | None = None,
    seed: int = 0,
) -> ProgramHealth:
    """The health of the plan ``source`` names; with ``iterations``, the P80 forecasts of a
    simulation of that many iterations (seeded) count too."""
    from progman.services.simulation import simulate_program  # noqa: PLC0415 - numba: on use

    program = load_program(source)
    simulation = None
    if iterations is not None:
        simulation = simulate_program(
            program, iterations=iterations, seed=seed, status_date=status_date
        )
    return program_health(program, status_date=status_date, simulation=simulation)


def stored_health(session: Session, user: User, key: str) -> ProgramHealth:
    """The health of the stored program ``key`` as ``user`` may see it."""
    from progman.services.catalog import visible_program  # noqa: PLC0415 - database stack

    return program_health(visible_program(session, user, key))


def program_health(
    program: Program,
    *,
    status_date: date | None = None,
    simulation: Simulation | None = None,
    earned: EarnedValue | bool | None = True,
) -> ProgramHealth:
    """Health of ``program`` and its projects as of ``status_date`` (default: its own);
    P80 forecasts too when ``simulation`` (of this program) is given. ``earned``: the
    earned value of ``program`` as of ``status_date`` when the caller has measured it
    already (None: it has none), True to measure it here."""
    from progman.engine.schedule import describe  # noqa: PLC0415 - numba: on use
    from progman.engine.scheduled import scheduled  # noqa: PLC0415 - numba: on use

    settings = program.health or HealthSettings()
    when = status_date or program.status_date
    done = scheduled(program, status_date)  # the one CPM pass every measure reads
    planned = describe(program, done.built, done.result, status=when)
    reasons: dict[str | None, list[Reason]] = {PROGRAM: [], **{p.id: [] for p in program.projects}}
    gather = _Gatherer(program, settings, reasons)
    gather.schedule(planned, done.built, simulation)
    if earned is True:
        earned = _earned_value(program, status_date, done) if when is not None else None
    elif earned is False:
        earned = None
    gather.earned_value(earned)
    gather.cost(earned, planned_costs_by_project(program, status_date, done.built))
    gather.risks()
    if when is not None:
        gather.resources(planned, done.built, when)
        gather.scope(when)
    return ProgramHealth(
        key=program.key,
        name=program.name,
        status_date=when,
        program=health_of(reasons[PROGRAM], settings.override_of(None)),
        projects={
            p.id: health_of(reasons[p.id], settings.override_of(p.id)) for p in program.projects
        },
        names={p.id: p.name for p in program.projects},
        earned_value=earned is not None,
        simulated=simulation is not None,
        simulation=None
        if simulation is None
        else SimulationRun(simulation.iterations, simulation.seed, simulation.leveled),
    )


def _earned_value(
    program: Program, status_date: date | None, done: ScheduledProgram
) -> EarnedValue | None:
    """Earned value against the latest baseline, or None when the plan has none; ``done``
    is ``program`` scheduled as of ``status_date`` already."""
    from progman.services.evm import program_earned_value  # noqa: PLC0415 - numba: on use

    if not program.baselines:
        return None
    try:
        return program_earned_value(program, status_date=status_date, done=done)
    except UsageError:
        return None


def planned_costs_by_project(
    program: Program, status_date: date | None, built: BuiltNetwork
) -> dict[str, float]:
    """The plan's cost of each project at its scheduled durations."""
    from progman.engine.cost import planned_costs  # noqa: PLC0415 - numba: on use

    costs = planned_costs(program, status_date, built=built)
    n = built.item_count
    sums = np.bincount(
        built.project_of[:n], weights=costs.cost[:n], minlength=len(program.projects)
    )
    return {p.id: round(float(sums[k]), 2) for k, p in enumerate(program.projects)}


class _Gatherer:
    """Adds each measure's reason to the program's and each project's list."""

    def __init__(
        self, program: Program, settings: HealthSettings, reasons: dict[str | None, list[Reason]]
    ) -> None:
        self.program = program
        self.limits = settings.thresholds
        self.settings = settings
        self.reasons = reasons
        self.currency = program.currency

    def add(self, scope: str | None, signal: Signal, rag: Rag, text: str) -> None:
        self.reasons[scope].append(Reason(signal, rag, f"{rag.capitalize()}: {text}"))

    def scopes(self) -> list[tuple[str | None, str]]:
        """Every scope with how a sentence names it."""
        return [
            (PROGRAM, "the program"),
            *((p.id, f"project {p.id}") for p in self.program.projects),
        ]

    # -- schedule ----------------------------------------------------------------------

    def schedule(
        self, planned: Schedule, built: BuiltNetwork, simulation: Simulation | None
    ) -> None:
        from progman.engine.schedule_table import TaskTable  # noqa: PLC0415 - numba: on use

        tasks = planned.tasks
        if not isinstance(tasks, TaskTable):  # a plain schedule is a table
            raise TypeError("a CPM schedule's tasks are a TaskTable")
        late = self._late_items(tasks, planned, built)
        self._slips(late, "forecast", "is forecast")
        if simulation is not None:
            p80 = self._p80_items(simulation, built)
            self._slips(p80, "P80", "has its P80")
        figures = tasks.project_figures()
        least: dict[str | None, tuple[float, str]] = {}
        for project, (_, _, value) in figures.items():
            if value is not None:
                least[project] = (value, f"project {project}")
        if least:
            least[PROGRAM] = min(least.values())
        for scope, (value, where) in least.items():
            rag = rate_low(value, self.limits.float_days)
            self.add(
                scope, "schedule", rag,
                f"the least total float of {where} is {_number(value)} working days",
            )  # fmt: skip

    def _late_items(
        self, tasks: Any, planned: Schedule, built: BuiltNetwork
    ) -> dict[str | None, list[tuple[float, str, int]]]:
        """Per scope: (working days after the deadline, what, how many checked)."""
        tables = built.network.calendars
        positions = tasks.positions(milestone=True)
        complete = tasks.flags("complete")
        found: list[tuple[str, str, datetime, date]] = []
        for k in positions.tolist():
            task = tasks[int(k)]
            if task.deadline is not None and not complete[k]:
                found.append((task.project, f"milestone {task.id}", task.finish, task.deadline))
        for project in self.program.projects:
            figures = planned.projects.get(project.id, {})
            finish = figures.get("finish")
            if project.deadline is not None and finish:
                moment = datetime.fromisoformat(finish)
                found.append((project.id, f"project {project.id}", moment, project.deadline))
        return _slip_days(found, tables, built.program_calendar)

    def _p80_items(
        self, simulation: Simulation, built: BuiltNetwork
    ) -> dict[str | None, list[tuple[float, str, int]]]:
        project_of = self.program.project_of()
        found: list[tuple[str, str, datetime, date]] = []
        for ident, forecast in simulation.milestones.items():
            if forecast.deadline is not None and ident in project_of:
                found.append(
                    (project_of[ident].id, f"milestone {ident}", forecast.p80, forecast.deadline)
                )
        for ident, forecast in simulation.projects.items():
            if forecast.deadline is not None:
                found.append((ident, f"project {ident}", forecast.p80, forecast.deadline))
        return _slip_days(found, built.network.calendars, built.program_calendar)

    def _slips(
        self, late: dict[str | None, list[tuple[float, str, int]]], kind: str, verb: str
    ) -> None:
        limits = self.limits.milestone_slip_days
        for scope, items in late.items():
            checked = items[0][2] if items else 0
            worst = max(items, key=lambda item: item[0], default=None)
            if worst is None or worst[0] <= 0:
                if checked:
                    self.add(
                        scope, "schedule", "green",
                        f"every deadline ({checked}) is met by the {kind} dates",
                    )  # fmt: skip
                continue
            days, what, _ = worst
            more = sum(1 for d, _, _ in items if d > 0) - 1
            also = f" ({more} more late)" if more > 0 else ""
            self.add(
                scope, "schedule", rate_high(days, limits),
                f"{what} {verb} {_number(days)} working days after its deadline{also}",
            )  # fmt: skip

    def earned_value(self, earned: EarnedValue | None) -> None:
        if earned is None:
            return
        by_scope: list[tuple[str | None, str, Measures]] = [
            (PROGRAM, "the program", earned.program),
            *((p, f"project {p}", m) for p, m in earned.projects.items() if p in self.reasons),
        ]
        for scope, where, m in by_scope:
            for name, label, value, signal in (
                ("spi", "SPI", m.spi, "schedule"),
                ("spi_t", "SPI(t)", m.spi_t, "schedule"),
                ("cpi", "CPI", m.cpi, "cost"),
            ):
                if value is None:
                    continue
                limits: Limits = getattr(self.limits, name)
                rag = rate_low(value, limits)
                self.add(
                    scope, signal, rag,  # type: ignore[arg-type]
                    f"{label} of {where} is {_index(value, limits)} against baseline "
                    f"{earned.baseline}"
                    + ("" if rag == "green" else f" (below {getattr(limits, rag):g})"),
                )  # fmt: skip

    # -- cost --------------------------------------------------------------------------

    def cost(self, earned: EarnedValue | None, planned: dict[str, float]) -> None:
        budgets: list[tuple[str | None, str, float | None, float | None]] = [
            (PROGRAM, "the program", self.program.budget, sum(planned.values()))
        ]
        budgets += [
            (p.id, f"project {p.id}", p.budget, planned[p.id]) for p in self.program.projects
        ]
        for scope, where, budget, cost in budgets:
            if budget is None or cost is None:
                continue
            estimate, label = cost, "planned cost"
            if earned is not None:
                measures = earned.program if scope is PROGRAM else earned.projects.get(scope or "")
                if measures is not None and measures.eac is not None:
                    estimate, label = measures.eac, "EAC"
            if budget <= 0:
                over = 0.0 if estimate <= 0 else float("inf")
            else:
                over = estimate / budget - 1
            rag = rate_high(over, self.limits.eac_over_budget)
            money = f"{_money(estimate)} {self.currency}"
            if over > 1e-9:
                share = "" if over == float("inf") else f"{over * 100:.0f} % "
                text = f"{label} {money} is {share}over the budget of {where} ({_money(budget)})"
            else:
                text = f"{label} {money} is within the budget of {where} ({_money(budget)})"
            self.add(scope, "cost", rag, text)

    # -- risk --------------------------------------------------------------------------

    def risks(self) -> None:
        from progman.services.risks import risk_report  # noqa: PLC0415 - light, on use

        report = risk_report(self.program)
        limits = self.limits.risk_score
        threats = [
            e for e in report.entries if e.risk.kind != "opportunity" and e.risk.status != "closed"
        ]
        for scope, where in self.scopes():
            mine = [
                e
                for e in threats
                if (e.risk.project == scope if scope is not PROGRAM else
                    e.risk.project is None or e.risk.escalated)
            ]  # fmt: skip
            if not mine:
                continue
            top = max(mine, key=lambda e: e.score)
            high = sum(1 for e in mine if rate_high(e.score, limits, inclusive=True) != "green")
            rag = rate_high(top.score, limits, inclusive=True)
            if rag == "green":
                text = (
                    f"no open risk of {where} scores {limits.amber:g} or more "
                    f"(top: {top.risk.id}, {top.score})"
                )
            else:
                more = f"; {high - 1} more at {limits.amber:g} or more" if high > 1 else ""
                text = (
                    f"{top.risk.kind} {top.risk.id} of {where} scores {top.score} "
                    f"({top.rating}){more}"
                )
            self.add(scope, "risk", rag, text)
        threshold = self.program.risk_scales.escalation_score
        for scope, where in self.scopes():
            waiting = [
                f"{e.risk.id} ({e.risk.project}, {e.score})"
                for e in report.escalation
                if e.risk.kind != "opportunity" and (scope is PROGRAM or e.risk.project == scope)
            ]
            if waiting:
                one = len(waiting) == 1
                self.add(
                    scope, "risk", "amber",
                    f"{'a project risk' if one else f'{len(waiting)} project risks'} of {where} "
                    f"{'scores' if one else 'score'} {threshold} (the escalation score) or more "
                    f"and {'is' if one else 'are'} not escalated: {_some(waiting)}",
                )  # fmt: skip

    # -- resources ---------------------------------------------------------------------

    def resources(self, planned: Schedule, built: BuiltNetwork, when: date) -> None:
        from progman.engine.load import EPSILON, analyse_load  # noqa: PLC0415 - numba: on use

        weeks = self.settings.lookahead_weeks
        first, last = when + timedelta(days=1), when + timedelta(days=7 * weeks)
        analysis = analyse_load(self.program, planned, built=built)
        lo = max((first - analysis.origin).days, 0)
        hi = min((last - analysis.origin).days + 1, analysis.days)
        over = analysis.load > analysis.capacity + EPSILON
        window = np.zeros(analysis.days, dtype=bool)
        window[lo:hi] = True
        days: dict[str | None, dict[str, int]] = {scope: {} for scope, _ in self.scopes()}
        for row, person in enumerate(analysis.resources):
            count = int((over[row] & window).sum())
            if count:
                days[PROGRAM][person] = count
        for period in analysis.over_allocations:
            row = analysis.index(period.resource)
            a = max(lo, (period.start - analysis.origin).days)
            b = min(hi, (period.finish - analysis.origin).days + 1)
            if a >= b:
                continue
            count = int(over[row, a:b].sum())
            for project in {p for _, p, _ in period.tasks}:
                if project in days and count:
                    mine = days[project]
                    mine[period.resource] = mine.get(period.resource, 0) + count
        span = f"in the {_weeks(weeks)} after {when.isoformat()}"
        for scope, where in self.scopes():
            people = days[scope]
            total = sum(people.values())
            rag = rate_high(total, self.limits.over_allocated_days)
            if not people:
                self.add(scope, "resources", rag, f"no one on {where} is over-allocated {span}")
                continue
            top = max(people, key=lambda p: people[p])
            more = len(people) - 1
            text = (
                f"{total} person-days over capacity on {where} {span}; {top} {people[top]} days"
                + (f", {more} more {'person' if more == 1 else 'people'}" if more else "")
            )
            self.add(scope, "resources", rag, text)

    # -- scope -------------------------------------------------------------------------

    def scope(self, when: date) -> None:
        weeks = self.settings.change_window_weeks
        since = when - timedelta(days=7 * weeks)
        counted: dict[str | None, list[str]] = {scope: [] for scope, _ in self.scopes()}
        owner = {item.id: p.id for p in self.program.projects for item in p.work_items()}
        owner.update({p.id: p.id for p in self.program.projects})
        for request in self.program.change_requests:
            moments = [
                request.submitted,
                *(a.date for a in request.approvals if a.decision == "approved"),
            ]
            if not any(m is not None and since < m <= when for m in moments):
                continue
            counted[PROGRAM].append(request.id)
            for project in {owner.get(c.target.split(":")[-1]) for c in request.changes} - {None}:
                counted[project].append(request.id)
        limits = self.limits.change_requests
        span = f"in the {_weeks(weeks)} to {when.isoformat()}"
        for scope, where in self.scopes():
            ids = counted[scope]
            rag = rate_high(len(ids), limits, inclusive=True)
            if not ids:
                text = f"no change request of {where} was submitted or approved {span}"
            else:
                n = len(ids)
                text = (
                    f"{n} change request{'' if n == 1 else 's'} of {where} submitted or "
                    f"approved {span} ({_some(ids)})"
                )
            self.add(scope, "scope", rag, text)


def _slip_days(
    found: list[tuple[str, str, datetime, date]], tables: Any, calendar: int
) -> dict[str | None, list[tuple[float, str, int]]]:
    """Working days of the program calendar from the end of each deadline day to the
    forecast finish (0 when on time), grouped per project and for the program."""
    by_scope: dict[str | None, list[tuple[float, str, int]]] = {}
    if not found:
        return by_scope
    finish = np.array([tables.to_minutes(f) for _, _, f, _ in found], dtype=np.int64)
    deadline = np.array(
        [tables.to_minutes(d, end_of_day=True) for _, _, _, d in found], dtype=np.int64
    )
    c = np.full(len(found), calendar, dtype=np.int64)
    late = np.maximum(tables.work_before_many(c, finish) - tables.work_before_many(c, deadline), 0)
    days = np.where(
        finish > deadline, np.maximum(late / float(tables.minutes_per_day[calendar]), 0), 0.0
    )
    counts: dict[str | None, int] = {PROGRAM: len(found)}
    for project, *_ in found:
        counts[project] = counts.get(project, 0) + 1
    for (project, what, _, _), value in zip(found, days.tolist(), strict=True):
        for scope in (PROGRAM, project):
            by_scope.setdefault(scope, []).append((round(value, 1), what, counts[scope]))
    return by_scope


def _index(value: float, limits: Limits) -> str:
    """Two decimals, three when two would show a value below a limit as the limit."""
    text = f"{value:.2f}"
    crossed = float(text) in (limits.amber, limits.red) and value != float(text)
    return f"{value:.3f}" if crossed else text


def _weeks(count: int) -> str:
    return "week" if count == 1 else f"{count} weeks"


def _number(value: float) -> str:
    return f"{value:g}".replace("-", "−")


def _money(value: float) -> str:
    return f"{round(value) + 0:,}".replace("-", "−")


def _some(ids: list[str], shown: int = 3) -> str:
    more = len(ids) - shown
    return ", ".join(ids[:shown]) + (f" and {more} more" if more > 0 else "")
