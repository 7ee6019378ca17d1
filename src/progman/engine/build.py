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
  story, and, for work not yet started, the day after the status date.
* A date means a working day of the task's calendar: a start-side date its opening, a
  finish-side date (``fnet``/``fnlt``/``mfo``) its end. An elapsed task works around the
  clock, weekends included, but its days still open and close at its calendar's hours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np

from progman.domain import Calendar, DateRange, Program, Project, WorkItem
from progman.domain.durations import Duration
from progman.engine.calendars import (
    ELAPSED,
    ELAPSED_RULE,
    MINUTES_PER_DAY,
    CalendarRule,
    build_tables,
    finish_of,
    start_of,
    work_before,
)
from progman.engine.kernels import NO_TIME
from progman.engine.network import CONSTRAINT_CODES, LINK_CODES, Network

DEFAULT_CALENDAR = Calendar()
HORIZON_YEARS = 30
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


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

    @property
    def item_count(self) -> int:
        return len(self.ids)


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


class _Calendars:
    """Calendar rules by name, and the intersections that tasks with people need."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.rules: list[CalendarRule] = [ELAPSED_RULE]
        self.index: dict[object, int] = {}
        self.base = {name: calendar_rule(cal) for name, cal in program.calendars.items()}
        self.default_name = program.calendar
        self.resources = {r.id: r for r in program.resources}
        self.warnings: list[str] = []

    def _add(self, key: object, rule: CalendarRule) -> int:
        if key not in self.index:
            self.index[key] = len(self.rules)
            self.rules.append(rule)
        return self.index[key]

    def named(self, name: str | None) -> CalendarRule:
        name = name or self.default_name
        return self.base[name] if name else calendar_rule(DEFAULT_CALENDAR)

    def for_task(self, item: WorkItem, project: Project) -> int:
        name = item.calendar or project.calendar or self.default_name
        people = tuple(
            sorted(
                a.resource
                for a in item.resources
                if a.resource and self.resources[a.resource].kind == "person"
            )
        )
        key = (name, people)
        if key in self.index:
            return self.index[key]
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
                f"{item.id}: its calendar and the calendars of {', '.join(people)} share no "
                "regular working day; scheduled on the task's own calendar"
            )
            rule = self.named(name)
        return self._add(key, rule)


def _minutes(amount: Duration, minutes_per_day: int) -> int:
    return round(amount.working_minutes(hours_per_day=minutes_per_day / 60))


def _plan_dates(program: Program) -> list[date]:
    dates = [program.start]
    if program.status_date:
        dates.append(program.status_date)
    for item in program.work_items():
        for value in (
            item.actual_start,
            item.actual_finish,
            item.deadline,
            item.constraint.date if item.constraint else None,
        ):
            if value is not None:
                dates.append(value.date() if isinstance(value, datetime) else value)
    return dates


def build_network(program: Program, status_date: date | None = None) -> BuiltNetwork:
    """The program as arrays; ``status_date`` overrides the program's own."""
    status = status_date or program.status_date
    dates = _plan_dates(program) + ([status] if status else [])
    origin = min(dates) - timedelta(days=31)
    days = (max(dates) - origin).days + 366 * HORIZON_YEARS
    calendars = _Calendars(program)

    items: list[WorkItem] = []
    projects: list[int] = []
    parents: list[int] = []
    calendar_keys: list[int] = []
    for p, project in enumerate(program.projects):
        stack = [(item, -1) for item in reversed(project.tasks)]
        while stack:
            item, parent = stack.pop()
            index = len(items)
            items.append(item)
            projects.append(p)
            parents.append(parent)
            calendar_keys.append(calendars.for_task(item, project))
            stack.extend((child, index) for child in reversed(item.tasks))
    tables = build_tables(calendars.rules, origin, days)
    cal = tables.kernel_args()
    n_items = len(items)
    index_of = {item.id: i for i, item in enumerate(items)}
    summaries = [i for i, item in enumerate(items) if item.tasks]
    finish_node = {s: n_items + k for k, s in enumerate(summaries)}
    n = n_items + len(summaries)

    minutes_per_day = tables.minutes_per_day
    calendar = np.zeros(n, dtype=np.int64)
    calendar[:n_items] = calendar_keys
    calendar[n_items:] = calendar[summaries]
    duration = np.zeros(n, dtype=np.int64)
    warnings: list[str] = []
    resources = {r.id: r for r in program.resources}
    for i, item in enumerate(items):
        if item.tasks:
            continue
        day = int(minutes_per_day[calendar[i]])
        amount = item.duration or (item.estimate.most_likely if item.estimate else None)
        if amount is not None and amount.elapsed:
            calendar[i] = ELAPSED
            duration[i] = round(amount.working_minutes())
        elif amount is not None:
            duration[i] = _minutes(amount, day)
        elif item.work is not None:
            units = sum(
                a.units
                for a in item.resources
                if a.resource is None or resources[a.resource].kind == "person"
            )
            duration[i] = round(_minutes(item.work, day) / (units if units > 0 else 1.0))
        elif not item.milestone:
            warnings.append(f"{item.id} has no duration, estimate or work: scheduled as 0 days")

    link_pred: list[int] = []
    link_succ: list[int] = []
    link_type: list[int] = []
    link_lag: list[int] = []
    link_elapsed: list[bool] = []
    for s, item in enumerate(items):
        for dep in item.depends:
            kind = LINK_CODES[dep.type]
            p = index_of[dep.task]
            if p in finish_node and dep.type in ("FS", "FF"):
                p = finish_node[p]
            link_pred.append(p)
            link_succ.append(s)
            link_type.append(kind)
            day = int(minutes_per_day[calendar[s]])
            link_lag.append(
                round(dep.lag.working_minutes()) if dep.lag.elapsed else _minutes(dep.lag, day)
            )
            link_elapsed.append(dep.lag.elapsed)
    for s in summaries:  # structure: summary start -> children -> summary finish
        for child_item in items[s].tasks:
            child = index_of[child_item.id]
            link_pred += [s, finish_node.get(child, child)]
            link_succ += [child, finish_node[s]]
            link_type += [LINK_CODES["SS"], LINK_CODES["FF"]]
            link_lag += [0, 0]
            link_elapsed += [False, False]

    floor = np.full(n, tables.to_minutes(program.start), dtype=np.int64)
    sprint_start = {sp.id: sp.start for sp in program.sprints}
    constraint_type = np.zeros(n, dtype=np.int8)
    constraint_time = np.full(n, NO_TIME, dtype=np.int64)
    deadline = np.full(n, NO_TIME, dtype=np.int64)
    actual_start = np.full(n, NO_TIME, dtype=np.int64)
    actual_finish = np.full(n, NO_TIME, dtype=np.int64)
    remaining = np.full(n, -1, dtype=np.int64)
    held_by_status = np.zeros(n_items, dtype=bool)
    status_time = tables.to_minutes(status + timedelta(days=1)) if status else None
    for i, item in enumerate(items):
        project = program.projects[projects[i]]
        c = int(calendar[i])
        working = calendar_keys[i]  # the calendar an elapsed task would have had
        opening = int(tables.opening_minute[working])
        if project.start:
            floor[i] = max(floor[i], tables.to_minutes(project.start))
        if item.sprint and item.sprint in sprint_start:
            floor[i] = max(floor[i], tables.to_minutes(sprint_start[item.sprint]))
        if item.constraint is not None:
            code = CONSTRAINT_CODES[item.constraint.type]
            constraint_type[i] = code
            when = item.constraint.date
            if (
                when is not None
                and item.constraint.type in ("mso", "mfo")
                and ((when.date() if isinstance(when, datetime) else when) < program.start)
            ):
                warnings.append(
                    f"{item.id} must {'start' if item.constraint.type == 'mso' else 'finish'} "
                    f"on {when}, before the program starts ({program.start})"
                )
            finish_side = item.constraint.type in ("fnet", "fnlt", "mfo")
            if isinstance(when, datetime):  # a time of day was given: keep it
                constraint_time[i] = _moment(tables, when)
            elif when is not None and c == ELAPSED:  # the day runs from opening to closing
                closing = int(tables.minutes_per_day[working]) if finish_side else 0
                constraint_time[i] = _moment(tables, when) + opening + closing
            elif when is not None and finish_side:  # the end of that working day
                constraint_time[i] = _normal_finish(
                    working, _moment(tables, when, end_of_day=True), cal
                )
            elif when is not None:
                constraint_time[i] = _moment(tables, when)
        if item.deadline is not None:
            deadline[i] = _moment(tables, item.deadline, end_of_day=True)
        started = item.actual_start is not None or item.actual_finish is not None
        if item.actual_start is not None:
            actual_start[i] = _normal_start(c, _moment(tables, item.actual_start), cal)
        if item.actual_finish is not None:
            actual_finish[i] = _normal_finish(
                c, _moment(tables, item.actual_finish, end_of_day=True), cal
            )
        elif item.actual_start is not None:
            remaining[i] = _remaining(
                item,
                int(duration[i]),
                c,
                started=int(actual_start[i]),
                status_time=status_time,
                cal=cal,
                minutes_per_day=int(minutes_per_day[c]),
            )
        if item.milestone and started:  # a milestone happens at one moment
            moment = actual_finish[i] if actual_finish[i] != NO_TIME else actual_start[i]
            actual_start[i] = actual_finish[i] = moment
        if not started and status_time is not None and not item.tasks:
            held_by_status[i] = status_time > floor[i]
            floor[i] = max(floor[i], status_time)
            if item.percent_complete:
                warnings.append(
                    f"{item.id} is {item.percent_complete:g}% complete but has no "
                    "actual_start: scheduled as not started"
                )
        if c == ELAPSED:  # the day an elapsed task may start begins at the opening hour
            floor[i] += opening
    for s in summaries:
        floor[finish_node[s]] = floor[s]
        deadline[finish_node[s]] = deadline[s]
        deadline[s] = NO_TIME

    network = Network(
        duration=duration,
        calendar=calendar,
        link_pred=np.array(link_pred, dtype=np.int64),
        link_succ=np.array(link_succ, dtype=np.int64),
        link_type=np.array(link_type, dtype=np.int8),
        link_lag=np.array(link_lag, dtype=np.int64),
        link_elapsed=np.array(link_elapsed, dtype=bool),
        floor=floor,
        constraint_type=constraint_type,
        constraint_time=constraint_time,
        deadline=deadline,
        actual_start=actual_start,
        actual_finish=actual_finish,
        remaining=remaining,
        status_time=status_time if status_time is not None else int(NO_TIME),
        calendars=tables,
    )
    return BuiltNetwork(
        network,
        [item.id for item in items],
        items,
        np.array(projects, dtype=np.int64),
        np.array(parents, dtype=np.int64),
        finish_node,
        status_time,
        calendars.warnings + warnings,
        held_by_status,
    )


