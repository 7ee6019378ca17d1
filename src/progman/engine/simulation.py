"""``simulate(program)``: Monte Carlo schedule simulation of a whole program, in plan terms.

Turns the plan into a network (:func:`build_network`) and its uncertainty (three-point
estimates, risks, correlation groups, costs) into arrays, runs
:func:`progman.engine.montecarlo.simulate_network`, and reports dates and plan ids.

What varies: leaf tasks with an ``estimate`` (``distribution`` triangular, the default, or
pert) that are not done. Risks: open risks and opportunities fire with their probability;
issues and risks whose status is ``occurred`` always fire; closed ones never. A fired risk
adds its ``impact.schedule`` to each task it affects (an opportunity takes it off; a risk
on a summary task applies to each of its leaves) and its ``impact.cost`` to the cost.

Cost of an iteration: the plan's cost model (:mod:`progman.engine.cost`) at the sampled
durations, plus the cost of the risks that fired; with every estimate pinned to its most
likely duration and no risk, it is the planned cost.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from progman.domain import Program
from progman.domain.checked import check_once
from progman.domain.durations import Duration
from progman.domain.validation import format_path
from progman.engine import sampling
from progman.engine.build import BuiltNetwork, build_network
from progman.engine.calendars import MINUTES_PER_DAY
from progman.engine.cost import cost_model
from progman.engine.kernels import NO_TIME
from progman.engine.montecarlo import SimulationResult, Uncertainty, percentiles, simulate_network
from progman.engine.network import schedule_network
from progman.errors import Location, PlanInvalid, Problem, ProgmanError

FINISH_LEVELS = (10, 50, 80, 95)
DATE_LEVELS = (50, 80, 95)
TOP_SENSITIVITY = 10


@dataclass(frozen=True)
class DateForecast:
    """Percentiles of one finish date, and the chance of meeting its deadline."""

    id: str
    p50: datetime
    p80: datetime
    p95: datetime
    deadline: date | None
    probability_on_time: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "p50": _stamp(self.p50),
            "p80": _stamp(self.p80),
            "p95": _stamp(self.p95),
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "probability_on_time": self.probability_on_time,
        }


@dataclass(frozen=True)
class Driver:
    """A task or risk and the rank correlation of its duration (or firing) with the finish."""

    id: str
    kind: str  # "task" or "risk"
    correlation: float


@dataclass(frozen=True)
class Simulation:
    """The outcome of :func:`simulate`: dates are percentiles over the iterations."""

    program: str
    iterations: int
    seed: int
    finish: dict[str, datetime]  # p10, p50, p80, p95
    projects: dict[str, DateForecast]
    milestones: dict[str, DateForecast]
    deadlines: dict[str, DateForecast]  # tasks (not milestones) with a deadline
    criticality: dict[str, float]
    sensitivity: tuple[Driver, ...]  # by |correlation|, largest first
    cost: dict[str, float]  # mean, p10, p50, p80, p95
    risks: dict[str, float]  # share of iterations in which each risk fired
    engine: SimulationResult
    #: the critical-path finish with every duration as planned (most likely), and the share
    #: of iterations that finish by then: how much the plan's own date can be trusted
    deterministic: datetime | None = None
    deterministic_probability: float | None = None
    #: each iteration placed under the resource capacities with the leveled priority list;
    #: ``deterministic`` is then the leveled plan's finish
    leveled: bool = False
    #: how many iterations finish on each day, in order (the histogram's data)
    finish_days: tuple[tuple[date, int], ...] = ()
    #: the named groups asked for (``forecast_groups``): the latest finish of their members
    forecasts: dict[str, DateForecast] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The ``progman simulate --json`` object of SPEC §5 (plus projects, cost, risks)."""
        return {
            "program": self.program,
            "iterations": self.iterations,
            "seed": self.seed,
            "leveled": self.leveled,
            "finish": {level: _stamp(moment) for level, moment in self.finish.items()},
            "milestones": {key: f.to_json() for key, f in self.milestones.items()},
            "criticality": self.criticality,
            "sensitivity": [
                {"id": d.id, "kind": d.kind, "correlation": d.correlation} for d in self.sensitivity
            ],
            "projects": {key: f.to_json() for key, f in self.projects.items()},
            "deadlines": {key: f.to_json() for key, f in self.deadlines.items()},
            "cost": self.cost,
            "risks": self.risks,
            "deterministic": {
                "finish": _stamp(self.deterministic) if self.deterministic else None,
                "probability": self.deterministic_probability,
            },
        }


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")


