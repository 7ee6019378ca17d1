# ruff: noqa: PLR0917, PLR1714, SIM109 - numba kernels: positional arrays, plain int tests
"""Compiled CPM passes over a network in topological order (numba; O(tasks + links)).

Arrays travel in tuples, unpacked at the top of each kernel:

* ``links_in``: links sorted by successor (CSR):
  ``(ptr, pred, type, lag, elapsed, id, lag_calendar)``;
* ``links_out``: links sorted by predecessor: ``(ptr, succ, type, lag, elapsed, lag_calendar)``;
* ``tasks``: ``(duration, calendar, floor, constraint_type, constraint_time, deadline,
  actual_start, actual_finish, remaining)``;
* ``cal``: the calendar tables (see :mod:`progman.engine.calendars`).

Keeping each link's attributes in the order a pass reads them makes the inner loops read
memory sequentially. The passes allocate nothing and run without numba's reference
counting (``_nrt=False``): with it, every array handed to the inlined calendar
conversions costs atomic increments, 40 times the arithmetic itself.

Each pass takes a ``dirty`` mask: a full run marks every task; an incremental run marks
the changed ones, and a task whose dates move marks the tasks it drives. One
implementation serves both, so incremental results equal full ones by construction.
Link types: 0 FS, 1 SS, 2 FF, 3 SF. Lags are working minutes of the link's lag calendar,
or wall minutes where ``elapsed``. ``lag_calendar`` holds that calendar per link; an empty
array means every lag counts on its successor's calendar (progman's default, which then
costs no memory: see :func:`lag_calendar_of`).
"""

from __future__ import annotations

import numpy as np

from progman.engine.calendars import finish_of, start_of, work_before
from progman.engine.jit import kernel

FS, SS, FF, SF = 0, 1, 2, 3
ASAP, ALAP, SNET, SNLT, FNET, FNLT, MSO, MFO = 0, 1, 2, 3, 4, 5, 6, 7
NO_TIME = np.int64(-(2**62))
DRIVER_NONE = -1  # start set by the program/project start or the status date
DRIVER_CONSTRAINT = -2  # start set by the task's own constraint
DRIVER_ACTUAL = -3  # start is an actual (progress)


@kernel
def link_view(n, keys, others, link_type, lag, elapsed, lag_calendar):  # type: ignore[no-untyped-def]
    """Links sorted by ``keys`` (counting sort), attributes gathered in the same pass.

    Returns ``(pointer[n+1], other end, type, lag, elapsed, link id, lag calendar)`` in
    sorted order (the lag calendars stay empty when ``lag_calendar`` is).
    """
    m = keys.shape[0]
    per_link = lag_calendar.shape[0] > 0
    pointer = np.zeros(n + 1, dtype=np.int64)
    for k in range(m):
        pointer[keys[k] + 1] += 1
    for i in range(n):
        pointer[i + 1] += pointer[i]
    fill = pointer[:-1].copy()
    other_sorted = np.empty(m, dtype=np.int64)
    type_sorted = np.empty(m, dtype=np.int8)
    lag_sorted = np.empty(m, dtype=np.int64)
    elapsed_sorted = np.empty(m, dtype=np.bool_)
    ids = np.empty(m, dtype=np.int64)
    calendar_sorted = np.empty(m if per_link else 0, dtype=np.int64)
    for k in range(m):
        slot = fill[keys[k]]
        fill[keys[k]] += 1
        other_sorted[slot] = others[k]
        type_sorted[slot] = link_type[k]
        lag_sorted[slot] = lag[k]
        elapsed_sorted[slot] = elapsed[k]
        ids[slot] = k
        if per_link:
            calendar_sorted[slot] = lag_calendar[k]
    return pointer, other_sorted, type_sorted, lag_sorted, elapsed_sorted, ids, calendar_sorted


@kernel
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


@kernel(refcounts=False)
def _shift(c, t, lag, elapsed, cal):  # type: ignore[no-untyped-def]
    """``t`` moved by ``lag`` minutes of calendar ``c`` (or of the wall clock)."""
    if lag == 0:
        return t
    if elapsed:
        return t + lag
    cum, nth, cnt, mpd, opn, wk = cal
    return finish_of(
        c, work_before(c, t, cum, nth, cnt, mpd, opn, wk) + lag, cum, nth, cnt, mpd, opn, wk
    )