def _moment(tables: object, value: date | datetime, *, end_of_day: bool = False) -> int:
    to_minutes = tables.to_minutes  # type: ignore[attr-defined]
    if isinstance(value, datetime):
        return int(to_minutes(value))
    return int(to_minutes(value + timedelta(days=1) if end_of_day else value))


def _normal_start(c: int, t: int, cal: tuple[np.ndarray, ...]) -> int:
    return int(start_of(c, work_before(c, t, *cal), *cal))


def _normal_finish(c: int, t: int, cal: tuple[np.ndarray, ...]) -> int:
    return int(finish_of(c, work_before(c, t, *cal), *cal))


def _remaining(
    item: WorkItem,
    duration: int,
    c: int,
    *,
    started: int,
    status_time: int | None,
    cal: tuple[np.ndarray, ...],
    minutes_per_day: int,
) -> int:
    """Working minutes left of a started task: as given, from % complete, or as planned."""
    if item.remaining is not None:
        return _minutes(item.remaining, minutes_per_day)
    if item.percent_complete is not None:
        return round(duration * (1 - item.percent_complete / 100))
    if status_time is None:
        return duration
    done = int(work_before(c, status_time, *cal)) - int(work_before(c, started, *cal))
    return max(0, duration - done)


__all__ = ["MINUTES_PER_DAY", "BuiltNetwork", "build_network", "calendar_rule"]
