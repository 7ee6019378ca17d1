"""Earned value and earned schedule of a program against one of its baselines.

Per task, as of the end of the status date:

* BAC is the task's cost in the baseline (:mod:`progman.engine.cost`: what the plan cost
  when the baseline was taken); a task added since has none;
* PV is BAC spread evenly over the baseline's working time of the task (its calendar; an
  elapsed task's over the program calendar), the part before the status time; a task
  with no working time in the baseline (a milestone) plans all of it at its finish;
* EV is BAC × the task's percent complete (100 % once it has an actual finish);
* AC is the task's ``actual_cost``; with ``actual_costs`` by period, the sum of what they
  spent by the status date (each period's amount spread evenly over its days; what lies
  after the status date is left out and the task named in
  :attr:`EarnedValue.actuals_after_status`); a task with progress and none recorded counts
  the planned cost of the work done (percent complete × its planned cost now) and is named
  in :attr:`EarnedValue.estimated_actuals` (its CPI is then 1 and says nothing).

Projects and the program add up their tasks' money; their indexes and forecasts are
computed from the sums, never averaged. Earned schedule (Lipke) reads the scope's PV
curve by working day of the program calendar from the scope's baseline start: ES is when
the baseline planned to have earned today's EV, AT the working time elapsed since that
start; SV(t) = ES − AT, SPI(t) = ES / AT, IEAC(t) = PD / SPI(t) with PD the scope's
baseline duration, shown as the date it ends.

The S-curve is cumulative PV, EV and AC at the end of each week; EV and AC are spread
evenly over the working time between a task's actual start (else its scheduled start)
and its actual finish (else the status time): progman keeps progress as of now, not
its history. The AC of a task with ``actual_costs`` follows its periods instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from progman.domain import Baseline, Program
from progman.domain.actual_costs import periods
from progman.engine.build import BuiltNetwork
from progman.engine.calendars import ELAPSED, MINUTES_PER_DAY, CalendarTables

#: Curves are evaluated for this many tasks at a time (bounds the memory).
_EPSILON = 1e-9


@dataclass(frozen=True)
class Measures:
    """Earned value figures of a task, a project or the program: money in the program's
    currency, times in working days of the program calendar; ``None`` where a ratio
    would divide by zero."""

    bac: float
    pv: float
    ev: float
    ac: float
    sv: float
    cv: float
    spi: float | None
    cpi: float | None
    eac: float | None  # BAC / CPI
    etc: float | None  # EAC − AC
    vac: float | None  # BAC − EAC
    tcpi: float | None  # (BAC − EV) / (BAC − AC)
    es_days: float
    at_days: float
    sv_t_days: float
    spi_t: float | None
    ieac_t_finish: date | None
    eac_remaining_as_planned: float  # AC + (BAC − EV)
    eac_cpi_spi: float | None  # AC + (BAC − EV) / (CPI × SPI)


@dataclass(frozen=True)
class Period:
    """A week of the S-curve: cumulative PV, EV and AC at its end; EV and AC stop at the
    status date (``None`` in the weeks after it)."""

    monday: date
    pv: float
    ev: float | None
    ac: float | None


@dataclass(frozen=True)
class EarnedValue:
    status_date: date
    baseline: str
    currency: str
    program: Measures
    projects: dict[str, Measures]
    tasks: dict[str, Measures]  # the tasks in the baseline or with an actual cost
    weeks: tuple[Period, ...]
    estimated_actuals: tuple[str, ...]  # tasks with progress and no actual_cost
    not_in_baseline: tuple[str, ...]  # tasks added since the baseline (BAC 0)
    actuals_after_status: tuple[str, ...] = ()  # actual_costs dated after the status date


@dataclass(frozen=True)
class EarnedSchedule:
    """Where a scope stands in time, in working days of the program calendar from its
    baseline start."""

    es: float
    at: float
    planned: float  # PD
    start: int  # wall minute of the scope's baseline start (IEAC(t) counts from there)


def measures(
    bac: float, pv: float, ev: float, ac: float, *, es: EarnedSchedule, ieac: date | None
) -> Measures:
    """The figures that follow from the four sums and the earned schedule."""
    spi, cpi = _ratio(ev, pv), _ratio(ev, ac)
    eac = None if cpi is None or cpi <= 0 else bac / cpi
    both = None if cpi is None or spi is None or cpi * spi <= 0 else cpi * spi
    return Measures(
        bac=_cents(bac),
        pv=_cents(pv),
        ev=_cents(ev),
        ac=_cents(ac),
        sv=_cents(ev - pv),
        cv=_cents(ev - ac),
        spi=_rounded(spi),
        cpi=_rounded(cpi),
        eac=None if eac is None else _cents(eac),
        etc=None if eac is None else _cents(eac - ac),
        vac=None if eac is None else _cents(bac - eac),
        tcpi=_rounded(_ratio(bac - ev, bac - ac)),
        es_days=round(float(es.es), 2),
        at_days=round(float(es.at), 2),
        sv_t_days=round(float(es.es - es.at), 2),
        spi_t=_rounded(_ratio(float(es.es), float(es.at))),
        ieac_t_finish=ieac,
        eac_remaining_as_planned=_cents(ac + (bac - ev)),
        eac_cpi_spi=None if both is None else _cents(ac + (bac - ev) / both),
    )


def _ratio(top: float, bottom: float) -> float | None:
    return top / bottom if abs(bottom) > _EPSILON else None


def _cents(value: float) -> float:
    return round(value, 2) + 0.0  # no -0.0


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@dataclass(frozen=True)
class _Tasks:
    """The baseline, progress and cost of every work item, in the network's order."""

    ids: Sequence[str]
    project: np.ndarray  # int64 index into program.projects
    calendar: np.ndarray  # int64 calendar its work is spread over (never ELAPSED)
    start: np.ndarray  # int64 wall minutes of the baseline start
    finish: np.ndarray
    bac: np.ndarray
    done: np.ndarray  # fraction complete, 0..1
    ac: np.ndarray
    estimated: np.ndarray  # bool: AC estimated from the planned cost
    began: np.ndarray  # int64 wall minutes: EV and AC spread from here...
    reached: np.ndarray  # ...to here
    known: np.ndarray  # bool: in the baseline
    ledger: Ledger  # actual costs by period (their tasks' AC follows them, not the spread)


