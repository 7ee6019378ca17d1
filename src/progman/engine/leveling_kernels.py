# ruff: noqa: PLR0917 - numba kernels: positional arrays
"""Compiled parts of plan leveling: the serial schedule generation scheme over a program's
network (links of all four types with lags, calendars, constraints, progress) on the
day-by-day resource profile of :mod:`progman.engine.leveling_profile`, its
forward–backward improvement, and how the genetic search of
:mod:`progman.engine.genetic` scores a list (:func:`scored`).

Time is the CPM's (wall minutes from the calendar tables' origin); a task's load on a day
is measured by the rule :func:`progman.engine.load.analyse_load` reports with, against
the capacity of :mod:`progman.engine.capacity`, so a leveled schedule is checked by the
same measure that found the over-allocation.

A task that needs more of someone than they ever have (``fills``), or that finds no room
before the end of the grid, **fills** its people instead: on each day it takes
``min(units, capacity)`` of them (all they have), so nothing else of theirs runs beside it
and it waits for days they are free; its load stays what it is (over the capacity, by
itself alone).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from progman.engine import genetic
from progman.engine.arrays import copy_into, stable_argsort
from progman.engine.calendars import ELAPSED, MINUTES_PER_DAY, finish_of, start_of, work_before
from progman.engine.genetic import priority_list
from progman.engine.jit import kernel
from progman.engine.kernels import NO_TIME, place
from progman.engine.kernels import early_dates as early_dates_inline
from progman.engine.kernels import finish_limits_call as finish_limits  # a call, not inlined
from progman.engine.leveling_profile import (
    PAST_GRID,
    add_load,
    clear_cause,
    first_conflict,
    last_conflict,
    move_load,
    next_candidate,
    note_cause,
    place_split,
    previous_candidate,
)


@kernel(refcounts=False)
def link_dates(i, links_in, tasks, status_time, start, finish, cal):  # type: ignore[no-untyped-def]
    """:func:`~progman.engine.kernels.early_dates` inlined once, in a kernel without
    reference counting: ``early_dates_call`` counts references on every array it is handed,
    which was most of a decoding's time."""
    return early_dates_inline(i, links_in, tasks, status_time, start, finish, cal)


