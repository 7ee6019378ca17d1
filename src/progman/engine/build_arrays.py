"""The node arrays of a network: durations, links, constraints and progress.

Each function turns the plan's columns (:mod:`progman.engine.build_columns`) into numpy
arrays in bulk; only the tasks that have a feature (a constraint, progress, work to
divide) get a few lines of Python of their own. Part of :mod:`progman.engine.build`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from itertools import chain, repeat
from operator import attrgetter, is_not, itemgetter
from typing import cast

import numpy as np

from progman.domain import Dependency, Program, ThreePointEstimate
from progman.domain.durations import UNITS, Duration
from progman.domain.scheduling import LagCalendar
from progman.engine.build_columns import Items, LinkColumns, instance_dict
from progman.engine.calendars import ELAPSED, CalendarTables
from progman.engine.kernels import FF, FS, NO_TIME, SS
from progman.engine.network import CONSTRAINT_CODES, LINK_CODES
from progman.engine.semantics import lag_calendars

_UNIT_CODE = {unit: code for code, unit in enumerate(UNITS)}
_ELAPSED_FACTOR = np.array([Duration.MINUTES_PER_ELAPSED[u] for u in UNITS], dtype=np.float64)
_read_link = attrgetter("task", "type", "lag")
_read_link_dict = itemgetter("task", "type", "lag")
_read_duration = attrgetter("amount", "unit", "elapsed")
#: The lag of a link written without one (every such link shares it).
NO_LAG: Duration = Dependency.model_fields["lag"].get_default(call_default_factory=True)


def duration_minutes(
    amounts: Sequence[Duration], minutes_per_day: np.ndarray, *, all_elapsed: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Minutes of each duration (working minutes of a day of ``minutes_per_day[k]``, or
    wall minutes if elapsed, or every one with ``all_elapsed``: lags on the 24-hour
    calendar) and whether it is elapsed: :meth:`Duration.working_minutes` in bulk, with the
    same float steps, so the rounding is the same."""
    count = len(amounts)
    if count == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    # a plan repeats a few durations (the loader shares equal ones): read each object once
    _, first, same = np.unique(
        np.fromiter(map(id, amounts), dtype=np.int64, count=count),
        return_index=True,
        return_inverse=True,
    )
    amount, unit, elapsed = zip(
        *map(_read_duration, (amounts[k] for k in first.tolist())), strict=True
    )
    same = same.reshape(-1)
    value = np.array(amount, dtype=np.float64)[same]
    code = np.array([_UNIT_CODE[u] for u in unit], dtype=np.int64)[same]
    is_elapsed = np.array(elapsed, dtype=bool)[same] | all_elapsed
    per_day = (np.asarray(minutes_per_day, dtype=np.int64) / 60) * 60.0
    factor = np.select(
        [code == 0, code == 1, code == 2, code == 3],
        [np.float64(1.0), np.float64(60.0), per_day, per_day * 5.0],
        per_day * 20.0,
    )
    factor = np.where(is_elapsed, _ELAPSED_FACTOR[code], factor)
    return np.rint(value * factor).astype(np.int64), is_elapsed


def _minutes(amount: Duration, minutes_per_day: int) -> int:
    return round(amount.working_minutes(hours_per_day=minutes_per_day / 60))


def moment_of(tables: CalendarTables, value: date | datetime, *, end_of_day: bool = False) -> int:
    """Wall minute of a date (its midnight, or the next one with ``end_of_day``) or time."""
    if isinstance(value, datetime):
        return tables.to_minutes(value)
    return tables.to_minutes(value + timedelta(days=1) if end_of_day else value)


def node_durations(
    program: Program,
    found: Items,
    is_summary: np.ndarray,
    calendar: np.ndarray,
    tables: CalendarTables,
) -> tuple[np.ndarray, list[str]]:
    """Working minutes of each node (zero for summaries); elapsed tasks move to the elapsed
    calendar. Returns the durations and the warnings about tasks without any."""
    columns = found.columns
    n_items = len(found.items)
    duration = np.zeros(calendar.shape[0], dtype=np.int64)
    estimates: Sequence[ThreePointEstimate | None] = columns["estimate"]
    amounts: Sequence[Duration | None] = columns["duration"]
    if estimates.count(None) != n_items:  # (by identity, at once, when none has one)
        amounts = [
            given if given is not None else (estimate.most_likely if estimate is not None else None)
            for given, estimate in zip(amounts, estimates, strict=True)
        ]
    given = np.fromiter(map(is_not, amounts, repeat(None)), dtype=bool, count=n_items)
    timed = np.flatnonzero(given & ~is_summary)
    # every one given: the column itself, else the given ones (None at none of them)
    chosen = cast(
        "Sequence[Duration]",
        amounts if timed.size == n_items else [amounts[i] for i in timed.tolist()],
    )
    minutes, elapsed = duration_minutes(chosen, tables.minutes_per_day[calendar[timed]])
    duration[timed] = minutes
    calendar[timed[elapsed]] = ELAPSED
    warnings: list[str] = []
    resources = {r.id: r for r in program.resources}
    works, milestones, ids = columns["work"], columns["milestone"], columns["id"]
    untimed = np.ones(n_items, dtype=bool)
    untimed[timed] = False
    for i in np.flatnonzero(untimed & ~is_summary).tolist():
        if works[i] is not None:
            units = sum(
                a.units
                for a in columns["resources"][i]
                if a.resource is None or resources[a.resource].kind == "person"
            )
            day = int(tables.minutes_per_day[calendar[i]])
            duration[i] = round(_minutes(works[i], day) / (units if units > 0 else 1.0))
        elif not milestones[i]:
            warnings.append(f"{ids[i]} has no duration, estimate or work: scheduled as 0 days")
    return duration, warnings


