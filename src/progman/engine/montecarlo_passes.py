# ruff: noqa: PLR0917, PLR1714, SIM109 - numba kernels: positional arrays, plain int tests
"""The forward and backward passes of a Monte Carlo chunk: ``[task, iteration]`` arrays.

The passes of :mod:`progman.engine.kernels` with the iterations as the inner loop (for
each task in topological order, for each link, for each iteration of the chunk), so that
loop reads memory sequentially. :mod:`progman.engine.montecarlo` draws the durations and
calls them; a leveled simulation replaces the forward pass with its own scheduler.
"""

from __future__ import annotations

from progman.engine.calendars import ELAPSED, finish_of, start_of, work_before
from progman.engine.jit import kernel
from progman.engine.kernels import (
    FF,
    FNET,
    FNLT,
    FS,
    MFO,
    MSO,
    NO_TIME,
    SF,
    SNET,
    SNLT,
    SS,
    _shift,
    _shift_back,
    _start_for_finish,
    lag_calendar_of,
    place,
)


@kernel(refcounts=False)
def forward_chunk(  # type: ignore[no-untyped-def]
    order, links_in, tasks, status_time, duration, early_start, early_finish, finish_work, cal
):
    """Early dates ``[task, iteration]`` for sampled ``duration[task, iteration]``.

    The semantics of :func:`progman.engine.kernels.forward_pass` (links, lags, floors,
    start/finish constraints, progress), with the iterations as the inner loop.
    ``finish_work[task, it]``: the early finish in working minutes of the task's calendar,
    so that a successor on the same calendar reads its bound without converting it.
    A task with neither progress nor a start/finish date, and some work in every iteration
    (:func:`_plain_task`), works in working minutes: its bound is the largest of its
    inputs' working minutes (the conversion keeps order), held in ``early_start`` until
    its dates are known. A milestone's place depends on the wall-clock bound itself.
    """
    calendar, ctype_of, act_start, act_finish = tasks[1], tasks[3], tasks[6], tasks[7]
    cum, nth, cnt, mpd, opn, wk = cal
    width = duration.shape[1]
    for position in range(order.shape[0]):
        i = order[position]
        c = calendar[i]
        ctype = ctype_of[i]
        dated = ctype == SNET or ctype == MSO or ctype == FNET or ctype == MFO
        shortest = duration[i, 0] if width else 0
        for it in range(1, width):
            shortest = min(shortest, duration[i, it])
        if not dated and act_start[i] == NO_TIME and act_finish[i] == NO_TIME and shortest > 0:
            _plain_task(i, links_in, tasks, duration, early_start, early_finish, finish_work, cal)
            continue
        _dated_task(i, links_in, tasks, status_time, duration, early_start, early_finish, cal)
        for it in range(width):
            finish_work[i, it] = work_before(c, early_finish[i, it], cum, nth, cnt, mpd, opn, wk)


@kernel(inline=True)
def _plain_task(i, links_in, tasks, duration, early_start, early_finish, finish_work, cal):  # type: ignore[no-untyped-def]
    """Dates of task ``i`` (not started, no start/finish date, some work) for every
    iteration."""
    in_ptr, in_pred, in_type, in_lag = links_in[0], links_in[1], links_in[2], links_in[3]
    calendar, floor = tasks[1], tasks[2]
    cum, nth, cnt, mpd, opn, wk = cal
    width = duration.shape[1]
    c = calendar[i]
    total = cum[c, wk.shape[1]]
    first = work_before(c, floor[i], cum, nth, cnt, mpd, opn, wk)
    for it in range(width):
        early_start[i, it] = first
    for k in range(in_ptr[i], in_ptr[i + 1]):
        p = in_pred[k]
        if in_type[k] == FS and in_lag[k] == 0 and calendar[p] == c:
            for it in range(width):
                early_start[i, it] = max(early_start[i, it], finish_work[p, it])
            continue
        for it in range(width):
            t = _link_bound(i, k, it, links_in, tasks, duration, early_start, early_finish, cal)
            w = work_before(c, t, cum, nth, cnt, mpd, opn, wk)
            early_start[i, it] = max(early_start[i, it], w)
    for it in range(width):
        w = early_start[i, it]
        x = w + duration[i, it]  # > 0: work_before(c, finish_of(c, x)) is min(x, total)
        early_start[i, it] = start_of(c, w, cum, nth, cnt, mpd, opn, wk)
        early_finish[i, it] = finish_of(c, x, cum, nth, cnt, mpd, opn, wk)
        finish_work[i, it] = min(x, total)


