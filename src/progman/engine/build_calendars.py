"""The calendar of each task, resolved once per distinct (calendar, people) pair.

A task works on its own calendar, else its project's, else the program's (Mon–Fri 8 h when
none is named), intersected with the calendars (and vacations) of the people assigned to
it; part of :mod:`progman.engine.build`.
"""

from __future__ import annotations

from datetime import date, timedelta
from operator import attrgetter
from typing import Any

import numpy as np

from progman.domain import Calendar, DateRange, Program
from progman.engine.build_columns import Items
from progman.engine.calendars import ELAPSED_RULE, CalendarRule

DEFAULT_CALENDAR = Calendar()
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RESOURCE = attrgetter("resource")


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


class Calendars:
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


def calendar_of_items(
    program: Program, found: Items, calendars: Calendars
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
