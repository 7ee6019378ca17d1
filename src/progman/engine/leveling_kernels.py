# ruff: noqa: PLR0917 - numba kernels: positional arrays
"""Compiled parts of plan leveling: the serial schedule generation scheme over a program's
network (links of all four types with lags, calendars, constraints, progress) and a
day-by-day resource profile, plus the genetic operators on activity lists.

Time is the CPM's (wall minutes from the calendar tables' origin); a task's load on a day
is its units times the share of its calendar's working window it runs that day, the rule
:func:`progman.engine.load.analyse_load` reports with, so a leveled schedule is checked by
the same measure that found the over-allocation.
"""

from __future__ import annotations

import numpy as np

from progman.engine.arrays import copy_into, stable_argsort
from progman.engine.calendars import ELAPSED, MINUTES_PER_DAY, finish_of, start_of, work_before
from progman.engine.jit import kernel
from progman.engine.kernels import NO_TIME, place
from progman.engine.kernels import early_dates_call as early_dates  # a call, not inlined
from progman.engine.kernels import finish_limits_call as finish_limits  # a call, not inlined
from progman.engine.random_stream import below, permutation
from progman.engine.rcpsp import _priority_list, crossover, mutate

EPSILON = 1e-9
#: ``_first_conflict`` result: the task would run past the end of the resource grid.
PAST_GRID = -2


@kernel(inline=True)
def _share(c, s, f, day, cal):  # type: ignore[no-untyped-def]
    """The share of day ``day``'s working window of calendar ``c`` that ``[s, f)`` covers."""
    _cum, _nth, _cnt, mpd, opn, wk = cal
    if c == ELAPSED:
        return 1.0  # an upper bound: elapsed work is counted whole on every day it touches
    if not wk[c, day]:
        return 0.0
    opening = day * MINUTES_PER_DAY + opn[c]
    overlap = min(f, opening + mpd[c]) - max(s, opening)
    if overlap <= 0:
        return 0.0
    return overlap / mpd[c]