@kernel(refcounts=False)
def decode(order, start, finish, unresolved, problem):  # type: ignore[no-untyped-def]
    """Serial SGS: each task of ``order`` (a topological order) at its earliest start
    that keeps its links and, unless ``fixed``, every capacity. ``problem`` holds the
    arrays unpacked below (see ``LevelingProblem.arrays``); the dates go to ``start`` and
    ``finish``. ``usage`` holds the reserved load of the fixed tasks that cannot move on
    entry and is reset to it (``reserved_usage``) on exit. ``tasks[2]`` (the floor) is the
    working copy of ``base_floor`` that delays raise. Interruptible tasks (``split``) may
    pause on days their resources are full.

    The ``anchored`` tasks (fixed work that its links may still move, and everything
    before it) are placed first, in the list's order: fixed work then takes its load where
    its links put it before anything else is placed around it. A task that finds no room
    before the end of the grid fills its people instead (``filled``); one that does not
    even so is left at its link dates (``unresolved``). ``cause`` gets, per task, the
    resource and the days that held it up last (see :func:`note_cause`).

    Returns the objective: the weighted finishes of the targets (``weight`` per task, the
    projects, the program). Compiled without reference counting (it allocates nothing):
    the leveler's search and every leveled Monte Carlo iteration run it.
    """
    (
        links_in,
        tasks,
        base_floor,
        status_time,
        fixed,
        reserved_start,
        reserved_finish,
        d_ptr,
        d_res,
        d_units,
        capacity,
        usage,
        reserved_usage,
        blocked,
        split,
        cal,
        weight,
        project_of,
        project_weight,
        program_weight,
        project_finish,
        rcal,
        fills,
        anchored,
        anchor_count,
        filled,
        cause,
        sequence,
    ) = problem
    interruptible, seg_count = split[0], split[4]
    calendar = tasks[1]
    duration = tasks[0]
    floor = tasks[2]
    n = order.shape[0]
    days = usage.shape[1]
    lo = days
    hi = 0
    seq = order
    if anchor_count > 0:  # the anchored tasks first, each part in the list's order
        m = 0
        for pos in range(n):
            if anchored[order[pos]]:
                sequence[m] = order[pos]
                m += 1
        for pos in range(n):
            if not anchored[order[pos]]:
                sequence[m] = order[pos]
                m += 1
        seq = sequence
    for pos in range(n):
        i = seq[pos]
        floor[i] = base_floor[i]
        unresolved[i] = False
        filled[i] = False
        seg_count[i] = 0
        clear_cause(cause, i)
        s, f, _ = link_dates(i, links_in, tasks, status_time, start, finish, cal)
        has_load = d_ptr[i + 1] > d_ptr[i]
        if fixed[i]:
            if has_load and anchored[i]:  # where its links put it, before the rest
                add_load(i, s, f, 1.0, calendar, d_ptr, d_res, d_units, usage, cal, rcal)
            elif has_load:  # reserved: its links cannot move it, but keep the load true
                move_load(
                    i, reserved_start[i], reserved_finish[i], s, f, calendar, d_ptr, d_res,
                    d_units, usage, cal, rcal,
                )  # fmt: skip
        elif has_load and interruptible[i] and calendar[i] != ELAPSED:
            fill = fills[i]
            while True:
                s, f, placed = place_split(
                    i, s, duration[i], fill, calendar, d_ptr, d_res, d_units, capacity,
                    usage, blocked, project_of[i], cal, rcal, split, cause,
                )  # fmt: skip
                if placed or fill:
                    break
                fill = True  # it never fits: it takes what its people have
                clear_cause(cause, i)
                s, f, _ = link_dates(i, links_in, tasks, status_time, start, finish, cal)
            filled[i] = fill
            if not placed:  # no room before the end of the grid: leave it unleveled
                unresolved[i] = True
                s, f, _ = link_dates(i, links_in, tasks, status_time, start, finish, cal)
                add_load(i, s, f, 1.0, calendar, d_ptr, d_res, d_units, usage, cal, rcal)
        elif has_load:  # whole: at the first start where every day fits its people
            c = calendar[i]
            fill = fills[i]
            while True:
                day, k = first_conflict(
                    i, s, f, fill, calendar, d_ptr, d_res, d_units, capacity, usage,
                    blocked, project_of[i], cal, rcal,
                )  # fmt: skip
                if day == -1:
                    break
                if day == PAST_GRID:  # no room before the end of the grid
                    floor[i] = base_floor[i]
                    s, f, _ = link_dates(i, links_in, tasks, status_time, start, finish, cal)
                    clear_cause(cause, i)
                    if not fill:  # it never fits whole: it takes what its people have
                        fill = True
                        continue
                    unresolved[i] = True  # not even so: left unleveled
                    break
                nxt = next_candidate(
                    day, k, c, duration[i], fill, d_res, d_units, capacity, usage, blocked,
                    project_of[i], cal,
                )  # fmt: skip
                note_cause(cause, i, d_res[k], day, nxt - 1)
                t = nxt * MINUTES_PER_DAY
                if c == ELAPSED:  # its day begins at its calendar's opening (build)
                    t += base_floor[i] % MINUTES_PER_DAY
                cum, nth, cnt, mpd, opn, wk = cal
                floor[i] = start_of(
                    c,
                    work_before(c, t, cum, nth, cnt, mpd, opn, wk),
                    cum, nth, cnt, mpd, opn, wk,
                )  # fmt: skip
                # the raised floor is now the latest of the task's bounds (early_dates)
                s, f = place(c, floor[i], duration[i], cal)
            filled[i] = fill
            add_load(i, s, f, 1.0, calendar, d_ptr, d_res, d_units, usage, cal, rcal)
        start[i] = s
        finish[i] = f
        if has_load and f > s:
            lo = min(lo, s // MINUTES_PER_DAY)
            hi = max(hi, (f - 1) // MINUTES_PER_DAY + 1)
        if has_load and fixed[i] and reserved_finish[i] > reserved_start[i]:
            lo = min(lo, reserved_start[i] // MINUTES_PER_DAY)
            hi = max(hi, (reserved_finish[i] - 1) // MINUTES_PER_DAY + 1)
    # objective, then restore the profile to the reserved load alone
    objective = np.int64(0)
    for p in range(project_finish.shape[0]):  # no slice: compiled without reference counts
        project_finish[p] = np.iinfo(np.int64).min
    end = np.iinfo(np.int64).min
    for i in range(n):
        objective += weight[i] * finish[i]
        p = project_of[i]
        project_finish[p] = max(project_finish[p], finish[i])
        end = max(end, finish[i])
    for p in range(project_finish.shape[0]):
        if project_finish[p] > np.iinfo(np.int64).min:
            objective += project_weight[p] * project_finish[p]
    objective += program_weight * end
    for r in range(usage.shape[0]):  # back to the reserved load alone, exactly
        for day in range(lo, min(hi, days)):
            usage[r, day] = reserved_usage[r, day]
    return objective


@kernel
def inherited_priority(order, own, s_ptr, s_idx):  # type: ignore[no-untyped-def]
    """Each task's priority raised to the highest of everything after it: a high-priority
    task must not wait for a low-priority predecessor listed late."""
    out = own.copy()
    for pos in range(order.shape[0] - 1, -1, -1):
        i = order[pos]
        for e in range(s_ptr[i], s_ptr[i + 1]):
            out[i] = max(out[i], out[s_idx[e]])
    return out


class LevelingContext(NamedTuple):
    """What :func:`scored` decodes a list with (the genetic search's context): the
    problem's arrays (``LevelingProblem.arrays``, as :func:`decode` reads them) and the
    search's ``state`` (see :func:`scored`)."""

    problem: tuple[Any, ...]
    state: tuple[Any, ...]


def as_given(order, context, best, counter):  # type: ignore[no-untyped-def]
    """The objective of ``order`` decoded as it is, without :func:`scored`'s improvement
    (kept when it is the best so far); counted. Two kernels called from Python."""
    state = context.state
    value = decode(order, state[0], state[1], state[2], context.problem)
    counter[0] += 1
    _keep(value, order, state, best)
    return value


@genetic.scorer(LevelingContext)
@kernel
def scored(order, context, best, counter):  # type: ignore[no-untyped-def]
    """Decode ``order``, then its forward–backward improvement (:func:`justify`, then the
    list by right-justified start decoded again); keep the best schedule found, and give
    ``order`` the improved list when it is better (Lamarckian). Counts every pass. How the
    genetic search of :mod:`progman.engine.genetic` scores a list.

    ``context`` is a :class:`LevelingContext`; its ``state`` is ``(start, finish,
    unresolved, best_start, best_unresolved, stall, best_order, links_out, indegree,
    rstart, rfinish, trial, prio, stream)``: the scratch dates, the best schedule found
    and its list, the genetic search's stall count, the improvement's links by predecessor
    and scratch arrays, and the run's random stream."""
    problem, state = context.problem, context.state
    start, finish, unresolved = state[0], state[1], state[2]
    links_out, indegree, rstart, rfinish, trial, prio = state[7:13]
    value = decode(order, start, finish, unresolved, problem)
    counter[0] += 1
    _keep(value, order, state, best)
    if not justify(order, start, finish, problem, links_out, rstart, rfinish):
        return value
    for j in range(prio.shape[0]):
        prio[j] = -rstart[j]
    priority_list(prio, links_out[0], links_out[1], indegree, False, 1.0, trial, state[13])
    improved = decode(trial, start, finish, unresolved, problem)
    counter[0] += 2
    _keep(improved, trial, state, best)
    if improved < value:
        copy_into(order, trial)
        return improved
    return value


@kernel
def _keep(value, order, state, best):  # type: ignore[no-untyped-def]
    """Remember the schedule just decoded from ``order`` if it is the best so far."""
    if value < best[0]:
        best[0] = value
        copy_into(state[3], state[0])
        copy_into(state[6], order)
        unresolved, best_unresolved = state[2], state[4]
        for i in range(unresolved.shape[0]):  # booleans: not copy_into's one specialisation
            best_unresolved[i] = unresolved[i]


@kernel(inline=True)  # one call, in scored: no compiled function of its own
def justify(order, start, finish, problem, links_out, rstart, rfinish):  # type: ignore[no-untyped-def]
    """Right-justify the schedule ``start``/``finish`` decoded from ``order``: latest finish
    first, each task as late as its successors' new dates, the schedule's end and the
    capacities allow (a backward serial SGS). Work with progress, fixed work and
    interruptible work stay. The result is only an order for the next forward pass, which
    places everything again. Returns False when nothing can move (no demand). Work that
    filled its people in the forward pass (``filled``) fills them here too."""
    # positions as in LevelingProblem.arrays (and the unpacking in decode)
    tasks, fixed, d_ptr, d_res, d_units = problem[1], problem[4], problem[7], problem[8], problem[9]
    capacity, usage, reserved_usage, blocked = problem[10], problem[11], problem[12], problem[13]
    split, cal, project_of, rcal, filled = (
        problem[14],
        problem[15],
        problem[17],
        problem[21],
        problem[25],
    )
    n = order.shape[0]
    if d_ptr[n] == 0:
        return False
    duration, calendar, actual_start, actual_finish = tasks[0], tasks[1], tasks[6], tasks[7]
    interruptible = split[0]
    cum, nth, cnt, mpd, opn, wk = cal
    days = usage.shape[1]
    end = np.int64(0)
    for i in range(n):
        end = max(end, finish[i])
        rstart[i] = start[i]
        rfinish[i] = finish[i]
    key = np.empty(n, dtype=np.int64)
    for p in range(n):
        key[p] = -(finish[order[p]] * n + p)
    by_finish = stable_argsort(key)
    # the profile holds what stays where it is; the rest is placed again, backwards
    usage[:, :] = 0.0
    stays = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        stays[i] = (
            fixed[i]
            or interruptible[i]
            or actual_start[i] != NO_TIME
            or actual_finish[i] != NO_TIME
        )
        if stays[i] and d_ptr[i + 1] > d_ptr[i]:
            add_load(i, start[i], finish[i], 1.0, calendar, d_ptr, d_res, d_units, usage, cal, rcal)
    for q in range(n):
        i = order[by_finish[q]]
        if stays[i]:
            continue
        c = calendar[i]
        d = duration[i]
        w = finish_limits(i, links_out, tasks, rstart, rfinish, rstart, rfinish, end, cal)[0]
        w = max(w, work_before(c, finish[i], cum, nth, cnt, mpd, opn, wk))
        while True:
            f = finish_of(c, w, cum, nth, cnt, mpd, opn, wk)
            s = f if d == 0 else start_of(c, w - d, cum, nth, cnt, mpd, opn, wk)
            if d_ptr[i + 1] == d_ptr[i] or w - d <= 0:
                break
            day, k = last_conflict(
                i, s, f, filled[i], calendar, d_ptr, d_res, d_units, capacity, usage, blocked,
                project_of[i], cal, rcal,
            )  # fmt: skip
            if day < 0:
                break
            day = previous_candidate(
                day, k, c, d, filled[i], d_res, d_units, capacity, usage, blocked,
                project_of[i], cal,
            )  # fmt: skip
            w = work_before(c, (day + 1) * MINUTES_PER_DAY, cum, nth, cnt, mpd, opn, wk)
        if d_ptr[i + 1] > d_ptr[i]:
            add_load(i, s, f, 1.0, calendar, d_ptr, d_res, d_units, usage, cal, rcal)
        rstart[i] = s
        rfinish[i] = f
    for r in range(usage.shape[0]):
        for day in range(days):
            usage[r, day] = reserved_usage[r, day]
    return True
