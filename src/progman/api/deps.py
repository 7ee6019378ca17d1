"""What every route depends on: a database session in one transaction, and the caller.

The caller proves who they are with ``Authorization: Bearer TOKEN`` (scripts) or the
session cookie set at login (the browser); with the cookie, an unsafe method must also
send the session's CSRF token in ``X-CSRF-Token``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from progman.domain.access import User
from progman.errors import Forbidden, Unauthenticated
from progman.services.database import unit_of_work
from progman.services.users import SESSION_COOKIE, user_for_session, user_for_token

CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def database_session(request: Request) -> Iterator[Session]:
    """A session for this request: reading for safe methods, writing otherwise."""
    write = request.method not in SAFE_METHODS
    with unit_of_work(request.app.state.database, write=write) as session:
        yield session


#: committed when the route returns, before the answer leaves: a client that reads right
#: after an edit's answer sees the edit (scope "request" would commit after sending)
DatabaseSession = Annotated[Session, Depends(database_session, scope="function")]


def current_user(request: Request, session: DatabaseSession) -> User:
    """The caller, from a bearer token or a session cookie (with its CSRF token)."""
    header = request.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("send the API token as 'Authorization: Bearer TOKEN'")
        return user_for_token(session, token.strip())
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        user, csrf = user_for_session(session, cookie)
        if request.method not in SAFE_METHODS:
            sent = request.headers.get(CSRF_HEADER, "")
            if not secrets.compare_digest(sent.encode(), csrf.encode()):
                raise Forbidden(
                    f"missing or wrong {CSRF_HEADER} header: send the token login answered"
                )
        return user
    raise Unauthenticated("log in (POST /api/v1/auth/login), or send 'Authorization: Bearer TOKEN'")


CurrentUser = Annotated[User, Depends(current_user)]
