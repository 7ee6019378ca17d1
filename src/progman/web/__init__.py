"""progman's web UI (SPEC §3.9, §8): server-rendered pages (Jinja2) on the services, for
people in a browser. :func:`install` adds its pages and assets to an application."""

from progman.web.pages import install

__all__ = ["install"]
