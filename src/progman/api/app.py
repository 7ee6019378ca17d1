"""The REST API (SPEC §3.9, §5.1): FastAPI under ``/api/v1``, OpenAPI at
``/api/v1/openapi.json``, interactive docs at ``/api/docs``.

Routes parse the request, call one service and shape its answer; what they may do is
decided in the services (:mod:`progman.services.users`), errors are answered in one
place (:mod:`progman.api.problems`).
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.responses import RedirectResponse

import progman
from progman.api import auth_routes, problems, program_routes, work_item_routes
from progman.services.database import database_url

API_PREFIX = "/api/v1"


def create_app(database: str | None = None) -> FastAPI:
    """The API on the database ``database`` (default: ``$PROGMAN_DB`` or the user's)."""
    app = FastAPI(
        title="progman",
        version=progman.__version__,
        description="An open-source program office: programs, schedules, resources, risk.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.database = database_url(database)
    problems.install(app)
    api = APIRouter(prefix=API_PREFIX)
    api.include_router(auth_routes.router)
    api.include_router(program_routes.router)
    api.include_router(work_item_routes.router)
    app.include_router(api)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        """Until the web UI lands, the front page is the API's interactive documentation."""
        return RedirectResponse("/api/docs")

    return app
