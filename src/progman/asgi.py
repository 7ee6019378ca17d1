"""The whole server application: the REST API (:mod:`progman.api`) with the web UI's pages
(:mod:`progman.web`) on it. The two interfaces may not import each other; this module,
outside the layers, puts them together for ``progman serve``."""

from __future__ import annotations

from fastapi import FastAPI

from progman import api, web


def create_app(database: str | None = None) -> FastAPI:
    """The API and the web UI on the database ``database`` (default: ``$PROGMAN_DB``)."""
    app = api.create_app(database)
    web.install(app)
    return app
