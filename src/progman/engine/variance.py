"""Variance of the plan against one of its baselines: start, finish, duration, work and
cost of every task, and of every project and the program.

Both sides are baselines: the one chosen, and the plan as it is now frozen the same way
(:func:`progman.services.baselines.frozen_baseline`), so a baseline taken now varies by
nothing. Date variances are working days of the program calendar (positive: later than
the baseline); a date without a time is the whole day (a start at its beginning, a finish
at its end). Duration variances are days of the durations' own kind (working days, or
calendar days for elapsed durations), work in hours, cost in the program's currency.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from progman.domain import Baseline, BaselineTask, Program
from progman.engine.calendars import CalendarTables

_MINUTES_PER_HOUR = 60.0


@dataclass(frozen=True)
class TaskVariance:
    id: str
    name: str
    project: str
    baseline_start: date | datetime
    start: date | datetime
    start_days: float  # working days later (+) or earlier (−) than the baseline
    baseline_finish: date | datetime
    finish: date | datetime
    finish_days: float
    duration_days: float | None  # None: a summary, or no duration on either side
    work_hours: float
    cost: float

    @property
    def varies(self) -> bool:
        """Whether anything differs from the baseline (to the hundredth)."""
        figures = (self.start_days, self.finish_days, self.duration_days or 0.0)
        return any(abs(f) >= 0.005 for f in (*figures, self.work_hours, self.cost))


@dataclass(frozen=True)
class ScopeVariance:
    """A project's or the program's: its finish (the latest of its tasks') and sums."""

    baseline_finish: date | datetime | None
    finish: date | datetime | None
    finish_days: float
    baseline_work_hours: float
    work_hours: float  # the variance
    baseline_cost: float
    cost: float  # the variance


@dataclass(frozen=True)
class Variance:
    baseline: str
    program: ScopeVariance
    projects: dict[str, ScopeVariance]
    tasks: tuple[TaskVariance, ...]  # in plan order, the tasks both sides know
    added: tuple[str, ...]  # tasks (not summaries) of the plan the baseline does not know
    removed: tuple[str, ...]  # tasks of the baseline the plan no longer has


def variance(
    program: Program,
    chosen: Baseline,
    now: Baseline,
    tables: CalendarTables,
    calendar: int,
) -> Variance:
    """``now`` (the plan frozen as a baseline) against ``chosen``; date variances counted
    in working days of ``calendar`` (the program's) of ``tables``."""
    items = {item.id: item for item in program.work_items()}
    project_of = {
        item.id: project.id for project in program.projects for item in project.work_items()
    }
    both = [ident for ident in now.tasks if ident in chosen.tasks and ident in items]
    before = [chosen.tasks[i] for i in both]
    after = [now.tasks[i] for i in both]
    per_day = float(tables.minutes_per_day[calendar])
    start_days = _shift(
        tables, calendar, [t.start for t in before], [t.start for t in after], finish=False
    )
    finish_days = _shift(
        tables, calendar, [t.finish for t in before], [t.finish for t in after], finish=True
    )
    tasks = tuple(
        TaskVariance(
            id=ident,
            name=items[ident].name,
            project=project_of[ident],
            baseline_start=old.start,
            start=new.start,
            start_days=round(float(start_days[k]), 2),
            baseline_finish=old.finish,
            finish=new.finish,
            finish_days=round(float(finish_days[k]), 2),
            duration_days=_duration_days(old, new, per_day),
            work_hours=round(_hours(new) - _hours(old), 2),
            cost=round((new.cost or 0.0) - (old.cost or 0.0), 2),
        )
        for k, (ident, old, new) in enumerate(zip(both, before, after, strict=True))
    )
    old_of, new_of = _by_project(chosen, project_of), _by_project(now, project_of)
    scopes = {
        project.id: _scope(tables, calendar, old_of.get(project.id, []), new_of.get(project.id, []))
        for project in program.projects
    }
    return Variance(
        baseline=chosen.id,
        program=_scope(tables, calendar, list(chosen.tasks.values()), list(now.tasks.values())),
        projects=scopes,
        tasks=tasks,
        added=tuple(  # summaries are how the work is grouped, not work
            i for i in now.tasks if i not in chosen.tasks and not items[i].is_summary
        ),
        removed=tuple(i for i in chosen.tasks if i not in now.tasks),
    )


def _shift(
    tables: CalendarTables,
    calendar: int,
    old: list[date | datetime],
    new: list[date | datetime],
    *,
    finish: bool,
) -> np.ndarray:
    """Working days of ``calendar`` from each ``old`` moment to its ``new`` one (negative
    when the new one is earlier); ``finish``: a day means its end."""
    was = np.array([tables.to_minutes(m, end_of_day=finish) for m in old], dtype=np.int64)
    now = np.array([tables.to_minutes(m, end_of_day=finish) for m in new], dtype=np.int64)
    c = np.full(was.size, calendar, dtype=np.int64)
    moved = tables.work_before_many(c, now) - tables.work_before_many(c, was)
    days: np.ndarray = moved / float(tables.minutes_per_day[calendar])
    return days


def _hours(task: BaselineTask) -> float:
    return 0.0 if task.work is None else task.work.working_minutes() / _MINUTES_PER_HOUR


def _duration_days(old: BaselineTask, new: BaselineTask, per_day: float) -> float | None:
    if old.duration is None and new.duration is None:
        return None
    hours_per_day = per_day / _MINUTES_PER_HOUR

    def days(task: BaselineTask) -> float:
        if task.duration is None:
            return 0.0
        minutes = task.duration.working_minutes(hours_per_day=hours_per_day)
        return minutes / (24 * 60.0 if task.duration.elapsed else per_day)

    return round(days(new) - days(old), 2)


def _by_project(baseline: Baseline, project_of: dict[str, str]) -> dict[str, list[BaselineTask]]:
    """The baseline's tasks grouped by the project that holds them now."""
    found: dict[str, list[BaselineTask]] = {}
    for ident, task in baseline.tasks.items():
        project = project_of.get(ident)
        if project is not None:
            found.setdefault(project, []).append(task)
    return found


def _scope(
    tables: CalendarTables, calendar: int, old: list[BaselineTask], new: list[BaselineTask]
) -> ScopeVariance:
    """The latest finish and the sums of the tasks of a scope, in the baseline (``old``)
    and now (``new``)."""

    def last(tasks: list[BaselineTask]) -> date | datetime | None:
        ends = [t.finish for t in tasks]
        return max(ends, key=lambda m: tables.to_minutes(m, end_of_day=True), default=None)

    last_old, last_new = last(old), last(new)
    days = 0.0
    if last_old is not None and last_new is not None:
        days = float(_shift(tables, calendar, [last_old], [last_new], finish=True)[0])
    old_hours, new_hours = sum(map(_hours, old)), sum(map(_hours, new))
    old_cost = sum(t.cost or 0.0 for t in old)
    return ScopeVariance(
        baseline_finish=last_old,
        finish=last_new,
        finish_days=round(days, 2),
        baseline_work_hours=round(old_hours, 2),
        work_hours=round(new_hours - old_hours, 2),
        baseline_cost=round(old_cost, 2),
        cost=round(sum(t.cost or 0.0 for t in new) - old_cost, 2),
    )


__all__ = ["ScopeVariance", "TaskVariance", "Variance", "variance"]
