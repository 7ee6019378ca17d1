"""P6 calendars (the ``clndr_data`` of an XER ``CALENDAR`` row) → progman calendars.

``clndr_data`` is P6's nested notation: a node is ``(0||NAME(ATTRS)(CHILDREN))`` with
``ATTRS`` as ``key|value|key|value``. ``DaysOfWeek`` holds days ``1`` (Sunday) to ``7``
(Saturday), each with its working periods ``(s|08:00|f|16:00)``; ``Exceptions`` holds
days ``(d|SERIAL)`` (days since 1899-12-30) with their periods, none for a day off.

A progman calendar works the same hours on each of its working days, so a week whose days
differ in hours, or an exception that changes a day's hours, is imported with the hours of
most working days and a warning naming the calendar and the day.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

#: Day 1 of ``DaysOfWeek`` is Sunday.
P6_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_EPOCH = date(1899, 12, 30)
_TOKEN = re.compile(r"\(|\)|[^()]+")


class CalendarDataInvalid(ValueError):
    """``clndr_data`` does not follow P6's nested notation."""


@dataclass
class _Node:
    name: str
    attrs: dict[str, str]
    children: list[_Node] = field(default_factory=list)

    def child(self, name: str) -> _Node | None:
        lowered = name.lower()
        return next((c for c in self.children if c.name.lower() == lowered), None)


def parse_nodes(text: str) -> list[_Node]:
    """The top-level nodes of P6's notation (``(0||NAME(ATTRS)(CHILDREN))``)."""
    text = text.replace("\x7f", " ")  # P6 writes a line break inside a value as DEL
    tokens: list[str] = [t for t in _TOKEN.findall(text) if t.strip()]
    position = 0

    def expect(token: str) -> None:
        nonlocal position
        if position >= len(tokens) or tokens[position] != token:
            found = tokens[position] if position < len(tokens) else "the end"
            raise CalendarDataInvalid(f"expected {token!r} at token {position}, found {found!r}")
        position += 1

    def text_token() -> str:
        nonlocal position
        if position < len(tokens) and tokens[position] not in "()":
            position += 1
            return tokens[position - 1].strip()
        return ""

    def node() -> _Node:
        expect("(")
        head = text_token()
        if "||" not in head:
            raise CalendarDataInvalid(f"a node starts with '0||NAME', not {head!r}")
        name = head.split("||", 1)[1].strip()
        expect("(")
        raw = text_token()
        expect(")")
        parts = raw.split("|") if raw else []
        attrs = {parts[k].strip(): parts[k + 1].strip() for k in range(0, len(parts) - 1, 2)}
        expect("(")
        children = []
        while position < len(tokens) and tokens[position] == "(":
            children.append(node())
        expect(")")
        expect(")")
        return _Node(name, attrs, children)

    nodes = []
    while position < len(tokens):
        nodes.append(node())
    return nodes


def _minutes(text: str) -> int:
    hours, _, minutes = text.partition(":")
    return int(hours) * 60 + int(minutes or 0)


def _period_minutes(periods: list[_Node]) -> int:
    """Working minutes of a day's periods (``f|00:00`` at the end of a period is midnight)."""
    total = 0
    for period in periods:
        start, finish = period.attrs.get("s"), period.attrs.get("f")
        if start is None or finish is None:
            raise CalendarDataInvalid(f"a working period needs s and f, got {period.attrs}")
        begin, end = _minutes(start), _minutes(finish)
        if end <= begin:
            end += 24 * 60
        total += end - begin
    return total


@dataclass
class P6Calendar:
    """What a ``clndr_data`` says: minutes worked per weekday and the exceptions."""

    week: dict[str, int]  # weekday -> working minutes (0: day off)
    exceptions: dict[date, int]  # day -> working minutes (0: day off)


def parse_calendar_data(text: str) -> P6Calendar:
    """The work week and exceptions of a ``clndr_data`` value."""
    week: dict[str, int] = {}
    exceptions: dict[date, int] = {}
    for root in parse_nodes(text):
        data = root if root.name.lower() == "calendardata" else None
        if data is None:
            continue
        days = data.child("DaysOfWeek")
        for day in days.children if days else []:
            if not day.name.isdigit() or not 1 <= int(day.name) <= 7:
                raise CalendarDataInvalid(f"a day of the week is 1 to 7, not {day.name!r}")
            week[P6_WEEKDAYS[int(day.name) - 1]] = _period_minutes(day.children)
        found = data.child("Exceptions")
        for exception in found.children if found else []:
            serial = exception.attrs.get("d")
            if serial is None or not serial.strip().isdigit():
                raise CalendarDataInvalid(f"an exception needs a day number d, got {serial!r}")
            day_of = _EPOCH + timedelta(days=int(serial))
            exceptions[day_of] = _period_minutes(exception.children)
    return P6Calendar(week, exceptions)


def to_calendar(
    parsed: P6Calendar, *, name: str, day_hours: float | None
) -> tuple[dict[str, Any], list[str]]:
    """A progman calendar (as plan data) and warnings for what it cannot hold."""
    warnings: list[str] = []
    working = {day: m for day, m in parsed.week.items() if m > 0}
    if working:
        minutes = Counter(working.values()).most_common(1)[0][0]
    else:
        minutes = round((day_hours or 8) * 60)
    odd = sorted((day for day, m in working.items() if m != minutes), key=P6_WEEKDAYS.index)
    if odd:
        shown = ", ".join(f"{day} {working[day] / 60:g}h" for day in odd)
        warnings.append(
            f"calendar {name!r}: works {shown} but {minutes / 60:g}h on its other days; "
            f"progman works the same hours each working day: {minutes / 60:g}h"
        )
    workdays = [day for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun") if day in working]
    if not workdays:
        workdays = ["mon", "tue", "wed", "thu", "fri"]
        warnings.append(
            f"calendar {name!r}: its week has no working day; imported as Monday to Friday"
        )
    holidays, extra, odd_days = [], [], []
    for day, worked in sorted(parsed.exceptions.items()):
        weekday = P6_WEEKDAYS[(day.weekday() + 1) % 7]
        regular = weekday in workdays
        if worked == 0 and regular:
            holidays.append(day.isoformat())
        elif worked > 0 and not regular:
            extra.append(day.isoformat())
        if worked > 0 and worked != minutes:
            odd_days.append(f"{day} {worked / 60:g}h")
    if odd_days:
        listed = ", ".join(odd_days[:5]) + (
            f" and {len(odd_days) - 5} more" if len(odd_days) > 5 else ""
        )
        warnings.append(
            f"calendar {name!r}: exceptions with other hours than {minutes / 60:g}h a day "
            f"({listed}) are imported as whole working days"
        )
    calendar: dict[str, Any] = {
        "workdays": workdays,
        "hours_per_day": min(minutes / 60, 24.0) or 8.0,
        "description": name,
    }
    if holidays:
        calendar["holidays"] = holidays
    if extra:
        calendar["working_days"] = extra
    return calendar, warnings
