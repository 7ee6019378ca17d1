"""The cost of a plan: one model for the planned cost, baselines, what-if comparisons,
Monte Carlo and earned value, so that their figures reconcile.

Every node of the network costs ``fixed + per_minute × duration``, its duration in the
minutes of the network (:func:`progman.engine.build.build_network`): the deterministic
schedule's duration (``duration``; else the most likely ``estimate``; else ``work`` over
the assigned units). The planned cost is that at the network's durations; Monte Carlo
applies the same arrays to its sampled durations, so pinned estimates give the planned
cost. The rule (docs/user-guide.md#cost):

* a work item's ``fixed_cost``;
* per assignment: the amount recorded on it (``cost``), its resource's ``cost_per_use``,
  and its resource's ``rate`` × its hours, whatever the resource's kind (a material's rate
  is per unit and hour; a cost resource usually has amounts only, but a rate counts too);
* an assignment's hours: its own ``work`` if given, else units × the task's duration in
  working hours of the task's calendar. An elapsed duration (``28ed``) counts 5 working
  days a week of the program calendar (28ed = 20 working days), as the risk register does;
* labour (work hours) is the hours of people and of roles or skills still to be staffed;
  a role has no rate yet, so it adds work, not cost;
* a summary's own fixed cost and assignments count (its span is its children's: only an
  assignment's own ``work`` gives it hours); a milestone lasts nothing.

Progress does not change the planned cost (done work costs its planned duration: actual
cost is earned value's). Not modelled: overtime rates, rates changing over time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from itertools import chain
from operator import attrgetter, truth

import numpy as np

from progman.domain import Assignment, Program
from progman.engine.build import BuiltNetwork
from progman.engine.build_arrays import duration_minutes
from progman.engine.calendars import ELAPSED, MINUTES_PER_DAY
from progman.engine.scheduled import scheduled

#: An elapsed day counts this share of a working day (5 working days a week).
WORKING_SHARE_OF_ELAPSED = 5.0 / 7.0

_KIND_CODE = {"person": 0, "material": 1, "cost": 2}
_ROLE = -1  # the resource row of an assignment to a role or skill still to be staffed


@dataclass(frozen=True)
class CostModel:
    """Cost and labour of every network node as linear functions of its duration.

    Arrays are ``float64[network size]`` (a summary's finish node: zero); a duration is in
    the node's minutes, as ``Network.duration`` (wall minutes for an elapsed task).
    """

    fixed: np.ndarray  # cost that does not follow the duration
    per_minute: np.ndarray  # cost of each minute of the duration
    work_fixed: np.ndarray  # hours of labour that do not follow the duration
    work_per_minute: np.ndarray  # hours of labour per minute of the duration

    def costs(self, duration: np.ndarray) -> np.ndarray:
        """Each node's cost at ``duration[node]`` (or ``[node, iteration]``)."""
        d = np.asarray(duration, dtype=np.float64)
        if d.ndim == 2:
            return self.fixed[:, None] + self.per_minute[:, None] * d
        return self.fixed + self.per_minute * d

    def work_hours(self, duration: np.ndarray) -> np.ndarray:
        """Each node's hours of labour at ``duration[node]``."""
        hours: np.ndarray = self.work_fixed + self.work_per_minute * np.asarray(duration, float)
        return hours


@dataclass(frozen=True)
class PlannedCosts:
    """Each work item's own planned cost (rounded to cents) and labour hours, plan order."""

    ids: list[str]
    cost: np.ndarray  # float64[items], cents
    work_hours: np.ndarray  # float64[items]

    @property
    def total(self) -> float:
        """The program's planned cost: the sum of its items' costs, so a baseline's (the
        sum of its tasks') is the same to the cent."""
        return round(float(self.cost.sum()), 2)

    @cached_property
    def by_id(self) -> dict[str, tuple[float, float]]:
        """Work item id -> (cost, work hours)."""
        pairs = zip(self.cost.tolist(), self.work_hours.tolist(), strict=True)
        return dict(zip(self.ids, pairs, strict=True))


def cost_model(program: Program, built: BuiltNetwork) -> CostModel:
    """The :class:`CostModel` of ``program`` on its built network."""
    net = built.network
    n_items, size = built.item_count, net.size
    per_day = net.calendars.minutes_per_day
    program_day = float(per_day[built.program_calendar])
    calendar = net.calendar[:n_items]
    elapsed = calendar == ELAPSED
    # working minutes in a minute of each task's duration, and the minutes of its working day
    working = np.where(elapsed, WORKING_SHARE_OF_ELAPSED * program_day / MINUTES_PER_DAY, 1.0)
    day = np.where(elapsed, program_day, per_day[calendar].astype(np.float64))

    fixed_costs = built.column("fixed_cost")
    fixed = np.zeros(size)
    fixed[:n_items] = np.fromiter(
        (0.0 if c is None else c for c in fixed_costs), dtype=np.float64, count=n_items
    )
    per_minute, work_fixed, work_per_minute = np.zeros(size), np.zeros(size), np.zeros(size)

    people = built.column("resources")
    holders = np.flatnonzero(np.fromiter(map(truth, people), dtype=bool, count=n_items))
    flat: list[Assignment] = list(chain.from_iterable(people[i] for i in holders.tolist()))
    if flat:
        owner = np.repeat(holders, [len(people[i]) for i in holders.tolist()])
        pool = program.resources
        row_of = {r.id: k for k, r in enumerate(pool)}
        rate_of = np.array([r.rate or 0.0 for r in pool] + [0.0], dtype=np.float64)
        per_use_of = np.array([r.cost_per_use or 0.0 for r in pool] + [0.0], dtype=np.float64)
        kind_of = np.array([_KIND_CODE[r.kind] for r in pool] + [0], dtype=np.int64)
        row = np.fromiter(
            (_ROLE if a.resource is None else row_of.get(a.resource, _ROLE) for a in flat),
            dtype=np.int64,
            count=len(flat),
        )
        units = np.fromiter(map(attrgetter("units"), flat), dtype=np.float64, count=len(flat))
        amount = np.fromiter((a.cost or 0.0 for a in flat), dtype=np.float64, count=len(flat))
        own_hours, own = _own_work_hours(flat, day[owner], program_day)
        rate, labour = rate_of[row], kind_of[row] == 0  # the extra row: a role (no rate)
        follows = units * working[owner] / 60.0  # hours per minute of the task's duration
        follows[own] = 0.0
        fixed[:n_items] += np.bincount(
            owner, amount + per_use_of[row] + rate * own_hours, minlength=n_items
        )
        per_minute[:n_items] = np.bincount(owner, rate * follows, minlength=n_items)
        work_fixed[:n_items] = np.bincount(owner, own_hours * labour, minlength=n_items)
        work_per_minute[:n_items] = np.bincount(owner, follows * labour, minlength=n_items)
    return CostModel(fixed, per_minute, work_fixed, work_per_minute)


def _own_work_hours(
    assignments: list[Assignment], day: np.ndarray, program_day: float
) -> tuple[np.ndarray, np.ndarray]:
    """Hours of the assignments that name their own ``work`` (zero for the others), and
    which those are; days of work are days of the task's calendar (``day`` minutes)."""
    works = list(map(attrgetter("work"), assignments))
    own = np.fromiter((w is not None for w in works), dtype=bool, count=len(works))
    hours = np.zeros(len(works))
    given = np.flatnonzero(own)
    if given.size:
        minutes, elapsed = duration_minutes([works[k] for k in given.tolist()], day[given])
        share = WORKING_SHARE_OF_ELAPSED * program_day / MINUTES_PER_DAY
        hours[given] = np.where(elapsed, minutes * share, minutes) / 60.0
    return hours, own


def planned_costs(
    program: Program, status_date: date | None = None, *, built: BuiltNetwork | None = None
) -> PlannedCosts:
    """Each work item's planned cost and labour at the schedule's durations.

    ``built``: the program's network, by default the one its schedule uses (kept for a
    loaded program, so the schedule asked next costs nothing more).
    """
    if built is None:
        built = scheduled(program, status_date).built
    model = cost_model(program, built)
    n = built.item_count
    duration = built.network.duration
    return PlannedCosts(
        list(built.ids),
        np.round(model.costs(duration)[:n], 2),
        model.work_hours(duration)[:n],
    )


def planned_cost(program: Program, status_date: date | None = None) -> float:
    """The program's planned cost, in its currency (see the module for what counts)."""
    return planned_costs(program, status_date).total


__all__ = [
    "WORKING_SHARE_OF_ELAPSED",
    "CostModel",
    "PlannedCosts",
    "cost_model",
    "planned_cost",
    "planned_costs",
]