def link_arrays(
    found: Items,
    finish_of: np.ndarray,
    calendar: np.ndarray,
    tables: CalendarTables,
    *,
    lag_mode: LagCalendar = "successor",
    program_calendar: int = 1,
) -> tuple[np.ndarray, ...]:
    """The plan's links, then each summary's structure (start -> child -> finish), as
    ``(pred, succ, type, lag, elapsed, lag calendar)`` arrays. A finish-side link (FS/FF)
    from a summary leaves its finish node; a lag is working time of its lag calendar (the
    successor's unless ``lag_mode`` says otherwise), counted in that calendar's days."""
    n_items = len(found.items)
    given = found.links if found.links is not None else _link_columns(found)
    pred, kind, lags = given.pred.copy(), given.kind, given.lags
    m = pred.size
    succ = np.repeat(np.arange(n_items, dtype=np.int64), given.counts)
    from_finish = (kind == FS) | (kind == FF)
    pred[from_finish] = finish_of[pred[from_finish]]
    lag = np.zeros(m, dtype=np.int64)
    elapsed = np.zeros(m, dtype=bool)
    lag_calendar = lag_calendars(lag_mode, pred, succ, calendar, program_calendar)
    counted_on = lag_calendar if lag_calendar.size else calendar[succ]
    if lags is not None:  # nearly every link has the one shared "no lag": only the others
        lagged = np.flatnonzero(np.fromiter(map(is_not, lags, repeat(NO_LAG)), dtype=bool, count=m))
        lag[lagged], elapsed[lagged] = duration_minutes(
            [lags[k] for k in lagged.tolist()],
            tables.minutes_per_day[counted_on[lagged]],
            all_elapsed=lag_mode == "24h",
        )

    children = np.flatnonzero(found.parent_of >= 0)
    children = children[np.argsort(found.parent_of[children], kind="stable")]
    parents = found.parent_of[children]
    structure_pred = np.column_stack([parents, finish_of[children]]).ravel()
    structure_succ = np.column_stack([children, finish_of[parents]]).ravel()
    structure_type = np.tile(np.array([SS, FF], dtype=np.int8), children.size)
    if lag_calendar.size:  # structure links have no lag: any calendar will do
        lag_calendar = np.concatenate([lag_calendar, calendar[structure_succ]])
    return (
        np.concatenate([pred, structure_pred]),
        np.concatenate([succ, structure_succ]),
        np.concatenate([kind, structure_type]),
        np.concatenate([lag, np.zeros(structure_pred.size, dtype=np.int64)]),
        np.concatenate([elapsed, np.zeros(structure_pred.size, dtype=bool)]),
        lag_calendar,
    )


def _link_columns(found: Items) -> LinkColumns:
    """The links of the work items' ``depends`` as index columns (read from the objects)."""
    columns = found.columns
    n_items = len(found.items)
    depends = columns["depends"]
    counts = np.fromiter(map(len, depends), dtype=np.int64, count=n_items)
    m = int(counts.sum())
    index_of = dict(zip(columns["id"], range(n_items), strict=True))
    tasks: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    lags: tuple[Duration, ...] = ()
    if m:
        links = chain.from_iterable(depends)
        try:
            tasks, types, lags = zip(*map(_read_link_dict, map(instance_dict, links)), strict=True)
        except (AttributeError, KeyError):
            links = chain.from_iterable(depends)
            tasks, types, lags = zip(*map(_read_link, links), strict=True)
    return LinkColumns(
        np.fromiter(map(index_of.__getitem__, tasks), dtype=np.int64, count=m),
        counts,
        np.fromiter(map(LINK_CODES.__getitem__, types), dtype=np.int8, count=m),
        lags,
    )


