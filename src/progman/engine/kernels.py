# ruff: noqa: PLR0917, PLR1714, SIM109 - numba kernels: positional arrays, plain int tests
"""Compiled CPM passes over a network in topological order (numba; O(tasks + links)).

Each pass takes a ``dirty`` mask: a full run marks every task dirty; an incremental run
marks only the tasks that changed, and a task whose dates move marks the tasks it drives.
One implementation serves both, so incremental results equal full ones by construction.

Link types: 0 FS, 1 SS, 2 FF, 3 SF. Lags are working minutes of the successor's calendar,
or wall minutes where ``lag_elapsed``. Constraint codes are in :mod:`progman.engine.network`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from progman.engine.calendars import finish_of, start_of, work_before

FS, SS, FF, SF = 0, 1, 2, 3
ASAP, ALAP, SNET, SNLT, FNET, FNLT, MSO, MFO = 0, 1, 2, 3, 4, 5, 6, 7
NO_TIME = np.int64(-(2**62))
DRIVER_NONE = -1  # start set by the program/project start or status date
DRIVER_CONSTRAINT = -2  # start set by the task's own constraint
DRIVER_ACTUAL = -3  # start is an actual (progress)


@njit(cache=True)
def topological_order(n, out_ptr, out_succ):  # type: ignore[no-untyped-def]
    """Kahn's algorithm; returns (order, count). ``count < n`` means a cycle."""
    indegree = np.zeros(n, dtype=np.int64)
    for k in range(out_succ.shape[0]):
        indegree[out_succ[k]] += 1
    order = np.empty(n, dtype=np.int64)
    head = 0
    tail = 0
    for i in range(n):
        if indegree[i] == 0:
            order[tail] = i
            tail += 1
    while head < tail:
        i = order[head]
        head += 1
        for k in range(out_ptr[i], out_ptr[i + 1]):
            s = out_succ[k]
            indegree[s] -= 1
            if indegree[s] == 0:
                order[tail] = s
                tail += 1
    return order, tail


@njit(cache=True)
def _shift(c, t, lag, elapsed, cal):  # type: ignore[no-untyped-def]
    """``t`` moved by ``lag`` minutes of calendar ``c`` (or of the wall clock)."""
    if lag == 0:
        return t
    if elapsed:
        return t + lag
    return finish_of(c, work_before(c, t, *cal) + lag, *cal)