@dataclass(frozen=True)
class Ledger:
    """Every period of actual cost of every task, flattened: whose, when, how much. A
    period's amount is spread evenly over the working time of the program ``calendar``
    in it (a period without any: all at its end)."""

    item: np.ndarray  # int64 index of the task
    first: np.ndarray  # int64 wall minute its first day begins
    last: np.ndarray  # int64 wall minute after its last day
    amount: np.ndarray
    calendar: int

    def spent(
        self, tables: CalendarTables, at: np.ndarray, items: np.ndarray | None = None
    ) -> np.ndarray:
        """Cumulative spend of the periods (of ``items``: a bool mask of tasks, None for
        all) at each time ``at``."""
        chosen = np.arange(self.item.size) if items is None else np.flatnonzero(items[self.item])
        calendar = np.full(chosen.size, self.calendar, dtype=np.int64)
        [total] = _ramp_sums(
            tables, calendar, self.first[chosen], self.last[chosen], at, self.amount[chosen]
        )
        return total

    def by_item(self, tables: CalendarTables, at: int, count: int) -> np.ndarray:
        """Each task's spend by the time ``at`` (``count`` tasks)."""
        calendar = np.full(self.item.size, self.calendar, dtype=np.int64)
        shares = _spread(tables, calendar, self.first, self.last, at)
        spent: np.ndarray = np.bincount(self.item, self.amount * shares, minlength=count)
        return spent


