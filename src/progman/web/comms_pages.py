"""The communication plan of a program: "Stakeholders" (the reports due to whom as of the
status date, every report line with its next date, and the interest/influence grid),
read-only.

The figures are ``services.comms`` (what ``progman comms --json`` prints); the page only
lays them out.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from progman.services.catalog import program_entry
from progman.services.comms import stored_comms
from progman.web.rendering import PageRoute, page
from progman.web.session import PageSession, Viewer

router = APIRouter(route_class=PageRoute, include_in_schema=False)

#: The grid's quadrants, as the page names them.
QUADRANTS = {
    "manage_closely": "Manage closely (high interest, high influence)",
    "keep_satisfied": "Keep satisfied (influence high)",
    "keep_informed": "Keep informed (interest high)",
    "monitor": "Monitor (neither high)",
    "unrated": "Unrated (a score missing)",
}


@router.get("/programs/{key}/comms")
def comms(request: Request, key: str, *, seen: Viewer, session: PageSession) -> HTMLResponse:
    """The communication plan of the program ``key`` as of its status date."""
    user, csrf = seen
    entry = program_entry(session, user, key)
    plan = stored_comms(session, user, key)
    return page(
        request, "comms.html", user=user, csrf=csrf, program=entry, view="Stakeholders",
        plan=plan, quadrants=QUADRANTS,
    )  # fmt: skip
