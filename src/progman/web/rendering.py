"""What every page shares: the templates and their filters, the navigation, and the route
class that turns a missing session into the login form and a progman error into a page.

Page modules (``pages``, ``gantt_pages``, …) each hold a router of ``PageRoute`` routes and
render with ``page``; ``progman.web.install`` adds them all to the application.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import date, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates

import progman
from progman.errors import ProgmanError
from progman.web.session import LoginRequired

HERE = Path(__file__).resolve().parent
TEMPLATES = Jinja2Templates(directory=HERE / "templates")
#: The views of a program, in the navigation's order; None: still to come.
VIEWS: tuple[tuple[str, str | None], ...] = (
    ("Dashboard", ""),
    ("Roadmap", "/roadmap"),
    ("Board", "/board"),
    ("Gantt", "/gantt"),
    ("Resources", "/resources"),
    ("Risks", "/risks"),
    ("Monte Carlo", "/montecarlo"),
    ("What-if", "/whatif"),
    ("Earned value", "/evm"),
    ("Health", "/health"),
    ("Gates", "/gates"),
    ("Stakeholders", "/comms"),
    ("Change requests", "/changes"),
    ("Audit log", "/audit"),
)


def _when(moment: datetime | date | None) -> str:
    if moment is None:
        return "—"
    if isinstance(moment, datetime):
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.isoformat()


def _days(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "—"
    text = f"{value:+g}" if signed else f"{value:g}"
    return text.replace("-", "−") + " d"


TEMPLATES.env.filters["when"] = _when
TEMPLATES.env.filters["days"] = _days
TEMPLATES.env.globals["version"] = progman.__version__
TEMPLATES.env.globals["views"] = VIEWS


class PageRoute(APIRoute):
    """A page: a missing session redirects to the login form, any other progman error is
    a page saying what happened (the API's routes answer problem+json instead)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired as missing:
                return RedirectResponse(missing.login_url, status_code=303)
            except ProgmanError as error:
                return error_page(request, error.http_status, str(error))

        return handle


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    title = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    return page(request, "error.html", status, title=title, message=message)
