"""Capacity over time: what each resource can take on each day. One model, read by the load
analysis (:func:`progman.engine.load.analyse_load`) and by leveling
(:mod:`progman.engine.leveling`), so that what one calls an over-allocation is what the
other avoids.

* **capacity** (FTE) on a day: the resource's ``capacity``, or the ``availability`` period
  covering the day (the last one listed wins), on the working days of its calendar (the
  program's when it names none); zero on its days off, holidays and vacations;
* its **working window**: its calendar's opening minute and working minutes per day. Work
  on elapsed time (``2ed``) loads a person by the share of the person's window it covers
  that day: a weekend cutover loads a Monday-to-Friday person on no day at all, and one
  that reaches into Monday morning loads Monday only from 08:00 on;
* **why** a stretch of days has less capacity than a task needs (:meth:`CapacityModel.shortfall`):
  a vacation, an availability period or days off, in words, to name the cause of a delay.

Vacations are kept apart from the calendars (``works`` is the calendar alone): a task's
own calendar leaves its people's vacations out already, but elapsed work and actual dates
may fall on one, and the load there is then over the zero capacity.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

import numpy as np

from progman.domain import Program, Resource
from progman.engine.build_calendars import DEFAULT_CALENDAR, calendar_rule
from progman.engine.calendars import ELAPSED_RULE, CalendarRule, build_tables

EPSILON = 1e-9


@dataclass(frozen=True)
class CapacityModel:
    """Capacity and working windows per resource and day from ``origin``.

    Row ``r`` is ``pool[r]``; day ``d`` is ``origin + d``. The ``program_*`` fields are the
    program's calendar, on which assignments still to be staffed count.
    """

    pool: tuple[Resource, ...]
    origin: date
    capacity: np.ndarray  # float64[R, days] FTE: 0 on days off and vacations
    fte: np.ndarray  # float64[R, days] capacity or availability, calendars aside
    works: np.ndarray  # bool[R, days] working days of the resource's calendar
    away: np.ndarray  # bool[R, days] vacation days
    opening: np.ndarray  # int64[R] minute of the day its working window opens
    minutes_per_day: np.ndarray  # int64[R] length of that window
    program_works: np.ndarray  # bool[days]
    program_opening: int
    program_minutes_per_day: int

    @property
    def days(self) -> int:
        return int(self.capacity.shape[1])

    def peak(self) -> np.ndarray:
        """Per resource: the most it ever has on a day (0 without any working day)."""
        most: np.ndarray = self.capacity.max(axis=1, initial=0.0)
        return most

    @cached_property
    def least(self) -> np.ndarray:
        """Per resource: the least it has on a working day of its calendar (vacations
        included, as zero; infinite without any working day)."""
        on_duty = np.where(self.works, self.capacity, np.inf)
        least: np.ndarray = on_duty.min(axis=1, initial=np.inf)
        return least

    def kernel_args(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The working windows as the leveling kernels take them (``rcal``)."""
        return (self.works, self.opening, self.minutes_per_day)

    def day(self, index: int) -> date:
        return self.origin + timedelta(days=index)

    def shortfall(self, r: int, first: int, last: int, units: float) -> str | None:
        """Why resource ``r`` has less than ``units`` on every working day from day
        ``first`` to ``last`` (inclusive), in words; None when some day has enough (what
        stood in the way then was other work)."""
        if units <= self.least[r] + EPSILON:
            return None  # never less than that on a working day
        lo, hi = max(0, first), min(self.days - 1, last)
        if hi < lo:
            return None
        capacity = self.capacity[r, lo : hi + 1]
        working = self.works[r, lo : hi + 1] & ~self.away[r, lo : hi + 1]
        if (capacity[working] >= units - EPSILON).any():
            return None
        resource = self.pool[r]
        if self.away[r, lo : hi + 1].any():
            vacation = next(
                (
                    v
                    for v in resource.vacations
                    if v.start <= self.day(hi) and v.last >= self.day(lo)
                ),
                None,
            )
            if vacation is not None:
                return f"{resource.id} is on vacation {vacation.start} – {vacation.last}"
        period = next(
            (
                p
                for p in reversed(resource.availability)
                if p.start <= self.day(hi)
                and (p.finish is None or p.finish >= self.day(lo))
                and p.capacity < units - EPSILON
            ),
            None,
        )
        if period is not None:
            until = f" to {period.finish}" if period.finish is not None else ""
            return (
                f"{resource.id} has {period.capacity:g} FTE from {period.start}{until}, "
                f"needs {units:g}"
            )
        if not working.any():
            return f"{resource.id} does not work then"
        return f"{resource.id} has {float(capacity[working].max()):g} FTE, needs {units:g}"


def resource_rules(program: Program, pool: list[Resource]) -> list[CalendarRule]:
    """The program's calendar, then each resource's own (the program's when it names none).

    Vacations are kept apart (see :func:`capacity_model`)."""
    base: dict[str | None, CalendarRule] = {None: calendar_rule(DEFAULT_CALENDAR)}
    for name, cal in program.calendars.items():
        base[name] = calendar_rule(cal)
    default = base[program.calendar] if program.calendar else base[None]
    return [default] + [base[r.calendar] if r.calendar else default for r in pool]


def _fte_and_away(pool: list[Resource], days: int, origin: date) -> tuple[np.ndarray, np.ndarray]:
    day_dates = np.datetime64(origin, "D") + np.arange(days)
    fte = np.zeros((len(pool), days))
    away = np.zeros((len(pool), days), dtype=bool)
    for r, resource in enumerate(pool):
        fte[r] = resource.capacity
        for period in resource.availability:
            span = day_dates >= np.datetime64(period.start, "D")
            if period.finish is not None:
                span &= day_dates <= np.datetime64(period.finish, "D")
            fte[r, span] = period.capacity
        for vacation in resource.vacations:
            away[r] |= (day_dates >= np.datetime64(vacation.start, "D")) & (
                day_dates <= np.datetime64(vacation.last, "D")
            )
    return fte, away


def capacity_model(
    program: Program, pool: list[Resource], origin: date, days: int
) -> CapacityModel:
    """The capacity of every resource of ``pool`` over ``days`` days from ``origin``."""
    default, *own = resource_rules(program, pool)
    tables = build_tables([ELAPSED_RULE, default, *own], origin, max(days, 1))
    works = tables.working[2:]
    fte, away = _fte_and_away(pool, tables.days, origin)
    return CapacityModel(
        pool=tuple(pool),
        origin=origin,
        capacity=np.ascontiguousarray(np.where(works & ~away, fte, 0.0)),
        fte=fte,
        works=np.ascontiguousarray(works),
        away=away,
        opening=np.ascontiguousarray(tables.opening_minute[2:]),
        minutes_per_day=np.ascontiguousarray(tables.minutes_per_day[2:]),
        program_works=tables.working[1],
        program_opening=int(tables.opening_minute[1]),
        program_minutes_per_day=int(tables.minutes_per_day[1]),
    )


__all__ = ["CapacityModel", "capacity_model", "resource_rules"]