def earned_value(
    program: Program,
    built: BuiltNetwork,
    baseline: Baseline,
    status_date: date,
    *,
    planned_cost: np.ndarray,
    scheduled_start: np.ndarray,
) -> EarnedValue:
    """Earned value of ``program`` (on its ``built`` network) against ``baseline`` as of
    the end of ``status_date``. ``planned_cost`` is each item's planned cost now (the
    estimate of an unrecorded actual cost) and ``scheduled_start`` its start in wall
    minutes (where EV and AC of a task without an actual start are spread from)."""
    tables = built.network.calendars
    now = tables.to_minutes(status_date + timedelta(days=1))
    tasks = _tasks(program, built, baseline, now=now, cost=planned_cost, start=scheduled_start)
    pv = tasks.bac * _spread(tables, tasks.calendar, tasks.start, tasks.finish, now)
    ev = tasks.bac * tasks.done
    program_calendar = built.program_calendar
    figures = _task_schedules(tables, tasks, program_calendar, now)
    finishes = _finish_dates(tables, program_calendar, figures)
    shown = np.flatnonzero(tasks.known | (tasks.ac > 0)).tolist()
    late = np.unique(tasks.ledger.item[tasks.ledger.last > now])
    task_measures = {
        tasks.ids[k]: measures(
            float(tasks.bac[k]), float(pv[k]), float(ev[k]), float(tasks.ac[k]),
            es=figures[k], ieac=finishes[k],
        )
        for k in shown
    }  # fmt: skip

    def scope(members: np.ndarray) -> Measures:
        earned = float(ev[members].sum())
        es = _scope_schedule(
            tables, tasks, members, earned=earned, calendar=program_calendar, now=now
        )
        return measures(
            float(tasks.bac[members].sum()), float(pv[members].sum()), earned,
            float(tasks.ac[members].sum()), es=es,
            ieac=_finish_dates(tables, program_calendar, [es])[0],
        )  # fmt: skip

    return EarnedValue(
        status_date=status_date,
        baseline=baseline.id,
        currency=program.currency,
        program=scope(np.arange(len(tasks.ids))),
        projects={
            project.id: scope(np.flatnonzero(tasks.project == p))
            for p, project in enumerate(program.projects)
        },
        tasks=task_measures,
        weeks=_weeks(tables, tasks, now),
        estimated_actuals=tuple(tasks.ids[k] for k in np.flatnonzero(tasks.estimated).tolist()),
        not_in_baseline=tuple(
            tasks.ids[k]
            for k in np.flatnonzero(~tasks.known & (tasks.bac == 0) & _leaf(built)).tolist()
        ),
        actuals_after_status=tuple(tasks.ids[k] for k in late.tolist()),
    )


def _leaf(built: BuiltNetwork) -> np.ndarray:
    summary = np.zeros(built.item_count, dtype=bool)
    summary[list(built.finish_node)] = True
    return ~summary


def _tasks(
    program: Program,
    built: BuiltNetwork,
    baseline: Baseline,
    *,
    now: int,
    cost: np.ndarray,
    start: np.ndarray,
) -> _Tasks:
    """What earned value needs of each item; ``cost`` and ``start``: its planned cost and
    scheduled start now."""
    tables = built.network.calendars
    n = built.item_count
    calendar = built.network.calendar[:n].astype(np.int64)
    calendar = np.where(calendar == ELAPSED, built.program_calendar, calendar)
    first, last = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    bac, done, ac = np.zeros(n), np.zeros(n), np.zeros(n)
    estimated, known = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    began = np.asarray(start[:n], dtype=np.int64).copy()
    reached = np.full(n, now, dtype=np.int64)
    frozen = baseline.tasks
    ledger: list[tuple[int, date, date, float]] = []
    for k, item in enumerate(built.items):
        base = frozen.get(item.id)
        if base is not None:
            known[k] = True
            first[k], last[k] = (
                tables.to_minutes(base.start),
                tables.to_minutes(base.finish, end_of_day=True),
            )
            bac[k] = base.cost or 0.0
        if item.actual_finish is not None:
            done[k] = 1.0
            reached[k] = min(now, tables.to_minutes(item.actual_finish, end_of_day=True))
        elif item.percent_complete is not None:
            done[k] = item.percent_complete / 100.0
        if item.actual_start is not None:
            began[k] = tables.to_minutes(item.actual_start)
        if item.actual_costs:
            ledger += [(k, *period) for period in periods(item.actual_costs)]
        elif item.actual_cost is not None:
            ac[k] = item.actual_cost
        elif done[k] > 0:
            ac[k] = done[k] * float(cost[k])
            estimated[k] = ac[k] > 0
    book = Ledger(
        item=np.array([entry[0] for entry in ledger], dtype=np.int64),
        first=np.array([tables.to_minutes(entry[1]) for entry in ledger], dtype=np.int64),
        last=np.array(
            [tables.to_minutes(entry[2] + timedelta(days=1)) for entry in ledger], dtype=np.int64
        ),
        amount=np.array([entry[3] for entry in ledger], dtype=np.float64),
        calendar=built.program_calendar,
    )
    ac += book.by_item(tables, now, n)
    return _Tasks(
        ids=built.ids, project=built.project_of[:n].astype(np.int64), calendar=calendar,
        start=first, finish=last, bac=bac, done=done, ac=ac, estimated=estimated,
        began=np.minimum(began, reached), reached=reached, known=known, ledger=book,
    )  # fmt: skip


