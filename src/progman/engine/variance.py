"""Variance of the plan against one of its baselines: start, finish, duration, work and
cost of every task, and of every project and the program.

Both sides are baselines: the one chosen, and the plan as it is now frozen the same way
(:func:`progman.services.baselines.frozen_tasks`), so a baseline taken now varies by
nothing. Date variances are working days of the program calendar (positive: later than
the baseline); a date without a time is the whole day (a start at its beginning, a finish
at its end). Duration variances are days of the durations' own kind (working days, or
calendar days for elapsed durations), work in hours, cost in the program's currency.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

import numpy as np

from progman.domain import Baseline, Duration, Program
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


class Frozen(Protocol):
    """A task's figures as a baseline holds them (:class:`BaselineTask`, or the plan's
    now, frozen the same way)."""

    @property
    def start(self) -> date | datetime: ...
    @property
    def finish(self) -> date | datetime: ...
    @property
    def duration(self) -> Duration | None: ...
    @property
    def work(self) -> Duration | None: ...
    @property
    def cost(self) -> float | None: ...


def variance(
    program: Program,
    chosen: Baseline,
    now: Mapping[str, Frozen],
    tables: CalendarTables,
    calendar: int,
) -> Variance:
    """``now`` (the plan's tasks, frozen as a baseline freezes them) against ``chosen``;
    date variances counted in working days of ``calendar`` (the program's) of ``tables``.
    Each side is read into columns once; every variance and every scope's sums are
    whole-array operations."""
    items = program.task_index()
    projects = [project.id for project in program.projects]
    project_of = {
        item.id: p for p, project in enumerate(program.projects) for item in project.work_items()
    }
    old, new = _Columns.of(chosen.tasks, tables, project_of), _Columns.of(now, tables, project_of)
    old_at = {ident: k for k, ident in enumerate(old.ids)}
    both = [(k, old_at[i]) for k, i in enumerate(new.ids) if i in old_at and i in items]
    mine = np.array([k for k, _ in both], dtype=np.int64)
    theirs = np.array([j for _, j in both], dtype=np.int64)
    start_days = _working_days(tables, calendar, old.start[theirs], new.start[mine])
    finish_days = _working_days(tables, calendar, old.finish[theirs], new.finish[mine])
    per_day = float(tables.minutes_per_day[calendar])
    work = np.round(new.hours[mine] - old.hours[theirs], 2).tolist()
    cost = np.round(new.cost[mine] - old.cost[theirs], 2).tolist()
    tasks = tuple(
        TaskVariance(
            id=new.ids[k],
            name=items[new.ids[k]].name,
            project=projects[new.project[k]],
            baseline_start=old.tasks[j].start,
            start=new.tasks[k].start,
            start_days=round(float(start_days[n]), 2),
            baseline_finish=old.tasks[j].finish,
            finish=new.tasks[k].finish,
            finish_days=round(float(finish_days[n]), 2),
            duration_days=_duration_days(old.tasks[j], new.tasks[k], per_day),
            work_hours=work[n],
            cost=cost[n],
        )
        for n, (k, j) in enumerate(both)
    )
    old_sums, new_sums = old.scopes(len(projects)), new.scopes(len(projects))
    scopes = [  # each project's, and last the whole program's
        _scope(tables, calendar, (old, old_sums), (new, new_sums), p)
        for p in range(len(projects) + 1)
    ]
    return Variance(
        baseline=chosen.id,
        program=scopes[-1],
        projects=dict(zip(projects, scopes[:-1], strict=True)),
        tasks=tasks,
        added=tuple(  # summaries are how the work is grouped, not work
            i for i in now if i not in chosen.tasks and not items[i].is_summary
        ),
        removed=tuple(i for i in chosen.tasks if i not in now),
    )


@dataclass(frozen=True)
class _Columns:
    """A baseline's tasks as columns: dates in wall minutes (a finish given as a day: its
    end), work in hours, cost, and the index of the project that holds the task now (-1:
    none, the whole program's sums count it)."""

    ids: list[str]
    tasks: list[Frozen]
    start: np.ndarray
    finish: np.ndarray
    hours: np.ndarray
    cost: np.ndarray
    project: np.ndarray

    @classmethod
    def of(
        cls, frozen: Mapping[str, Frozen], tables: CalendarTables, project_of: dict[str, int]
    ) -> _Columns:
        ids, tasks = list(frozen), list(frozen.values())
        return cls(
            ids=ids,
            tasks=tasks,
            start=tables.to_minutes_many([t.start for t in tasks]),
            finish=tables.to_minutes_many([t.finish for t in tasks], end_of_day=True),
            hours=np.fromiter(map(_hours, tasks), dtype=np.float64, count=len(tasks)),
            cost=np.fromiter((t.cost or 0.0 for t in tasks), dtype=np.float64, count=len(tasks)),
            project=np.fromiter(
                (project_of.get(i, -1) for i in ids), dtype=np.int64, count=len(ids)
            ),
        )

    def scopes(self, count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per project (and, last, the program): the task with the latest finish (-1: none),
        the work hours and the cost."""
        group = np.where(self.project >= 0, self.project, count)
        # by project, then finish, then position backwards: the first of the latest wins
        order = np.lexsort((-np.arange(group.size), self.finish, group))
        latest = np.full(count + 1, -1, dtype=np.int64)
        latest[group[order]] = order
        if self.finish.size:
            latest[count] = int(np.argmax(self.finish))
        hours = np.bincount(group, self.hours, minlength=count + 1)
        cost = np.bincount(group, self.cost, minlength=count + 1)
        hours[count], cost[count] = self.hours.sum(), self.cost.sum()
        return latest, hours, cost


def _working_days(
    tables: CalendarTables, calendar: int, was: np.ndarray, now: np.ndarray
) -> np.ndarray:
    """Working days of ``calendar`` from each ``was`` moment (wall minutes) to its ``now``
    one (negative when the new one is earlier)."""
    c = np.full(was.size, calendar, dtype=np.int64)
    moved = tables.work_before_many(c, now) - tables.work_before_many(c, was)
    days: np.ndarray = moved / float(tables.minutes_per_day[calendar])
    return days


def _hours(task: Frozen) -> float:
    return 0.0 if task.work is None else task.work.working_minutes() / _MINUTES_PER_HOUR


def _duration_days(old: Frozen, new: Frozen, per_day: float) -> float | None:
    if old.duration is None and new.duration is None:
        return None
    hours_per_day = per_day / _MINUTES_PER_HOUR

    def days(task: Frozen) -> float:
        if task.duration is None:
            return 0.0
        minutes = task.duration.working_minutes(hours_per_day=hours_per_day)
        return minutes / (24 * 60.0 if task.duration.elapsed else per_day)

    return round(days(new) - days(old), 2)


_Side = tuple[_Columns, tuple[np.ndarray, np.ndarray, np.ndarray]]


def _scope(tables: CalendarTables, calendar: int, old: _Side, new: _Side, p: int) -> ScopeVariance:
    """Scope ``p`` (a project's index; one past the last: the program): the latest finish
    of its tasks and their sums, in the baseline (``old``) and now (``new``)."""
    (was, (old_last, old_hours, old_cost)), (now, (new_last, new_hours, new_cost)) = old, new
    a, b = int(old_last[p]), int(new_last[p])
    days = 0.0
    if a >= 0 and b >= 0:
        days = float(
            _working_days(tables, calendar, was.finish[a : a + 1], now.finish[b : b + 1])[0]
        )
    return ScopeVariance(
        baseline_finish=was.tasks[a].finish if a >= 0 else None,
        finish=now.tasks[b].finish if b >= 0 else None,
        finish_days=round(days, 2),
        baseline_work_hours=round(float(old_hours[p]), 2),
        work_hours=round(float(new_hours[p] - old_hours[p]), 2),
        baseline_cost=round(float(old_cost[p]), 2),
        cost=round(float(new_cost[p] - old_cost[p]), 2),
    )


__all__ = ["ScopeVariance", "TaskVariance", "Variance", "variance"]
