"""The first pages: log in and out, the programs the viewer may see, a program's dashboard,
roadmap, board, risks, Monte Carlo and audit log.

Each route reads what it shows from one service and renders a template; errors become a
page that says what happened (a missing session sends the browser to the login form).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from progman.errors import ProgmanError, UsageError
from progman.services.audit import AUDIT_ACTIONS, audit_entity_kinds, audit_page, parse_day
from progman.services.board import program_board
from progman.services.catalog import program_entry, programs_page, visible_program
from progman.services.dashboard import program_dashboard
from progman.services.risks import risk_report
from progman.services.roadmap import program_roadmap
from progman.services.simulation import finish_histogram, stored_simulation
from progman.services.users import (
    SESSION_COOKIE,
    authenticate,
    do_close_session,
    do_open_session,
    session_cookie,
)
from progman.web.rendering import PageRoute, page
from progman.web.session import FormViewer, PageSession, Viewer, safe_next

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> HTMLResponse:
    return page(request, "login.html", next=safe_next(next), name="", error=None)


@router.post("/login")
def login(
    request: Request,
    session: PageSession,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the name and password; set the session cookie and go where the user was."""
    address = request.client.host if request.client else ""
    try:
        authenticate(session, username, password, address)
    except ProgmanError as error:
        context = {"next": safe_next(next), "name": username, "error": str(error)}
        return page(request, "login.html", error.http_status, **context)
    opened = do_open_session(session, username)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(**session_cookie(opened.cookie, https=request.url.scheme == "https"))
    return response


@router.post("/logout")
def logout(request: Request, seen: FormViewer, session: PageSession) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        do_close_session(session, cookie)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
def programs(request: Request, seen: Viewer, session: PageSession) -> HTMLResponse:
    """The programs the viewer may see."""
    user, csrf = seen
    listed = programs_page(session, user, None, 500)
    return page(request, "programs.html", user=user, csrf=csrf, programs=listed.items)


@router.get("/programs/{key}")
def dashboard(request: Request, key: str, seen: Viewer, session: PageSession) -> HTMLResponse:
    """Where the program stands: finish, milestones, projects, goals, risks, people."""
    user, csrf = seen
    board = program_dashboard(session, user, key)
    return page(
        request, "dashboard.html", user=user, csrf=csrf, program=board.entry, board=board,
        view="Dashboard",
    )  # fmt: skip


@router.get("/programs/{key}/roadmap")
def roadmap(request: Request, key: str, seen: Viewer, session: PageSession) -> HTMLResponse:
    """Objectives, the projects aligned to each and their milestones, on one time axis."""
    user, csrf = seen
    entry = program_entry(session, user, key)
    plan = program_roadmap(session, user, key)
    return page(
        request, "roadmap.html", user=user, csrf=csrf, program=entry, view="Roadmap", plan=plan
    )


@router.get("/programs/{key}/board")
def board(
    request: Request,
    key: str,
    *,
    seen: Viewer,
    session: PageSession,
    project: Annotated[str | None, Query(max_length=120)] = None,
) -> HTMLResponse:
    """Projects as lanes and the links between them as arrows; one project's with
    ``project``."""
    user, csrf = seen
    entry = program_entry(session, user, key)
    shown = program_board(session, user, key, project=project or None)
    everyone = program_board(session, user, key) if project else shown
    return page(
        request, "board.html", user=user, csrf=csrf, program=entry, view="Board",
        board=shown, project=project or "", all_projects=everyone.projects,
    )  # fmt: skip


@router.get("/programs/{key}/montecarlo")
def montecarlo(
    request: Request,
    key: str,
    *,
    seen: Viewer,
    session: PageSession,
    iterations: Annotated[int, Query(ge=100, le=20_000)] = 2000,
    seed: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    leveled: bool = False,
) -> HTMLResponse:
    """A Monte Carlo simulation of the program: when it finishes, how sure that is, and
    what drives it; ``leveled``: under the resource limits (``simulate --leveled``)."""
    user, csrf = seen
    entry = program_entry(session, user, key)
    result, staffed = stored_simulation(
        session, user, key, iterations=iterations, seed=seed, leveled=leveled
    )
    return page(
        request, "montecarlo.html", user=user, csrf=csrf, program=entry, view="Monte Carlo",
        sim=result, bins=finish_histogram(result), iterations=iterations, seed=seed,
        staffed=staffed,
    )  # fmt: skip


@router.get("/programs/{key}/risks")
def risks(
    request: Request,
    key: str,
    *,
    seen: Viewer,
    session: PageSession,
    project: Annotated[str | None, Query(max_length=120)] = None,
    closed: bool = False,
    cell: Annotated[str | None, Query(pattern=r"^[1-5]-[1-5]$")] = None,
) -> HTMLResponse:
    """The risk register, highest score first, and the 5×5 matrix of threats; a cell of
    the matrix shows only its risks."""
    user, csrf = seen
    entry = program_entry(session, user, key)
    program = visible_program(session, user, key)
    report = risk_report(program, project=project or None, include_closed=closed)
    entries = report.entries
    if cell is not None:
        probability, impact = (int(part) for part in cell.split("-"))
        chosen = set(report.matrix.ids(probability, impact))
        entries = [e for e in entries if e.risk.id in chosen]
    return page(
        request, "risks.html", user=user, csrf=csrf, program=entry, view="Risks",
        report=report, entries=entries, program_currency=program.currency,
        project=project or "", closed=closed, cell=cell,
        projects=[p.id for p in program.projects], levels=range(5, 0, -1),
    )  # fmt: skip


@router.get("/programs/{key}/audit")
def audit(
    request: Request,
    key: str,
    *,
    seen: Viewer,
    session: PageSession,
    entity: Annotated[str | None, Query(max_length=200)] = None,
    actor: Annotated[str | None, Query(max_length=200)] = None,
    action: Annotated[str | None, Query(max_length=10)] = None,
    kind: Annotated[str | None, Query(max_length=40)] = None,
    since: Annotated[str | None, Query(alias="from", max_length=20)] = None,
    until: Annotated[str | None, Query(alias="to", max_length=20)] = None,
    cursor: Annotated[str | None, Query(max_length=40)] = None,
) -> HTMLResponse:
    """Who changed what and when, newest first, 50 at a time; by entity, person, action,
    kind of entity and range of days (the filters stay in the query string, pages too)."""
    user, csrf = seen
    entry = program_entry(session, user, key)
    shown = {"entity": entity, "actor": actor, "action": action, "kind": kind}
    shown = {name: value for name, value in shown.items() if value}
    dates = {"from": since or "", "to": until or ""}
    query = urlencode(shown | {k: v for k, v in dates.items() if v})
    context: dict[str, Any] = {
        "program": entry, "view": "Audit log", "filters": shown, "dates": dates, "query": query,
        "actions": AUDIT_ACTIONS, "kinds": audit_entity_kinds(session, user, key),
    }  # fmt: skip
    try:
        log = audit_page(
            session, user, key, **shown, since=parse_day(since, "from"),
            until=parse_day(until, "to"), cursor=cursor, limit=50,
        )  # fmt: skip
    except UsageError as error:
        return page(
            request, "audit.html", error.http_status, user=user, csrf=csrf, entries=[],
            next=None, error=(error.option, error.message), **context,
        )  # fmt: skip
    return page(
        request, "audit.html", user=user, csrf=csrf, entries=log.entries, next=log.next,
        error=None, **context,
    )  # fmt: skip
