"""MSPDI calendars as progman calendars: weekdays, hours a day, holidays, working days.

MS Project's calendars hold working times per weekday, exceptions (single days, ranges
and recurring ones), work weeks (other weekday patterns for a period) and may derive from
a base calendar (resource calendars do). progman's calendar is a set of workdays with one
length of day from 08:00 plus days off and extra days on, so each MSPDI calendar is
flattened: the base calendar's week under the derived one's own days, exceptions and
work weeks turned into the days they make working or not. What cannot be kept (days of
different lengths, other hours of a day, recurrences progman cannot count) is warned
about by calendar and field.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from xml.etree.ElementTree import Element

from progman.io.mspdi_format import DAY_TYPES, NS, as_int

#: The longest run of days an exception or work week is expanded over (50 years):
#: MS Project writes open-ended recurrences up to 2049.
MAX_EXPANDED_DAYS = 366 * 50
#: The most exception and work-week days one file's calendars are expanded to.
MAX_FILE_DAYS = 2_000_000
_OPENING = 8 * 60


@dataclass
class WeekDay:
    """One weekday of an MSPDI week: working or not, minutes and first opening minute."""

    working: bool
    minutes: int = 0
    opening: int = _OPENING


@dataclass
class RawCalendar:
    """An MSPDI calendar as written: its own week, exceptions and work weeks."""

    uid: int
    name: str
    base: int | None
    week: dict[str, WeekDay] = field(default_factory=dict)
    #: day → working (True) or not, with the exception's name.
    exceptions: dict[date, tuple[bool, str | None]] = field(default_factory=dict)
    #: other weekday patterns for a period: (first, last, week).
    work_weeks: list[tuple[date, date, dict[str, WeekDay]]] = field(default_factory=list)
    #: days whose exception keeps them working with other hours than the week's.
    other_hours: list[date] = field(default_factory=list)


def _text(element: Element, name: str) -> str | None:
    found = element.find(NS + name)
    if found is None or found.text is None:
        return None
    return found.text.strip()


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return None


_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$")


def _minute_of(text: str) -> int:
    """The minute of the day of a ``FromTime``/``ToTime`` (``08:00:00``)."""
    match = _TIME.match(text)
    if match is None or int(match[1]) > 24 or int(match[2]) > 59:
        raise ValueError(f"working time {text!r} is not a time of day (HH:MM:SS)")
    return int(match[1]) * 60 + int(match[2])


def _working_times(day: Element) -> tuple[int, int] | None:
    """Minutes and opening minute of a day's ``WorkingTimes``, None if it lists none."""
    times = day.find(NS + "WorkingTimes")
    if times is None:
        return None
    total, opening = 0, None
    for span in times.findall(NS + "WorkingTime"):
        start, finish = _text(span, "FromTime"), _text(span, "ToTime")
        if not start or not finish:
            continue
        first, last = _minute_of(start), _minute_of(finish)
        if last <= first:
            last += 24 * 60  # 00:00 as the end of the day
        total += last - first
        opening = first if opening is None else min(opening, first)
    if opening is None:
        return None
    return total, opening


def _week(days: list[Element]) -> dict[str, WeekDay]:
    week: dict[str, WeekDay] = {}
    for day in days:
        code = as_int(_text(day, "DayType"), -1)
        if code not in DAY_TYPES:
            continue
        working = _text(day, "DayWorking") == "1"
        times = _working_times(day)
        if working and times is not None:
            week[DAY_TYPES[code]] = WeekDay(True, times[0], times[1])
        else:
            week[DAY_TYPES[code]] = WeekDay(working, 0 if not working else -1)
    return week


