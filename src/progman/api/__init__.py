"""progman's REST API: :func:`create_app` builds the FastAPI application."""

from progman.api.app import create_app

__all__ = ["create_app"]
