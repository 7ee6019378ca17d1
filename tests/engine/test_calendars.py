"""The compiled calendar conversions against a slow, obviously correct minute-by-minute walk.

The reference marks every wall minute of the horizon as working or not, straight from a
:class:`CalendarRule` (weekday, holiday, extra working day, opening hour), and answers each
question by counting those minutes: no tables, no arithmetic shortcuts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from progman.engine.calendars import (
    DEFAULT_OPENING_MINUTE,
    ELAPSED,
    ELAPSED_RULE,
    MINUTES_PER_DAY,
    CalendarRule,
    CalendarTables,
    build_tables,
    finish_of,
    start_of,
    work_before,
)

DAY = MINUTES_PER_DAY


# -- the reference ------------------------------------------------------------------------


def works_on(rule: CalendarRule, day: date) -> bool:
    """Extra working days win over holidays, holidays over the weekly pattern."""
    if day in rule.working_days:
        return True
    if day in rule.holidays:
        return False
    return rule.workdays[day.weekday()]


@dataclass
class Walk:
    """Every wall minute of ``days`` days from ``origin``: working or not."""

    working: np.ndarray  # bool[days * 1440]

    @classmethod
    def of(cls, rule: CalendarRule, origin: date, days: int) -> Walk:
        opening = min(8 * 60, DAY - rule.minutes_per_day)  # 08:00 unless the day is longer
        working = np.zeros(days * DAY, dtype=bool)
        for d in range(days):
            if works_on(rule, origin + timedelta(days=d)):
                first = d * DAY + opening
                working[first : first + rule.minutes_per_day] = True
        return cls(working)

    @property
    def horizon(self) -> int:
        return int(self.working.shape[0])

    @property
    def total(self) -> int:
        return int(self.working.sum())

    def work_before(self, t: int) -> int:
        """Working minutes strictly before wall minute ``t``."""
        t = min(max(t, 0), self.horizon)
        return int(self.working[:t].sum())

    def start_of(self, w: int) -> int:
        """The wall minute in which working minute ``w`` (0-based) is worked."""
        minutes = np.flatnonzero(self.working)
        w = max(w, 0)
        return int(minutes[w]) if w < minutes.size else self.horizon

    def finish_of(self, w: int) -> int:
        """The end of the wall minute in which working minute ``w - 1`` is worked."""
        if w <= 0:
            return self.start_of(0)
        minutes = np.flatnonzero(self.working)
        return int(minutes[w - 1]) + 1 if w <= minutes.size else self.horizon


# -- random calendars -----------------------------------------------------------------------

ORIGINS = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
HORIZON_DAYS = st.integers(min_value=1, max_value=40)


@st.composite
def rules(draw: st.DrawFn, origin: date, days: int) -> CalendarRule:
    """Random workdays, 4-10 h days (sometimes longer), holidays and extra working days.

    A day may be both a holiday and an extra working day (an exception inside a holiday
    range): the extra working day wins.
    """
    workdays = tuple(draw(st.lists(st.booleans(), min_size=7, max_size=7)))
    minutes = draw(
        st.one_of(
            st.integers(4 * 60, 10 * 60),
            st.sampled_from([4 * 60, 450, 8 * 60, 10 * 60, 17 * 60, 20 * 60, 24 * 60]),
        )
    )
    nearby = st.integers(-5, days + 5).map(lambda k: origin + timedelta(days=k))
    holidays = draw(st.lists(nearby, max_size=8, unique=True))
    extra = draw(st.lists(nearby, max_size=4, unique=True))
    return CalendarRule(workdays, minutes, tuple(sorted(holidays)), tuple(sorted(extra)))


@st.composite
def calendars(draw: st.DrawFn) -> tuple[list[CalendarRule], CalendarTables, list[Walk]]:
    """Up to three random calendars after the elapsed one, their tables and their walks."""
    origin = draw(ORIGINS)
    days = draw(HORIZON_DAYS)
    own = draw(st.lists(rules(origin, days), min_size=1, max_size=3))
    all_rules = [ELAPSED_RULE, *own]
    tables = build_tables(all_rules, origin, days)
    return all_rules, tables, [Walk.of(rule, origin, days) for rule in all_rules]


def times(days: int) -> st.SearchStrategy[int]:
    """Wall minutes anywhere, and on purpose at the edges of days and working hours."""
    horizon = days * DAY
    hours = [0, 4, 8, 12, 16, 18, 24]  # midnight, before opening, opening, closing...
    edge_offsets = st.sampled_from([h * 60 for h in hours])
    at_edges = st.builds(
        lambda d, offset, nudge: d * DAY + offset + nudge,
        st.integers(-1, days + 1),
        edge_offsets,
        st.sampled_from([-1, 0, 0, 1]),
    )
    return st.one_of(st.integers(-2 * DAY, horizon + 2 * DAY), at_edges)


SETTINGS = settings(max_examples=150, deadline=None)


def kernel(tables: CalendarTables):  # type: ignore[no-untyped-def]
    args = tables.kernel_args()
    return (
        lambda c, t: int(work_before(c, t, *args)),
        lambda c, w: int(start_of(c, w, *args)),
        lambda c, w: int(finish_of(c, w, *args)),
    )


# -- conversions against the walk ---------------------------------------------------------


@SETTINGS
@given(data=st.data(), cal=calendars())
def test_work_before_counts_the_working_minutes_before_t(data, cal):
    _, tables, walks = cal
    wb, _, _ = kernel(tables)
    for t in data.draw(st.lists(times(tables.days), min_size=1, max_size=30)):
        for c, walk in enumerate(walks):
            assert wb(c, t) == walk.work_before(t), (c, t)


@SETTINGS
@given(data=st.data(), cal=calendars())
def test_start_and_finish_of_agree_with_the_walk(data, cal):
    _, tables, walks = cal
    _, so, fo = kernel(tables)
    for c, walk in enumerate(walks):
        total = walk.total
        edges = [0, 1, total - 1, total, total + 1, -3]
        if c != ELAPSED:
            per_day = int(tables.minutes_per_day[c])
            edges += [k * per_day + nudge for k in range(1, 4) for nudge in (-1, 0, 1)]
        picks = data.draw(st.lists(st.integers(-10, total + 10), max_size=20))
        for w in edges + picks:
            assert so(c, w) == walk.start_of(w), ("start_of", c, w)
            assert fo(c, w) == walk.finish_of(w), ("finish_of", c, w)


@SETTINGS
@given(data=st.data(), cal=calendars())
def test_finish_is_the_end_of_a_working_day_never_the_next_morning(data, cal):
    rules_, tables, walks = cal
    _, so, fo = kernel(tables)
    for c in range(1, len(rules_)):
        walk, per_day = walks[c], rules_[c].minutes_per_day
        opening = rules_[c].opening_minute
        for k in data.draw(st.lists(st.integers(1, max(1, walk.total // per_day)), max_size=5)):
            w = k * per_day  # k whole working days
            if w > walk.total:
                continue
            finish = fo(c, w)
            assert walk.working[finish - 1], "the last minute worked is a working minute"
            closing = (finish - 1) % DAY + 1  # 24:00 rather than 00:00 for a day ending then
            assert closing == opening + per_day, "a whole day ends at closing time"
            assert walk.work_before(finish) == w
            if w < walk.total:
                assert so(c, w) // DAY > (finish - 1) // DAY, "the next minute is a later day"
                assert so(c, w) % DAY == opening


@SETTINGS
@given(data=st.data(), cal=calendars())
def test_a_start_is_the_first_working_moment_at_or_after_t(data, cal):
    _, tables, walks = cal
    wb, so, fo = kernel(tables)
    for t in data.draw(st.lists(times(tables.days), min_size=1, max_size=30)):
        for c, walk in enumerate(walks):
            w = wb(c, t)
            if w >= walk.total:
                assert so(c, w) == tables.horizon  # nothing left to work: past the tables
                continue
            start = so(c, w)
            assert start >= t, (c, t)
            assert walk.working[start], "a start is a working moment"
            assert not walk.working[max(t, 0) : start].any(), "no working minute skipped"
            assert wb(c, start) == w
            if w > 0:
                finish = fo(c, w)
                assert finish <= max(t, 0), "the work before t was complete by t"
                assert wb(c, finish) == w


@SETTINGS
@given(cal=calendars())
def test_tables_match_the_rules_day_by_day(cal):
    rules_, tables, _ = cal
    for c, rule in enumerate(rules_):
        expected = [works_on(rule, tables.origin + timedelta(days=d)) for d in range(tables.days)]
        assert tables.working[c].tolist() == expected
        assert int(tables.workday_count[c]) == sum(expected)
        assert int(tables.opening_minute[c]) == rule.opening_minute


def test_elapsed_calendar_is_wall_time_clamped_to_the_tables():
    tables = build_tables([ELAPSED_RULE], date(2027, 1, 4), 3)
    wb, so, fo = kernel(tables)
    for t in (-5, 0, 1, 100, DAY, 3 * DAY - 1):
        assert wb(ELAPSED, t) == max(t, 0)
        assert so(ELAPSED, max(t, 0)) == max(t, 0)
    assert wb(ELAPSED, 10 * DAY) == 3 * DAY
    assert so(ELAPSED, 10 * DAY) == 3 * DAY
    assert fo(ELAPSED, 7) == 7
    assert fo(ELAPSED, 0) == 0


def test_standard_week_examples():
    """Mon 2027-01-04, Mon-Fri 8 h: concrete values one can check by hand."""
    standard = CalendarRule((True,) * 5 + (False,) * 2, 8 * 60, (date(2027, 1, 6),))
    tables = build_tables([ELAPSED_RULE, standard], date(2027, 1, 4), 14)
    wb, so, fo = kernel(tables)
    monday_8 = DEFAULT_OPENING_MINUTE
    assert wb(1, monday_8) == 0
    assert wb(1, monday_8 + 60) == 60
    assert wb(1, DAY) == 480  # Monday midnight: one full day
    assert fo(1, 480) == 16 * 60  # Monday 16:00, not Tuesday 08:00
    assert so(1, 480) == DAY + 8 * 60  # Tuesday 08:00
    assert so(1, 960) == 3 * DAY + 8 * 60  # Wednesday is a holiday: Thursday 08:00
    assert fo(1, 3 * 480) == 3 * DAY + 16 * 60  # Thursday 16:00
    assert fo(1, 3 * 480 + 1) == 4 * DAY + 8 * 60 + 1  # Friday 08:01
    assert fo(1, 4 * 480) == 4 * DAY + 16 * 60  # Friday 16:00
    assert so(1, 4 * 480) == 7 * DAY + 8 * 60  # the next Monday 08:00
    assert wb(1, 5 * DAY + 12 * 60) == 4 * 480  # Saturday noon: Mon, Tue, Thu, Fri


# -- intersection ---------------------------------------------------------------------------


@SETTINGS
@given(data=st.data(), origin=ORIGINS, days=HORIZON_DAYS)
def test_intersection_works_exactly_when_both_calendars_work(data, origin, days):
    first = data.draw(rules(origin, days))
    second = data.draw(rules(origin, days))
    both = first.intersect(second)
    assert both == second.intersect(first)
    for d in range(-6, days + 6):
        day = origin + timedelta(days=d)
        assert works_on(both, day) == (works_on(first, day) and works_on(second, day)), day
    walks = [Walk.of(rule, origin, days) for rule in (first, second, both)]
    assert np.array_equal(walks[2].working, walks[0].working & walks[1].working)
    tables = build_tables([ELAPSED_RULE, first, second, both], origin, days)
    wb, _, _ = kernel(tables)
    for t in data.draw(st.lists(times(days), max_size=10)):
        assert wb(3, t) == walks[2].work_before(t)


def test_intersection_example():
    """Mon-Fri 8 h with a holiday, and a Mon-Thu 10 h person who works one Saturday."""
    office = CalendarRule((True,) * 5 + (False,) * 2, 480, (date(2027, 1, 6),))
    person = CalendarRule((True,) * 4 + (False,) * 3, 600, (), (date(2027, 1, 9),))
    both = office.intersect(person)
    assert both.workdays == (True, True, True, True, False, False, False)
    assert both.minutes_per_day == 480
    assert date(2027, 1, 6) in both.holidays
    assert both.working_days == ()  # the person's Saturday is not an office day


def test_intersection_keeps_an_exception_day_inside_a_holiday_of_both():
    """Regression: a day listed as holiday and as working day in both calendars (a person
    on the program calendar) was dropped from their intersection."""
    day = date(2027, 12, 28)
    rule = CalendarRule((True,) * 5 + (False,) * 2, 480, holidays=(day,), working_days=(day,))
    assert day in rule.intersect(rule).working_days


# -- the bulk (numpy) conversions ----------------------------------------------------------


@SETTINGS
@given(data=st.data(), cal=calendars())
def test_bulk_conversions_agree_with_the_walk(data, cal):
    """work_before_many / start_of_many / finish_of_many, used by the build outside the
    kernels, answer as the walk (and so as the compiled conversions) for every pair."""
    _, tables, walks = cal
    moments = data.draw(st.lists(times(tables.days), min_size=1, max_size=30))
    for c, walk in enumerate(walks):
        total = walk.total
        counts = [-3, 0, 1, total - 1, total, total + 1]
        counts += data.draw(st.lists(st.integers(-10, total + 10), max_size=20))
        same = np.full(len(moments), c)
        got = tables.work_before_many(same, np.array(moments)).tolist()
        assert got == [walk.work_before(t) for t in moments], c
        same = np.full(len(counts), c)
        assert tables.start_of_many(same, np.array(counts)).tolist() == [
            walk.start_of(w) for w in counts
        ], ("start_of", c)
        assert tables.finish_of_many(same, np.array(counts)).tolist() == [
            walk.finish_of(w) for w in counts
        ], ("finish_of", c)


def test_datetimes_and_stamps_in_bulk():
    tables = build_tables([ELAPSED_RULE], date(2027, 1, 4), 3)
    minutes = np.array([0, 8 * 60, 16 * 60 + 1, -5])
    assert tables.to_datetimes(minutes) == [
        datetime(2027, 1, 4),
        datetime(2027, 1, 4, 8),
        datetime(2027, 1, 4, 16, 1),
        datetime(2027, 1, 3, 23, 55),
    ]
    assert tables.stamps(minutes) == [
        "2027-01-04T00:00",
        "2027-01-04T08:00",
        "2027-01-04T16:01",
        "2027-01-03T23:55",
    ]
