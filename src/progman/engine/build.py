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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from itertools import chain, repeat
from operator import attrgetter, is_not, itemgetter, truth
from typing import Any

import numpy as np

from progman.collector import collector_paused
from progman.domain import Calendar, DateRange, Dependency, Program, WorkItem
from progman.domain.durations import Duration
from progman.domain.plan_warnings import actuals_after_status, dates_before_start, start_of
from progman.domain.scheduling import LagCalendar
from progman.engine.calendars import (
    ELAPSED,
    ELAPSED_RULE,
    MINUTES_PER_DAY,
    CalendarRule,
    CalendarTables,
    build_tables,
)
from progman.engine.kernels import FF, FS, NO_TIME, SS
from progman.engine.network import CONSTRAINT_CODES, LINK_CODES, Network
from progman.engine.semantics import (
    early_constraints,
    lag_calendars,
    lower_ancestors,
    resume_points,
)

DEFAULT_CALENDAR = Calendar()
HORIZON_YEARS = 30
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
UNITS = ("m", "h", "d", "w", "mo")
_UNIT_CODE = {unit: code for code, unit in enumerate(UNITS)}
_ELAPSED_FACTOR = np.array([Duration.MINUTES_PER_ELAPSED[u] for u in UNITS], dtype=np.float64)

#: The fields of a work item the build reads, in the order of :data:`_read_item`.
_FIELDS = (
    "id",
    "name",
    "depends",
    "duration",
    "estimate",
    "tasks",
    "calendar",
    "resources",
    "work",
    "milestone",
    "constraint",
    "deadline",
    "actual_start",
    "actual_finish",
    "sprint",
    "percent_complete",
    "remaining",
)
#: The fields a schedule's description reads again, kept in :attr:`BuiltNetwork.columns`.
_KEPT = ("name", "milestone", "deadline")
_read_item = attrgetter(*_FIELDS)
_read_item_dict = itemgetter(*_FIELDS)
_read_link = attrgetter("task", "type", "lag")
_read_link_dict = itemgetter("task", "type", "lag")
_instance_dict = attrgetter("__dict__")
_read_duration = attrgetter("amount", "unit", "elapsed")


@dataclass
class BuiltNetwork:
    """A network plus what maps its indexes back to the plan."""

    network: Network
    ids: list[str]  # work item ids; indexes past len(ids) are summary finish nodes
    items: list[WorkItem]
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


def _days(ranges: list[DateRange]) -> tuple[date, ...]:
    days: list[date] = []
    for entry in ranges:
        span = (entry.last - entry.start).days
        days.extend(entry.start + timedelta(days=k) for k in range(span + 1))
    return tuple(days)


def calendar_rule(calendar: Calendar, vacations: list[DateRange] | None = None) -> CalendarRule:
    workdays = tuple(name in calendar.workdays for name in WEEKDAY_NAMES)
    return CalendarRule(
        workdays,
        round(calendar.hours_per_day * 60),
        tuple(sorted(set(_days(calendar.holidays)) | set(_days(vacations or [])))),
        _days(calendar.working_days),
    )


CalendarKey = tuple[str | None, tuple[str, ...]]


class _Calendars:
    """Calendar rules by name, and the intersections that tasks with people need."""

    def __init__(self, program: Program) -> None:
        self.base = {name: calendar_rule(cal) for name, cal in program.calendars.items()}
        self.default_name = program.calendar
        self.resources = {r.id: r for r in program.resources}
        self.warnings: list[str] = []

    def named(self, name: str | None) -> CalendarRule:
        name = name or self.default_name
        return self.base[name] if name else calendar_rule(DEFAULT_CALENDAR)

    def key(self, name: str | None, assignments: list[Any]) -> CalendarKey:
        """What a task's calendar depends on: its calendar's name and its people."""
        people = sorted(
            a.resource
            for a in assignments
            if a.resource and self.resources[a.resource].kind == "person"
        )
        return name or self.default_name, tuple(people)

    def rule(self, key: CalendarKey, first: str) -> CalendarRule:
        """The rule of ``key``; ``first`` names the first task on it (for the warning)."""
        name, people = key
        rule = self.named(name)
        for person in people:
            resource = self.resources[person]
            own = self.named(resource.calendar)
            if resource.vacations:  # away is away, even on an office exception day
                away = set(_days(resource.vacations))
                own = CalendarRule(
                    own.workdays,
                    own.minutes_per_day,
                    tuple(sorted(set(own.holidays) | away)),
                    tuple(day for day in own.working_days if day not in away),
                )
            rule = rule.intersect(own)
        if people and not any(rule.workdays):  # they meet on exception days at most
            self.warnings.append(
                f"{first}: its calendar and the calendars of {', '.join(people)} share no "
                "regular working day; scheduled on the task's own calendar"
            )
            rule = self.named(name)
        return rule