@kernel(inline=True)
def _link_bound(i, k, it, links_in, tasks, duration, early_start, early_finish, cal):  # type: ignore[no-untyped-def]
    """The earliest wall-clock start link ``k`` into plain task ``i`` allows in ``it``
    (``place``'s bound, as :func:`_dated_task` computes it)."""
    in_pred, in_type, in_lag, in_elapsed, in_cal = (
        links_in[1],
        links_in[2],
        links_in[3],
        links_in[4],
        links_in[6],
    )
    planned, calendar, remaining = tasks[0], tasks[1], tasks[8]
    p = in_pred[k]
    kind = in_type[k]
    source = early_finish if kind == FS or kind == FF else early_start
    c = calendar[i]
    t = _shift(lag_calendar_of(k, c, in_cal), source[p, it], in_lag[k], in_elapsed[k], cal)
    if kind == FF or kind == SF:
        t = _start_for_finish(c, t, _left(i, duration[i, it], planned, remaining, False), cal)
    return t


@kernel(inline=True)
def _dated_task(i, links_in, tasks, status_time, duration, early_start, early_finish, cal):  # type: ignore[no-untyped-def]
    """Dates of task ``i`` when it is done, started, or has a start or finish date."""
    in_ptr, in_pred, in_type, in_lag, in_elapsed, in_cal = (
        links_in[0],
        links_in[1],
        links_in[2],
        links_in[3],
        links_in[4],
        links_in[6],
    )
    planned, calendar, floor, ctype_of, ctime_of, _dl, act_start, act_finish, remaining = tasks
    cum, nth, cnt, mpd, opn, wk = cal
    width = duration.shape[1]
    if act_finish[i] != NO_TIME:  # done: its dates are history
        first = act_start[i] if act_start[i] != NO_TIME else act_finish[i]
        for it in range(width):
            early_start[i, it] = first
            early_finish[i, it] = act_finish[i]
        return
    c = calendar[i]
    in_progress = act_start[i] != NO_TIME
    for it in range(width):
        early_start[i, it] = floor[i]
    for k in range(in_ptr[i], in_ptr[i + 1]):
        p = in_pred[k]
        kind = in_type[k]
        lag = in_lag[k]
        source = early_finish if kind == FS or kind == FF else early_start
        if (kind == FS or kind == SS) and lag == 0:
            for it in range(width):
                early_start[i, it] = max(early_start[i, it], source[p, it])
            continue
        lc = lag_calendar_of(k, c, in_cal)
        for it in range(width):
            t = _shift(lc, source[p, it], lag, in_elapsed[k], cal)
            if kind == FF or kind == SF:
                span = _left(i, duration[i, it], planned, remaining, in_progress)
                t = _start_for_finish(c, t, span, cal)
            early_start[i, it] = max(early_start[i, it], t)
    ctype = ctype_of[i]
    ctime = ctime_of[i]
    for it in range(width):
        bound = early_start[i, it]
        d = duration[i, it]
        if ctype == SNET or ctype == MSO:
            if ctype == MSO or ctime > bound:
                bound = ctime
        elif ctype == FNET or ctype == MFO:
            t = _start_for_finish(c, ctime, d, cal)
            if ctype == MFO or t > bound:
                bound = t
        if in_progress:  # the rest resumes after the status date, respecting its links
            start = act_start[i]
            resume = max(bound, status_time, start)
            w = work_before(c, resume, cum, nth, cnt, mpd, opn, wk)
            left = _left(i, d, planned, remaining, in_progress)
            finish = max(finish_of(c, w + left, cum, nth, cnt, mpd, opn, wk), start)
        else:
            start, finish = place(c, bound, d, cal)
        early_start[i, it] = start
        early_finish[i, it] = finish


