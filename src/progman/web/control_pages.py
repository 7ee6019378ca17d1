"""Money and control of a program: "Earned value" (the program and project figures
against a chosen baseline, and the weekly S-curve as SVG) and "Health" (the RAG of the
program and each project with its reasons and any override).

Each route reads what it shows from ``services.control_view`` and renders ``evm.html`` or
``health.html``; a program without a baseline or a status date gets a page saying so.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from progman.services.catalog import program_entry
from progman.services.control_view import evm_view, health_view
from progman.web.rendering import PageRoute, page
from progman.web.session import PageSession, Viewer

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/programs/{key}/evm")
def earned_value(
    request: Request,
    key: str,
    *,
    seen: Viewer,
    session: PageSession,
    baseline: Annotated[str | None, Query(max_length=120)] = None,
    status_date: date | None = None,
) -> HTMLResponse:
    """Earned value of the program and its projects against ``baseline`` (default: the
    latest taken) as of ``status_date`` (default: the program's), with the S-curve."""
    user, csrf = seen
    entry = program_entry(session, user, key)
    shown = evm_view(session, user, key, baseline=baseline or None, status_date=status_date)
    return page(
        request, "evm.html", user=user, csrf=csrf, program=entry, view="Earned value",
        evm=shown, asked_date=status_date,
    )  # fmt: skip


@router.get("/programs/{key}/health")
def health(request: Request, key: str, *, seen: Viewer, session: PageSession) -> HTMLResponse:
    """The RAG of the program and each project, each with its reasons."""
    user, csrf = seen
    entry = program_entry(session, user, key)
    return page(
        request, "health.html", user=user, csrf=csrf, program=entry, view="Health",
        health=health_view(session, user, key),
    )  # fmt: skip