@dataclass
class _Items:
    """The work items in plan order (depth first), and their fields as columns."""

    items: list[WorkItem]
    project_of: np.ndarray  # int64[n]
    parent_of: np.ndarray  # int64[n]
    columns: dict[str, tuple[Any, ...]]

    def present(self, name: str) -> list[int]:
        """Indexes of the items whose ``name`` field is set (not None, not empty)."""
        column = self.columns[name]
        found = np.fromiter(map(truth, column), dtype=bool, count=len(column))
        return np.flatnonzero(found).tolist()

    def given(self, name: str) -> list[int]:
        """Indexes of the items whose ``name`` field is not None (zero counts)."""
        column = self.columns[name]
        found = np.fromiter(map(is_not, column, repeat(None)), dtype=bool, count=len(column))
        return np.flatnonzero(found).tolist()


def _read_rows(items: list[WorkItem]) -> list[tuple[Any, ...]]:
    """The :data:`_FIELDS` of each item, from the model's own dict where it has one (no
    attribute hooks: several times faster on pydantic models)."""
    try:
        return list(map(_read_item_dict, map(_instance_dict, items)))
    except (AttributeError, KeyError):
        return list(map(_read_item, items))


_TASKS = _FIELDS.index("tasks")
_RESOURCE = attrgetter("resource")
#: The lag of a link written without one (every such link shares it).
NO_LAG: Duration = Dependency.model_fields["lag"].get_default(call_default_factory=True)


def _flatten(program: Program) -> _Items:
    """Every work item in plan order (depth first) with its project, parent and fields."""
    items: list[WorkItem] = []
    rows: list[tuple[Any, ...]] = []
    parents: list[int] = []
    counts: list[int] = []
    for project in program.projects:
        top = project.tasks
        before = len(items)
        read = _read_rows(top)
        if not any(map(itemgetter(_TASKS), read)):  # a flat list: no walk needed
            items += top
            rows += read
            parents += [-1] * len(top)
        else:
            walked: list[WorkItem] = []
            stack = [(item, -1) for item in reversed(top)]
            while stack:
                item, parent = stack.pop()
                parents.append(parent)
                walked.append(item)
                index = len(items) + len(walked) - 1
                stack.extend((child, index) for child in reversed(item.tasks))
            items += walked
            rows += _read_rows(walked)
        counts.append(len(items) - before)
    values = list(zip(*rows, strict=True)) if rows else [() for _ in _FIELDS]
    return _Items(
        items,
        np.repeat(np.arange(len(counts), dtype=np.int64), counts),
        np.array(parents, dtype=np.int64),
        dict(zip(_FIELDS, values, strict=True)),
    )


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


def _moment(tables: CalendarTables, value: date | datetime, *, end_of_day: bool = False) -> int:
    if isinstance(value, datetime):
        return tables.to_minutes(value)
    return tables.to_minutes(value + timedelta(days=1) if end_of_day else value)


