"""Compare two versions of a program side by side: the current plan, a variant, a baseline.

Pure: both programs are scheduled under one model (:mod:`progman.engine.compare_versions`:
leveled when the plan has people assigned to work, else by CPM; a move lends a person in
the variant) and the results are set against each other and against a baseline's frozen
dates. Deltas are counted on dates, in calendar days and in working days of the program
calendar, so a finish moving from Friday 17:00 to Monday 17:00 is 3 calendar and 1 working
day later. A date that moves later comes with the chain of tasks that carries the delay
(:mod:`progman.engine.compare_chains`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from progman.domain import Baseline, Calendar, Program, latest_baseline
from progman.domain.validation import did_you_mean
from progman.engine.compare_chains import Chain, ChainFinder
from progman.engine.compare_versions import schedule_versions
from progman.engine.cost import planned_costs
from progman.engine.moves import Move
from progman.engine.schedule import Schedule
from progman.engine.schedule_table import TaskSchedule
from progman.errors import Location, NotFound

Moment = date | datetime
Kind = Literal["program", "project", "milestone", "task"]


@dataclass(frozen=True)
class DateComparison:
    """One date (program finish, a project's finish, a milestone, a task with a deadline)
    in the three versions; ``chain`` says why it moves later, when it does."""

    id: str
    kind: Kind
    name: str
    baseline: Moment | None
    current: Moment | None
    scenario: Moment | None
    delta_days: int | None  # scenario - current, calendar days
    delta_working_days: int | None  # scenario - current, working days of the program calendar
    baseline_delta_days: int | None  # scenario - baseline, calendar days
    deadline: date | None = None
    chain: Chain | None = None

    @property
    def current_met(self) -> bool | None:
        return _met(self.current, self.deadline)

    @property
    def scenario_met(self) -> bool | None:
        return _met(self.scenario, self.deadline)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "baseline": _stamp(self.baseline),
            "current": _stamp(self.current),
            "scenario": _stamp(self.scenario),
            "delta_days": self.delta_days,
            "delta_working_days": self.delta_working_days,
            "baseline_delta_days": self.baseline_delta_days,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "current_met": self.current_met,
            "scenario_met": self.scenario_met,
            "chain": list(self.chain.tasks) if self.chain else [],
            "why": self.chain.text() if self.chain else None,
        }


@dataclass(frozen=True)
class CostComparison:
    """Planned cost of the three versions (:mod:`progman.engine.cost`); a baseline's is the
    sum of its frozen tasks' costs."""

    baseline: float | None
    current: float
    scenario: float

    @property
    def delta(self) -> float:
        return round(self.scenario - self.current, 2)

    def to_json(self) -> dict[str, Any]:
        return {
            "baseline": self.baseline,
            "current": self.current,
            "scenario": self.scenario,
            "delta": self.delta,
        }


@dataclass(frozen=True)
class ScenarioComparison:
    """The current plan and a variant side by side, with a baseline's dates when there is one.

    ``leveled``: both versions leveled (else by CPM); ``move``: the person the variant
    lends, ``staffed`` the tasks they take on; ``feasible``: nobody over capacity in the
    leveled variant (None unleveled)."""

    program: str
    baseline_id: str | None
    finish: DateComparison
    projects: tuple[DateComparison, ...]
    milestones: tuple[DateComparison, ...]
    cost: CostComparison
    critical_entering: tuple[str, ...]  # critical in the scenario, not in the current plan
    critical_leaving: tuple[str, ...]  # critical in the current plan, not in the scenario
    added: tuple[str, ...]  # work items only the scenario has
    removed: tuple[str, ...]  # work items only the current plan has
    deadlines: tuple[DateComparison, ...] = ()  # tasks (not milestones) with a deadline
    leveled: bool = False
    move: Move | None = None
    staffed: tuple[str, ...] = ()
    feasible: bool | None = None

    @property
    def dates(self) -> tuple[DateComparison, ...]:
        return (self.finish, *self.projects, *self.milestones, *self.deadlines)

    def to_json(self) -> dict[str, Any]:
        return {
            "program": self.program,
            "baseline": self.baseline_id,
            "finish": self.finish.to_json(),
            "projects": [p.to_json() for p in self.projects],
            "milestones": [m.to_json() for m in self.milestones],
            "cost": self.cost.to_json(),
            "critical_path": {
                "entering": list(self.critical_entering),
                "leaving": list(self.critical_leaving),
            },
            "added": list(self.added),
            "removed": list(self.removed),
            "deadlines": [d.to_json() for d in self.deadlines],
            "leveled": self.leveled,
            "move": self.move.to_json() if self.move else None,
            "staffed": list(self.staffed),
            "feasible": self.feasible,
        }


def compare(
    base: Program,
    variant: Program,
    baseline_id: str | None = None,
    *,
    status_date: date | None = None,
    leveled: bool | None = None,
    move: Move | None = None,
    time_limit: float | None = None,
    seed: int = 0,
    relevel: bool = False,
) -> ScenarioComparison:
    """Schedule ``base`` and ``variant`` under one model and compare them with a baseline
    of ``base`` (:func:`~progman.engine.compare_versions.schedule_versions` says how, and
    what ``leveled``, ``move``, ``time_limit``, ``seed`` and ``relevel`` do).

    ``baseline_id`` names the baseline; by default the latest one (by ``created``, the last
    listed on a tie), none when the program has no baseline.
    """
    chosen = _baseline(base, baseline_id)
    versions = schedule_versions(
        base,
        variant,
        status_date=status_date,
        leveled=leveled,
        move=move,
        time_limit=time_limit,
        seed=seed,
        relevel=relevel,
    )
    current, scenario = versions.current.schedule, versions.scenario.schedule
    calendar = base.calendars.get(base.calendar or "", Calendar())
    chains = ChainFinder(current, scenario, versions.scenario.program, move)
    differ = _Differ(calendar, chains)
    frozen = chosen.tasks if chosen else {}
    owner = {item_id: project.id for item_id, project in base.project_of().items()}
    names = {p.id: p.name for p in (*base.projects, *variant.projects)}

    finish = differ.row(
        base.key,
        "program",
        base.name,
        baseline=max((t.finish for t in frozen.values()), key=_day, default=None),
        current=current.finish,
        scenario=scenario.finish,
        last=chains.last_task(),
    )
    project_ids = [p.id for p in base.projects]
    project_ids += [p.id for p in variant.projects if p.id not in set(project_ids)]
    projects = tuple(
        differ.row(
            ident,
            "project",
            names[ident],
            baseline=max(
                (t.finish for k, t in frozen.items() if owner.get(k) == ident),
                key=_day,
                default=None,
            ),
            current=_project_finish(current, ident),
            scenario=_project_finish(scenario, ident),
            deadline=_project_deadline(scenario, ident) or _project_deadline(current, ident),
            last=chains.last_task(ident),
        )
        for ident in project_ids
    )
    before = {t.id: t for t in current.tasks}
    after = {t.id: t for t in scenario.tasks}

    def rows(kind: Kind, wanted: Callable[[TaskSchedule], bool]) -> tuple[DateComparison, ...]:
        ids = [t.id for t in current.tasks if wanted(t)]
        ids += [t.id for t in scenario.tasks if wanted(t) and t.id not in before]
        return tuple(
            differ.row(
                ident,
                kind,
                (after.get(ident) or before[ident]).name,
                baseline=frozen[ident].finish if ident in frozen else None,
                current=before[ident].finish if ident in before else None,
                scenario=after[ident].finish if ident in after else None,
                deadline=(after.get(ident) or before[ident]).deadline,
                last=ident,
            )
            for ident in ids
        )

    milestones = rows("milestone", lambda t: t.milestone)
    deadlines = rows("task", lambda t: not t.milestone and not t.summary and bool(t.deadline))
    critical_before = {t.id for t in current.tasks if t.critical}
    critical_after = {t.id for t in scenario.tasks if t.critical}
    baseline_cost = round(sum(t.cost or 0.0 for t in chosen.tasks.values()), 2) if chosen else None
    return ScenarioComparison(
        program=base.key,
        baseline_id=chosen.id if chosen else None,
        finish=finish,
        projects=projects,
        milestones=milestones,
        cost=CostComparison(
            baseline_cost,
            planned_costs(base, built=versions.current.built).total,
            planned_costs(versions.scenario.program, built=versions.scenario.built).total,
        ),
        critical_entering=tuple(
            t.id for t in scenario.tasks if t.id in critical_after - critical_before
        ),
        critical_leaving=tuple(
            t.id for t in current.tasks if t.id in critical_before - critical_after
        ),
        added=tuple(t.id for t in scenario.tasks if t.id not in before),
        removed=tuple(t.id for t in current.tasks if t.id not in after),
        deadlines=deadlines,
        leveled=versions.leveled,
        move=versions.move,
        staffed=versions.staffed,
        feasible=versions.scenario.feasible,
    )


def _baseline(program: Program, ident: str | None) -> Baseline | None:
    if ident is None:
        return latest_baseline(program.baselines)
    for baseline in program.baselines:
        if baseline.id == ident:
            return baseline
    known = [b.id for b in program.baselines]
    raise NotFound(
        f"program {program.key} has no baseline '{ident}'{did_you_mean(ident, known)} "
        f"(baselines: {', '.join(known) or 'none'})",
        location=Location(entity=ident),
    )


def _project_finish(result: Schedule, ident: str) -> datetime | None:
    entry = result.projects.get(ident)
    if not entry or not entry.get("finish"):
        return None
    return datetime.fromisoformat(entry["finish"])


def _project_deadline(result: Schedule, ident: str) -> date | None:
    """The project's ``deadline`` as its schedule entry gives it (None when it has none)."""
    day = (result.projects.get(ident) or {}).get("deadline")
    return date.fromisoformat(day) if day else None


def _met(moment: Moment | None, deadline: date | None) -> bool | None:
    if moment is None or deadline is None:
        return None
    return _day(moment) <= deadline


def _day(moment: Moment) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def _stamp(moment: Moment | None) -> str | None:
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return moment.isoformat(timespec="minutes")
    return moment.isoformat()


class _Differ:
    """Builds comparison rows, counting working days on the program calendar; a date
    that moves later gets the chain that carries the delay to the task ``last``."""

    def __init__(self, calendar: Calendar, chains: ChainFinder) -> None:
        self.chains = chains
        self.workdays = {
            ("mon", "tue", "wed", "thu", "fri", "sat", "sun").index(d) for d in calendar.workdays
        }
        self.holidays = _days(calendar.holidays)
        self.extra = _days(calendar.working_days)

    def row(
        self,
        ident: str,
        kind: Kind,
        name: str,
        *,
        baseline: Moment | None,
        current: Moment | None,
        scenario: Moment | None,
        deadline: date | None = None,
        last: str | None = None,
    ) -> DateComparison:
        later = current is not None and scenario is not None and scenario > current
        return DateComparison(
            ident,
            kind,
            name,
            baseline,
            current,
            scenario,
            _calendar_days(current, scenario),
            self.working_days(current, scenario),
            _calendar_days(baseline, scenario),
            deadline,
            self.chains.chain(last) if later else None,
        )

    def working_days(self, start: Moment | None, end: Moment | None) -> int | None:
        """Working days in (start, end] (negative when ``end`` is earlier)."""
        if start is None or end is None:
            return None
        first, last = sorted((_day(start), _day(end)))
        count = 0
        day = first + timedelta(days=1)
        while day <= last:
            if day in self.extra or (day.weekday() in self.workdays and day not in self.holidays):
                count += 1
            day += timedelta(days=1)
        return count if _day(end) >= _day(start) else -count


def _calendar_days(start: Moment | None, end: Moment | None) -> int | None:
    if start is None or end is None:
        return None
    return (_day(end) - _day(start)).days


def _days(ranges: Any) -> set[date]:
    days: set[date] = set()
    for entry in ranges:
        day = entry.start
        while day <= entry.last:
            days.add(day)
            day += timedelta(days=1)
    return days
