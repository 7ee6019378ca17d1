"""The program's working calendars, one at a time: read with their version, their working
week changed, and their exceptions (holidays, extra working days) added and removed one at
a time, each with ``If-Match`` (the calendar's version) and what the edit moved: a holiday
moves every task that spans it. Calendars are the program's: a program manager changes them.

A calendar's exceptions are its ``holidays`` (days off although workdays) and its
``working_days`` (days worked although not workdays); each is a day or a run of days with
an optional name, and is named by its first day (``2027-05-01``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy.orm import Session

from progman.domain import Program
from progman.domain.access import Access, User
from progman.domain.calendars import Calendar, DateRange
from progman.domain.scenarios import calendar_target
from progman.errors import Location, NotFound, PlanInvalid, Problem, UsageError
from progman.services.catalog import (
    do_save_edited,
    visible_program,
    visible_program_at,
    with_fields_set,
)
from progman.services.projects import page_after
from progman.services.users import check_access
from progman.services.work_items import check_version
from progman.storage import entity_versions

ExceptionKind = Literal["holiday", "working"]
#: Where each kind of exception is kept in a calendar.
SECTION: dict[ExceptionKind, str] = {"holiday": "holidays", "working": "working_days"}


@dataclass(frozen=True)
class CalendarException:
    """A holiday or an extra working day (or a run of them), named by its first day."""

    kind: ExceptionKind
    days: DateRange

    @property
    def ident(self) -> str:
        return self.days.start.isoformat()


@dataclass(frozen=True)
class CalendarView:
    name: str
    calendar: Calendar
    default: bool  # the program's calendar, used where nothing names another
    version: int

    @property
    def exceptions(self) -> list[CalendarException]:
        """Holidays and working days together, by first day."""
        both = [CalendarException("holiday", d) for d in self.calendar.holidays]
        both += [CalendarException("working", d) for d in self.calendar.working_days]
        return sorted(both, key=lambda e: e.days.start)


@dataclass(frozen=True)
class CalendarPage:
    items: list[CalendarView]
    next: str | None


@dataclass(frozen=True)
class CalendarEdit:
    view: CalendarView
    before: Program
    after: Program
    revision: int


def _find(program: Program, name: str) -> Calendar:
    calendar = program.calendars.get(name)
    if calendar is None:
        known = ", ".join(program.calendars) or "none"
        raise NotFound(f"no calendar {name!r} in program {program.key} (it has: {known})")
    return calendar


def _view(session: Session, key: str, program: Program, name: str) -> CalendarView:
    version = entity_versions(session, key, "calendar", [name]).get(name, 1)
    return CalendarView(name, _find(program, name), program.calendar == name, version)


def list_calendars(
    session: Session, user: User, key: str, *, cursor: str | None = None, limit: int = 100
) -> CalendarPage:
    """The program's calendars in plan order, ``limit`` at most after ``cursor``."""
    program = visible_program(session, user, key)
    names, following = page_after(list(program.calendars), lambda name: name, cursor, limit)
    versions = entity_versions(session, key, "calendar", names)
    views = [
        CalendarView(n, program.calendars[n], program.calendar == n, versions.get(n, 1))
        for n in names
    ]
    return CalendarPage(views, following)


def get_calendar(session: Session, user: User, key: str, name: str) -> CalendarView:
    return _view(session, key, visible_program(session, user, key), name)


def do_update_calendar(
    session: Session,
    user: User,
    key: str,
    name: str,
    fields: Mapping[str, Any],
    *,
    if_match: int | None,
) -> CalendarEdit:
    """Give calendar ``name`` the values of ``fields`` (workdays, hours per day,
    description), if ``if_match`` is its version."""
    if not fields:
        raise UsageError("nothing to change: send at least one field", option="body")
    return _edit(session, user, key, name, if_match=if_match, fields_of=lambda _: dict(fields))