def _spread(
    tables: CalendarTables,
    calendar: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    at: int | np.ndarray,
) -> np.ndarray:
    """The share of the working time from ``first`` to ``last`` (of each ``calendar``)
    that lies before ``at``: 0 to 1; with no working time in it, 1 from ``last`` on."""
    at = np.broadcast_to(np.asarray(at, dtype=np.int64), first.shape)
    begin = tables.work_before_many(calendar, first)
    total = tables.work_before_many(calendar, last) - begin
    worked = tables.work_before_many(calendar, np.minimum(at, last)) - begin
    share = np.clip(worked / np.maximum(total, 1), 0.0, 1.0)
    return np.where(total > 0, share, (at >= last).astype(np.float64))


def _days(
    tables: CalendarTables, program_calendar: int, first: np.ndarray, last: np.ndarray
) -> np.ndarray:
    """Working days of the program calendar from ``first`` to ``last`` (wall minutes)."""
    c = np.full(first.shape, program_calendar, dtype=np.int64)
    minutes: np.ndarray = tables.work_before_many(c, last) - tables.work_before_many(c, first)
    return minutes / float(tables.minutes_per_day[program_calendar])


def _task_schedules(
    tables: CalendarTables, tasks: _Tasks, program_calendar: int, now: int
) -> list[EarnedSchedule]:
    """Each task's earned schedule: its PV is one even ramp over its own calendar, so ES
    is where that ramp reaches the task's share done."""
    begin = tables.work_before_many(tasks.calendar, tasks.start)
    total = tables.work_before_many(tasks.calendar, tasks.finish) - begin
    target = begin + np.round(tasks.done * total).astype(np.int64)
    earned_at = np.where(
        tasks.done >= 1.0, tasks.finish, tables.finish_of_many(tasks.calendar, target)
    )
    earned_at = np.where(tasks.done > 0, np.maximum(earned_at, tasks.start), tasks.start)
    es = _days(tables, program_calendar, tasks.start, earned_at)
    at = np.maximum(
        _days(tables, program_calendar, tasks.start, np.full_like(tasks.start, now)), 0.0
    )
    planned = _days(tables, program_calendar, tasks.start, tasks.finish)
    return [
        EarnedSchedule(e, a, p, s) if known else EarnedSchedule(0.0, 0.0, 0.0, s)
        for e, a, p, s, known in zip(
            es.tolist(), at.tolist(), planned.tolist(), tasks.start.tolist(), tasks.known.tolist(),
            strict=True,
        )
    ]  # fmt: skip


def _scope_schedule(
    tables: CalendarTables,
    tasks: _Tasks,
    members: np.ndarray,
    *,
    earned: float,
    calendar: int,
    now: int,
) -> EarnedSchedule:
    """Earned schedule of a scope (Lipke): C, the last working day by whose end the PV
    was at most EV, plus the fraction of day C+1 that EV reaches into."""
    members = members[tasks.known[members]]
    if members.size == 0:
        return EarnedSchedule(0.0, 0.0, 0.0, 0)
    first, last = int(tasks.start[members].min()), int(tasks.finish[members].max())
    c = np.array([calendar])
    origin = int(tables.work_before_many(c, np.array([first]))[0])
    per_day = int(tables.minutes_per_day[calendar])
    planned = (int(tables.work_before_many(c, np.array([last]))[0]) - origin) / per_day
    day_count = int(np.ceil(planned - _EPSILON))
    ends = tables.finish_of_many(
        np.full(day_count, calendar), origin + per_day * np.arange(1, day_count + 1)
    )
    curve = np.concatenate([[0.0], _planned_value(tables, tasks, members, ends)])
    if day_count and ends[-1] < last:  # the last day ends after the scope's last minute
        curve[-1] = float(tasks.bac[members].sum())
    reached = np.flatnonzero(curve <= earned + _EPSILON)
    whole = int(reached[-1]) if reached.size else 0
    if whole >= day_count:
        es = planned
    else:
        step = curve[whole + 1] - curve[whole]
        es = min(whole + ((earned - curve[whole]) / step if step > _EPSILON else 0.0), planned)
    at = max(float(_days(tables, calendar, np.array([first]), np.array([now]))[0]), 0.0)
    return EarnedSchedule(es, at, planned, first)


