"""Milestones and deadlines as an iCalendar file (``progman export --format ical``).

Each milestone is an all-day event on its forecast date (the scheduled finish, in the
program's time zone), each deadline (of a work item or a project) one on its date. The
UIDs are stable per program and item (``DPL.API.ready.milestone@progman``), so a calendar
app that subscribes to or re-imports the file moves the event instead of adding a second
one; ``SEQUENCE`` and ``DTSTAMP`` say that it changed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event, Timezone

from progman.domain import Program
from progman.engine.schedule import Schedule, schedule
from progman.errors import Location, ProgmanError

PRODID = "-//progman//program office//EN"
UID_DOMAIN = "progman"


class UnknownTimeZone(ProgmanError):
    code = "plan.unknown_timezone"
    http_status = 422


def write_ical(program: Program) -> bytes:
    """The iCalendar file of ``program``'s milestones and deadlines."""
    data: bytes = milestone_calendar(program, schedule(program)).to_ical()
    return data


def milestone_calendar(
    program: Program, scheduled: Schedule, *, stamp: datetime | None = None
) -> Calendar:
    """The calendar: one all-day event per milestone (forecast) and per deadline.
    ``stamp`` is the ``DTSTAMP`` of every event (default: now)."""
    zone = _zone(program.timezone)
    made = (stamp or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{program.name} ({program.key}): milestones and deadlines")
    calendar.add("x-wr-timezone", zone.key)
    calendar.add_component(Timezone.from_tzid(zone.key))
    projects = {p.id: p.name for p in program.projects}
    for item in program.work_items():
        if not item.milestone and item.deadline is None:
            continue  # nothing to write: its schedule row is not built (10,000 tasks: 0.2 s)
        row = scheduled.task(item.id)
        where = projects.get(row.project, row.project)
        if item.milestone:
            forecast = row.finish.date()
            late = item.deadline is not None and forecast > item.deadline
            lines = [
                f"Project: {where}",
                f"Forecast: {forecast.isoformat()}",
                f"Total float: {row.total_float:g} working days",
            ]
            if item.deadline is not None:
                lines.append(f"Deadline: {item.deadline.isoformat()}{' (missed)' if late else ''}")
            if row.critical:
                lines.append("On the critical path.")
            calendar.add_component(
                _event(program.key, f"{item.id}.milestone", item.name, forecast, lines, made)
            )
            calendar.subcomponents[-1].add("categories", ["milestone", row.project])
        if item.deadline is not None:
            finish = row.finish.date()
            state = "missed" if finish > item.deadline else "met"
            lines = [
                f"Project: {where}",
                f"Forecast finish of {item.id}: {finish.isoformat()} ({state})",
            ]
            calendar.add_component(
                _event(
                    program.key,
                    f"{item.id}.deadline",
                    f"Deadline: {item.name}",
                    item.deadline,
                    lines,
                    made,
                )
            )
            calendar.subcomponents[-1].add("categories", ["deadline", row.project])
    for project in program.projects:
        if project.deadline is not None:
            summary = scheduled.projects.get(project.id, {})
            lines = [f"Project deadline of {project.name}"]
            if summary.get("finish"):
                lines.append(f"Forecast finish: {str(summary['finish'])[:10]}")
            calendar.add_component(
                _event(
                    program.key,
                    f"{project.id}.project-deadline",
                    f"Deadline: {project.name}",
                    project.deadline,
                    lines,
                    made,
                )
            )
            calendar.subcomponents[-1].add("categories", ["deadline", project.id])
    return calendar


def _event(  # noqa: PLR0917 - one event's six facts, each used once
    key: str, ident: str, title: str, day: date, lines: list[str], made: datetime
) -> Event:
    event = Event()
    event.add("uid", f"{key}.{ident}@{UID_DOMAIN}")
    event.add("summary", title)
    event.add("dtstart", day)  # a date: an all-day event
    event.add("dtend", day + timedelta(days=1))
    event.add("dtstamp", made)
    event.add("transp", "TRANSPARENT")  # a date to know, not time taken
    event.add("description", "\n".join(lines))
    return event


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownTimeZone(
            f"unknown time zone {name!r}; write an IANA name such as Europe/Berlin or UTC",
            location=Location(path="timezone"),
        ) from None
