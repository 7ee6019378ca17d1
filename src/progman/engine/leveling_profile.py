# ruff: noqa: PLR0917 - numba kernels: positional arrays
"""The day-by-day resource profile of plan leveling (compiled): what a task placed over
``[s, f)`` asks of each of its people on each day, whether it fits their capacity, where
the next (or, backwards, the previous) start worth trying is, and adding or removing a
task's load. :mod:`progman.engine.leveling_kernels` places tasks with them.

A task's load on a day is its units times the share of its calendar's working window it
runs that day; work on elapsed time loads each person by the share of the person's own
working window (``rcal``: working days, opening minute, minutes per day of each resource),
as :func:`progman.engine.load.analyse_load` measures it, against the capacity of
:mod:`progman.engine.capacity`. A task that fills its people (``fill``) asks no more of
them than they have on the day (:func:`units_on`).
"""

from __future__ import annotations

from progman.engine.calendars import ELAPSED, MINUTES_PER_DAY, start_of, work_before
from progman.engine.jit import kernel

EPSILON = 1e-9
#: ``first_conflict`` result: the task would run past the end of the resource grid.
PAST_GRID = -2


@kernel(inline=True)
def day_share(c, s, f, day, cal):  # type: ignore[no-untyped-def]
    """The share of day ``day``'s working window of calendar ``c`` that ``[s, f)`` covers;
    1.0 for elapsed work, whose share is each person's (:func:`resource_share`)."""
    _cum, _nth, _cnt, mpd, opn, wk = cal
    if c == ELAPSED:
        return 1.0
    if not wk[c, day]:
        return 0.0
    opening = day * MINUTES_PER_DAY + opn[c]
    overlap = min(f, opening + mpd[c]) - max(s, opening)
    if overlap <= 0:
        return 0.0
    return overlap / mpd[c]


@kernel(inline=True)
def resource_share(c, share, r, s, f, day, rcal):  # type: ignore[no-untyped-def]
    """The share of resource ``r``'s day that task work over ``[s, f)`` on calendar ``c``
    takes: ``share`` (of the task's own window), or for elapsed work the share of ``r``'s
    working window that ``[s, f)`` covers (nothing on ``r``'s days off)."""
    if c != ELAPSED:
        return share
    works, opening, mpd = rcal
    if not works[r, day]:
        return 0.0
    start = day * MINUTES_PER_DAY + opening[r]
    overlap = min(f, start + mpd[r]) - max(s, start)
    if overlap <= 0:
        return 0.0
    return overlap / mpd[r]


@kernel(inline=True)
def units_on(k, r, day, fill, d_units, capacity):  # type: ignore[no-untyped-def]
    """What demand ``k`` asks of resource ``r`` on ``day``: its units, or when the task
    ``fill``s its people, no more than they have that day."""
    units = d_units[k]
    if fill and 0.0 < capacity[r, day] < units:
        return capacity[r, day]
    return units


