"""The Gantt chart of a program (``/programs/{key}/gantt``) and the JSON it draws from.

The page is a shell: the chart (dhtmlx-gantt, static/gantt.js) reads
``/programs/{key}/gantt/data`` (:func:`progman.services.gantt.gantt_feed`) and edits through
the REST API's work-item and link routes with the session cookie, the page's CSRF token
and each item's version as ``If-Match``; the API re-schedules and says what moved.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from progman.errors import ProgmanError
from progman.services.catalog import program_entry, visible_program
from progman.services.gantt import can_edit_gantt, gantt_feed
from progman.web.rendering import PageRoute, page
from progman.web.session import PageSession, Viewer

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/programs/{key}/gantt")
def gantt(request: Request, key: str, seen: Viewer, session: PageSession) -> HTMLResponse:
    """The WBS as a Gantt chart; editable in place by those who may edit the plan."""
    user, csrf = seen
    entry = program_entry(session, user, key)
    editable = can_edit_gantt(user, visible_program(session, user, key))
    return page(
        request, "gantt.html", user=user, csrf=csrf, program=entry, view="Gantt",
        editable=editable,
    )  # fmt: skip


@router.get("/programs/{key}/gantt/data")
def gantt_data(
    key: str,
    *,
    seen: Viewer,
    session: PageSession,
    baseline: Annotated[str | None, Query(max_length=120)] = None,
) -> Response:
    """The chart's tasks, links, baseline dates and what the viewer may edit, as JSON (an
    error too: ``{"detail": ...}``)."""
    try:
        text = gantt_feed(session, seen[0], key, baseline=baseline or None)
    except ProgmanError as error:  # the chart's script says it: JSON, not a page
        return JSONResponse({"detail": str(error)}, status_code=error.http_status)
    return Response(text, media_type="application/json", headers={"Cache-Control": "no-store"})