@njit(cache=True)
def forward_pass(  # type: ignore[no-untyped-def]
    order,
    start_position,
    dirty,
    in_ptr,
    in_link,
    out_ptr,
    out_link,
    link_pred,
    link_succ,
    link_type,
    link_lag,
    link_elapsed,
    duration,
    calendar,
    floor,
    constraint_type,
    constraint_time,
    actual_start,
    actual_finish,
    remaining,
    status_time,
    early_start,
    early_finish,
    driver,
    cal,
):
    """Early dates of the dirty tasks from ``order[start_position:]``; returns tasks moved."""
    pending = 0
    for position in range(start_position, order.shape[0]):
        if dirty[order[position]]:
            pending += 1
    moved = 0
    for position in range(start_position, order.shape[0]):
        if pending == 0:
            break
        i = order[position]
        if not dirty[i]:
            continue
        dirty[i] = False
        pending -= 1
        c = calendar[i]
        d = duration[i]
        in_progress = actual_start[i] != NO_TIME and actual_finish[i] == NO_TIME
        left = d
        if in_progress and remaining[i] >= 0:
            left = remaining[i]
        span = left if in_progress else d  # what a finish-to-x link must leave room for
        bound = floor[i]
        drive = DRIVER_NONE
        for k in range(in_ptr[i], in_ptr[i + 1]):
            link = in_link[k]
            p = link_pred[link]
            kind = link_type[link]
            base = early_finish[p] if kind == FS or kind == FF else early_start[p]
            t = _shift(c, base, link_lag[link], link_elapsed[link], cal)
            if kind == FF or kind == SF:  # a bound on the finish: back off the duration
                t = start_of(c, work_before(c, t, *cal) - span, *cal) if span > 0 else t
            if t > bound:
                bound = t
                drive = link
        ctype = constraint_type[i]
        if ctype == SNET or ctype == MSO:
            if ctype == MSO or constraint_time[i] > bound:
                bound = constraint_time[i]
                drive = DRIVER_CONSTRAINT
        elif ctype == FNET or ctype == MFO:
            t = constraint_time[i]
            if d > 0:
                t = start_of(c, work_before(c, t, *cal) - d, *cal)
            if ctype == MFO or t > bound:
                bound = t
                drive = DRIVER_CONSTRAINT
        if actual_finish[i] != NO_TIME:  # done: dates are history
            start = actual_start[i] if actual_start[i] != NO_TIME else actual_finish[i]
            finish = actual_finish[i]
            drive = DRIVER_ACTUAL
        elif in_progress:  # the rest resumes after the status date, respecting its links
            start = actual_start[i]
            resume = max(bound, status_time)
            finish = finish_of(c, work_before(c, resume, *cal) + left, *cal)
            finish = max(finish, start)
            drive = DRIVER_ACTUAL
        elif d == 0:  # a milestone sits at its driving moment
            start = bound
            finish = bound
        else:
            w = work_before(c, bound, *cal)
            start = start_of(c, w, *cal)
            finish = finish_of(c, w + d, *cal)
        driver[i] = drive
        if start != early_start[i] or finish != early_finish[i]:
            early_start[i] = start
            early_finish[i] = finish
            moved += 1
            for k in range(out_ptr[i], out_ptr[i + 1]):
                s = link_succ[out_link[k]]
                if not dirty[s]:
                    dirty[s] = True
                    pending += 1
    return moved


@njit(cache=True)
def latest_finish_work(  # type: ignore[no-untyped-def]
    i,
    out_ptr,
    out_link,
    link_succ,
    link_type,
    link_lag,
    link_elapsed,
    duration,
    calendar,
    starts,
    finishes,
    end_time,
    cal,
):
    """Working minute (task ``i``'s calendar) by which ``i`` must finish for its successors.

    ``starts``/``finishes`` are the successors' dates to respect: late dates in the
    backward pass, early dates for free float and ALAP.
    """
    c = calendar[i]
    d = duration[i]
    limit = work_before(c, end_time, *cal)  # nothing finishes after the program ends
    for k in range(out_ptr[i], out_ptr[i + 1]):
        link = out_link[k]
        s = link_succ[link]
        cs = calendar[s]
        kind = link_type[link]
        other = starts[s] if kind == FS or kind == SS else finishes[s]
        t = _shift(cs, other, -link_lag[link], link_elapsed[link], cal)
        w = work_before(c, t, *cal)
        if kind == SS or kind == SF:  # the successor bounds this task's start
            w += d
        limit = min(limit, w)
    return limit


@njit(cache=True)
def backward_pass(  # type: ignore[no-untyped-def]
    order,
    dirty,
    out_ptr,
    out_link,
    link_succ,
    link_type,
    link_lag,
    link_elapsed,
    in_ptr,
    in_link,
    link_pred,
    duration,
    calendar,
    constraint_type,
    constraint_time,
    deadline,
    actual_start,
    actual_finish,
    early_start,
    early_finish,
    end_time,
    late_start,
    late_finish,
    cal,
):
    """Late dates of the dirty tasks, in reverse topological order; returns tasks moved."""
    pending = 0
    for i in range(order.shape[0]):
        if dirty[i]:
            pending += 1
    moved = 0
    for position in range(order.shape[0] - 1, -1, -1):
        if pending == 0:
            break
        i = order[position]
        if not dirty[i]:
            continue
        dirty[i] = False
        pending -= 1
        c = calendar[i]
        d = duration[i]
        if actual_finish[i] != NO_TIME:  # done: nothing late about it
            start = early_start[i]
            finish = early_finish[i]
        else:
            w = latest_finish_work(
                i,
                out_ptr,
                out_link,
                link_succ,
                link_type,
                link_lag,
                link_elapsed,
                duration,
                calendar,
                late_start,
                late_finish,
                end_time,
                cal,
            )
            ctype = constraint_type[i]
            if ctype == FNLT or ctype == MFO:
                w = min(w, work_before(c, constraint_time[i], *cal))
            elif ctype == SNLT or ctype == MSO:
                w = min(w, work_before(c, constraint_time[i], *cal) + d)
            if deadline[i] != NO_TIME:
                w = min(w, work_before(c, deadline[i], *cal))
            finish = finish_of(c, w, *cal)
            if actual_start[i] != NO_TIME:  # started: only its finish can be late
                start = early_start[i]
            elif d == 0:
                start = finish
            else:
                start = start_of(c, w - d, *cal)
        if start != late_start[i] or finish != late_finish[i]:
            late_start[i] = start
            late_finish[i] = finish
            moved += 1
            for k in range(in_ptr[i], in_ptr[i + 1]):
                p = link_pred[in_link[k]]
                if not dirty[p]:
                    dirty[p] = True
                    pending += 1
    return moved