@kernel
def _first_conflict(  # type: ignore[no-untyped-def]
    i, s, f, calendar, d_ptr, d_res, d_units, capacity, usage, blocked, project, cal
):
    """The first day on which task ``i`` over ``[s, f)`` would exceed a capacity and the
    demand (index into ``d_res``) that would: ``(-1, -1)`` if none, ``(PAST_GRID, -1)`` if
    it runs past the grid. ``blocked[r, day]`` is a project
    that may not use resource ``r`` that day (-1: none); ``project`` is task ``i``'s.
    Elapsed work is not checked on days its resource has no capacity (it cannot help
    running over a weekend)."""
    if f <= s:
        return -1, -1
    c = calendar[i]
    days = capacity.shape[1]
    for day in range(s // MINUTES_PER_DAY, (f - 1) // MINUTES_PER_DAY + 1):
        if day >= days:
            return PAST_GRID, -1
        share = _share(c, s, f, day, cal)
        if share <= 0.0:
            continue
        for k in range(d_ptr[i], d_ptr[i + 1]):
            r = d_res[k]
            if blocked[r, day] == project:
                return day, k
            if c == ELAPSED and capacity[r, day] <= 0.0:
                continue
            if usage[r, day] + d_units[k] * share > capacity[r, day] + EPSILON:
                return day, k
    return -1, -1


@kernel
def _next_candidate(day, k, c, d, d_res, d_units, capacity, usage, blocked, project, cal):  # type: ignore[no-untyped-def]
    """The first day after ``day`` on which the demand ``k`` that conflicted there could
    take the task's first day (a full share, or its whole length if shorter): no start
    before it can fit, so the days between need no trial. Elapsed work steps by a day."""
    days = capacity.shape[1]
    nxt = day + 1
    if c == ELAPSED:
        return nxt
    mpd = cal[3]
    r = d_res[k]
    need = d_units[k] * min(1.0, d / mpd[c])
    while nxt < days and (
        blocked[r, nxt] == project or usage[r, nxt] + need > capacity[r, nxt] + EPSILON
    ):
        nxt += 1
    return nxt


@kernel
def add_load(i, s, f, sign, calendar, d_ptr, d_res, d_units, usage, cal):  # type: ignore[no-untyped-def]
    """Add (``sign`` 1) or remove (-1) task ``i``'s load over ``[s, f)``."""
    if f <= s:
        return
    c = calendar[i]
    days = usage.shape[1]
    for day in range(s // MINUTES_PER_DAY, min((f - 1) // MINUTES_PER_DAY + 1, days)):
        share = _share(c, s, f, day, cal)
        if share <= 0.0:
            continue
        for k in range(d_ptr[i], d_ptr[i + 1]):
            usage[d_res[k], day] += sign * d_units[k] * share


@kernel
def _place_split(  # type: ignore[no-untyped-def]
    i, s, d, calendar, d_ptr, d_res, d_units, capacity, usage, blocked, project, cal, split
):
    """Place interruptible task ``i``'s ``d`` working minutes from ``s`` on the days its
    resources can take them, pausing on the others; the pieces (merged while no working
    day is skipped) go to ``split``'s segment slots. Returns ``(start, finish, placed)``;
    on failure (past the grid) nothing is left added."""
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
                usage[r, day] + d_units[k] * share > capacity[r, day] + EPSILON
            ):
                fits = False
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
            add_load(i, seg_from[k], seg_to[k], -1.0, calendar, d_ptr, d_res, d_units, usage, cal)
        seg_count[i] = 0
        return s, s, False
    seg_count[i] = count
    if count == 0:  # nothing to do: a zero-length task
        return s, s, True
    return seg_from[first_slot], seg_to[first_slot + count - 1], True


@kernel
def _move_load(i, s, f, to_s, to_f, calendar, d_ptr, d_res, d_units, usage, cal):  # type: ignore[no-untyped-def]
    """Task ``i``'s load from ``[s, f)`` to ``[to_s, to_f)`` (nothing when they agree)."""
    if s != to_s or f != to_f:
        add_load(i, s, f, -1.0, calendar, d_ptr, d_res, d_units, usage, cal)
        add_load(i, to_s, to_f, 1.0, calendar, d_ptr, d_res, d_units, usage, cal)


@kernel
def decode(order, start, finish, unresolved, problem):  # type: ignore[no-untyped-def]
    """Serial SGS: each task of ``order`` (a topological order) at its earliest start
    that keeps its links and, unless ``fixed``, every capacity. ``problem`` holds the
    arrays unpacked below (see ``_Problem.arrays``); the dates go to ``start`` and
    ``finish``. ``usage`` holds the reserved load of the fixed tasks on entry and is
    reset to it (``reserved_usage``) on exit. ``tasks[2]`` (the floor) is the working
    copy of ``base_floor`` that delays raise. Interruptible tasks (``split``) may pause
    on days their resources are full. Returns the objective: the weighted finishes of
    the targets (``weight`` per task, the projects, the program).
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
    ) = problem
    interruptible, seg_count = split[0], split[4]
    calendar = tasks[1]
    duration = tasks[0]
    floor = tasks[2]
    n = order.shape[0]
    days = usage.shape[1]
    lo = days
    hi = 0
    for pos in range(n):
        i = order[pos]
        floor[i] = base_floor[i]
        unresolved[i] = False
        seg_count[i] = 0
        s, f, _ = early_dates(i, links_in, tasks, status_time, start, finish, cal)
        has_load = d_ptr[i + 1] > d_ptr[i]
        if fixed[i]:
            if has_load:  # its links moved it: its reserved load moves along
                _move_load(
                    i, reserved_start[i], reserved_finish[i], s, f, calendar, d_ptr, d_res,
                    d_units, usage, cal,
                )  # fmt: skip
        elif has_load and interruptible[i] and calendar[i] != ELAPSED:
            s, f, placed = _place_split(
                i, s, duration[i], calendar, d_ptr, d_res, d_units, capacity, usage, blocked,
                project_of[i], cal, split,
            )  # fmt: skip
            if not placed:  # no room before the end of the grid: leave it unleveled
                unresolved[i] = True
                s, f, _ = early_dates(i, links_in, tasks, status_time, start, finish, cal)
                add_load(i, s, f, 1.0, calendar, d_ptr, d_res, d_units, usage, cal)
        elif has_load:
            c = calendar[i]
            while True:
                day, k = _first_conflict(
                    i, s, f, calendar, d_ptr, d_res, d_units, capacity, usage, blocked,
                    project_of[i], cal,
                )  # fmt: skip
                if day == -1:
                    break
                if day == PAST_GRID:  # no room before the end of the grid: leave it unleveled
                    unresolved[i] = True
                    floor[i] = base_floor[i]
                    s, f, _ = early_dates(i, links_in, tasks, status_time, start, finish, cal)
                    break
                day = _next_candidate(
                    day, k, c, duration[i], d_res, d_units, capacity, usage, blocked,
                    project_of[i], cal,
                )  # fmt: skip
                cum, nth, cnt, mpd, opn, wk = cal
                t = day * MINUTES_PER_DAY
                floor[i] = start_of(
                    c, work_before(c, t, cum, nth, cnt, mpd, opn, wk), cum, nth, cnt, mpd, opn, wk
                )
                # the raised floor is now the latest of the task's bounds (see early_dates)
                s, f = place(c, floor[i], duration[i], cal)
            add_load(i, s, f, 1.0, calendar, d_ptr, d_res, d_units, usage, cal)
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
    project_finish[:] = np.iinfo(np.int64).min
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


@kernel
def evolve(  # type: ignore[no-untyped-def]
    pop,
    fit,
    children,
    cfit,
    s_ptr,
    s_idx,
    restart_prio,
    indegree,
    problem,
    state,
    best,
    counter,
    budget,
    bound,
    mutation,
    alpha,
    stall_limit,
):
    """Genetic algorithm generations until ``counter[0] >= budget`` or ``best[0] <= bound``.

    ``state`` is ``(start, finish, unresolved, best_start, best_unresolved, stall,
    best_order, ...)``: the
    scratch dates, the best schedule found, and generations without improvement (after
    ``stall_limit`` of them every list but the best is resampled, regret-biased); its
    last member is the search's random stream.
    """
    stall = state[5]
    stream = state[13]
    size = pop.shape[0]
    n = pop.shape[1]
    taken = np.zeros(n, dtype=np.bool_)
    merged = np.empty((2 * size, n), dtype=np.int64)
    merged_fit = np.empty(2 * size, dtype=np.int64)
    while counter[0] < budget and best[0] > bound:
        if stall[0] >= stall_limit:
            stall[0] = 0
            for k in range(1, size):
                _priority_list(restart_prio, s_ptr, s_idx, indegree, True, alpha, pop[k], stream)
                fit[k] = scored(pop[k], problem, state, best, counter, True)
        before = fit[0]
        pairing = permutation(stream, size)
        for c in range(0, size - 1, 2):
            for side in range(2):
                first = pop[pairing[c + side]]
                second = pop[pairing[c + 1 - side]]
                q1 = below(stream, n + 1)
                q2 = below(stream, n + 1)
                if q1 > q2:
                    q1, q2 = q2, q1
                child = children[c + side]
                crossover(first, second, q1, q2, child, taken)
                mutate(child, mutation, s_ptr, s_idx, stream)
                cfit[c + side] = scored(child, problem, state, best, counter, True)
        # elitist: the best ``size`` of parents and children (ties: parents first)
        for k in range(size):
            copy_into(merged[k], pop[k])
            copy_into(merged[size + k], children[k])
            merged_fit[k] = fit[k]
            merged_fit[size + k] = cfit[k]
        keep = stable_argsort(merged_fit)[:size]
        for k in range(size):
            copy_into(pop[k], merged[keep[k]])
            fit[k] = merged_fit[keep[k]]
        stall[0] = stall[0] + 1 if fit[0] >= before else 0


@kernel
def scored(order, problem, state, best, counter, improve):  # type: ignore[no-untyped-def]
    """Decode ``order``, then (with ``improve``) its forward–backward improvement
    (:func:`justify`, then the list by right-justified start decoded again); keep the best
    schedule found, and give ``order`` the improved list when it is better (Lamarckian).
    Counts every pass."""
    start, finish, unresolved = state[0], state[1], state[2]
    links_out, indegree, rstart, rfinish, trial, prio = state[7:13]
    value = decode(order, start, finish, unresolved, problem)
    counter[0] += 1
    _keep(value, order, state, best)
    if not improve or not justify(order, start, finish, problem, links_out, rstart, rfinish):
        return value
    for j in range(prio.shape[0]):
        prio[j] = -rstart[j]
    _priority_list(prio, links_out[0], links_out[1], indegree, False, 1.0, trial, state[13])
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


@kernel
def _last_conflict(  # type: ignore[no-untyped-def]
    i, s, f, calendar, d_ptr, d_res, d_units, capacity, usage, blocked, project, cal
):
    """The last day of ``[s, f)`` on which task ``i`` would exceed a capacity and the
    demand that would, ``(-1, -1)`` if none (the mirror of :func:`_first_conflict`)."""
    if f <= s:
        return -1, -1
    c = calendar[i]
    days = capacity.shape[1]
    for day in range(min((f - 1) // MINUTES_PER_DAY, days - 1), s // MINUTES_PER_DAY - 1, -1):
        share = _share(c, s, f, day, cal)
        if share <= 0.0:
            continue
        for k in range(d_ptr[i], d_ptr[i + 1]):
            r = d_res[k]
            if blocked[r, day] == project:
                return day, k
            if c == ELAPSED and capacity[r, day] <= 0.0:
                continue
            if usage[r, day] + d_units[k] * share > capacity[r, day] + EPSILON:
                return day, k
    return -1, -1


@kernel
def _previous_candidate(day, k, c, d, d_res, d_units, capacity, usage, blocked, project, cal):  # type: ignore[no-untyped-def]
    """The last day before ``day`` on which the demand ``k`` that conflicted there could
    take the task's last day (the mirror of :func:`_next_candidate`): no finish after it
    can fit, so the backward pass skips a booked stretch at once instead of day by day."""
    prv = day - 1
    if c == ELAPSED:
        return prv
    mpd = cal[3]
    r = d_res[k]
    need = d_units[k] * min(1.0, d / mpd[c])
    while prv >= 0 and (
        blocked[r, prv] == project or usage[r, prv] + need > capacity[r, prv] + EPSILON
    ):
        prv -= 1
    return prv


@kernel
def justify(order, start, finish, problem, links_out, rstart, rfinish):  # type: ignore[no-untyped-def]
    """Right-justify the schedule ``start``/``finish`` decoded from ``order``: latest finish
    first, each task as late as its successors' new dates, the schedule's end and the
    capacities allow (a backward serial SGS). Work with progress, fixed work and
    interruptible work stay. The result is only an order for the next forward pass, which
    places everything again. Returns False when nothing can move (no demand)."""
    # positions as in _Problem.arrays (and the unpacking in decode)
    tasks, fixed, d_ptr, d_res, d_units = problem[1], problem[4], problem[7], problem[8], problem[9]
    capacity, usage, reserved_usage, blocked = problem[10], problem[11], problem[12], problem[13]
    split, cal, project_of = problem[14], problem[15], problem[17]
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
            add_load(i, start[i], finish[i], 1.0, calendar, d_ptr, d_res, d_units, usage, cal)
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
            day, k = _last_conflict(
                i, s, f, calendar, d_ptr, d_res, d_units, capacity, usage, blocked,
                project_of[i], cal,
            )  # fmt: skip
            if day < 0:
                break
            day = _previous_candidate(
                day, k, c, d, d_res, d_units, capacity, usage, blocked, project_of[i], cal
            )
            w = work_before(c, (day + 1) * MINUTES_PER_DAY, cum, nth, cnt, mpd, opn, wk)
        if d_ptr[i + 1] > d_ptr[i]:
            add_load(i, s, f, 1.0, calendar, d_ptr, d_res, d_units, usage, cal)
        rstart[i] = s
        rfinish[i] = f
    for r in range(usage.shape[0]):
        for day in range(days):
            usage[r, day] = reserved_usage[r, day]
    return True