def _as_day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _horizon(program: Program, found: _Items, status: date | None) -> tuple[date, int]:
    """The tables' origin and length: a month before the first date of the plan, thirty
    years past its last."""
    dates = [program.start]
    if program.status_date:
        dates.append(program.status_date)
    if status:
        dates.append(status)
    columns = found.columns
    for name in ("actual_start", "actual_finish", "deadline"):
        dates += (_as_day(value) for value in columns[name] if value is not None)
    dates += (
        _as_day(c.date) for c in columns["constraint"] if c is not None and c.date is not None
    )
    origin = min(dates) - timedelta(days=31)
    return origin, (max(dates) - origin).days + 366 * HORIZON_YEARS


def _calendar_of_items(
    program: Program, found: _Items, calendars: _Calendars
) -> tuple[list[CalendarRule], np.ndarray, int]:
    """Each item's calendar (1.. into the rules; 0 is the elapsed calendar), numbered in
    the order tasks first use them, resolved once per distinct calendar and people; and the
    number of the program's own calendar (after the tasks' when none works on it alone)."""
    columns = found.columns
    keys: dict[CalendarKey, int] = {}
    defaults = [
        keys.setdefault((project.calendar or calendars.default_name, ()), len(keys))
        for project in program.projects
    ]
    code = np.array(defaults, dtype=np.int64)[found.project_of]
    names, people = columns["calendar"], columns["resources"]
    seen: dict[tuple[str | None, tuple[str | None, ...]], int] = {}  # (name, who) -> code
    projects = program.projects
    project_of = found.project_of.tolist()
    for i in sorted({*found.present("calendar"), *found.present("resources")}):
        name = names[i] or projects[project_of[i]].calendar
        who = tuple(map(_RESOURCE, people[i]))
        known = seen.get((name, who))
        if known is None:  # first seen: its key (people sorted, only persons) resolved once
            known = keys.setdefault(calendars.key(name, people[i]), len(keys))
            seen[name, who] = known
        code[i] = known
    by_code = list(keys)
    used, first = np.unique(code, return_index=True)
    in_order = np.argsort(first, kind="stable")
    number = np.zeros(len(by_code), dtype=np.int64)
    number[used[in_order]] = np.arange(1, used.size + 1)
    rules = [ELAPSED_RULE]
    ids = columns["id"]
    for k in in_order.tolist():
        rules.append(calendars.rule(by_code[int(used[k])], ids[int(first[k])]))
    program_key = keys.get((calendars.default_name, ()))
    if program_key is not None and program_key in set(used.tolist()):
        program_code = int(number[program_key])
    else:  # no task works on the program's calendar alone: it comes last
        program_code = len(rules)
        rules.append(calendars.named(None))
    return rules, number[code] if code.size else code, program_code


def build_network(
    program: Program, status_date: date | None = None, *, origin: date | None = None
) -> BuiltNetwork:
    """The program as arrays; ``status_date`` overrides the program's own.

    ``origin``: the time base starts on that day if the plan's own would start later (to
    compare two builds, whose wall minutes then count from one origin).
    """
    with collector_paused():
        return _build(program, status_date, origin)


