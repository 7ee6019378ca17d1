# ruff: noqa: PLR0917 - compiled kernels take their arrays positionally (numba)
"""Working calendars as arrays, and O(1) conversions between wall-clock and working time.

Time in the engine is an integer count of wall-clock minutes from ``origin`` (midnight of
day 0). Each calendar works a fixed number of minutes on each of its working days, from a
fixed opening minute, so both conversions are table look-ups:

* ``work_before(c, t)``: working minutes of calendar ``c`` elapsed before wall time ``t``;
* ``start_of(c, w)``: the wall time at which working minute ``w`` begins (a start);
* ``finish_of(c, w)``: the wall time at which ``w`` working minutes are complete (a finish:
  the end of a working day, never the next morning).

Calendar 0 is always the elapsed calendar (24 hours, every day), used for elapsed
durations (``5ed``) and by array-level callers who want plain integer time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

from progman.engine.jit import kernel

MINUTES_PER_DAY = 1440
DEFAULT_OPENING_MINUTE = 8 * 60  # working days start at 08:00
ELAPSED = 0  # index of the elapsed calendar


@dataclass(frozen=True)
class CalendarRule:
    """One calendar as the engine needs it: which days work, and how many minutes each."""

    workdays: tuple[bool, ...]  # Monday .. Sunday
    minutes_per_day: int
    holidays: tuple[date, ...] = ()
    working_days: tuple[date, ...] = ()

    @property
    def opening_minute(self) -> int:
        return min(DEFAULT_OPENING_MINUTE, MINUTES_PER_DAY - self.minutes_per_day)

    def intersect(self, other: CalendarRule) -> CalendarRule:
        """Time that is working in both (a task worked by a resource with its own calendar)."""
        workdays = tuple(a and b for a, b in zip(self.workdays, other.workdays, strict=True))
        candidates = set(self.working_days) | set(other.working_days)
        extra = {d for d in candidates if _works(self, d) and _works(other, d)}
        return CalendarRule(
            workdays,
            min(self.minutes_per_day, other.minutes_per_day),
            tuple(sorted(set(self.holidays) | set(other.holidays))),
            tuple(sorted(extra)),
        )


def _works(rule: CalendarRule, day: date) -> bool:
    if day in rule.working_days:
        return True
    return rule.workdays[day.weekday()] and day not in rule.holidays


ELAPSED_RULE = CalendarRule((True,) * 7, MINUTES_PER_DAY)


@dataclass(frozen=True)
class CalendarTables:
    """Every calendar of a schedule over ``days`` days from ``origin``.

    ``cumulative[c, d]`` is the working minutes of calendar ``c`` before day ``d``;
    ``nth_workday[c, k]`` is the day number of its k-th working day (0-based).
    """

    origin: date
    days: int
    minutes_per_day: np.ndarray  # int64[C]
    opening_minute: np.ndarray  # int64[C]
    working: np.ndarray  # bool[C, days]
    cumulative: np.ndarray  # int64[C, days + 1]
    nth_workday: np.ndarray  # int64[C, days]
    workday_count: np.ndarray  # int64[C]

    @property
    def count(self) -> int:
        return int(self.minutes_per_day.shape[0])

    @property
    def horizon(self) -> int:
        """First wall minute past the tables."""
        return self.days * MINUTES_PER_DAY

    def to_minutes(self, moment: date | datetime, *, end_of_day: bool = False) -> int:
        """Wall minutes from the origin to a date (midnight) or a time stamp; with
        ``end_of_day``, a date without a time is the end of that day (a finish given as a
        day: a baseline written by hand, an actual finish)."""
        if isinstance(moment, datetime):
            delta = moment - datetime.combine(self.origin, datetime.min.time())
            return int(delta.total_seconds() // 60)
        return ((moment - self.origin).days + end_of_day) * MINUTES_PER_DAY

    def to_minutes_many(
        self, moments: Sequence[date | datetime], *, end_of_day: bool = False
    ) -> np.ndarray:
        """:meth:`to_minutes` of each moment, as int64 (a comprehension: numpy's own
        conversion of date objects is several times slower)."""
        origin = self.origin
        base = datetime.combine(origin, datetime.min.time())
        minute, extra = timedelta(minutes=1), MINUTES_PER_DAY if end_of_day else 0

        def minutes(moment: date | datetime) -> int:
            if isinstance(moment, datetime):
                return (moment - base) // minute
            return (moment - origin).days * MINUTES_PER_DAY + extra

        return np.fromiter(map(minutes, moments), dtype=np.int64, count=len(moments))

    def to_datetimes(self, minutes: np.ndarray) -> list[datetime]:
        """Wall minutes as datetimes, converted in bulk (numpy, not one at a time)."""
        return self.to_datetime64(minutes).tolist()  # type: ignore[no-any-return]

    def to_datetime64(self, minutes: np.ndarray) -> np.ndarray:
        """Wall minutes as ``datetime64[m]`` (the origin plus each count)."""
        counts = np.asarray(minutes, dtype=np.int64).astype("timedelta64[m]")
        return np.datetime64(self.origin, "m") + counts

    def stamps(self, minutes: np.ndarray) -> list[str]:
        """Wall minutes as ``YYYY-MM-DDTHH:MM`` text, the form of ``--json``."""
        text = np.datetime_as_string(self.to_datetime64(minutes), unit="m")
        return text.tolist()  # type: ignore[no-any-return]

    # -- the compiled conversions below, for many moments at once (numpy) ---------------------

    def work_before_many(self, c: np.ndarray, t: np.ndarray) -> np.ndarray:
        """:func:`work_before` of each ``(c[k], t[k])``."""
        c, t = np.asarray(c, dtype=np.int64), np.asarray(t, dtype=np.int64)
        day = t // MINUTES_PER_DAY
        clipped = np.clip(day, 0, self.days - 1)
        within = t - clipped * MINUTES_PER_DAY - self.opening_minute[c]
        worked = np.where(
            self.working[c, clipped] & (within > 0), np.minimum(within, self.minutes_per_day[c]), 0
        )
        count = np.where(day >= self.days, self.cumulative[c, self.days], 0)
        inside = (day >= 0) & (day < self.days)
        count = np.where(inside, self.cumulative[c, clipped] + worked, count)
        wall = np.clip(t, 0, self.horizon)
        return np.where(c == ELAPSED, wall, count)

    def start_of_many(self, c: np.ndarray, w: np.ndarray) -> np.ndarray:
        """:func:`start_of` of each ``(c[k], w[k])``."""
        c = np.asarray(c, dtype=np.int64)
        w = np.maximum(np.asarray(w, dtype=np.int64), 0)
        return self._moment_of_many(c, w, w)

    def finish_of_many(self, c: np.ndarray, w: np.ndarray) -> np.ndarray:
        """:func:`finish_of` of each ``(c[k], w[k])``."""
        c, w = np.asarray(c, dtype=np.int64), np.asarray(w, dtype=np.int64)
        none = w <= 0
        return self._moment_of_many(c, np.where(none, 0, w - 1), np.where(none, 0, w))

    def _moment_of_many(self, c: np.ndarray, day_of: np.ndarray, w: np.ndarray) -> np.ndarray:
        """Wall minute of working minute ``w`` found on the working day holding ``day_of``."""
        per_day = self.minutes_per_day[c]
        k = day_of // per_day
        past = k >= self.workday_count[c]
        nth = self.nth_workday[c, np.minimum(k, self.days - 1)]
        moment = nth * MINUTES_PER_DAY + self.opening_minute[c] + (w - k * per_day)
        moment = np.where(past, self.horizon, moment)
        return np.where(c == ELAPSED, np.minimum(w, self.horizon), moment)

    def kernel_args(self) -> tuple[np.ndarray, ...]:
        """The arrays the compiled conversions take, in their order."""
        return (
            self.cumulative,
            self.nth_workday,
            self.workday_count,
            self.minutes_per_day,
            self.opening_minute,
            self.working,
        )


def build_tables(rules: list[CalendarRule], origin: date, days: int) -> CalendarTables:
    """Tables for ``rules`` (calendar 0 must be :data:`ELAPSED_RULE`) over a horizon."""
    count = len(rules)
    day_numbers = np.arange(days)
    weekday = (origin.weekday() + day_numbers) % 7
    working = np.zeros((count, days), dtype=bool)
    for c, rule in enumerate(rules):
        row = np.asarray(rule.workdays, dtype=bool)[weekday]
        row[_day_indexes(rule.holidays, origin, days)] = False
        row[_day_indexes(rule.working_days, origin, days)] = True
        working[c] = row
    minutes = np.array([r.minutes_per_day for r in rules], dtype=np.int64)
    opening = np.array([r.opening_minute for r in rules], dtype=np.int64)
    cumulative = np.zeros((count, days + 1), dtype=np.int64)
    np.cumsum(working * minutes[:, None], axis=1, out=cumulative[:, 1:])
    workday_count = working.sum(axis=1).astype(np.int64)
    nth_workday = np.full((count, days), days, dtype=np.int64)
    for c in range(count):
        found = np.flatnonzero(working[c])
        nth_workday[c, : found.size] = found
    return CalendarTables(
        origin, days, minutes, opening, working, cumulative, nth_workday, workday_count
    )


def _day_indexes(days_list: tuple[date, ...], origin: date, days: int) -> np.ndarray:
    numbers = np.array([(d - origin).days for d in days_list], dtype=np.int64)
    return numbers[(numbers >= 0) & (numbers < days)]


# -- compiled conversions (called from the CPM kernels) -------------------------------------


@kernel(refcounts=False)
def work_before(c, t, cumulative, nth_workday, workday_count, minutes_per_day, opening, working):  # type: ignore[no-untyped-def]
    """Working minutes of calendar ``c`` before wall minute ``t`` (clamped to the tables)."""
    days = working.shape[1]
    if c == ELAPSED:  # 24/7: working time is wall time
        return min(max(t, np.int64(0)), np.int64(days * MINUTES_PER_DAY))
    day = t // MINUTES_PER_DAY
    if day < 0:
        return np.int64(0)
    if day >= days:
        return cumulative[c, days]
    count = cumulative[c, day]
    if working[c, day]:
        within = t - day * MINUTES_PER_DAY - opening[c]
        if within > 0:
            count += min(within, minutes_per_day[c])
    return count


@kernel(refcounts=False)
def start_of(c, w, cumulative, nth_workday, workday_count, minutes_per_day, opening, working):  # type: ignore[no-untyped-def]
    """Wall minute at which working minute ``w`` of calendar ``c`` begins."""
    w = max(w, 0)
    if c == ELAPSED:
        return min(w, np.int64(working.shape[1] * MINUTES_PER_DAY))
    per_day = minutes_per_day[c]
    k = w // per_day
    if k >= workday_count[c]:
        return np.int64(working.shape[1] * MINUTES_PER_DAY)  # past the horizon
    return nth_workday[c, k] * MINUTES_PER_DAY + opening[c] + (w - k * per_day)


@kernel(refcounts=False)
def finish_of(c, w, cumulative, nth_workday, workday_count, minutes_per_day, opening, working):  # type: ignore[no-untyped-def]
    """Wall minute at which ``w`` working minutes of calendar ``c`` are complete."""
    if w <= 0:
        return start_of(
            c, 0, cumulative, nth_workday, workday_count, minutes_per_day, opening, working
        )
    if c == ELAPSED:
        return min(w, np.int64(working.shape[1] * MINUTES_PER_DAY))
    per_day = minutes_per_day[c]
    k = (w - 1) // per_day
    if k >= workday_count[c]:
        return np.int64(working.shape[1] * MINUTES_PER_DAY)
    return nth_workday[c, k] * MINUTES_PER_DAY + opening[c] + (w - k * per_day)
