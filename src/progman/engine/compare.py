"""Compare two versions of a program side by side: the current plan, a variant, a baseline.

Pure: both programs are scheduled with :func:`progman.engine.schedule.schedule` and the
results are set against each other and against a baseline's frozen dates. Deltas are
counted on dates, in calendar days and in working days of the program calendar, so a
finish moving from Friday 17:00 to Monday 17:00 is 3 calendar and 1 working day later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from progman.domain import Baseline, Calendar, Program
from progman.domain.validation import did_you_mean
from progman.engine.build import BuiltNetwork
from progman.engine.cost import planned_costs
from progman.engine.schedule import Schedule, describe
from progman.engine.scheduled import scheduled
from progman.errors import Location, NotFound

Moment = date | datetime


@dataclass(frozen=True)
class DateComparison:
    """One date (program finish, a project's finish, a milestone) in the three versions."""

    id: str
    kind: Literal["program", "project", "milestone"]
    name: str
    baseline: Moment | None
    current: Moment | None
    scenario: Moment | None
    delta_days: int | None  # scenario - current, calendar days
    delta_working_days: int | None  # scenario - current, working days of the program calendar
    baseline_delta_days: int | None  # scenario - baseline, calendar days
    deadline: date | None = None

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
    """The current plan and a variant side by side, with a baseline's dates when there is one."""

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

    @property
    def dates(self) -> tuple[DateComparison, ...]:
        return (self.finish, *self.projects, *self.milestones)

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
        }


def compare(
    base: Program,
    variant: Program,
    baseline_id: str | None = None,
    *,
    status_date: date | None = None,
) -> ScenarioComparison:
    """Schedule ``base`` and ``variant`` and compare them with a baseline of ``base``.

    ``baseline_id`` names the baseline; by default the latest one (by ``created``, the last
    listed on a tie), none when the program has no baseline.
    """
    chosen = _baseline(base, baseline_id)
    current, current_built = _scheduled(base, status_date)
    scenario, scenario_built = _scheduled(variant, status_date)
    calendar = base.calendars.get(base.calendar or "", Calendar())
    differ = _Differ(calendar)
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
        )
        for ident in project_ids
    )
    before = {t.id: t for t in current.tasks}
    after = {t.id: t for t in scenario.tasks}
    milestone_ids = [t.id for t in current.tasks if t.milestone]
    milestone_ids += [t.id for t in scenario.tasks if t.milestone and t.id not in before]
    milestones = tuple(
        differ.row(
            ident,
            "milestone",
            (after.get(ident) or before[ident]).name,
            baseline=frozen[ident].finish if ident in frozen else None,
            current=before[ident].finish if ident in before else None,
            scenario=after[ident].finish if ident in after else None,
            deadline=(after.get(ident) or before[ident]).deadline,
        )
        for ident in milestone_ids
    )
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
            planned_costs(base, built=current_built).total,
            planned_costs(variant, built=scenario_built).total,
        ),
        critical_entering=tuple(
            t.id for t in scenario.tasks if t.id in critical_after - critical_before
        ),
        critical_leaving=tuple(
            t.id for t in current.tasks if t.id in critical_before - critical_after
        ),
        added=tuple(t.id for t in scenario.tasks if t.id not in before),
        removed=tuple(t.id for t in current.tasks if t.id not in after),
    )


def _scheduled(program: Program, status_date: date | None) -> tuple[Schedule, BuiltNetwork]:
    """The program's schedule and the network it was computed on (which the cost reads)."""
    done = scheduled(program, status_date)
    status = status_date or program.status_date
    return describe(program, done.built, done.result, status=status), done.built


def _baseline(program: Program, ident: str | None) -> Baseline | None:
    if ident is None:
        if not program.baselines:
            return None
        latest = max(b.created for b in program.baselines)
        return [b for b in program.baselines if b.created == latest][-1]
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
    """Builds comparison rows, counting working days on the program calendar."""

    def __init__(self, calendar: Calendar) -> None:
        self.workdays = {
            ("mon", "tue", "wed", "thu", "fri", "sat", "sun").index(d) for d in calendar.workdays
        }
        self.holidays = _days(calendar.holidays)
        self.extra = _days(calendar.working_days)

    def row(
        self,
        ident: str,
        kind: Literal["program", "project", "milestone"],
        name: str,
        *,
        baseline: Moment | None,
        current: Moment | None,
        scenario: Moment | None,
        deadline: date | None = None,
    ) -> DateComparison:
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
