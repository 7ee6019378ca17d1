"""The resource heatmap: people × weeks, load against capacity across all projects, a cell's
tasks, and leveling run from the page as a job with its before and after.

Each route reads what it shows from ``services.heatmap`` or ``services.leveling_view`` and
renders ``resources.html`` or ``leveling.html``; the job runs in the API's runner
(``app.state.jobs``), and the page polls it through ``GET /api/v1/jobs/{id}``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from progman.services.catalog import program_entry
from progman.services.heatmap import MAX_WEEKS, WEEKS_SHOWN, cell_tasks, program_heatmap
from progman.services.jobs import JobRunner
from progman.services.leveling_view import can_level, do_submit_leveling, leveling_view
from progman.web.rendering import PageRoute, page
from progman.web.session import FormViewer, PageSession, Viewer

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Project = Annotated[str | None, Query(max_length=120)]
Weeks = Annotated[int, Query(ge=1, le=MAX_WEEKS)]
JobId = Annotated[str, Path(max_length=100)]


def _runner(request: Request) -> JobRunner:
    runner: JobRunner = request.app.state.jobs
    return runner


def _query(**values: object) -> str:
    """A query string of the values that are set (for the links that keep the filters)."""
    kept = {k: str(v) for k, v in values.items() if v not in (None, "")}
    return "?" + urlencode(kept) if kept else ""


@router.get("/programs/{key}/resources")
def resources(
    request: Request,
    key: str,
    *,
    seen: Viewer,
    session: PageSession,
    project: Project = None,
    start: date | None = None,
    weeks: Weeks = WEEKS_SHOWN,
    person: Annotated[str | None, Query(max_length=120)] = None,
    week: Annotated[str | None, Query(pattern=r"^\d{4}-W\d{2}$")] = None,
) -> HTMLResponse:
    """People × weeks: each one's load against capacity across all projects; with
    ``person`` and ``week``, the tasks that make that cell's load."""
    user, csrf = seen
    entry = program_entry(session, user, key)
    heat = program_heatmap(session, user, key, project=project or None, start=start, weeks=weeks)
    detail = cell_tasks(session, user, key, person, week) if person and week else None
    return page(
        request, "resources.html", user=user, csrf=csrf, program=entry, view="Resources",
        heat=heat, detail=detail, project=project or "", start=start, weeks=weeks,
        may_level=can_level(user, key), query=_query,
    )  # fmt: skip


@router.post("/programs/{key}/resources/level")
def level(
    request: Request,
    key: str,
    seen: FormViewer,
    session: PageSession,
) -> Response:
    """Ask for the leveling job (a program manager's) and follow it on its own page."""
    user = seen[0]
    job = do_submit_leveling(session, user, key, runner=_runner(request))
    return RedirectResponse(f"/programs/{key}/resources/leveling/{job.id}", status_code=303)


@router.get("/programs/{key}/resources/leveling/{job_id}")
def leveling(
    request: Request,
    key: str,
    job_id: JobId,
    *,
    seen: Viewer,
    session: PageSession,
    project: Project = None,
    start: date | None = None,
    weeks: Weeks = WEEKS_SHOWN,
) -> HTMLResponse:
    """The leveling job: its progress, then the before and after of what it would change."""
    user, csrf = seen
    entry = program_entry(session, user, key)
    shown = leveling_view(
        session, user, key, job_id, runner=_runner(request), project=project or None,
        start=start, weeks=weeks,
    )  # fmt: skip
    return page(
        request, "leveling.html", user=user, csrf=csrf, program=entry, view="Resources",
        outcome=shown, job=shown.job, heat=shown.heatmap, project=project or "",
        start=start, weeks=weeks, may_level=can_level(user, key), query=_query,
    )  # fmt: skip
