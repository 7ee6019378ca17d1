"""Turn a :class:`Program` into a :class:`Network`: the bridge from plan to arrays.

Rules (documented in docs/scheduling.md):

* A task works on its own calendar, else its project's, else the program's (Mon–Fri 8 h
  when none is named), intersected with the calendars (and vacations) of the people
  assigned to it. Elapsed durations run on the 24/7 calendar.
* Duration: ``duration``; else the most likely ``estimate``; else ``work`` divided by the
  assigned units; else zero (listed as a warning unless a milestone).
* A summary task becomes two zero-length nodes: its start (links into it and its
  children hang from there) and its finish (after all children; links out of it start
  there). Its dates roll up from its children. A finish-side link (FF/SF) into a summary
  holds only its finish node, which MS Project refuses outright: a warning says so.
* Work starts no earlier than the program start, the project start, the sprint start of a
  story, and, for work not yet started, the day after the status date (in the
  ``data_date`` progress mode). A task's own start-no-earlier-than date before the program
  or project start wins over it (the calendar tables begin a month before the plan's
  earliest date, constraint dates included); a task in progress follows its own history.
* Where MS Project and P6 differ, the program's ``scheduling`` settings choose: the lag
  calendar of each link and the progress mode (:mod:`progman.engine.semantics`).
* A date means a working day of the task's calendar: a start-side date its opening, a
  finish-side date (``fnet``/``fnlt``/``mfo``) its end. An elapsed task works around the
  clock, weekends included, but its days still open and close at its calendar's hours.

The build works in bulk, because a program may hold a million tasks: one pass reads the
fields of every work item into plain columns, numpy turns them into the link, duration and
floor arrays, a calendar is resolved once per distinct (calendar, people) pair, and only
the tasks that have a feature (a constraint, progress, a deadline, work to divide) get a
few lines of Python of their own.

The build is four modules: :mod:`~progman.engine.build_columns` reads the items into
columns, :mod:`~progman.engine.build_calendars` resolves each task's calendar,
:mod:`~progman.engine.build_arrays` makes the duration, link, constraint and progress
arrays, and this one sets the floors and assembles the :class:`BuiltNetwork`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from operator import attrgetter
from typing import Any

import numpy as np

from progman.collector import collector_paused
from progman.domain import Program, WorkItem
from progman.domain.plan_warnings import actuals_after_status, dates_before_start, start_of
from progman.engine.build_arrays import (
    constraint_arrays,
    link_arrays,
    moment_of,
    node_durations,
    normal_start,
    progress_arrays,
)
from progman.engine.build_calendars import Calendars, calendar_of_items, calendar_rule
from progman.engine.build_columns import KEPT, Items, flatten
from progman.engine.calendars import ELAPSED, MINUTES_PER_DAY, build_tables
from progman.engine.kernels import NO_TIME
from progman.engine.network import Network
from progman.engine.semantics import early_constraints, lower_ancestors, resume_points

HORIZON_YEARS = 30


@dataclass
class BuiltNetwork:
    """A network plus what maps its indexes back to the plan."""

    network: Network
    ids: list[str]  # work item ids; indexes past len(ids) are summary finish nodes
    items: Sequence[WorkItem]
    project_of: np.ndarray  # int64[len(ids)] index into program.projects
    parent_of: np.ndarray  # int64[len(ids)] index of the parent item, -1 at the top
    finish_node: dict[int, int]  # summary index -> its finish node
    status_time: int | None
    warnings: list[str] = field(default_factory=list)
    held_by_status: np.ndarray | None = None  # bool[len(ids)]: the status date is the floor
    #: fields of every item in index order, read by the build (see :meth:`column`)
    columns: dict[str, tuple[Any, ...]] = field(default_factory=dict, repr=False)
    #: the program's own calendar in ``network.calendars`` (what whole-program delays count)
    program_calendar: int = 1
    #: bool[len(ids)]: the task's own start-no-earlier-than date, before the program's or
    #: project's start, is its floor (its driver is then ``constraint``)
    held_by_constraint: np.ndarray | None = None

    @property
    def item_count(self) -> int:
        return len(self.ids)

    def column(self, name: str) -> tuple[Any, ...]:
        """Field ``name`` of every work item, in index order (read once)."""
        found = self.columns.get(name)
        if found is None:
            found = self.columns[name] = tuple(map(attrgetter(name), self.items))
        return found

    @cached_property
    def index(self) -> dict[str, int]:
        """Work item id -> its index (made once, on first use)."""
        return dict(zip(self.ids, range(len(self.ids)), strict=True))

    @cached_property
    def node_items(self) -> np.ndarray:
        """int64[network size]: the work item of each node (a finish node's summary)."""
        owner = np.arange(self.network.size, dtype=np.int64)
        if self.finish_node:
            owner[list(self.finish_node.values())] = list(self.finish_node)
        return owner

    @cached_property
    def is_summary(self) -> np.ndarray:
        """bool[len(ids)]: which work items have children."""
        summary = np.zeros(self.item_count, dtype=bool)
        summary[list(self.finish_node)] = True
        return summary


def _as_day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _horizon(program: Program, found: Items, status: date | None) -> tuple[date, int]:
    """The tables' origin and length: a month before the first date of the plan, thirty
    years past its last."""
    dates = [program.start]
    if program.status_date:
        dates.append(program.status_date)
    if status:
        dates.append(status)
    columns = found.columns
    for name in ("actual_start", "actual_finish", "deadline"):
        column = columns[name]
        dates += (_as_day(column[i]) for i in found.given(name))
    constraints = columns["constraint"]
    given = map(constraints.__getitem__, found.given("constraint"))
    dates += (_as_day(c.date) for c in given if c.date is not None)
    origin = min(dates) - timedelta(days=31)
    return origin, (max(dates) - origin).days + 366 * HORIZON_YEARS


def build_network(
    program: Program,
    status_date: date | None = None,
    *,
    origin: date | None = None,
    items: Items | None = None,
) -> BuiltNetwork:
    """The program as arrays; ``status_date`` overrides the program's own.

    ``origin``: the time base starts on that day if the plan's own would start later (to
    compare two builds, whose wall minutes then count from one origin). ``items``: the
    work items as columns already (a columnar plan file's, :mod:`progman.engine.columnar`);
    ``program`` then gives only what is not a work item (calendars, projects, settings).
    """
    with collector_paused():
        return _build(program, status_date, origin, items)


def _build(
    program: Program, status_date: date | None, earliest: date | None, given: Items | None
) -> BuiltNetwork:
    status = status_date or program.status_date
    settings = program.scheduling
    found = given if given is not None else flatten(program)
    columns = found.columns
    n_items = len(found.items)
    origin, days = _horizon(program, found, status)
    if earliest is not None and earliest < origin:
        origin, days = earliest, days + (origin - earliest).days
    calendars = Calendars(program)
    rules, calendar_keys, program_calendar = calendar_of_items(program, found, calendars)
    tables = build_tables(rules, origin, days)

    if "tasks" in found.unset:  # no item has subtasks (a columnar plan of plain tasks)
        is_summary = np.zeros(n_items, dtype=bool)
    else:
        is_summary = np.fromiter(map(bool, columns["tasks"]), dtype=bool, count=n_items)
    summaries = np.flatnonzero(is_summary)
    n = n_items + summaries.size
    finish_of = np.arange(n, dtype=np.int64)  # a node's finish side: itself or its finish node
    finish_of[summaries] = n_items + np.arange(summaries.size)
    calendar = np.zeros(n, dtype=np.int64)
    calendar[:n_items] = calendar_keys
    calendar[n_items:] = calendar[summaries]

    duration, warnings = node_durations(program, found, is_summary, calendar, tables)
    links = link_arrays(
        found,
        finish_of,
        calendar,
        tables,
        lag_mode=settings.lag_calendar,
        program_calendar=program_calendar,
    )

    first = tables.to_minutes(program.start)
    floor = np.full(n, first, dtype=np.int64)
    project_floor = np.array(
        [max(first, tables.to_minutes(p.start)) if p.start else first for p in program.projects],
        dtype=np.int64,
    )
    if n_items:
        floor[:n_items] = project_floor[found.project_of]
    constraint_type, constraint_time = constraint_arrays(
        found, calendar=calendar, working=calendar_keys, tables=tables
    )
    elapsed = np.flatnonzero(calendar[:n_items] == ELAPSED)
    opening = np.zeros(n_items, dtype=np.int64)  # added to every floor below: see there
    opening[elapsed] = tables.opening_minute[calendar_keys[elapsed]]
    own_date = early_constraints(
        constraint_type[:n_items], constraint_time[:n_items], floor[:n_items] + opening
    )
    own_start = np.full(n_items, NO_TIME, dtype=np.int64)  # its working moment, as placed
    dated_early = np.flatnonzero(own_date)
    own_start[dated_early] = normal_start(
        tables, calendar[dated_early], constraint_time[dated_early]
    )
    floor[:n_items] = np.where(own_date, own_start - opening, floor[:n_items])
    sprint_start = {sp.id: sp.start for sp in program.sprints}
    sprints = columns["sprint"]
    for i in found.present("sprint"):
        if sprints[i] in sprint_start:
            floor[i] = max(floor[i], tables.to_minutes(sprint_start[sprints[i]]))
    status_time = tables.to_minutes(status + timedelta(days=1)) if status else None
    data_date = settings.progress == "data_date"
    late_warnings: list[tuple[int, int, str]] = []  # (item, order within it, text)
    deadline = np.full(n, NO_TIME, dtype=np.int64)
    deadlines = columns["deadline"]
    for i in found.given("deadline"):
        deadline[i] = moment_of(tables, deadlines[i], end_of_day=True)
    actual_start, actual_finish, remaining, started = progress_arrays(
        found,
        duration=duration,
        calendar=calendar,
        tables=tables,
        status_time=status_time if data_date else None,
        n=n,
    )
    project_starts = [start_of(program, project) for project in program.projects]
    dated = set(found.given("constraint")) | set(found.given("actual_start"))
    dated |= set(found.given("actual_finish"))
    for i in sorted(dated):  # a date before the start: moved, kept, or winning over it
        start, whose = project_starts[found.project_of[i]]
        for _, text in dates_before_start(found.items[i], start, whose):
            late_warnings.append((i, 0, text))
        if status is not None:
            for _, text in actuals_after_status(found.items[i], status):
                late_warnings.append((i, 1, text))
    # a task in progress is past every start: its rest follows its own history
    running = np.flatnonzero(started & (actual_finish[:n_items] == NO_TIME))
    if running.size:
        floor[running] = (
            actual_start[running] - opening[running]
            if data_date
            else resume_points(
                tables,
                calendar[running],
                actual_start[running],
                duration[running],
                remaining[running],
            )
            - opening[running]
        )
    lowered = own_date.copy()  # a mask, not np.union1d: its np.unique imports numpy.ma (8 ms)
    lowered[running] = True
    lower_ancestors(floor, found.parent_of, np.flatnonzero(lowered))
    held_by_status = np.zeros(n_items, dtype=bool)
    if status_time is not None:
        waiting = ~started & ~is_summary
        if data_date:  # the status date is the data date: nothing new starts before it
            held_by_status = waiting & (status_time > floor[:n_items])
            floor[:n_items] = np.where(
                waiting, np.maximum(floor[:n_items], status_time), floor[:n_items]
            )
        percents = columns["percent_complete"]
        for i in found.present("percent_complete"):
            if waiting[i]:
                late_warnings.append(
                    (
                        i,
                        2,
                        f"{columns['id'][i]} is {percents[i]:g}% complete but has no "
                        "actual_start: scheduled as not started",
                    )
                )
    # the day an elapsed task may start begins at the opening hour of its own calendar
    floor[:n_items] += opening
    held_by_constraint = own_date & (floor[:n_items] == own_start)
    finishes = finish_of[summaries]
    floor[finishes] = floor[summaries]
    deadline[finishes] = deadline[summaries]
    deadline[summaries] = NO_TIME
    late_warnings.sort(key=lambda entry: entry[:2])

    network = Network(
        duration=duration,
        calendar=calendar,
        link_pred=links[0],
        link_succ=links[1],
        link_type=links[2],
        link_lag=links[3],
        link_elapsed=links[4],
        link_calendar=links[5],
        floor=floor,
        constraint_type=constraint_type,
        constraint_time=constraint_time,
        deadline=deadline,
        actual_start=actual_start,
        actual_finish=actual_finish,
        remaining=remaining,
        status_time=status_time if status_time is not None and data_date else int(NO_TIME),
        calendars=tables,
    )
    return BuiltNetwork(
        network,
        list(columns["id"]),
        found.items,
        found.project_of,
        found.parent_of,
        dict(zip(summaries.tolist(), finishes.tolist(), strict=True)),
        status_time,
        [*calendars.warnings, *warnings, *(text for _, _, text in late_warnings)],
        held_by_status,
        {name: columns[name] for name in KEPT},
        program_calendar,
        held_by_constraint,
    )


__all__ = ["MINUTES_PER_DAY", "BuiltNetwork", "build_network", "calendar_rule"]