@kernel(inline=True)
def _left(i, sampled, planned, remaining, in_progress):  # type: ignore[no-untyped-def]
    """Working minutes a task still has to do: a started task's rest scales with its sample."""
    if not in_progress or remaining[i] < 0:
        return sampled
    if planned[i] <= 0:
        return remaining[i]
    return (remaining[i] * sampled + planned[i] // 2) // planned[i]


@kernel(refcounts=False)
def backward_chunk(  # type: ignore[no-untyped-def]
    order,
    links_out,
    tasks,
    duration,
    early_start,
    early_finish,
    end_work,
    late_start,
    late_finish,
    start_work,
    critical_count,
    cal,
):
    """Late dates against each iteration's end; counts iterations with total float ≤ 0.

    The late side of :func:`progman.engine.kernels.finish_limits` with the iterations as the
    inner loop. ``end_work[c, it]``: the iteration's end in working minutes of calendar
    ``c`` (:func:`end_in_work`). ``late_finish`` holds working minutes of the task's
    calendar until its successors are all seen, then the wall-clock late finish.
    ``start_work``: each not-started task's late start in working minutes of its calendar,
    which a predecessor on the same calendar with an FS link reads without converting.
    """
    out_ptr, out_succ, out_type, out_lag, out_elapsed, out_cal = links_out
    planned, calendar, _fl, ctype_of, ctime_of, _dl, act_start, act_finish, remaining = tasks
    cum, nth, cnt, mpd, opn, wk = cal
    width = duration.shape[1]
    days = wk.shape[1]
    for position in range(order.shape[0] - 1, -1, -1):
        i = order[position]
        if act_finish[i] != NO_TIME:  # done: nothing late about it, never critical
            for it in range(width):
                late_start[i, it] = early_start[i, it]
                late_finish[i, it] = early_finish[i, it]
            continue
        c = calendar[i]
        started = act_start[i] != NO_TIME
        for it in range(width):
            late_finish[i, it] = end_work[c, it]
        for k in range(out_ptr[i], out_ptr[i + 1]):
            s = out_succ[k]
            kind = out_type[k]
            if (started and (kind == SS or kind == SF)) or act_finish[s] != NO_TIME:
                continue
            cs = calendar[s]
            lc = lag_calendar_of(k, cs, out_cal)
            resumes = act_start[s] != NO_TIME
            if kind == FS and out_lag[k] == 0 and not resumes and cs == c:
                for it in range(width):
                    late_finish[i, it] = min(late_finish[i, it], start_work[s, it])
                continue
            for it in range(width):
                extra = duration[i, it] if kind == SS or kind == SF else 0
                if kind == FF or kind == SF:
                    other = late_finish[s, it]
                elif resumes:  # in progress: the link holds where the rest resumes
                    left = _left(s, duration[s, it], planned, remaining, True)
                    other = _start_for_finish(cs, late_finish[s, it], left, cal)
                else:
                    other = late_start[s, it]
                t = _shift_back(lc, other, out_lag[k], out_elapsed[k], cal)
                w = work_before(c, t, cum, nth, cnt, mpd, opn, wk) + extra
                late_finish[i, it] = min(late_finish[i, it], w)
        ctype = ctype_of[i]
        cap = NO_TIME
        if ctype == FNLT or ctype == MFO or ctype == SNLT or ctype == MSO:
            cap = work_before(c, ctime_of[i], cum, nth, cnt, mpd, opn, wk)
        count = 0
        exact = c != ELAPSED  # then a late finish of w working minutes has w before it
        total = cum[c, days]
        for it in range(width):
            w = late_finish[i, it]
            d = duration[i, it]
            if cap != NO_TIME:  # a finish-side date caps the finish, a start-side one the start
                w = min(w, cap if ctype == FNLT or ctype == MFO else cap + d)
            finish_work = work_before(c, early_finish[i, it], cum, nth, cnt, mpd, opn, wk)
            finish = finish_of(c, w, cum, nth, cnt, mpd, opn, wk)
            if d == 0 and finish_work == w:
                finish = early_finish[i, it]
            if exact and 0 < w <= total:  # work_before(c, finish) is w (see below)
                before = w
            else:
                before = work_before(c, finish, cum, nth, cnt, mpd, opn, wk)
            if started:  # its successors do not read start_work
                start = early_start[i, it]
            elif d == 0:
                start = finish
                start_work[i, it] = before
            else:  # work_before(c, start_of(c, y)) is y clamped to the tables (see below)
                start = start_of(c, w - d, cum, nth, cnt, mpd, opn, wk)
                start_work[i, it] = min(max(w - d, 0), total)
            if before <= finish_work:
                count += 1
            late_start[i, it] = start
            late_finish[i, it] = finish
        critical_count[i] += count


@kernel(refcounts=False)
def end_in_work(end, cal, end_work):  # type: ignore[no-untyped-def]
    """``end_work[c, it]``: wall minute ``end[it]`` in working minutes of calendar ``c``,
    once per calendar rather than once per task."""
    cum, nth, cnt, mpd, opn, wk = cal
    for c in range(end_work.shape[0]):
        for it in range(end.shape[0]):
            end_work[c, it] = work_before(c, end[it], cum, nth, cnt, mpd, opn, wk)


# Why ``work_before(c, finish_of(c, w)) == w`` for a working calendar and 0 < w ≤ its
# minutes in the tables (``total``): ``finish_of`` lands ``r = w - k·per_day`` (1..per_day)
# minutes after the opening of the k-th working day, before which lie ``k·per_day`` working
# minutes; ``opening + per_day ≤ 1440``, and where ``r`` reaches midnight the next day's
# count is the same ``(k + 1)·per_day``. Past ``total``, ``finish_of`` gives the tables'
# end, before which lie ``total`` minutes; on the elapsed calendar both are the wall clock,
# clamped to the tables: ``min(w, total)`` in every case. In the backward pass, when
# ``d == 0`` keeps the early finish instead, its working minutes are ``finish_work == w``.
# Likewise ``work_before(c, start_of(c, y))`` is ``y`` clamped to ``[0, total]``:
# ``start_of`` lands ``y - k·per_day`` (0..per_day - 1) minutes after the opening of the
# k-th working day, or at the tables' end.
