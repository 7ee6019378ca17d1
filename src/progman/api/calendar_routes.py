"""``/api/v1/programs/{key}/calendars``: the program's working calendars, their working
week and their exceptions (holidays, extra working days) one at a time (SPEC §5.1).

Every edit names the calendar's version in ``If-Match`` (adding an exception may leave it
out) and is answered with the calendar and what moved: a holiday moves what spans it.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response

from progman.api.deps import CurrentUser, DatabaseSession
from progman.api.structure_schemas import (
    CalendarEdited,
    CalendarPage,
    CalendarPublic,
    CalendarUpdate,
    ExceptionCreate,
    ExceptionPublic,
)
from progman.api.work_item_routes import IfMatch, parse_if_match
from progman.services.calendars import (
    CalendarEdit,
    CalendarView,
    do_add_exception,
    do_remove_exception,
    do_update_calendar,
    get_calendar,
    list_calendars,
)
from progman.services.work_items import moved_between

router = APIRouter(prefix="/programs/{key}/calendars", tags=["calendars"])
ExceptionId = Annotated[
    str,
    Path(
        max_length=40,
        description="the exception's first day, e.g. 2027-05-01 (a day inside a run of "
        "days finds it too)",
    ),
]


def public(view: CalendarView) -> CalendarPublic:
    calendar = view.calendar
    return CalendarPublic(
        id=view.name,
        description=calendar.description,
        workdays=list(calendar.workdays),
        hours_per_day=calendar.hours_per_day,
        exceptions=[
            ExceptionPublic(
                id=e.ident, kind=e.kind, start=e.days.start, finish=e.days.last, name=e.days.name
            )
            for e in view.exceptions
        ],
        default=view.default,
        version=view.version,
    )


def _edited(edit: CalendarEdit, response: Response) -> CalendarEdited:
    response.headers["ETag"] = f'"{edit.view.version}"'
    return CalendarEdited(item=public(edit.view), moved=moved_between(edit.before, edit.after))


@router.get("", response_model=CalendarPage)
def calendars(
    key: str,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> CalendarPage:
    """The program's calendars in plan order, a page at a time."""
    page = list_calendars(session, user, key, cursor=cursor, limit=limit)
    return CalendarPage(items=[public(v) for v in page.items], next=page.next)


@router.get("/{calendar_id}", response_model=CalendarPublic)
def calendar(
    key: str, calendar_id: str, user: CurrentUser, session: DatabaseSession, response: Response
) -> CalendarPublic:
    """One calendar with its exceptions; its ``ETag`` is its version."""
    view = get_calendar(session, user, key, calendar_id)
    response.headers["ETag"] = f'"{view.version}"'
    return public(view)


@router.patch("/{calendar_id}", response_model=CalendarEdited)
def update_calendar(
    key: str,
    calendar_id: str,
    *,
    body: CalendarUpdate,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    if_match: IfMatch = None,
) -> CalendarEdited:
    """Change a calendar's workdays, hours per day or description (a program manager's);
    answers it and what moved."""
    fields: dict[str, Any] = body.model_dump(mode="json", exclude_unset=True)
    version = parse_if_match(if_match)
    edit = do_update_calendar(session, user, key, calendar_id, fields, if_match=version)
    return _edited(edit, response)


@router.post("/{calendar_id}/exceptions", response_model=CalendarEdited, status_code=201)
def add_exception(
    key: str,
    calendar_id: str,
    *,
    body: ExceptionCreate,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    if_match: IfMatch = None,
) -> CalendarEdited:
    """A holiday or an extra working day (or a run of them) in a calendar; ``If-Match``,
    when sent, must be the calendar's version. Answers the calendar and what moved."""
    edit = do_add_exception(
        session,
        user,
        key,
        calendar_id,
        kind=body.kind,
        days=(body.start, body.finish, body.name),
        if_match=parse_if_match(if_match),
    )
    response.headers["Location"] = (
        f"/api/v1/programs/{key}/calendars/{calendar_id}/exceptions/{body.start.isoformat()}"
    )
    return _edited(edit, response)


@router.delete("/{calendar_id}/exceptions/{exception_id}", response_model=CalendarEdited)
def remove_exception(
    key: str,
    calendar_id: str,
    exception_id: ExceptionId,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    if_match: IfMatch = None,
    kind: Annotated[
        Literal["holiday", "working"] | None,
        Query(description="which, when a holiday and a working day fall on the day"),
    ] = None,
) -> CalendarEdited:
    """Remove a calendar's exception (``If-Match``: the calendar's version); answers the
    calendar and what moved."""
    edit = do_remove_exception(
        session,
        user,
        key,
        calendar_id,
        exception_id,
        kind=kind,
        if_match=parse_if_match(if_match),
    )
    return _edited(edit, response)
