"""Who is looking at a page: the session cookie the login form (or the API's login) set,
and the CSRF token every form that changes something must carry back."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Form, Request
from sqlalchemy.orm import Session

from progman.domain.access import User
from progman.errors import Forbidden, ProgmanError
from progman.services.database import unit_of_work
from progman.services.users import SESSION_COOKIE, user_for_session

SAFE_METHODS = frozenset({"GET", "HEAD"})


class LoginRequired(ProgmanError):
    """No session, or an expired one: the page sends the browser to the login form."""

    code = "auth.unauthenticated"
    http_status = 401

    def __init__(self, after: str) -> None:
        super().__init__("log in to see this page")
        self.after = after

    @property
    def login_url(self) -> str:
        return f"/login?next={quote(self.after, safe='/')}"


def page_session(request: Request) -> Iterator[Session]:
    """A database session for this page: reading for GET, writing for a form's POST."""
    with unit_of_work(request.app.state.database, write=request.method not in SAFE_METHODS) as s:
        yield s


#: committed before the page leaves, so the next page (after a redirect) sees the change
PageSession = Annotated[Session, Depends(page_session, scope="function")]


def viewer(request: Request, session: PageSession) -> tuple[User, str]:
    """The user behind the session cookie and the session's CSRF token."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise LoginRequired(request.url.path)
    try:
        return user_for_session(session, cookie)
    except ProgmanError:
        raise LoginRequired(request.url.path) from None


Viewer = Annotated[tuple[User, str], Depends(viewer)]


def check_form_token(sent: str, expected: str) -> None:
    """A form that changes something carries the session's CSRF token back."""
    if not secrets.compare_digest(sent.encode(), expected.encode()):
        raise Forbidden("this form has expired: reload the page and send it again")


def form_viewer(seen: Viewer, csrf: Annotated[str, Form(max_length=200)] = "") -> tuple[User, str]:
    """The viewer of a form that changes something, once its ``csrf`` field is checked."""
    check_form_token(csrf, seen[1])
    return seen


#: The viewer of a POST form: a page's handler of a form takes it instead of :data:`Viewer`,
#: so that no form is handled before its CSRF token is checked.
FormViewer = Annotated[tuple[User, str], Depends(form_viewer)]


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path of this site only (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target