@kernel(refcounts=False)
def _shift_back(c, t, lag, elapsed, cal):  # type: ignore[no-untyped-def]
    """The latest moment from which ``lag`` minutes of calendar ``c`` (or wall) reach ``t``.

    The inverse of :func:`_shift` for the backward pass: the start of the next working
    minute, not the end of the previous one, so that time the successor's calendar does
    not work (a weekend, its evenings) still counts as float for a predecessor on another
    calendar.
    """
    if lag == 0:
        return t
    if elapsed:
        return t - lag
    cum, nth, cnt, mpd, opn, wk = cal
    return start_of(
        c, work_before(c, t, cum, nth, cnt, mpd, opn, wk) - lag, cum, nth, cnt, mpd, opn, wk
    )


@kernel(refcounts=False)
def lag_calendar_of(k, own, lag_calendar):  # type: ignore[no-untyped-def]
    """The calendar link ``k``'s lag counts on: its own entry, or ``own`` (the successor's
    calendar) when the network keeps no per-link calendars."""
    if lag_calendar.shape[0] == 0:
        return own
    return lag_calendar[k]


@kernel(refcounts=False)
def _work_left(i, duration, actual_start, actual_finish, remaining):  # type: ignore[no-untyped-def]
    """Working minutes task ``i`` still has to do; -1 when it is done."""
    if actual_finish[i] != NO_TIME:
        return np.int64(-1)
    if actual_start[i] != NO_TIME and remaining[i] >= 0:
        return remaining[i]
    return duration[i]


@kernel(refcounts=False)
def _start_for_finish(c, t, span, cal):  # type: ignore[no-untyped-def]
    """The start that finishes ``span`` working minutes of calendar ``c`` at ``t``."""
    if span <= 0:
        return t
    cum, nth, cnt, mpd, opn, wk = cal
    return start_of(
        c, work_before(c, t, cum, nth, cnt, mpd, opn, wk) - span, cum, nth, cnt, mpd, opn, wk
    )


@kernel(refcounts=False)
def _link_start(c, lc, kind, pred_start, pred_finish, lag, elapsed, span, cal):  # type: ignore[no-untyped-def]
    """The earliest start (calendar ``c``) a link of type ``kind`` allows a successor of
    ``span`` working minutes, from its predecessor's dates; the lag counts on ``lc``."""
    base = pred_finish if kind == FS or kind == FF else pred_start
    t = _shift(lc, base, lag, elapsed, cal)
    if kind == FF or kind == SF:
        t = _start_for_finish(c, t, span, cal)
    return t


@kernel(refcounts=False)
def place(c, bound, d, cal):  # type: ignore[no-untyped-def]
    """Start and finish of ``d`` working minutes that may start at ``bound`` on calendar ``c``.

    A milestone happens in working time: at ``bound`` if that is working time or the end of
    a working day, else at the next working start.
    """
    cum, nth, cnt, mpd, opn, wk = cal
    w = work_before(c, bound, cum, nth, cnt, mpd, opn, wk)
    if d == 0:
        if finish_of(c, w, cum, nth, cnt, mpd, opn, wk) == bound:
            return bound, bound
        start = start_of(c, w, cum, nth, cnt, mpd, opn, wk)
        return start, start
    return start_of(c, w, cum, nth, cnt, mpd, opn, wk), finish_of(
        c, w + d, cum, nth, cnt, mpd, opn, wk
    )


@kernel(refcounts=False)
def _record(i, start, finish, starts, finishes, pointer, neighbours, dirty):  # type: ignore[no-untyped-def]
    """Store task ``i``'s dates; if they moved, mark the tasks they drive dirty.

    Returns ``(1 if moved else 0, how many tasks were newly marked)``.
    """
    if start == starts[i] and finish == finishes[i]:
        return 0, 0
    starts[i] = start
    finishes[i] = finish
    marked = 0
    for k in range(pointer[i], pointer[i + 1]):
        j = neighbours[k]
        if not dirty[j]:
            dirty[j] = True
            marked += 1
    return 1, marked