def do_add_exception(
    session: Session,
    user: User,
    key: str,
    name: str,
    *,
    kind: ExceptionKind,
    days: tuple[date, date | None, str | None],
    if_match: int | None,
) -> CalendarEdit:
    """Add a holiday (``kind`` "holiday") or an extra working day ("working") to calendar
    ``name``: ``days`` is the first day, the last (None: the same) and a name. It may not
    overlap another exception of the calendar. ``if_match``, when given, must be the
    calendar's version."""
    start, finish, label = days

    def with_exception(calendar: Calendar) -> dict[str, Any]:
        if finish is not None and finish < start:
            raise _invalid("finish", f"finish {finish} is before start {start}: swap them")
        try:
            added = DateRange(start=start, finish=None if finish == start else finish, name=label)
        except ValidationError as error:
            message = error.errors()[0]["msg"].removeprefix("Value error, ")
            raise _invalid("start", message) from None
        view = CalendarView(name, calendar, False, 0)
        for other in view.exceptions:
            if other.days.start <= added.last and added.start <= other.days.last:
                raise _invalid(
                    "start",
                    f"{_describe(CalendarException(kind, added))} overlaps "
                    f"{_describe(other)} of calendar {name}: delete that one first "
                    f"(DELETE .../exceptions/{other.ident}) or choose other days",
                )
        ranges = list(getattr(calendar, SECTION[kind]))
        at = bisect_right([r.start for r in ranges], start)
        ranges.insert(at, added)
        return {SECTION[kind]: [r.model_dump(mode="json") for r in ranges]}

    return _edit(
        session, user, key, name, if_match=if_match, fields_of=with_exception, required=False
    )


def do_remove_exception(
    session: Session,
    user: User,
    key: str,
    name: str,
    day: str,
    *,
    kind: ExceptionKind | None = None,
    if_match: int | None,
) -> CalendarEdit:
    """Remove the exception of calendar ``name`` that starts on ``day`` (or, when none
    does, the one covering it); ``kind`` says which when a holiday and a working day
    both match."""
    try:
        wanted = date.fromisoformat(day)
    except ValueError:
        raise UsageError(
            f"an exception is named by its first day, e.g. 2027-05-01, not {day!r}",
            option="exception_id",
        ) from None

    def without_exception(calendar: Calendar) -> dict[str, Any]:
        found = [
            e
            for e in CalendarView(name, calendar, False, 0).exceptions
            if kind is None or e.kind == kind
        ]
        matches = [e for e in found if e.days.start == wanted] or [
            e for e in found if e.days.start <= wanted <= e.days.last
        ]
        if not matches:
            listed = ", ".join(e.ident for e in found) or "none"
            raise NotFound(
                f"calendar {name} has no {kind or 'exception'} on {wanted} (its exceptions "
                f"start on: {listed})"
            )
        kinds = {e.kind for e in matches}
        if len(kinds) > 1:
            raise UsageError(
                f"{' and '.join(_describe(e) for e in matches)} both fall on {wanted}: say "
                "which with ?kind=holiday or ?kind=working",
                option="kind",
            )
        (section,) = (SECTION[k] for k in kinds)
        gone = {id(e.days) for e in matches}  # the calendar's own ranges: by identity
        kept = [r for r in getattr(calendar, section) if id(r) not in gone]
        return {section: [r.model_dump(mode="json") for r in kept]}

    return _edit(session, user, key, name, if_match=if_match, fields_of=without_exception)


def _edit(
    session: Session,
    user: User,
    key: str,
    name: str,
    *,
    if_match: int | None,
    fields_of: Callable[[Calendar], dict[str, Any]],
    required: bool = True,
) -> CalendarEdit:
    """Set the fields ``fields_of(calendar)`` gives on calendar ``name`` and save."""
    program, revision, _ = visible_program_at(session, user, key)
    calendar = _find(program, name)
    check_access(user, key, Access.MANAGE_PROGRAM)
    current = entity_versions(session, key, "calendar", [name]).get(name, 1)
    if required or if_match is not None:
        check_version(f"calendar {name}", if_match, current)
    fields: dict[str, Any] = fields_of(calendar)
    edited = with_fields_set(program, calendar_target(program, name), fields)
    saved = do_save_edited(session, user, key, edited, revision)
    return CalendarEdit(_view(session, key, edited, name), program, edited, saved)


def _describe(exception: CalendarException) -> str:
    days = exception.days
    what = "holiday" if exception.kind == "holiday" else "working day"
    when = f"{days.start}" + (f" to {days.finish}" if days.finish else "")
    return f"{what} {when}" + (f" ({days.name!r})" if days.name else "")


def _invalid(field: str, message: str) -> PlanInvalid:
    return PlanInvalid([Problem("plan.invalid_calendar", message, Location(path=field))])