def _build(program: Program, status_date: date | None, earliest: date | None) -> BuiltNetwork:
    status = status_date or program.status_date
    settings = program.scheduling
    found = _flatten(program)
    columns = found.columns
    n_items = len(found.items)
    origin, days = _horizon(program, found, status)
    if earliest is not None and earliest < origin:
        origin, days = earliest, days + (origin - earliest).days
    calendars = _Calendars(program)
    rules, calendar_keys, program_calendar = _calendar_of_items(program, found, calendars)
    tables = build_tables(rules, origin, days)

    is_summary = np.fromiter(map(bool, columns["tasks"]), dtype=bool, count=n_items)
    summaries = np.flatnonzero(is_summary)
    n = n_items + summaries.size
    finish_of = np.arange(n, dtype=np.int64)  # a node's finish side: itself or its finish node
    finish_of[summaries] = n_items + np.arange(summaries.size)
    calendar = np.zeros(n, dtype=np.int64)
    calendar[:n_items] = calendar_keys
    calendar[n_items:] = calendar[summaries]

    duration, warnings = _durations(program, found, is_summary, calendar, tables)
    links = _links(
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
    constraint_type, constraint_time = _constraints(
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
    own_start[dated_early] = _normal_start(
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
        deadline[i] = _moment(tables, deadlines[i], end_of_day=True)
    actual_start, actual_finish, remaining, started = _progress(
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
    lower_ancestors(floor, found.parent_of, np.union1d(np.flatnonzero(own_date), running))
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
        {name: columns[name] for name in _KEPT},
        program_calendar,
        held_by_constraint,
    )


def _durations(
    program: Program,
    found: _Items,
    is_summary: np.ndarray,
    calendar: np.ndarray,
    tables: CalendarTables,
) -> tuple[np.ndarray, list[str]]:
    """Working minutes of each node (zero for summaries); elapsed tasks move to the elapsed
    calendar. Returns the durations and the warnings about tasks without any."""
    columns = found.columns
    n_items = len(found.items)
    duration = np.zeros(calendar.shape[0], dtype=np.int64)
    amounts = [
        given if given is not None else (estimate.most_likely if estimate is not None else None)
        for given, estimate in zip(columns["duration"], columns["estimate"], strict=True)
    ]
    given = np.fromiter(map(is_not, amounts, repeat(None)), dtype=bool, count=n_items)
    timed = np.flatnonzero(given & ~is_summary)
    chosen: list[Duration] = [amounts[i] for i in timed.tolist()]  # type: ignore[misc]
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


def _links(
    found: _Items,
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
            tasks, types, lags = zip(*map(_read_link_dict, map(_instance_dict, links)), strict=True)
        except (AttributeError, KeyError):
            links = chain.from_iterable(depends)
            tasks, types, lags = zip(*map(_read_link, links), strict=True)
    pred = np.fromiter(map(index_of.__getitem__, tasks), dtype=np.int64, count=m)
    succ = np.repeat(np.arange(n_items, dtype=np.int64), counts)
    kind = np.fromiter(map(LINK_CODES.__getitem__, types), dtype=np.int8, count=m)
    from_finish = (kind == FS) | (kind == FF)
    pred[from_finish] = finish_of[pred[from_finish]]
    lag = np.zeros(m, dtype=np.int64)
    elapsed = np.zeros(m, dtype=bool)
    lag_calendar = lag_calendars(lag_mode, pred, succ, calendar, program_calendar)
    counted_on = lag_calendar if lag_calendar.size else calendar[succ]
    # nearly every link has the one shared "no lag": only the others are read
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


def _constraints(
    found: _Items, *, calendar: np.ndarray, working: np.ndarray, tables: CalendarTables
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
            constraint_time[i] = _moment(tables, when)
        elif c == ELAPSED:  # the day runs from opening to closing
            closing = int(tables.minutes_per_day[own]) if finish_side else 0
            constraint_time[i] = _moment(tables, when) + int(tables.opening_minute[own]) + closing
        elif finish_side:
            constraint_time[i] = _moment(tables, when, end_of_day=True)
            day_ends.append(i)
        else:
            constraint_time[i] = _moment(tables, when)
    if day_ends:
        constraint_time[day_ends] = _normal_finish(
            tables, working[day_ends], constraint_time[day_ends]
        )
    return constraint_type, constraint_time


def _progress(
    found: _Items,
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
    actual_start[began] = [_moment(tables, starts[i]) for i in began]
    actual_start[began] = _normal_start(tables, calendar[began], actual_start[began])
    actual_finish[ended] = [_moment(tables, finishes[i], end_of_day=True) for i in ended]
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
    found: _Items,
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


def _normal_start(tables: CalendarTables, c: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The working moment a start at ``t`` really begins (the next opening)."""
    return tables.start_of_many(c, tables.work_before_many(c, t))


def _normal_finish(tables: CalendarTables, c: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The working moment a finish at ``t`` really ends (the last closing)."""
    return tables.finish_of_many(c, tables.work_before_many(c, t))


__all__ = ["MINUTES_PER_DAY", "BuiltNetwork", "build_network", "calendar_rule"]