@kernel(inline=True)
def early_dates(i, links_in, tasks, status_time, early_start, early_finish, cal):  # type: ignore[no-untyped-def]
    """Task ``i``'s early start and finish from its predecessors' dates, its floor, its
    constraint and its progress, and what drives the start (a link id or ``DRIVER_*``).

    The one placement rule of every forward pass: CPM, Monte Carlo samples and leveling.
    """
    in_ptr, in_pred, in_type, in_lag, in_elapsed, in_id, in_cal = links_in
    (
        duration,
        calendar,
        floor,
        constraint_type,
        constraint_time,
        _deadline,
        actual_start,
        actual_finish,
        remaining,
    ) = tasks
    cum, nth, cnt, mpd, opn, wk = cal
    c = calendar[i]
    d = duration[i]
    in_progress = actual_start[i] != NO_TIME and actual_finish[i] == NO_TIME
    left = remaining[i] if in_progress and remaining[i] >= 0 else d
    span = left if in_progress else d  # what a link on the finish must leave room for
    bound = floor[i]
    drive = DRIVER_NONE
    for k in range(in_ptr[i], in_ptr[i + 1]):
        p = in_pred[k]
        kind = in_type[k]
        if in_lag[k] == 0 and kind == FS:  # the common link, without a call
            t = early_finish[p]
        else:
            lc = lag_calendar_of(k, c, in_cal)
            t = _link_start(
                c, lc, kind, early_start[p], early_finish[p], in_lag[k], in_elapsed[k], span, cal
            )
        if t > bound:
            bound = t
            drive = in_id[k]
    ctype = constraint_type[i]
    if ctype == SNET or ctype == MSO:
        if ctype == MSO or constraint_time[i] > bound:
            bound = constraint_time[i]
            drive = DRIVER_CONSTRAINT
    elif ctype == FNET or ctype == MFO:
        t = _start_for_finish(c, constraint_time[i], d, cal)
        if ctype == MFO or t > bound:
            bound = t
            drive = DRIVER_CONSTRAINT
    if actual_finish[i] != NO_TIME:  # done: its dates are history
        start = actual_start[i] if actual_start[i] != NO_TIME else actual_finish[i]
        finish = actual_finish[i]
        drive = DRIVER_ACTUAL
    elif in_progress:  # the rest resumes after the status date, respecting its links
        start = actual_start[i]
        resume = max(bound, status_time, start)
        w = work_before(c, resume, cum, nth, cnt, mpd, opn, wk)
        finish = max(finish_of(c, w + left, cum, nth, cnt, mpd, opn, wk), start)
        if drive < 0 or bound <= max(status_time, start):  # else a link holds the rest
            drive = DRIVER_ACTUAL
    else:
        start, finish = place(c, bound, d, cal)
    return start, finish, drive


@kernel(refcounts=False)
def forward_pass(  # type: ignore[no-untyped-def]
    order,
    start_position,
    dirty,
    links_in,
    links_out,
    tasks,
    status_time,
    early_start,
    early_finish,
    driver,
    cal,
):
    """Early dates of the dirty tasks from ``order[start_position:]``; returns tasks moved."""
    out_ptr, out_succ = links_out[0], links_out[1]
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
        start, finish, drive = early_dates(
            i, links_in, tasks, status_time, early_start, early_finish, cal
        )
        driver[i] = drive
        changed, marked = _record(
            i, start, finish, early_start, early_finish, out_ptr, out_succ, dirty
        )
        moved += changed
        pending += marked
    return moved