@njit(cache=True)
def floats(  # type: ignore[no-untyped-def]
    out_ptr,
    out_link,
    link_succ,
    link_type,
    link_lag,
    link_elapsed,
    duration,
    calendar,
    early_start,
    early_finish,
    late_finish,
    end_time,
    total_float,
    free_float,
    cal,
):
    """Total and free float of every task, in working minutes of its own calendar."""
    for i in range(duration.shape[0]):
        c = calendar[i]
        finish_work = work_before(c, early_finish[i], *cal)
        total = work_before(c, late_finish[i], *cal) - finish_work
        allowed = latest_finish_work(
            i,
            out_ptr,
            out_link,
            link_succ,
            link_type,
            link_lag,
            link_elapsed,
            duration,
            calendar,
            early_start,
            early_finish,
            end_time,
            cal,
        )
        free = allowed - finish_work
        free = min(free, total)
        if free < 0 and total >= 0:
            free = 0
        total_float[i] = total
        free_float[i] = free


@njit(cache=True)
def delay_as_late_as_possible(  # type: ignore[no-untyped-def]
    order,
    is_alap,
    out_ptr,
    out_link,
    link_succ,
    link_type,
    link_lag,
    link_elapsed,
    duration,
    calendar,
    actual_start,
    early_start,
    early_finish,
    end_time,
    cal,
):
    """Move ALAP tasks to the latest dates their successors' early dates allow.

    Reverse topological order, so a chain of ALAP tasks moves together; no other task's
    dates change (only free float is used, as Primavera P6 does).
    """
    for position in range(order.shape[0] - 1, -1, -1):
        i = order[position]
        if not is_alap[i] or actual_start[i] != NO_TIME:
            continue
        c = calendar[i]
        d = duration[i]
        w = latest_finish_work(
            i,
            out_ptr,
            out_link,
            link_succ,
            link_type,
            link_lag,
            link_elapsed,
            duration,
            calendar,
            early_start,
            early_finish,
            end_time,
            cal,
        )
        finish = finish_of(c, w, *cal)
        if finish > early_finish[i]:
            early_finish[i] = finish
            early_start[i] = finish if d == 0 else start_of(c, w - d, *cal)


@njit(cache=True)
def link_slack(  # type: ignore[no-untyped-def]
    link_pred,
    link_succ,
    link_type,
    link_lag,
    link_elapsed,
    calendar,
    early_start,
    early_finish,
    slack,
    cal,
):
    """Working minutes (successor's calendar) by which each link is satisfied; < 0 = broken."""
    for link in range(link_pred.shape[0]):
        p = link_pred[link]
        s = link_succ[link]
        cs = calendar[s]
        kind = link_type[link]
        base = early_finish[p] if kind == FS or kind == FF else early_start[p]
        t = _shift(cs, base, link_lag[link], link_elapsed[link], cal)
        other = early_start[s] if kind == FS or kind == SS else early_finish[s]
        slack[link] = work_before(cs, other, *cal) - work_before(cs, t, *cal)
