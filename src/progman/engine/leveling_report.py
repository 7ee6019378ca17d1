"""What leveling did, in words: each task it delayed with the person and the days that held
it up (or the delayed task it follows), the work it did not move and why, and why what is
still over-allocated could not be fixed.

Delays count **working days of the program's calendar** (the unit of ``makespan``),
whatever the task's own calendar: a weekend cutover moved a week later is 5 days late, an
elapsed task and a part-timer's task are measured alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np

from progman.engine.calendars import MINUTES_PER_DAY
from progman.engine.leveling_problem import LevelingProblem
from progman.engine.load import OverAllocation
from progman.engine.schedule import Schedule

#: Delays are given to the hundredth of a working day (about five minutes of 8 hours).
DAY_DECIMALS = 2
#: At most this many tasks are named as keeping a person busy.
NAMED_TASKS = 3


@dataclass(frozen=True)
class Cause:
    """Why leveling delayed a task: ``resource`` could not take it from ``first`` to
    ``last`` (``reason`` says why: other work, a lower capacity, a vacation), or, with
    ``via``, the task follows the delayed task ``via`` (whose person and days these are)."""

    resource: str | None
    first: date | None
    last: date | None
    reason: str
    via: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "start": None if self.first is None else self.first.isoformat(),
            "finish": None if self.last is None else self.last.isoformat(),
            "reason": self.reason,
            "via": self.via,
        }

    def text(self) -> str:
        """One line: the person, the days and why (``pat 2027-03-01 – 2027-03-05: busy
        with X``), after what it follows."""
        own = self.reason
        if self.resource is not None and self.first is not None and self.last is not None:
            days = str(self.first) if self.first == self.last else f"{self.first} – {self.last}"
            own = f"{self.resource} {days}: {self.reason}"
        return own if self.via is None else f"after {self.via} ({own})"


@dataclass(frozen=True)
class Delay:
    """A task leveling moved, by how much (working days of the program calendar) and why."""

    id: str
    project: str
    before: datetime
    after: datetime
    days: float
    cause: Cause | None = None


@dataclass(frozen=True)
class Unleveled:
    """A task leveling did not level as asked, and why."""

    id: str
    reason: str


def program_days(problem: LevelingProblem, earlier: datetime, later: datetime) -> float:
    """Working days of the program's calendar from ``earlier`` to ``later``."""
    tables = problem.net.calendars
    c = problem.built.program_calendar
    moments = np.array([tables.to_minutes(later), tables.to_minutes(earlier)], dtype=np.int64)
    after, before = tables.work_before_many(np.full(2, c, dtype=np.int64), moments).tolist()
    worked = after - before
    return round(float(worked) / float(tables.minutes_per_day[c]), DAY_DECIMALS)


def delays(
    problem: LevelingProblem,
    before: Schedule,
    after: Schedule,
    finish_minutes: tuple[np.ndarray, np.ndarray],
) -> tuple[Delay, ...]:
    """Every task that starts later than before leveling, longest delay first, with its
    cause; ``finish_minutes`` are the leveled starts and finishes (wall minutes)."""
    moved: dict[str, tuple[int, Any, Any]] = {}
    for i, (b, a) in enumerate(zip(before.tasks, after.tasks, strict=True)):
        if a.start > b.start and not a.summary:
            moved[a.id] = (i, b, a)
    explain = _Explainer(problem, after, finish_minutes)
    out = [
        Delay(a.id, a.project, b.start, a.start, program_days(problem, b.start, a.start),
              explain.cause(i, moved))
        for i, b, a in moved.values()
    ]  # fmt: skip
    out.sort(key=lambda d: (-d.days, d.id))
    return tuple(out)


def unleveled(problem: LevelingProblem, unresolved: np.ndarray) -> tuple[Unleveled, ...]:
    """Work leveling did not move (its links still may), and work it found no room for."""
    ids = problem.built.ids
    found = [Unleveled(ids[i], why) for i, why in sorted(problem.reasons.items()) if why]
    for i in np.flatnonzero(unresolved[: problem.built.item_count]).tolist():
        why = "no room before the end of the calendar"
        if i in problem.oversized:
            why = f"{problem.oversized[i]}; {why}"
        found.append(Unleveled(ids[i], why))
    return tuple(found)


def oversized(problem: LevelingProblem, unresolved: np.ndarray) -> tuple[Unleveled, ...]:
    """Work that needs more of someone than they have, leveled as taking all of their time
    (or, with a capacity that drops for good, that found no room before it dropped)."""
    ids, model = problem.built.ids, problem.model
    found = []
    for i in np.flatnonzero(problem.filled[: problem.built.item_count]).tolist():
        if unresolved[i]:
            continue
        why = problem.oversized.get(i)
        if why is None:  # it fits nowhere whole: the capacity drops for good on its way
            r, units = _largest_shortfall(problem, i)
            enough = np.flatnonzero(model.capacity[r] >= units - 1e-9)
            after = int(enough[-1]) + 1 if enough.size else 0
            drop = model.shortfall(r, after, model.days - 1, units)
            why = f"{drop or f'{model.pool[r].id} has too little'}, and no room before"
        who = sorted({model.pool[int(r)].id for r in _rows(problem, i)})
        found.append(Unleveled(ids[i], f"{why}: it takes all of {', '.join(who)}'s time"))
    return tuple(found)


def remaining_reasons(
    problem: LevelingProblem,
    over: tuple[OverAllocation, ...],
    unleveled_work: tuple[Unleveled, ...],
    oversized_work: tuple[Unleveled, ...],
) -> tuple[str, ...]:
    """For each over-allocation left, why leveling could not remove it: the reasons of the
    fixed, oversized or unplaced tasks in it."""
    known = {u.id: u.reason for u in (*unleveled_work, *oversized_work)}
    known.update({problem.built.ids[i]: why for i, why in problem.oversized.items()})
    out = []
    for o in over:
        named = [f"{t}: {known[t]}" for t, _, _ in o.tasks if t in known]
        out.append("; ".join(named) if named else "no order of the work found avoids it")
    return tuple(out)