@kernel(inline=True)
def finish_limits(  # type: ignore[no-untyped-def]
    i,
    links_out,
    tasks,
    late_start,
    late_finish,
    early_start,
    early_finish,
    end_time,
    cal,
):
    """Working minutes (task ``i``'s calendar) by which ``i`` must finish: ``(late, early)``.

    ``late`` respects the successors' late dates (the backward pass), ``early`` their early
    dates (free float, ALAP); one walk over the links gives both. Nothing finishes after
    the end. Progress follows retained logic, as the forward pass does: a link into a task
    in progress holds its remaining work (from the moment it resumes), a done task holds
    nothing, and a started task's start-side links were kept by its actual start.
    """
    out_ptr, out_succ, out_type, out_lag, out_elapsed, out_cal = links_out
    duration, calendar, _floor, _ctype, _ctime, _deadline, act_start, act_finish, remaining = tasks
    cum, nth, cnt, mpd, opn, wk = cal
    c = calendar[i]
    late_limit = work_before(c, end_time, cum, nth, cnt, mpd, opn, wk)
    early_limit = late_limit
    started = act_start[i] != NO_TIME
    for k in range(out_ptr[i], out_ptr[i + 1]):
        s = out_succ[k]
        kind = out_type[k]
        if started and (kind == SS or kind == SF):
            continue
        left = _work_left(s, duration, act_start, act_finish, remaining)
        if left < 0:
            continue
        cs = calendar[s]
        extra = duration[i] if kind == SS or kind == SF else 0  # the successor bounds the start
        for late in (True, False):
            starts = late_start if late else early_start
            finishes = late_finish if late else early_finish
            if kind == FF or kind == SF:
                other = finishes[s]
            elif act_start[s] != NO_TIME:  # in progress: the link holds where the rest resumes
                other = _start_for_finish(cs, finishes[s], left, cal)
            else:
                other = starts[s]
            lag = out_lag[k]
            if lag != 0:
                lc = lag_calendar_of(k, cs, out_cal)
                other = _shift_back(lc, other, lag, out_elapsed[k], cal)
            w = work_before(c, other, cum, nth, cnt, mpd, opn, wk) + extra
            if late:
                late_limit = min(late_limit, w)
            else:
                early_limit = min(early_limit, w)
    return late_limit, early_limit


#: The same two rules as calls rather than inlined code, for kernels off the CPM's hot path
#: (leveling calls ``early_dates`` from three places): inlining them there would cost more
#: compile time than the calls cost at run time. They share the inlined ones' cache.
early_dates_call = kernel(early_dates.py_func)
finish_limits_call = kernel(finish_limits.py_func)


@kernel(refcounts=False)
def backward_pass(  # type: ignore[no-untyped-def]
    order,
    dirty,
    links_in,
    links_out,
    tasks,
    early_start,
    early_finish,
    end_time,
    late_start,
    late_finish,
    total_float,
    free_float,
    cal,
):
    """Late dates and floats of the dirty tasks, in reverse topological order.

    Floats are working minutes of each task's own calendar. Returns the tasks whose late
    dates moved (their predecessors were marked dirty in turn).
    """
    in_ptr, in_pred = links_in[0], links_in[1]
    (
        duration,
        calendar,
        _floor,
        constraint_type,
        constraint_time,
        deadline,
        actual_start,
        actual_finish,
        _remaining,
    ) = tasks
    cum, nth, cnt, mpd, opn, wk = cal
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
        w, allowed = finish_limits(
            i, links_out, tasks, late_start, late_finish, early_start, early_finish, end_time, cal
        )
        if actual_finish[i] != NO_TIME:  # done: nothing late about it
            start = early_start[i]
            finish = early_finish[i]
        else:
            ctype = constraint_type[i]
            if ctype == FNLT or ctype == MFO:
                w = min(w, work_before(c, constraint_time[i], cum, nth, cnt, mpd, opn, wk))
            elif ctype == SNLT or ctype == MSO:
                w = min(w, work_before(c, constraint_time[i], cum, nth, cnt, mpd, opn, wk) + d)
            if deadline[i] != NO_TIME:
                w = min(w, work_before(c, deadline[i], cum, nth, cnt, mpd, opn, wk))
            finish = finish_of(c, w, cum, nth, cnt, mpd, opn, wk)
            if d == 0 and work_before(c, early_finish[i], cum, nth, cnt, mpd, opn, wk) == w:
                finish = early_finish[i]  # a milestone without float: late is early, to the minute
            if actual_start[i] != NO_TIME:  # started: only its finish can be late
                start = early_start[i]
            elif d == 0:
                start = finish
            else:
                start = start_of(c, w - d, cum, nth, cnt, mpd, opn, wk)
        finish_work = work_before(c, early_finish[i], cum, nth, cnt, mpd, opn, wk)
        total = work_before(c, finish, cum, nth, cnt, mpd, opn, wk) - finish_work
        free = min(allowed - finish_work, total)
        if free < 0 and total >= 0:
            free = 0
        total_float[i] = total
        free_float[i] = free
        changed, marked = _record(i, start, finish, late_start, late_finish, in_ptr, in_pred, dirty)
        moved += changed
        pending += marked
    return moved