def simulate(
    program: Program,
    iterations: int = 10_000,
    seed: int = 0,
    status_date: date | None = None,
    *,
    correlation: Mapping[str, float] | None = None,
    top: int = TOP_SENSITIVITY,
    chunk_size: int | None = None,
    progress: Callable[[int], None] | None = None,
    leveled: bool = False,
    forecast_groups: Mapping[str, tuple[Sequence[str], date | None]] | None = None,
) -> Simulation:
    """Monte Carlo simulation of the program's schedule; seeded and reproducible.

    ``correlation`` maps a tag to a coefficient in [0, 1): the estimates of the tasks
    carrying that tag are correlated with it (a Gaussian copula; a task with several such
    tags joins the first); by default the plan's own ``correlation:``. ``top`` limits the
    sensitivity list. ``leveled``: each iteration is placed under the resource capacities
    with the leveled plan's priority list (:mod:`progman.engine.leveled_montecarlo`), and
    the deterministic finish is the leveled plan's. ``forecast_groups`` names groups of work items
    and projects (with a due date or None): each iteration's latest finish of a group's
    members gives its percentiles in ``Simulation.forecasts`` (a benefit, an objective).
    """
    if correlation is None:
        correlation = program.correlation
    findings = check_once(program)  # skipped for a loaded, unchanged program
    if findings:
        raise PlanInvalid(
            Problem(f.code, f.message, Location(path=format_path(f.path))) for f in findings
        )
    for tag, rho in (correlation or {}).items():
        if not 0.0 <= rho < 1.0:
            raise ProgmanError(f"correlation of tag '{tag}' must be in [0, 1), got {rho}")
    built = build_network(program, status_date)
    unc = _uncertainty(program, built, correlation or {})
    n = built.item_count
    leaves = [i for i, item in enumerate(built.items) if not item.tasks]
    watched = [i for i, item in enumerate(built.items) if item.milestone or item.deadline]
    watch_nodes = np.array([built.finish_node.get(i, i) for i in watched], dtype=np.int64)
    groups = [
        np.array([i for i in leaves if built.project_of[i] == p], dtype=np.int64)
        for p in range(len(program.projects))
    ]
    asked = _group_nodes(program, built, leaves, forecast_groups or {})
    scheduler, chunk = None, chunk_size
    if leveled:  # the leveler's modules, imported only for a leveled run (a tenth of a second)
        from progman.engine import leveled_montecarlo  # noqa: PLC0415

        scheduler = leveled_montecarlo.leveled_scheduler(
            program, built, unc, status_date=status_date
        )
        planned = int(scheduler.planned_dates()[1].max(initial=0))
        chunk = chunk_size or leveled_montecarlo.CHUNK
    else:
        planned = int(schedule_network(built.network).finish)
    result = simulate_network(
        built.network,
        unc,
        iterations=iterations,
        seed=seed,
        watch=watch_nodes,
        groups=[g for g in groups if g.size] + [members for members, _ in asked.values()],
        chunk_size=chunk,
        progress=progress,
        scheduler=scheduler,
    )
    tables = built.network.calendars

    def dates(values: np.ndarray) -> list[datetime]:
        return tables.to_datetimes(percentiles(values, DATE_LEVELS))

    def forecast(ident: str, values: np.ndarray, deadline: date | None) -> DateForecast:
        p50, p80, p95 = dates(values)
        on_time = None
        if deadline is not None:
            limit = tables.to_minutes(deadline) + 1440  # the whole deadline day
            on_time = round(float((values <= limit).mean()), 4)
        return DateForecast(ident, p50, p80, p95, deadline, on_time)

    milestones: dict[str, DateForecast] = {}
    deadlines: dict[str, DateForecast] = {}
    for k, i in enumerate(watched):
        item = built.items[i]
        target = milestones if item.milestone else deadlines
        target[item.id] = forecast(item.id, result.watched_finish[k], item.deadline)
    projects: dict[str, DateForecast] = {}
    rows = iter(range(result.group_finish.shape[0]))
    for p, members in enumerate(groups):
        if members.size:
            project = program.projects[p]
            projects[project.id] = forecast(
                project.id, result.group_finish[next(rows)], project.deadline
            )
    forecasts = {
        name: forecast(name, result.group_finish[next(rows)], due)
        for name, (_, due) in asked.items()
    }
    finish = tables.to_datetimes(percentiles(result.finish, FINISH_LEVELS))
    drivers = [
        Driver(built.ids[int(t)], "task", float(c))
        for t, c in zip(unc.task.tolist(), result.task_sensitivity.tolist(), strict=True)
    ]
    risks = _simulated_risks(program)
    drivers += [
        Driver(r.id, "risk", float(c))
        for r, c in zip(risks, result.risk_sensitivity.tolist(), strict=True)
    ]
    drivers.sort(key=lambda d: (-abs(d.correlation), d.id))
    cost_levels = percentiles(result.cost, FINISH_LEVELS)
    days, counts = np.unique(result.finish // MINUTES_PER_DAY, return_counts=True)
    return Simulation(
        program=program.key,
        iterations=iterations,
        seed=seed,
        finish=dict(zip(("p10", "p50", "p80", "p95"), finish, strict=True)),
        projects=projects,
        milestones=milestones,
        deadlines=deadlines,
        criticality={built.ids[i]: round(float(result.criticality[i]), 4) for i in leaves[:n]},
        sensitivity=tuple(
            Driver(d.id, d.kind, round(d.correlation, 4))
            for d in drivers[:top]
            if abs(d.correlation) > 0
        ),
        cost={
            "mean": round(float(result.cost.mean()), 2),
            **{
                f"p{level}": round(float(v), 2)
                for level, v in zip(FINISH_LEVELS, cost_levels, strict=True)
            },
        },
        risks={r.id: round(float(f), 4) for r, f in zip(risks, result.risk_frequency, strict=True)},
        engine=result,
        deterministic=tables.to_datetimes(np.array([planned]))[0],
        deterministic_probability=round(float((result.finish <= planned).mean()), 4),
        leveled=leveled,
        forecasts=forecasts,
        finish_days=tuple(
            (tables.origin + timedelta(days=int(d)), int(c))
            for d, c in zip(days.tolist(), counts.tolist(), strict=True)
        ),
    )


def _group_nodes(
    program: Program,
    built: BuiltNetwork,
    leaves: list[int],
    asked: Mapping[str, tuple[Sequence[str], date | None]],
) -> dict[str, tuple[np.ndarray, date | None]]:
    """The network nodes of each named group: a work item's finish node, a project's
    leaves. A group with no member (an empty project) is left out."""
    if not asked:
        return {}
    projects = {p.id: k for k, p in enumerate(program.projects)}
    leaf = np.array(leaves, dtype=np.int64)
    found: dict[str, tuple[np.ndarray, date | None]] = {}
    for name, (members, due) in asked.items():
        nodes: list[np.ndarray] = []
        for ident in members:
            if ident in built.index:
                i = built.index[ident]
                nodes.append(np.array([built.finish_node.get(i, i)], dtype=np.int64))
            elif ident in projects:
                nodes.append(leaf[built.project_of[leaf] == projects[ident]])
            else:
                raise ProgmanError(f"forecast group {name!r}: no task or project {ident!r}")
        joined = np.unique(np.concatenate(nodes)) if nodes else np.zeros(0, dtype=np.int64)
        if joined.size:
            found[name] = (joined, due)
    return found


def _simulated_risks(program: Program) -> list[Any]:
    """Risks that can still happen or have happened, with schedule or cost impact."""
    return [
        r
        for r in program.risks
        if r.status != "closed" and (r.impact.schedule is not None or r.impact.cost)
    ]


def _minutes(amount: Duration, minutes_per_day: int) -> float:
    return float(amount.working_minutes(hours_per_day=minutes_per_day / 60))


def _uncertainty(
    program: Program, built: BuiltNetwork, correlation: Mapping[str, float]
) -> Uncertainty:
    net = built.network
    per_day = net.calendars.minutes_per_day[net.calendar]
    done = net.actual_finish != NO_TIME
    task, low, mode, high, kind, group = [], [], [], [], [], []
    tags = list(correlation)
    for i, item in enumerate(built.items):
        if item.tasks or item.estimate is None or done[i]:
            continue
        day = 1440 if int(net.calendar[i]) == 0 else int(per_day[i])
        estimate = item.estimate
        a, m, b = (
            _minutes(x, day)
            for x in (estimate.optimistic, estimate.most_likely, estimate.pessimistic)
        )
        if b <= a:
            continue
        task.append(i)
        low.append(a)
        mode.append(m)
        high.append(b)
        chosen = item.distribution or program.distribution  # the task's own choice wins
        kind.append(sampling.PERT if chosen == "pert" else sampling.TRIANGULAR)
        group.append(next((tags.index(t) for t in item.tags if t in correlation), -1))

    index_of = {ident: i for i, ident in enumerate(built.ids)}
    leaves_under = _leaves_under(built)
    risks = _simulated_risks(program)
    probability, pointer, risk_task, risk_minutes, risk_cost = [], [0], [], [], []
    for risk in risks:
        always = risk.kind == "issue" or risk.status == "occurred"
        probability.append(1.0 if always else float(risk.probability))
        gain = risk.kind == "opportunity"  # takes its size off, whichever sign it was written with
        cost = float(risk.impact.cost or 0.0)
        risk_cost.append(-abs(cost) if gain else cost)
        if risk.impact.schedule is not None:
            for ident in risk.affects:
                for i in leaves_under.get(index_of[ident], [index_of[ident]]):
                    day = 1440 if int(net.calendar[i]) == 0 else int(per_day[i])
                    risk_task.append(i)
                    minutes = round(_minutes(risk.impact.schedule, day))
                    risk_minutes.append(-abs(minutes) if gain else minutes)
        pointer.append(len(risk_task))

    costs = cost_model(program, built)
    uses_groups = any(g >= 0 for g in group)
    return Uncertainty(
        task=np.array(task, dtype=np.int64),
        low=np.array(low, dtype=np.float64),
        mode=np.array(mode, dtype=np.float64),
        high=np.array(high, dtype=np.float64),
        kind=np.array(kind, dtype=np.int8),
        risk_probability=np.array(probability, dtype=np.float64),
        risk_pointer=np.array(pointer, dtype=np.int64),
        risk_task=np.array(risk_task, dtype=np.int64),
        risk_minutes=np.array(risk_minutes, dtype=np.int64),
        risk_cost=np.array(risk_cost, dtype=np.float64),
        group=np.array(group, dtype=np.int64) if uses_groups else None,
        group_rho=np.array([correlation[t] for t in tags], dtype=np.float64)
        if uses_groups
        else None,
        cost_per_minute=costs.per_minute if costs.per_minute.any() else None,
        fixed_cost=float(costs.fixed.sum()),
    )


def _leaves_under(built: BuiltNetwork) -> dict[int, list[int]]:
    """The leaf tasks inside each summary task."""
    children: dict[int, list[int]] = {}
    for i, parent in enumerate(built.parent_of.tolist()):
        if parent >= 0:
            children.setdefault(parent, []).append(i)
    leaves: dict[int, list[int]] = {}
    for summary in sorted(children, reverse=True):  # deepest first (children follow parents)
        leaves[summary] = [
            leaf for child in children[summary] for leaf in leaves.get(child, [child])
        ]
    return leaves