def _rows(problem: LevelingProblem, i: int) -> np.ndarray:
    rows: np.ndarray = problem.d_res[problem.d_ptr[i] : problem.d_ptr[i + 1]]
    return rows


def _largest_shortfall(problem: LevelingProblem, i: int) -> tuple[int, float]:
    """The demand of task ``i`` furthest above its resource's last capacity: (row, units)."""
    cap = problem.model.capacity
    best, row, units = -np.inf, 0, 0.0
    for k in range(int(problem.d_ptr[i]), int(problem.d_ptr[i + 1])):
        r = int(problem.d_res[k])
        over = float(problem.d_units[k]) - float(cap[r, -1])
        if over > best:
            best, row, units = over, r, float(problem.d_units[k])
    return row, units


class _Explainer:
    """The cause of each delay, from what held each task up in the final decoding
    (``problem.cause``) and the leveled schedule's driving predecessors."""

    def __init__(
        self,
        problem: LevelingProblem,
        after: Schedule,
        leveled: tuple[np.ndarray, np.ndarray],
    ) -> None:
        self.problem = problem
        self.after = after
        self.start, self.finish = leveled
        ptr = problem.d_ptr
        owner = np.repeat(np.arange(ptr.size - 1), np.diff(ptr))
        by_resource = np.argsort(problem.d_res, kind="stable")
        bounds = np.searchsorted(problem.d_res[by_resource], np.arange(len(problem.pool) + 1))
        self.work_of = [  # per resource: the tasks that need it
            owner[by_resource[bounds[r] : bounds[r + 1]]] for r in range(len(problem.pool))
        ]
        self.index = {ident: k for k, ident in enumerate(problem.built.ids)}
        self.found: dict[str, Cause | None] = {}

    def cause(self, i: int, moved: dict[str, tuple[int, Any, Any]]) -> Cause | None:
        """Task ``i``'s cause: what held it up itself, else (``via``) the cause of the
        delayed task that drives it, found along the chain of drivers without recursion."""
        problem, ids = self.problem, self.problem.built.ids
        chain: list[tuple[str, str | None]] = []  # (task, the delayed task driving it)
        ident: str | None = ids[i]
        found: Cause | None = None
        while ident is not None and ident not in self.found:
            k = moved[ident][0] if ident in moved else self.index[ident]
            r = int(problem.cause[k, 0])
            if r >= 0:
                found = self.found[ident] = self._held_up(k, r)
                break
            driver = self.after.task(ident).driving_predecessor
            if driver in moved:
                chain.append((ident, driver))
                ident = driver
                continue
            if driver is not None and driver in self.index:
                found = Cause(None, None, None, "its predecessor moved", driver)
            self.found[ident] = found
            break
        else:
            if ident is not None:
                found = self.found[ident]
        for task, driver in reversed(chain):  # each follows the one that drives it
            if found is not None:
                found = Cause(found.resource, found.first, found.last, found.reason, driver)
            self.found[task] = found
        return self.found.get(ids[i])

    def _held_up(self, i: int, r: int) -> Cause:
        """Resource ``r`` held task ``i`` up over the days noted: why, in words."""
        problem, model = self.problem, self.problem.model
        first, last = int(problem.cause[i, 1]), int(problem.cause[i, 2])
        works = model.works[r]
        while last > first and not works[min(last, model.days - 1)]:
            last -= 1  # the days off at the end of a stretch are not what held it up
        while first < last and not works[min(first, model.days - 1)]:
            first += 1
        person = model.pool[r].id
        units = max(
            float(problem.d_units[k])
            for k in range(int(problem.d_ptr[i]), int(problem.d_ptr[i + 1]))
            if int(problem.d_res[k]) == r
        )
        if problem.fills[i] or problem.filled[i]:
            units = min(units, float(model.peak()[r]))  # it asks for all there is
        lo, hi = max(0, first), min(model.days - 1, last)
        project = problem.project_of[i]
        if hi >= lo and (problem.blocked[r, lo : hi + 1] == project).all():
            reason = f"{person} works for another project then"
        else:
            reason = model.shortfall(r, first, last, units) or self._busy(i, r, first, last)
        earlier = int(problem.cause[i, 3])
        if earlier >= 0:
            reason += f" (and {model.pool[earlier].id} before)"
        return Cause(person, model.day(first), model.day(last), reason)

    def _busy(self, i: int, r: int, first: int, last: int) -> str:
        """``pat is busy with X, Y``: the work on ``r`` that overlaps the days."""
        problem = self.problem
        lo, hi = first * MINUTES_PER_DAY, (last + 1) * MINUTES_PER_DAY
        on_r = self.work_of[r]
        on_r = on_r[on_r != i]
        overlap = on_r[(self.start[on_r] < hi) & (self.finish[on_r] > lo)]
        person = problem.model.pool[r].id
        if overlap.size == 0:
            return f"{person} is fully booked"
        ids = problem.built.ids
        names = sorted({ids[int(k)] for k in overlap})
        more = f" and {len(names) - NAMED_TASKS} more" if len(names) > NAMED_TASKS else ""
        return f"{person} is busy with {', '.join(names[:NAMED_TASKS])}{more}"


__all__ = [
    "Cause",
    "Delay",
    "Unleveled",
    "delays",
    "oversized",
    "program_days",
    "remaining_reasons",
    "unleveled",
]
