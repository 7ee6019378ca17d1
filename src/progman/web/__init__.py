"""progman's web UI (SPEC §3.9, §8): server-rendered pages (Jinja2) on the services, for
people in a browser. :func:`install` adds its pages and assets to an application."""

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from progman.web import pages
from progman.web.admin_pages import router as admin_router
from progman.web.change_pages import router as change_router
from progman.web.comms_pages import router as comms_router
from progman.web.control_pages import router as control_router
from progman.web.gantt_pages import router as gantt_router
from progman.web.gates_pages import router as gates_router
from progman.web.project_pages import router as project_router
from progman.web.rendering import HERE
from progman.web.resource_pages import router as resource_router
from progman.web.task_pages import router as task_router
from progman.web.whatif_pages import router as whatif_router

#: Every page module's router, in the order their routes are matched.
ROUTERS = (
    pages.router,
    resource_router,
    task_router,
    whatif_router,
    project_router,
    admin_router,
    gantt_router,
    control_router,
    change_router,
    gates_router,
    comms_router,
)


def install(app: FastAPI) -> None:
    """Add the pages and their static files to ``app`` (whose ``state.database`` they read)."""
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="web-static")


__all__ = ["install"]