def read_calendar(element: Element, reader: Any) -> RawCalendar:
    """One ``Calendar`` element; ``reader.warn(text)`` is told what cannot be expanded
    (``reader.days_left``: the days the file may still expand, see :func:`_days`)."""
    uid = as_int(_text(element, "UID"), 0)
    name = _text(element, "Name") or f"Calendar {uid}"
    base_text = _text(element, "BaseCalendarUID")
    base = as_int(base_text, -1) if base_text else None
    base = base if base is not None and base >= 0 else None
    if _text(element, "IsBaseCalendar") == "1":
        base = None
    calendar = RawCalendar(uid, name, base)
    weekdays = element.find(NS + "WeekDays")
    days = list(weekdays.findall(NS + "WeekDay")) if weekdays is not None else []
    calendar.week = _week(days)
    for day in days:  # old files: exceptions as WeekDay entries of DayType 0
        if _text(day, "DayType") != "0":
            continue
        period = day.find(NS + "TimePeriod")
        if period is None:
            continue
        first, last = _day(_text(period, "FromDate")), _day(_text(period, "ToDate"))
        if first and last:
            _mark(calendar, _days(first, last, reader, name), day, None)
    exceptions = element.find(NS + "Exceptions")
    for exception in exceptions.findall(NS + "Exception") if exceptions is not None else []:
        _exception(calendar, exception, reader)
    weeks = element.find(NS + "WorkWeeks")
    for work_week in weeks.findall(NS + "WorkWeek") if weeks is not None else []:
        period = work_week.find(NS + "TimePeriod")
        if period is None:
            continue
        first, last = _day(_text(period, "FromDate")), _day(_text(period, "ToDate"))
        inner = work_week.find(NS + "WeekDays")
        if first and last and inner is not None:
            calendar.work_weeks.append((first, last, _week(inner.findall(NS + "WeekDay"))))
    return calendar


def _days(first: date, last: date, reader: Any, name: str) -> list[date]:
    """The days from ``first`` to ``last``: at most :data:`MAX_EXPANDED_DAYS` of them, and
    at most the ``days_left`` of the whole file (:data:`MAX_FILE_DAYS`), so that no file
    of exceptions spanning decades takes unbounded time."""
    count = max((last - first).days + 1, 0)
    if count > MAX_EXPANDED_DAYS:
        reader.warn(
            f"calendar {name!r}: a period from {first} to {last} is longer than 50 years; "
            f"only its first 50 years are imported"
        )
        count = MAX_EXPANDED_DAYS
    if count > reader.days_left:
        if reader.days_left > 0:
            reader.warn(
                f"calendar {name!r}: the file's calendars count more than {MAX_FILE_DAYS:,} "
                f"exception days; those from {first + timedelta(days=reader.days_left)} on "
                "are not imported"
            )
        count = reader.days_left
    reader.days_left -= count
    return [first + timedelta(days=k) for k in range(count)]


def _mark(calendar: RawCalendar, days: list[date], element: Element, label: str | None) -> None:
    working = _text(element, "DayWorking") == "1"
    times = _working_times(element) if working else None
    for day in days:
        calendar.exceptions[day] = (working, label)
        if times is not None:
            calendar.other_hours.append(day)