def _planned_value(
    tables: CalendarTables, tasks: _Tasks, members: np.ndarray, ends: np.ndarray
) -> np.ndarray:
    """The PV of ``members`` at each of the times ``ends``."""
    [total] = _ramp_sums(
        tables, tasks.calendar[members], tasks.start[members], tasks.finish[members], ends,
        tasks.bac[members],
    )  # fmt: skip
    return total


def _finish_dates(
    tables: CalendarTables, calendar: int, schedules: Sequence[EarnedSchedule]
) -> list[date | None]:
    """IEAC(t) = PD / SPI(t) working days of the program ``calendar`` from each scope's
    baseline start, as the date that work ends (None while nothing is earned)."""
    es = np.array([s.es for s in schedules])
    at = np.array([s.at for s in schedules])
    planned = np.array([s.planned for s in schedules])
    start = np.array([s.start for s in schedules], dtype=np.int64)
    valid = (at > _EPSILON) & (es > _EPSILON)
    days = np.where(valid, planned * at / np.where(valid, es, 1.0), 0.0)
    c = np.full(start.size, calendar, dtype=np.int64)
    work = tables.work_before_many(c, start) + days * float(tables.minutes_per_day[calendar])
    moments = tables.finish_of_many(c, np.round(work).astype(np.int64)) - 1  # its last minute
    found = tables.to_datetime64(moments).astype("datetime64[D]").tolist()
    return [day if ok else None for day, ok in zip(found, valid.tolist(), strict=True)]