@kernel(refcounts=False)
def delay_as_late_as_possible(  # type: ignore[no-untyped-def]
    order,
    is_alap,
    links_out,
    tasks,
    early_start,
    early_finish,
    driver,
    end_time,
    cal,
):
    """Move ALAP tasks to the latest dates their successors' early dates allow.

    Reverse topological order, so a chain of ALAP tasks moves together; no other task's
    dates change (only free float is used, as Primavera P6 does). A task that moves is
    driven by its constraint.
    """
    duration, calendar, actual_start = tasks[0], tasks[1], tasks[6]
    cum, nth, cnt, mpd, opn, wk = cal
    for position in range(order.shape[0] - 1, -1, -1):
        i = order[position]
        if not is_alap[i] or actual_start[i] != NO_TIME:
            continue
        c = calendar[i]
        d = duration[i]
        w = finish_limits(
            i, links_out, tasks, early_start, early_finish, early_start, early_finish, end_time, cal
        )[1]
        finish = finish_of(c, w, cum, nth, cnt, mpd, opn, wk)
        if finish > early_finish[i]:
            start = finish if d == 0 else start_of(c, w - d, cum, nth, cnt, mpd, opn, wk)
            if _keeps_links(i, start, finish, links_out, tasks, early_start, cal):
                driver[i] = DRIVER_CONSTRAINT
                early_finish[i] = finish
                early_start[i] = start


@kernel(inline=True)
def _keeps_links(i, start, finish, links_out, tasks, early_start, cal):  # type: ignore[no-untyped-def]
    """Whether task ``i`` at ``start``..``finish`` still lets every successor not yet
    started keep its early start (the forward rule of :func:`early_dates`, link by link).

    The ALAP limit comes from the lenient backward conversion; where a successor's
    calendar does not work around the limit, that could break a link, so such a move is
    not made."""
    out_ptr, out_succ, out_type, out_lag, out_elapsed, out_cal = links_out
    duration, calendar, actual_start = tasks[0], tasks[1], tasks[6]
    for k in range(out_ptr[i], out_ptr[i + 1]):
        s = out_succ[k]
        if actual_start[s] != NO_TIME:
            continue  # started: retained logic holds only its remaining work
        kind = out_type[k]
        cs = calendar[s]
        lc = lag_calendar_of(k, cs, out_cal)
        t = _link_start(cs, lc, kind, start, finish, out_lag[k], out_elapsed[k], duration[s], cal)
        if t > early_start[s]:
            return False
    return True


@kernel(refcounts=False)
def link_slack(  # type: ignore[no-untyped-def]
    link_pred,
    link_succ,
    link_type,
    link_lag,
    link_elapsed,
    link_calendar,
    calendar,
    early_start,
    early_finish,
    slack,
    cal,
):
    """Working minutes (successor's calendar) by which each link is satisfied; < 0 = broken.

    ``link_calendar``: each link's lag calendar, or empty (the successor's)."""
    cum, nth, cnt, mpd, opn, wk = cal
    for link in range(link_pred.shape[0]):
        p = link_pred[link]
        s = link_succ[link]
        cs = calendar[s]
        kind = link_type[link]
        base = early_finish[p] if kind == FS or kind == FF else early_start[p]
        lc = lag_calendar_of(link, cs, link_calendar)
        t = _shift(lc, base, link_lag[link], link_elapsed[link], cal)
        other = early_start[s] if kind == FS or kind == SS else early_finish[s]
        slack[link] = work_before(cs, other, cum, nth, cnt, mpd, opn, wk) - work_before(
            cs, t, cum, nth, cnt, mpd, opn, wk
        )