def _exception(calendar: RawCalendar, element: Element, reader: Any) -> None:
    """One ``Exception`` of a calendar: its days marked working or not."""
    period = element.find(NS + "TimePeriod")
    if period is None:
        return
    first, last = _day(_text(period, "FromDate")), _day(_text(period, "ToDate"))
    if first is None or last is None:
        return
    label = _text(element, "Name")
    kind = as_int(_text(element, "Type"), 1)
    step = min(max(as_int(_text(element, "Period"), 1), 1), MAX_EXPANDED_DAYS)
    days = _days(first, last, reader, calendar.name)
    if kind in (1, 7):  # daily: every day, or every ``Period`` days
        chosen = days[::step]
    elif kind == 2:  # yearly on a day of a month (Month 0 = January)
        month = as_int(_text(element, "Month"), 0) + 1
        day = as_int(_text(element, "MonthDay"), 1)
        chosen = [d for d in days if d.month == month and d.day == day]
    elif kind == 4:  # monthly on a day of the month
        day = as_int(_text(element, "MonthDay"), 1)
        chosen = [d for d in days if d.day == day]
    elif kind == 6:  # weekly on the days of a mask (1 = Sunday, 2 = Monday, 4 = Tuesday...)
        mask = as_int(_text(element, "DaysOfWeek"), 0)
        chosen = [
            d
            for d in days
            if mask & (1 << (d.isoweekday() % 7)) and ((d - first).days // 7) % step == 0
        ]
    else:
        reader.warn(
            f"calendar {calendar.name!r}: the recurring exception "
            f"{label or ''!r} (type {kind}, a day counted by its position in the month) "
            "is not imported; add its days as holidays"
        )
        return
    _mark(calendar, chosen, element, label)


def flattened_week(calendar: RawCalendar, calendars: dict[int, RawCalendar]) -> dict[str, WeekDay]:
    """The calendar's week with the base calendar's days where it sets none of its own."""
    base = calendars.get(calendar.base) if calendar.base is not None else None
    inherited = flattened_week(base, calendars) if base is not None and base is not calendar else {}
    week = dict(inherited)
    for name, own in calendar.week.items():
        day = own
        if own.working and own.minutes < 0:  # working with the base's (or default) hours
            kept = inherited.get(name)
            day = (
                WeekDay(True, kept.minutes, kept.opening)
                if kept and kept.working
                else WeekDay(True, 480, _OPENING)
            )
        week[name] = day
    for name in DAY_TYPES.values():
        week.setdefault(name, WeekDay(name not in ("sat", "sun"), 480, _OPENING))
    return week


def _exceptions(calendar: RawCalendar, calendars: dict[int, RawCalendar]) -> dict[date, Any]:
    base = calendars.get(calendar.base) if calendar.base is not None else None
    found = dict(_exceptions(base, calendars)) if base is not None and base is not calendar else {}
    found.update(calendar.exceptions)
    return found


def progman_calendar(
    calendar: RawCalendar, calendars: dict[int, RawCalendar], reader: Any
) -> dict[str, Any]:
    """The progman calendar (as plan data) that works the days ``calendar`` works."""
    week = flattened_week(calendar, calendars)
    order = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    workdays = [d for d in order if week[d].working and week[d].minutes > 0]
    lengths = Counter(week[d].minutes for d in workdays)
    if not workdays:
        reader.warn(
            f"calendar {calendar.name!r} has no working weekday; progman needs one: it is "
            "imported with Monday to Friday, 8 hours"
        )
        workdays, lengths = list(order[:5]), Counter({480: 5})
    minutes = lengths.most_common(1)[0][0]
    if len(lengths) > 1:
        other = ", ".join(f"{d} {week[d].minutes / 60:g} h" for d in workdays)
        reader.warn(
            f"calendar {calendar.name!r} works days of different lengths ({other}); progman "
            f"gives every workday {minutes / 60:g} hours"
        )
    openings = {week[d].opening for d in workdays}
    if openings != {_OPENING} and minutes <= 16 * 60:
        first = min(openings)
        reader.warn(
            f"calendar {calendar.name!r} opens at {first // 60:02d}:{first % 60:02d}; progman's "
            f"working days open at 08:00 (the hours a day and the days are kept)"
        )
    holidays: list[tuple[date, str | None]] = []
    extra: list[tuple[date, str | None]] = []
    special = _exceptions(calendar, calendars)
    for since, until, pattern in calendar.work_weeks:
        for day in _days(since, until, reader, calendar.name):
            if day in special:
                continue
            name = order[day.weekday()]
            normal = name in workdays
            inner = pattern.get(name)
            if inner is None:
                continue
            if inner.working and inner.minutes < 0:
                inner = week[name]
            works = inner.working and inner.minutes > 0
            if works != normal:
                (extra if works else holidays).append((day, None))
    for day, (works, label) in sorted(special.items()):
        normal = order[day.weekday()] in workdays
        if works and not normal:
            extra.append((day, label))
        elif not works:  # kept on a day off too: the holiday as declared, in one range
            holidays.append((day, label))
    other_hours = [d for d in calendar.other_hours if d.weekday() < 7]
    if other_hours:
        reader.warn(
            f"calendar {calendar.name!r}: {len(other_hours)} exception day(s) from "
            f"{min(other_hours)} work other hours than the week; progman works them a full "
            "day"
        )
    data: dict[str, Any] = {"workdays": workdays, "hours_per_day": minutes / 60}
    if holidays:
        data["holidays"] = _ranges(sorted(holidays))
    if extra:
        data["working_days"] = _ranges(sorted(extra))
    data["description"] = f"MS Project calendar {calendar.name!r}"
    return data


def _ranges(days: list[tuple[date, str | None]]) -> list[dict[str, Any]]:
    """Consecutive days of the same name as one range."""
    found: list[dict[str, Any]] = []
    for day, label in days:
        if found and found[-1]["_last"] + timedelta(days=1) == day and found[-1]["_name"] == label:
            found[-1]["_last"] = day
            continue
        found.append({"_first": day, "_last": day, "_name": label})
    ranges = []
    for run in found:
        entry: dict[str, Any] = {"start": run["_first"]}
        if run["_last"] != run["_first"]:
            entry["finish"] = run["_last"]
        if run["_name"]:
            entry["name"] = run["_name"]
        ranges.append(entry)
    return ranges