def _weeks(tables: CalendarTables, tasks: _Tasks, now: int) -> tuple[Period, ...]:
    """Cumulative PV, EV and AC at the end of each week of the baseline and of the work
    done until the status date."""
    known = np.flatnonzero(tasks.known)
    worked = np.flatnonzero((tasks.done > 0) | (tasks.ac > 0))
    spent_from = tasks.ledger.first[tasks.ledger.first < now]
    moments = [
        tasks.start[known], tasks.finish[known], tasks.began[worked], spent_from, np.array([now])
    ]  # fmt: skip
    first, last = (int(f(np.concatenate(moments))) for f in (np.min, np.max))
    origin = tables.origin
    monday = origin + timedelta(days=first // MINUTES_PER_DAY)
    monday -= timedelta(days=monday.weekday())
    count = (origin + timedelta(days=last // MINUTES_PER_DAY) - monday).days // 7 + 1
    mondays = [monday + timedelta(weeks=w) for w in range(count)]
    ends = np.array([tables.to_minutes(m + timedelta(weeks=1)) for m in mondays], dtype=np.int64)
    pv = _planned_value(tables, tasks, known, ends)
    ev, ac = _progress_curve(tables, tasks, worked, np.minimum(ends, now))
    periods = []
    for w, start in enumerate(mondays):
        after = ends[w] - 7 * MINUTES_PER_DAY >= now  # the week begins after the status time
        periods.append(
            Period(
                start, _cents(float(pv[w])),
                None if after else _cents(float(ev[w])), None if after else _cents(float(ac[w])),
            )
        )  # fmt: skip
    return tuple(periods)


def _progress_curve(
    tables: CalendarTables, tasks: _Tasks, members: np.ndarray, at: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative EV and AC of ``members`` at each time ``at``: each task's earned value
    and actual cost spread evenly over its working time from when it began to now."""
    earned = tasks.bac * tasks.done
    ledgered = np.zeros(tasks.ac.size, dtype=bool)
    ledgered[tasks.ledger.item] = True
    spread = np.where(ledgered, 0.0, tasks.ac)  # a ledger's tasks follow their periods
    chosen = np.zeros(tasks.ac.size, dtype=bool)
    chosen[members] = True
    ev, ac = _ramp_sums(
        tables, tasks.calendar[members], tasks.began[members], tasks.reached[members], at,
        earned[members], spread[members],
    )  # fmt: skip
    ac += tasks.ledger.spent(tables, at, chosen & ledgered)
    return ev, ac


def _ramp_sums(
    tables: CalendarTables,
    calendar: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    at: np.ndarray,
    *weights: np.ndarray,
) -> list[np.ndarray]:
    """For each weight vector ``w``, ``Σ_k w[k] · share_k(at[j])`` at each time ``at[j]``,
    where ``share_k`` is :func:`_spread`'s share of ``[first[k], last[k])`` on
    ``calendar[k]``: the curves a time-phased report draws.

    Each share is a ramp in the working minutes of its calendar, so a calendar's sum is
    piecewise linear in them: sorted ramp ends and running sums answer every time by a
    binary search, ``O((n + m·C) log n)`` for ``C`` calendars instead of the ``n × m``
    grid of shares. The calendars are laid end to end on one axis (calendar ``c``'s
    working minute ``u`` at ``c·span + u``), so they are searched all at once too."""
    at = np.asarray(at, dtype=np.int64)
    calendars, group = np.unique(calendar, return_inverse=True)
    span = tables.horizon + 1  # more than any count of working minutes
    begin = tables.work_before_many(calendar, first) + group * span
    end = tables.work_before_many(calendar, last) + group * span
    lane = np.repeat(np.arange(calendars.size, dtype=np.int64) * span, at.size)
    u = tables.work_before_many(np.repeat(calendars, at.size), np.tile(at, calendars.size))
    u += lane  # (C·m): time j on calendar c's lane
    ramp = end > begin
    a, b = begin[ramp], end[ramp]
    by_a, by_b = np.argsort(a, kind="stable"), np.argsort(b, kind="stable")
    started = np.searchsorted(a[by_a], u, side="left")  # ramps with a < u...
    ended = np.searchsorted(b[by_b], u, side="right")  # ...and b <= u, so far on the axis
    lane_a = np.searchsorted(a[by_a], lane, side="left")  # where the lane begins
    lane_b = np.searchsorted(b[by_b], lane, side="left")
    flat = ~ramp  # no working time: all of it from its end (wall time)
    flat_by = np.argsort(last[flat], kind="stable")
    flat_done = np.searchsorted(last[flat][flat_by], at, side="right")
    offset_u = (u - lane).astype(np.float64)  # the working minute within its lane
    sums = []
    for w in weights:
        rw = w[ramp]
        slope = rw / (b - a)
        pinned = slope * (a - group[ramp] * span)  # slope × a within its own lane
        full = _in_lane(rw, by_b, ended, lane_b)
        rising = _in_lane(slope, by_a, started, lane_a) - _in_lane(slope, by_b, ended, lane_b)
        offset = _in_lane(pinned, by_a, started, lane_a) - _in_lane(pinned, by_b, ended, lane_b)
        per_lane = (full + offset_u * rising - offset).reshape(calendars.size, at.size)
        sums.append(per_lane.sum(axis=0) + _running(w[flat], flat_by, flat_done))
    return sums


def _in_lane(
    values: np.ndarray, order: np.ndarray, upto: np.ndarray, lane: np.ndarray
) -> np.ndarray:
    """The sum of ``values`` taken in ``order`` from position ``lane[j]`` to ``upto[j]``."""
    running = np.concatenate([[0.0], np.cumsum(values[order])])
    return running[upto] - running[lane]  # type: ignore[no-any-return]


def _running(values: np.ndarray, order: np.ndarray, count: np.ndarray) -> np.ndarray:
    """The sum of the first ``count[j]`` of ``values`` taken in ``order``, for each j."""
    return np.concatenate([[0.0], np.cumsum(values[order])])[count]  # type: ignore[no-any-return]


__all__ = [
    "EarnedSchedule",
    "EarnedValue",
    "Ledger",
    "Measures",
    "Period",
    "earned_value",
    "measures",
]
