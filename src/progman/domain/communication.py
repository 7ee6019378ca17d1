"""The communication plan's rules: when a stakeholder's report is due, and where a
stakeholder sits on the interest/influence grid. Pure date arithmetic, no I/O.

A report line is due on its ``start`` (default: the program's start) and then every
``frequency`` after it: weekly and biweekly by 7 and 14 days, monthly and quarterly on
the same day of the month (the month's last day when it is shorter). On a day ``on`` it
is *due* when one of those dates falls after ``last`` (when it last went out) and on or
before ``on``; without ``last``, in the seven days up to ``on`` (a weekly round).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from progman.domain.governance import Communication, Stakeholder

#: Days a weekly round looks back when a report line has no ``last``.
ROUND_DAYS = 7
#: A score from this up is high on the grid (scores are 1 to 5).
HIGH = 4
Quadrant = Literal["manage_closely", "keep_satisfied", "keep_informed", "monitor", "unrated"]
QUADRANTS: tuple[Quadrant, ...] = (
    "manage_closely",
    "keep_satisfied",
    "keep_informed",
    "monitor",
    "unrated",
)
_DAYS = {"weekly": 7, "biweekly": 14}
_MONTHS = {"monthly": 1, "quarterly": 3}


def nth_date(first: date, frequency: str, n: int) -> date:
    """The ``n``-th date (0: ``first``) of a line that recurs every ``frequency``."""
    if frequency in _DAYS:
        return first + timedelta(days=_DAYS[frequency] * n)
    months = first.month - 1 + _MONTHS[frequency] * n
    year, month = first.year + months // 12, months % 12 + 1
    return date(year, month, min(first.day, calendar.monthrange(year, month)[1]))


def dates_between(first: date, frequency: str, after: date, until: date) -> list[date]:
    """The line's dates after ``after`` and on or before ``until``, in order."""
    found = []
    n = _first_index_after(first, frequency, after)
    while (day := nth_date(first, frequency, n)) <= until:
        found.append(day)
        n += 1
    return found


def next_date(first: date, frequency: str, after: date) -> date:
    """The line's first date after ``after``."""
    return nth_date(first, frequency, _first_index_after(first, frequency, after))


def _first_index_after(first: date, frequency: str, after: date) -> int:
    if after < first:
        return 0
    if frequency in _DAYS:
        n = (after - first).days // _DAYS[frequency]
    else:
        n = ((after.year - first.year) * 12 + after.month - first.month) // _MONTHS[frequency]
    n = max(n - 1, 0)
    while nth_date(first, frequency, n) <= after:
        n += 1
    return n


@dataclass(frozen=True)
class Due:
    """One report line on a day: the dates it is due (oldest first; empty: not due) and
    its next date after the day."""

    dates: tuple[date, ...]
    next: date

    @property
    def is_due(self) -> bool:
        return bool(self.dates)


def due_on(line: Communication, program_start: date, on: date) -> Due:
    """When ``line`` is due on the day ``on`` (see the module's rule)."""
    first = line.start or program_start
    since = line.last if line.last is not None else on - timedelta(days=ROUND_DAYS)
    return Due(
        tuple(dates_between(first, line.frequency, since, on)), next_date(first, line.frequency, on)
    )


def quadrant(person: Stakeholder) -> Quadrant:
    """Where ``person`` sits on the interest/influence grid (high = :data:`HIGH` or more):
    manage closely (both high), keep satisfied (influence), keep informed (interest),
    monitor (neither); unrated without both scores."""
    if person.interest is None or person.influence is None:
        return "unrated"
    interested, influential = person.interest >= HIGH, person.influence >= HIGH
    if interested and influential:
        return "manage_closely"
    if influential:
        return "keep_satisfied"
    return "keep_informed" if interested else "monitor"
