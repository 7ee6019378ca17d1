"""Actual costs by period: what a work item cost in each stretch of days, the time-phased
actual cost that earned value's AC curve follows (as a cost ledger or timesheets give it).

An entry is ``{end: DATE, amount: MONEY}`` with an optional ``start``; without one it
begins the day after the previous entry's ``end`` (the first one: on its ``end`` day
alone). Its amount is spread evenly over its days, ``start`` to ``end`` inclusive. The
entries are in date order and do not overlap; when the item also gives ``actual_cost``,
that total must be their sum to the cent.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from pydantic import model_validator

from progman.domain.base import Entity, Money, PlanDate

#: Two totals within this much agree (money is kept to the cent).
CENT = 0.005


class PeriodCost(Entity):
    """What was spent from ``start`` (optional) to ``end``, both days included."""

    start: PlanDate | None = None
    end: PlanDate
    amount: Money

    @model_validator(mode="after")
    def _in_order(self) -> PeriodCost:
        if self.start is not None and self.start > self.end:
            raise ValueError(
                f"an actual cost's start {self.start} is after its end {self.end}: "
                "a period runs from start to end"
            )
        return self


def periods(entries: Sequence[PeriodCost]) -> list[tuple[date, date, float]]:
    """Each entry as (first day, last day, amount), a missing start filled in."""
    found: list[tuple[date, date, float]] = []
    for entry in entries:
        first = entry.start
        if first is None:
            first = found[-1][1] + timedelta(days=1) if found else entry.end
        found.append((first, entry.end, entry.amount))
    return found


def periods_problem(ident: object, entries: Sequence[PeriodCost]) -> str | None:
    """Why ``entries`` are not a ledger in date order without overlaps, or None."""
    previous: PeriodCost | None = None
    for number, entry in enumerate(entries, 1):
        starts = entry.end if entry.start is None else entry.start
        if previous is not None and (entry.end <= previous.end or starts <= previous.end):
            return (
                f"actual_costs of {ident}: entry {number} ({_shown(entry)}) overlaps or "
                f"comes before entry {number - 1} ({_shown(previous)}); give the periods "
                "in date order, each starting after the previous one's end"
            )
        previous = entry
    return None


def total_problem(ident: object, total: float | None, entries: Sequence[PeriodCost]) -> str | None:
    """Why ``actual_cost`` ``total`` disagrees with the sum of ``entries``, or None."""
    if total is None or not entries:
        return None
    summed = sum(entry.amount for entry in entries)
    if abs(summed - total) <= CENT:
        return None
    return (
        f"actual_cost {total:,.2f} of {ident} is not the sum of its actual_costs "
        f"({summed:,.2f}): give only the periods (the total is their sum), or make the "
        "total agree with them"
    )


def _shown(entry: PeriodCost) -> str:
    start = f"{entry.start} to " if entry.start is not None else "to "
    return f"{start}{entry.end}, {entry.amount:,.2f}"


__all__ = ["CENT", "PeriodCost", "periods", "periods_problem", "total_problem"]