def constraint_arrays(
    found: Items, *, calendar: np.ndarray, working: np.ndarray, tables: CalendarTables
) -> tuple[np.ndarray, np.ndarray]:
    """Constraint codes and moments. A date-only finish-side date is the end of that
    working day; an elapsed task's day runs from its calendar's opening to its closing."""
    n = calendar.shape[0]
    constraint_type = np.zeros(n, dtype=np.int8)
    constraint_time = np.full(n, NO_TIME, dtype=np.int64)
    constraints = found.columns["constraint"]
    day_ends: list[int] = []  # items whose time is the end of a working day
    for i in found.given("constraint"):
        constraint = constraints[i]
        constraint_type[i] = CONSTRAINT_CODES[constraint.type]
        when = constraint.date
        if when is None:
            continue
        finish_side = constraint.type in ("fnet", "fnlt", "mfo")
        c, own = int(calendar[i]), int(working[i])  # own: what an elapsed task would use
        if isinstance(when, datetime):  # a time of day was given: keep it
            constraint_time[i] = moment_of(tables, when)
        elif c == ELAPSED:  # the day runs from opening to closing
            closing = int(tables.minutes_per_day[own]) if finish_side else 0
            constraint_time[i] = moment_of(tables, when) + int(tables.opening_minute[own]) + closing
        elif finish_side:
            constraint_time[i] = moment_of(tables, when, end_of_day=True)
            day_ends.append(i)
        else:
            constraint_time[i] = moment_of(tables, when)
    if day_ends:
        constraint_time[day_ends] = _normal_finish(
            tables, working[day_ends], constraint_time[day_ends]
        )
    return constraint_type, constraint_time


def progress_arrays(
    found: Items,
    *,
    duration: np.ndarray,
    calendar: np.ndarray,
    tables: CalendarTables,
    status_time: int | None,
    n: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Actual start and finish (normalised to working moments), remaining work of tasks in
    progress, and which items have started."""
    columns = found.columns
    actual_start = np.full(n, NO_TIME, dtype=np.int64)
    actual_finish = np.full(n, NO_TIME, dtype=np.int64)
    remaining = np.full(n, -1, dtype=np.int64)
    started = np.zeros(len(found.items), dtype=bool)
    starts, finishes = columns["actual_start"], columns["actual_finish"]
    began, ended = found.given("actual_start"), found.given("actual_finish")
    if not began and not ended:
        return actual_start, actual_finish, remaining, started
    actual_start[began] = [moment_of(tables, starts[i]) for i in began]
    actual_start[began] = normal_start(tables, calendar[began], actual_start[began])
    actual_finish[ended] = [moment_of(tables, finishes[i], end_of_day=True) for i in ended]
    actual_finish[ended] = _normal_finish(tables, calendar[ended], actual_finish[ended])
    started[began] = True
    started[ended] = True
    running = [i for i in began if finishes[i] is None]
    if running:
        remaining[running] = _remaining(
            found,
            running,
            duration=duration,
            calendar=calendar,
            actual_start=actual_start,
            tables=tables,
            status_time=status_time,
        )
    milestones = columns["milestone"]
    for i in np.flatnonzero(started).tolist():
        if milestones[i]:  # one moment: the finish, unless only the start has a time of day
            timed = isinstance(starts[i], datetime) and not isinstance(finishes[i], datetime)
            moment = actual_start[i] if timed or actual_finish[i] == NO_TIME else actual_finish[i]
            actual_start[i] = actual_finish[i] = moment
    return actual_start, actual_finish, remaining, started


def _remaining(
    found: Items,
    running: list[int],
    *,
    duration: np.ndarray,
    calendar: np.ndarray,
    actual_start: np.ndarray,
    tables: CalendarTables,
    status_time: int | None,
) -> np.ndarray:
    """Working minutes left of started tasks: as given, from % complete, or as planned."""
    given, percents = found.columns["remaining"], found.columns["percent_complete"]
    c = calendar[running]
    left = duration[running].copy()
    if status_time is not None:
        done = tables.work_before_many(c, np.full(len(running), status_time)) - (
            tables.work_before_many(c, actual_start[running])
        )
        left = np.maximum(0, left - np.maximum(done, 0))  # started after it: nothing done yet
    for k, i in enumerate(running):
        if given[i] is not None:
            left[k] = _minutes(given[i], int(tables.minutes_per_day[c[k]]))
        elif percents[i] is not None:
            left[k] = round(int(duration[i]) * (1 - percents[i] / 100))
    return left


def normal_start(tables: CalendarTables, c: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The working moment a start at ``t`` really begins (the next opening)."""
    return tables.start_of_many(c, tables.work_before_many(c, t))


def _normal_finish(tables: CalendarTables, c: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The working moment a finish at ``t`` really ends (the last closing)."""
    return tables.finish_of_many(c, tables.work_before_many(c, t))
