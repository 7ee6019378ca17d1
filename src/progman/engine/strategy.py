"""Objectives, key results and benefits measured and forecast from the schedule
(``progman objectives`` and ``progman benefits``).

Rules (documented in docs/user-guide.md, *Objectives and key results* and *Benefits*):

* A key result's **progress** is its latest measurement (on or before the status date)
  against baseline → target: ``(value − baseline) / (target − baseline)``, not clipped (a
  value below the baseline is negative progress). An objective's progress is the mean of
  its measured key results' progress, each clipped to 0–1.
* What an objective **rests on**: the projects aligned to it with a weight above 0, and
  what its benefits depend on. Its forecast is the latest finish of these; its due date
  the latest due date of its key results. A project aligned to no objective, and an
  objective no project is aligned to, are flagged.
* A benefit's **forecast** is the latest finish of the milestones and tasks in its
  ``depends_on`` and of the projects in its ``projects``; it is **at risk** when that
  falls after its due date. The dependency that finishes last *drives* it, and the
  **chain** is the driving path of the schedule that ends at that dependency (the links
  that set each start), the same path :func:`progman.impact` explains a slip with.
* Simulated (``forecasts`` from :func:`progman.engine.simulation.simulate` run with
  :func:`forecast_groups`): the P80 of each benefit and objective is the 80th percentile
  of the *latest* finish of what it rests on in each iteration (not the latest of the
  separate P80s); a benefit is at risk at P80 when that falls after its due date, and the
  dependency with the latest P80 drives it.
* **Planned vs realized**: the latest realized measurement on or before the status date,
  and the planned value on that date (linear between the planned values recorded around
  it; the last planned value after the last one).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from progman.domain import Program
from progman.domain.strategy import Benefit, KeyResult, Objective
from progman.engine.build import BuiltNetwork
from progman.engine.network import CpmResult
from progman.engine.schedule import Schedule, driving_chains
from progman.engine.simulation import DateForecast

#: Names of the simulated groups (``Simulation.forecasts``).
BENEFIT, OBJECTIVE, DEPENDENCY = "benefit:", "objective:", "dependency:"


@dataclass(frozen=True)
class KeyResultProgress:
    id: str
    title: str
    metric: str | None
    unit: str | None
    baseline: float
    target: float
    due: date | None
    value: float | None  # the latest measurement (None: not measured yet)
    measured_on: date | None
    progress: float | None  # fraction of baseline → target reached; None: not measured
    measurements: int


@dataclass(frozen=True)
class ObjectiveForecast:
    id: str
    title: str
    perspective: str | None
    owner: str | None
    progress: float | None  # mean of the measured key results' progress, each in 0..1
    key_results: tuple[KeyResultProgress, ...]
    projects: tuple[tuple[str, float], ...]  # aligned projects (weight above 0), weights
    benefits: tuple[str, ...]
    due: date | None  # the latest due date of its key results
    forecast: datetime | None  # the latest finish of what it rests on
    driver: str | None  # the project or dependency that finishes last
    late: bool  # forecast after due
    p80: datetime | None  # simulated
    late_p80: bool | None


@dataclass(frozen=True)
class BenefitStatus:
    id: str
    title: str
    objective: str | None
    owner: str | None
    metric: str | None
    unit: str | None
    baseline: float
    target: float | None
    due: date | None
    depends_on: tuple[str, ...]
    projects: tuple[str, ...]
    forecast: datetime | None  # the latest finish of what it depends on
    driver: str | None  # the dependency that finishes last (at P80 when at risk only there)
    at_risk: bool  # forecast after due
    days_late: int | None  # calendar days the forecast falls after due (negative: early)
    p80: datetime | None
    at_risk_p80: bool | None
    probability_on_time: float | None  # simulated: share of iterations done by due
    chain: tuple[str, ...]  # the driving path to ``driver`` when at risk, first task first
    reason: str | None  # one sentence when at risk
    planned_to_date: float | None
    realized_to_date: float | None
    realized_on: date | None
    #: (date, planned, realized) of every measurement, oldest first
    measurements: tuple[tuple[date, float | None, float | None], ...] = ()


@dataclass(frozen=True)
class Strategy:
    status_date: date | None
    objectives: tuple[ObjectiveForecast, ...]
    benefits: tuple[BenefitStatus, ...]
    unaligned_projects: tuple[str, ...]
    objectives_without_projects: tuple[str, ...]
    simulated: bool


def forecast_groups(program: Program) -> dict[str, tuple[list[str], date | None]]:
    """The groups a simulation forecasts for :func:`assess`: each benefit, each objective
    and each benefit dependency, with its due date."""
    groups: dict[str, tuple[list[str], date | None]] = {}
    for benefit in program.benefits:
        members = _members(benefit)
        if members:
            groups[BENEFIT + benefit.id] = (members, benefit.due)
        for ident in members:
            groups[DEPENDENCY + ident] = ([ident], None)
    for objective in program.objectives:
        members = _rests_on(program, objective)
        if members:
            groups[OBJECTIVE + objective.id] = (members, _due(objective))
    return groups


def assess(
    program: Program,
    built: BuiltNetwork,
    result: CpmResult,
    schedule: Schedule,
    *,
    forecasts: Mapping[str, DateForecast] | None = None,
) -> Strategy:
    """Key-result progress, objective forecasts and benefits at risk (see the module) of
    ``program`` scheduled as ``schedule`` (``built``/``result`` its network and CPM run)."""
    as_of = schedule.status_date
    finishes = _Finishes(schedule)
    aligned = {
        o.id: tuple((p.id, w) for p in program.projects if (w := p.objectives.get(o.id, 0)) > 0)
        for o in program.objectives
    }
    objectives = tuple(
        _objective(program, o, aligned[o.id], finishes=finishes, as_of=as_of, forecasts=forecasts)
        for o in program.objectives
    )
    benefits = _benefits(
        program, built, result, schedule, finishes=finishes, as_of=as_of, forecasts=forecasts
    )
    return Strategy(
        status_date=as_of,
        objectives=objectives,
        benefits=benefits,
        unaligned_projects=tuple(
            p.id for p in program.projects if not any(w > 0 for w in p.objectives.values())
        ),
        objectives_without_projects=tuple(o.id for o in program.objectives if not aligned[o.id]),
        simulated=forecasts is not None,
    )


# -- key results and objectives --------------------------------------------------------------


def key_result_progress(kr: KeyResult, as_of: date | None) -> KeyResultProgress:
    """The latest measurement of ``kr`` on or before ``as_of`` against baseline → target."""
    measured = [m for m in kr.measurements if as_of is None or m.date <= as_of]
    latest = max(measured, key=lambda m: m.date) if measured else None
    progress = None
    if latest is not None:
        span = kr.target - kr.baseline
        if span:
            progress = round((latest.value - kr.baseline) / span, 4)
        else:  # nothing to move: reached when the target holds
            progress = 1.0 if latest.value == kr.target else 0.0
    return KeyResultProgress(
        id=kr.id,
        title=kr.title,
        metric=kr.metric,
        unit=kr.unit,
        baseline=kr.baseline,
        target=kr.target,
        due=kr.due,
        value=None if latest is None else latest.value,
        measured_on=None if latest is None else latest.date,
        progress=progress,
        measurements=len(measured),
    )


def _objective(
    program: Program,
    objective: Objective,
    projects: tuple[tuple[str, float], ...],
    *,
    finishes: _Finishes,
    as_of: date | None,
    forecasts: Mapping[str, DateForecast] | None,
) -> ObjectiveForecast:
    results = tuple(key_result_progress(kr, as_of) for kr in objective.key_results)
    measured = [min(1.0, max(0.0, r.progress)) for r in results if r.progress is not None]
    driver, forecast = finishes.latest(_rests_on(program, objective))
    due = _due(objective)
    simulated = (forecasts or {}).get(OBJECTIVE + objective.id)
    p80 = simulated.p80 if simulated else None
    return ObjectiveForecast(
        id=objective.id,
        title=objective.title,
        perspective=objective.perspective,
        owner=objective.owner,
        progress=round(sum(measured) / len(measured), 4) if measured else None,
        key_results=results,
        projects=projects,
        benefits=tuple(b.id for b in program.benefits if b.objective == objective.id),
        due=due,
        forecast=forecast,
        driver=driver,
        late=_after(forecast, due),
        p80=p80,
        late_p80=None if forecasts is None else _after(p80, due),
    )


def _due(objective: Objective) -> date | None:
    dues = [kr.due for kr in objective.key_results if kr.due is not None]
    return max(dues) if dues else None


def _members(benefit: Benefit) -> list[str]:
    return list(dict.fromkeys([*benefit.depends_on, *benefit.projects]))


def _rests_on(program: Program, objective: Objective) -> list[str]:
    found = [p.id for p in program.projects if p.objectives.get(objective.id, 0) > 0]
    for benefit in program.benefits:
        if benefit.objective == objective.id:
            found += _members(benefit)
    return list(dict.fromkeys(found))


def _after(moment: datetime | None, due: date | None) -> bool:
    return moment is not None and due is not None and moment.date() > due


class _Finishes:
    """The finish of a task, milestone, summary or project of the schedule."""

    def __init__(self, schedule: Schedule) -> None:
        self.schedule = schedule

    def of(self, ident: str) -> datetime | None:
        project = self.schedule.projects.get(ident)
        if project is not None:
            finish = project.get("finish")
            return datetime.fromisoformat(finish) if finish else None
        try:
            return self.schedule.task(ident).finish
        except KeyError:
            return None

    def latest(self, idents: Sequence[str]) -> tuple[str | None, datetime | None]:
        """The one that finishes last (the first of a tie) and its finish."""
        best: tuple[str | None, datetime | None] = (None, None)
        for ident in idents:
            finish = self.of(ident)
            if finish is not None and (best[1] is None or finish > best[1]):
                best = (ident, finish)
        return best


# -- benefits ---------------------------------------------------------------------------------


def _benefits(
    program: Program,
    built: BuiltNetwork,
    result: CpmResult,
    schedule: Schedule,
    *,
    finishes: _Finishes,
    as_of: date | None,
    forecasts: Mapping[str, DateForecast] | None,
) -> tuple[BenefitStatus, ...]:
    drafts = []
    for benefit in program.benefits:
        members = _members(benefit)
        driver, forecast = finishes.latest(members)
        simulated = (forecasts or {}).get(BENEFIT + benefit.id)
        p80 = simulated.p80 if simulated else None
        at_risk, at_risk_p80 = _after(forecast, benefit.due), _after(p80, benefit.due)
        if not at_risk and at_risk_p80 and forecasts is not None:
            driver = _latest_p80(members, forecasts) or driver
        drafts.append((benefit, forecast, driver, simulated, at_risk, at_risk_p80))
    # the driving paths of the drivers of the benefits at risk, walked in one pass
    ends = [
        d[2]
        for d in drafts
        if (d[4] or d[5]) and d[2] is not None and d[2] not in schedule.projects
    ]
    nodes = [built.finish_node.get(built.index[e], built.index[e]) for e in ends]
    paths = dict(zip(ends, driving_chains(built, result, nodes), strict=True))
    found = []
    for benefit, forecast, driver, simulated, at_risk, at_risk_p80 in drafts:
        chain: tuple[str, ...] = ()
        if (at_risk or at_risk_p80) and driver is not None:
            if driver in schedule.projects:
                chain = tuple(schedule.projects[driver].get("critical_path") or ())
            else:
                chain = tuple(paths[driver])
        held = _held_by(schedule, chain[0]) if chain else None
        planned, realized, realized_on = planned_vs_realized(benefit, as_of)
        late = None
        if forecast is not None and benefit.due is not None:
            late = (forecast.date() - benefit.due).days
        found.append(
            BenefitStatus(
                id=benefit.id,
                title=benefit.title,
                objective=benefit.objective,
                owner=benefit.owner,
                metric=benefit.metric,
                unit=benefit.unit,
                baseline=benefit.baseline,
                target=benefit.target,
                due=benefit.due,
                depends_on=tuple(benefit.depends_on),
                projects=tuple(benefit.projects),
                forecast=forecast,
                driver=driver,
                at_risk=at_risk,
                days_late=late,
                p80=None if simulated is None else simulated.p80,
                at_risk_p80=None if forecasts is None else at_risk_p80,
                probability_on_time=None if simulated is None else simulated.probability_on_time,
                chain=chain,
                reason=_reason(
                    benefit,
                    forecast,
                    driver,
                    at_risk=at_risk,
                    simulated=simulated,
                    chain=chain,
                    held=held,
                ),
                planned_to_date=planned,
                realized_to_date=realized,
                realized_on=realized_on,
                measurements=tuple(
                    sorted(
                        ((m.date, m.planned, m.realized) for m in benefit.measurements),
                        key=lambda m: m[0],
                    )
                ),
            )
        )
    return tuple(found)


def _latest_p80(members: Sequence[str], forecasts: Mapping[str, DateForecast]) -> str | None:
    best: tuple[str | None, datetime | None] = (None, None)
    for ident in members:
        simulated = forecasts.get(DEPENDENCY + ident)
        if simulated is not None and (best[1] is None or simulated.p80 > best[1]):
            best = (ident, simulated.p80)
    return best[0]


def _reason(
    benefit: Benefit,
    forecast: datetime | None,
    driver: str | None,
    *,
    at_risk: bool,
    simulated: DateForecast | None,
    chain: tuple[str, ...],
    held: str | None,
) -> str | None:
    """``B1 is at risk: MOB.launch is forecast 2028-01-10, 10 days after its due date
    2027-12-31 (driving path: API.auth → MOB.build → MOB.launch)``."""
    due = benefit.due
    if due is None or driver is None:
        return None
    why = [f"driving path: {' → '.join(chain)}"] if len(chain) > 1 else []
    if held:
        why.append(f"{chain[0]} is held by {held}")
    path = f" ({'; '.join(why)})" if why else ""
    if at_risk and forecast is not None:
        days = (forecast.date() - due).days
        return (
            f"{benefit.id} is at risk: {driver} is forecast {forecast.date().isoformat()}, "
            f"{_days(days)} after its due date {due.isoformat()}{path}"
        )
    if simulated is not None and _after(simulated.p80, due):
        days = (simulated.p80.date() - due).days
        chance = (
            ""
            if simulated.probability_on_time is None
            else f"; {simulated.probability_on_time:.0%} chance of being on time"
        )
        return (
            f"{benefit.id} is at risk at P80: what it depends on is done by "
            f"{simulated.p80.date().isoformat()} in 80 % of the runs, {_days(days)} after its "
            f"due date {due.isoformat()}{chance}; {driver} drives it{path}"
        )
    return None


#: what holds the first task of a chain, by its driver (``start``: nothing worth saying)
_HELD = {
    "constraint": "its constraint",
    "actual": "its actual dates",
    "status date": "the status date",
}


def _held_by(schedule: Schedule, ident: str) -> str | None:
    try:
        driver = schedule.task(ident).driving_predecessor
    except KeyError:  # a project's path starts at a task; this is defensive
        return None
    return _HELD.get(driver or "")


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def planned_vs_realized(
    benefit: Benefit, as_of: date | None
) -> tuple[float | None, float | None, date | None]:
    """The planned value on the day of the latest realized measurement (on or before
    ``as_of``), that measurement, and its day; planned on ``as_of`` when none is realized."""
    realized = [
        m
        for m in benefit.measurements
        if m.realized is not None and (as_of is None or m.date <= as_of)
    ]
    latest = max(realized, key=lambda m: m.date) if realized else None
    day = latest.date if latest is not None else as_of
    planned = _planned_on(benefit, day) if day is not None else None
    if latest is None:
        return planned, None, None
    return planned, latest.realized, latest.date


def _planned_on(benefit: Benefit, day: date) -> float | None:
    points = sorted((m.date, m.planned) for m in benefit.measurements if m.planned is not None)
    before = [(d, v) for d, v in points if d <= day]
    if not before:
        return None
    d0, v0 = before[-1]
    after = [(d, v) for d, v in points if d > day]
    if d0 == day or not after:
        return v0
    d1, v1 = after[0]
    return round(v0 + (v1 - v0) * (day - d0).days / (d1 - d0).days, 4)