@kernel(refcounts=False)
def first_conflict(  # type: ignore[no-untyped-def]
    i, s, f, fill, calendar, d_ptr, d_res, d_units, capacity, usage, blocked, project, cal, rcal
):
    """The first day on which task ``i`` over ``[s, f)`` would exceed a capacity and the
    demand (index into ``d_res``) that would: ``(-1, -1)`` if none, ``(PAST_GRID, -1)`` if
    it runs past the grid. ``blocked[r, day]`` is a project
    that may not use resource ``r`` that day (-1: none); ``project`` is task ``i``'s;
    ``fill``: the task takes no more than its people have (see :func:`units_on`)."""
    if f <= s:
        return -1, -1
    c = calendar[i]
    days = capacity.shape[1]
    for day in range(s // MINUTES_PER_DAY, (f - 1) // MINUTES_PER_DAY + 1):
        if day >= days:
            return PAST_GRID, -1
        share = day_share(c, s, f, day, cal)
        if share <= 0.0:
            continue
        for k in range(d_ptr[i], d_ptr[i + 1]):
            r = d_res[k]
            own = resource_share(c, share, r, s, f, day, rcal)
            if own <= 0.0:
                continue
            if blocked[r, day] == project:
                return day, k
            need = units_on(k, r, day, fill, d_units, capacity) * own
            if usage[r, day] + need > capacity[r, day] + EPSILON:
                return day, k
    return -1, -1


@kernel(refcounts=False)
def next_candidate(day, k, c, d, fill, d_res, d_units, capacity, usage, blocked, project, cal):  # type: ignore[no-untyped-def]
    """The first day after ``day`` on which the demand ``k`` that conflicted there could
    take the task's first day (a full share, or its whole length if shorter): no start
    before it can fit, so the days between need no trial. Elapsed work steps by a day."""
    days = capacity.shape[1]
    nxt = day + 1
    if c == ELAPSED:
        return nxt
    mpd = cal[3]
    r = d_res[k]
    part = min(1.0, d / mpd[c])
    while nxt < days and (
        blocked[r, nxt] == project
        or usage[r, nxt] + units_on(k, r, nxt, fill, d_units, capacity) * part
        > capacity[r, nxt] + EPSILON
    ):
        nxt += 1
    return nxt


@kernel(inline=True)
def note_cause(cause, i, r, first, last):  # type: ignore[no-untyped-def]
    """Task ``i`` could not have resource ``r`` from day ``first`` to ``last``: ``cause[i]``
    is ``(resource, first day, last day, the resource that held it up before)``, the
    resource that held it up last with the days it did (-1: none)."""
    if cause[i, 0] != r:
        cause[i, 3] = cause[i, 0]
        cause[i, 0] = r
        cause[i, 1] = first
        cause[i, 2] = last
    else:
        cause[i, 2] = max(cause[i, 2], last)


@kernel(inline=True)
def clear_cause(cause, i):  # type: ignore[no-untyped-def]
    for j in range(4):
        cause[i, j] = -1


@kernel(refcounts=False)
def add_load(i, s, f, sign, calendar, d_ptr, d_res, d_units, usage, cal, rcal):  # type: ignore[no-untyped-def]
    """Add (``sign`` 1) or remove (-1) task ``i``'s load over ``[s, f)``."""
    if f <= s:
        return
    c = calendar[i]
    days = usage.shape[1]
    for day in range(s // MINUTES_PER_DAY, min((f - 1) // MINUTES_PER_DAY + 1, days)):
        share = day_share(c, s, f, day, cal)
        if share <= 0.0:
            continue
        for k in range(d_ptr[i], d_ptr[i + 1]):
            r = d_res[k]
            usage[r, day] += sign * d_units[k] * resource_share(c, share, r, s, f, day, rcal)


@kernel(inline=True)  # one call, in decode: no compiled function of its own
def place_split(  # type: ignore[no-untyped-def]
    i, s, d, fill, calendar, d_ptr, d_res, d_units, capacity, usage, blocked, project, cal, rcal,
    split, cause,
):  # fmt: skip
    """Place interruptible task ``i``'s ``d`` working minutes (not elapsed) from ``s`` on
    the days its resources can take them, pausing on the others (noted in ``cause``); the
    pieces (merged while no working day is skipped) go to ``split``'s segment slots.
    Returns ``(start, finish, placed)``; on failure (past the grid) nothing is left added."""
    _interruptible, seg_ptr, seg_from, seg_to, seg_count = split
    cum, nth, cnt, mpd, opn, wk = cal
    c = calendar[i]
    days = capacity.shape[1]
    first_slot = seg_ptr[i]
    count = 0
    left = d
    t = s
    paused = True  # the first piece opens a segment
    placed = True
    while left > 0:
        day = t // MINUTES_PER_DAY
        if day >= days or first_slot + count >= seg_ptr[i + 1]:
            placed = False
            break
        opening = day * MINUTES_PER_DAY + opn[c]
        closing = opening + mpd[c]
        if not wk[c, day] or t >= closing:
            t = start_of(
                c,
                work_before(c, (day + 1) * MINUTES_PER_DAY, cum, nth, cnt, mpd, opn, wk),
                cum,
                nth,
                cnt,
                mpd,
                opn,
                wk,
            )
            continue
        t = max(t, opening)
        amount = min(left, closing - t)
        share = amount / mpd[c]
        fits = True
        for k in range(d_ptr[i], d_ptr[i + 1]):
            r = d_res[k]
            if blocked[r, day] == project or (
                usage[r, day] + units_on(k, r, day, fill, d_units, capacity) * share
                > capacity[r, day] + EPSILON
            ):
                fits = False
                note_cause(cause, i, r, day, day)
                break
        if fits:
            for k in range(d_ptr[i], d_ptr[i + 1]):
                usage[d_res[k], day] += d_units[k] * share
            if paused:
                seg_from[first_slot + count] = t
                seg_to[first_slot + count] = t + amount
                count += 1
                paused = False
            else:
                seg_to[first_slot + count - 1] = t + amount
            left -= amount
        else:
            paused = True
        t = closing
    if not placed:
        for k in range(first_slot, first_slot + count):
            add_load(
                i, seg_from[k], seg_to[k], -1.0, calendar, d_ptr, d_res, d_units, usage, cal, rcal
            )
        seg_count[i] = 0
        return s, s, False
    seg_count[i] = count
    if count == 0:  # nothing to do: a zero-length task
        return s, s, True
    return seg_from[first_slot], seg_to[first_slot + count - 1], True


@kernel(inline=True)  # one call, in decode: no compiled function of its own
def move_load(i, s, f, to_s, to_f, calendar, d_ptr, d_res, d_units, usage, cal, rcal):  # type: ignore[no-untyped-def]
    """Task ``i``'s load from ``[s, f)`` to ``[to_s, to_f)`` (nothing when they agree)."""
    if s != to_s or f != to_f:
        add_load(i, s, f, -1.0, calendar, d_ptr, d_res, d_units, usage, cal, rcal)
        add_load(i, to_s, to_f, 1.0, calendar, d_ptr, d_res, d_units, usage, cal, rcal)


@kernel(refcounts=False)
def last_conflict(  # type: ignore[no-untyped-def]
    i, s, f, fill, calendar, d_ptr, d_res, d_units, capacity, usage, blocked, project, cal, rcal
):
    """The last day of ``[s, f)`` on which task ``i`` would exceed a capacity and the
    demand that would, ``(-1, -1)`` if none (the mirror of :func:`first_conflict`)."""
    if f <= s:
        return -1, -1
    c = calendar[i]
    days = capacity.shape[1]
    for day in range(min((f - 1) // MINUTES_PER_DAY, days - 1), s // MINUTES_PER_DAY - 1, -1):
        share = day_share(c, s, f, day, cal)
        if share <= 0.0:
            continue
        for k in range(d_ptr[i], d_ptr[i + 1]):
            r = d_res[k]
            own = resource_share(c, share, r, s, f, day, rcal)
            if own <= 0.0:
                continue
            if blocked[r, day] == project:
                return day, k
            need = units_on(k, r, day, fill, d_units, capacity) * own
            if usage[r, day] + need > capacity[r, day] + EPSILON:
                return day, k
    return -1, -1


@kernel(refcounts=False)
def previous_candidate(day, k, c, d, fill, d_res, d_units, capacity, usage, blocked, project, cal):  # type: ignore[no-untyped-def]
    """The last day before ``day`` on which the demand ``k`` that conflicted there could
    take the task's last day (the mirror of :func:`next_candidate`): no finish after it
    can fit, so the backward pass skips a booked stretch at once instead of day by day."""
    prv = day - 1
    if c == ELAPSED:
        return prv
    mpd = cal[3]
    r = d_res[k]
    part = min(1.0, d / mpd[c])
    while prv >= 0 and (
        blocked[r, prv] == project
        or usage[r, prv] + units_on(k, r, prv, fill, d_units, capacity) * part
        > capacity[r, prv] + EPSILON
    ):
        prv -= 1
    return prv


__all__ = [
    "EPSILON",
    "PAST_GRID",
    "add_load",
    "clear_cause",
    "day_share",
    "first_conflict",
    "last_conflict",
    "move_load",
    "next_candidate",
    "note_cause",
    "place_split",
    "previous_candidate",
    "resource_share",
    "units_on",
]
