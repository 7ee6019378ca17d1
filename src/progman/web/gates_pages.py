"""Lifecycle and governance of a program: "Stage gates" (each gate's criteria, decision
and status against the schedule's forecast, overdue and blocked first; each project's
phase; the decision log by date), read-only.

The figures are ``services.gates`` (what ``progman gates --json`` prints); the page only
lays them out, a status always as a word with its sign, never colour alone.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from progman.services.catalog import program_entry
from progman.services.gates import by_urgency, stored_gates
from progman.web.rendering import PageRoute, page
from progman.web.session import PageSession, Viewer

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/programs/{key}/gates")
def gates(request: Request, key: str, *, seen: Viewer, session: PageSession) -> HTMLResponse:
    """The stage gates, the projects' phases and the decision log of the program ``key``
    as of its status date."""
    user, csrf = seen
    entry = program_entry(session, user, key)
    result = stored_gates(session, user, key)
    return page(
        request, "gates.html", user=user, csrf=csrf, program=entry, view="Gates",
        governance=result, gates=by_urgency(result),
    )  # fmt: skip
