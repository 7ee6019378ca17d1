"""``/api/v1/auth``: log in and out (a session cookie for the browser), who am I, and API
tokens for scripts."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from progman.api.deps import CurrentUser, DatabaseSession
from progman.api.schemas import (
    GrantPublic,
    LoginRequest,
    LoginResponse,
    TokenPublic,
    TokenRequest,
    UserPublic,
)
from progman.domain.access import User
from progman.services.users import (
    SESSION_COOKIE,
    authenticate,
    do_close_session,
    do_create_token,
    do_open_session,
    session_cookie,
)

router = APIRouter(prefix="/auth", tags=["auth"])


def user_public(user: User) -> UserPublic:
    grants = [GrantPublic(role=g.role, program=g.program, project=g.project) for g in user.grants]
    return UserPublic(name=user.name, role=user.role, grants=grants)


@router.post("/login", response_model=LoginResponse)
def login(
    body: LoginRequest, request: Request, response: Response, session: DatabaseSession
) -> LoginResponse:
    """Check a name and password; set the session cookie and answer the CSRF token."""
    address = request.client.host if request.client else ""
    user = authenticate(session, body.username, body.password, address)
    opened = do_open_session(session, body.username)
    response.set_cookie(**session_cookie(opened.cookie, https=request.url.scheme == "https"))
    return LoginResponse(user=user_public(user), csrf_token=opened.csrf_token)


@router.post("/logout", status_code=204)
def logout(request: Request, user: CurrentUser, session: DatabaseSession) -> Response:
    """End this browser session (a bearer token stays valid: revoke it instead)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        do_close_session(session, cookie)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", response_model=UserPublic)
def me(user: CurrentUser) -> UserPublic:
    """The caller and the roles they hold."""
    return user_public(user)


@router.post("/tokens", response_model=TokenPublic, status_code=201)
def create_token(body: TokenRequest, user: CurrentUser, session: DatabaseSession) -> TokenPublic:
    """A new API token of the caller's own, shown once."""
    made = do_create_token(session, user, user.name, body.days)
    return TokenPublic(token=made.token, user=made.user, expires_at=made.expires_at)
