"""The REST API (SPEC §3.9, §5.1): FastAPI under ``/api/v1``, OpenAPI at
``/api/v1/openapi.json``, interactive docs at ``/api/docs``.

Routes parse the request, call one service and shape its answer; what they may do is
decided in the services (:mod:`progman.services.users`), errors are answered in one
place (:mod:`progman.api.problems`).
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import progman
from progman.api import (
    analysis_routes,
    auth_routes,
    baseline_routes,
    calendar_routes,
    change_routes,
    control_routes,
    exchange_routes,
    governance_routes,
    job_routes,
    link_routes,
    problems,
    program_routes,
    project_routes,
    register_routes,
    resource_routes,
    scenario_routes,
    strategy_routes,
    user_routes,
    work_item_routes,
)
from progman.api.schemas import PROBLEM_RESPONSES
from progman.services.database import database_url

API_PREFIX = "/api/v1"
#: Largest request body accepted, in bytes (``$PROGMAN_MAX_BODY_MB``, default 16 MiB).
DEFAULT_MAX_BODY_MB = 16


def create_app(database: str | None = None) -> FastAPI:
    """The API on the database ``database`` (default: ``$PROGMAN_DB`` or the user's)."""
    app = FastAPI(
        title="progman",
        version=progman.__version__,
        description="An open-source program office: programs, schedules, resources, risk.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # served below from the package's own copy of Swagger UI, no CDN
        redoc_url=None,
        lifespan=job_routes.lifespan,  # shuts the job runner down
    )
    app.state.database = database_url(database)
    app.state.jobs = job_routes.runner_for(app.state.database)
    problems.install(app)
    app.add_middleware(BodyLimit, limit=_max_body_bytes())
    api = APIRouter(prefix=API_PREFIX, responses=PROBLEM_RESPONSES)
    api.include_router(auth_routes.router)
    api.include_router(program_routes.router)
    api.include_router(work_item_routes.router)
    api.include_router(link_routes.router)
    api.include_router(resource_routes.router)
    api.include_router(project_routes.router)
    api.include_router(calendar_routes.router)
    api.include_router(register_routes.router)
    api.include_router(analysis_routes.router)
    api.include_router(control_routes.router)
    api.include_router(strategy_routes.router)
    api.include_router(governance_routes.router)
    api.include_router(exchange_routes.router)
    api.include_router(baseline_routes.router)
    api.include_router(scenario_routes.router)
    api.include_router(change_routes.router)
    api.include_router(job_routes.router)
    api.include_router(user_routes.router)
    app.include_router(api)
    install_docs(app)

    return app


STATIC = Path(__file__).resolve().parent / "static"


def install_docs(app: FastAPI) -> None:
    """``/api/docs``: Swagger UI on the OpenAPI document, from the assets that
    ``scripts/assets.sh`` copies out of the npm package (``make`` runs it), so the page
    works offline; without them, a page that says how to get them."""
    swagger = STATIC / "swagger-ui"
    if (swagger / "swagger-ui-bundle.js").is_file():
        app.mount("/api/static", StaticFiles(directory=STATIC), name="api-static")

    @app.get("/api/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        if not (swagger / "swagger-ui-bundle.js").is_file():
            return HTMLResponse(
                "<!doctype html><title>progman API</title><p>The interactive documentation "
                "needs its assets: run <code>make install</code> (or scripts/assets.sh). The "
                f'OpenAPI document is at <a href="{API_PREFIX}/openapi.json">'
                f"{API_PREFIX}/openapi.json</a>.</p>",
                status_code=503,
            )
        return get_swagger_ui_html(
            openapi_url=f"{API_PREFIX}/openapi.json",
            title="progman API",
            swagger_js_url="/api/static/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/api/static/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/api/static/swagger-ui/favicon-32x32.png",
        )


def _max_body_bytes() -> int:
    text = os.environ.get("PROGMAN_MAX_BODY_MB", "")
    try:
        return int(float(text) * 2**20) if text else DEFAULT_MAX_BODY_MB * 2**20
    except ValueError:
        return DEFAULT_MAX_BODY_MB * 2**20


class BodyLimit:
    """Refuse a request body over ``limit`` bytes with 413 before any route sees it,
    whether it says its length (``Content-Length``) or streams it in chunks: a body is
    read (at most ``limit`` bytes of it) before the route runs, then handed on whole."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                await self._refuse(scope, receive, send)
                return
            more = bool(message.get("more_body", False))
        whole: Message = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if delivered:
                return await receive()  # after the body: disconnects
            delivered = True
            return whole

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = f"{self.limit / 2**20:g} MiB" if self.limit >= 2**20 else f"{self.limit} bytes"
        response = problems.problem_response(
            413,
            "request.too_large",
            f"the request body is over {limit}; send less (the server's limit is "
            "PROGMAN_MAX_BODY_MB)",
        )
        await response(scope, receive, send)
