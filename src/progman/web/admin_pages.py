"""The administrator's pages: users with their role and status (add one, change a role,
deactivate or reactivate, reset a password) and each user's grants on programs and
projects (grant, revoke).

Everything is done by ``services.accounts`` (the checks, the audit rows); this module
turns its refusals into an error next to the field that caused it. Each change runs in a
savepoint, so a refused form writes nothing. Anyone but an administrator gets the 403
page, for a page as for a form sent to it.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from progman.domain.access import ROLES, User
from progman.errors import Conflict, NotFound, UsageError
from progman.services.accounts import (
    account,
    account_changes,
    accounts,
    do_create_account,
    do_grant_on,
    do_reset_password,
    do_revoke,
    do_set_active,
    do_set_role,
    program_keys,
)
from progman.services.users import check_can_manage_users
from progman.web.rendering import PageRoute, page
from progman.web.session import FormViewer, PageSession, Viewer

router = APIRouter(route_class=PageRoute, include_in_schema=False)

#: The form field each service option names (the CLI's option names included).
FIELDS = {
    "NAME": "name",
    "--role": "role",
    "role": "role",
    "--program": "program",
    "program": "program",
    "--project": "project",
    "project": "project",
    "password": "password",
}
#: What the page says after a change that redirected to it (``?done=…&who=…``).
DONE = {
    "role": "{who}: role changed.",
    "deactivated": "{who} is deactivated: their sessions ended and their API tokens were revoked.",
    "reactivated": "{who} may log in again.",
    "granted": "{who}: role granted.",
    "revoked": "{who}: grant revoked.",
}
Field = Annotated[str, Form(max_length=200)]
Token = Annotated[str, Form(max_length=200)]


def _field(error: UsageError | Conflict | NotFound, default: str) -> str:
    return FIELDS.get(getattr(error, "option", ""), default)


def _done(done: str | None, who: str | None) -> str | None:
    if done not in DONE or not who:
        return None
    return DONE[done].format(who=who)


def _back(path: str, done: str, who: str) -> RedirectResponse:
    return RedirectResponse(f"{path}?done={done}&who={quote(who, safe='')}", status_code=303)


def _users(
    request: Request, session: Session, seen: tuple[User, str], status: int = 200, **extra: Any
) -> HTMLResponse:
    """The list of users and the form that adds one (``extra``: errors, notice, secret…)."""
    user, csrf = seen
    context: dict[str, Any] = {"errors": {}, "form": {}, "row_errors": {}, "notice": None}
    context |= extra
    return page(
        request, "admin_users.html", status, user=user, csrf=csrf, users=accounts(session, user),
        roles=ROLES, programs=program_keys(session, user), **context,
    )  # fmt: skip


def _user(
    request: Request,
    session: Session,
    seen: tuple[User, str],
    name: str,
    status: int = 200,
    **extra: Any,
) -> HTMLResponse:
    """One user's grants, the grant form and the last changes made to them."""
    user, csrf = seen
    context: dict[str, Any] = {"errors": {}, "form": {}, "notice": None}
    context |= extra
    return page(
        request, "admin_user.html", status, user=user, csrf=csrf,
        shown=account(session, user, name), changes=account_changes(session, user, name),
        roles=[r for r in ROLES if r != "admin"], programs=program_keys(session, user), **context,
    )  # fmt: skip


@router.get("/admin/users")
def users(
    request: Request,
    seen: Viewer,
    session: PageSession,
    done: Annotated[str | None, Query(max_length=20)] = None,
    who: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    """Every user with their role, status and grants; the form that adds one."""
    return _users(request, session, seen, notice=_done(done, who))


@router.post("/admin/users")
def create_user(
    request: Request,
    *,
    seen: FormViewer,
    session: PageSession,
    name: Field = "",
    role: Field = "",
    program: Field = "",
    project: Field = "",
    password: Annotated[str, Form(max_length=1000)] = "",
) -> HTMLResponse:
    """Add a user; a generated password is shown once, on the page this answers."""
    user = seen[0]
    check_can_manage_users(user)
    form = {"name": name, "role": role, "program": program, "project": project}
    try:
        with session.begin_nested():
            made = do_create_account(
                session, user, name.strip(), role, program=program.strip() or None,
                project=project.strip() or None, password=password or None,
            )  # fmt: skip
    except (UsageError, Conflict, NotFound) as error:
        errors = {_field(error, "name"): str(error.message)}
        return _users(request, session, seen, error.http_status, errors=errors, form=form)
    notice = f"User {made.name} added as {made.role.replace('_', ' ')}."
    return _users(request, session, seen, 201, notice=notice, secret=(made.name, made.password))


@router.post("/admin/users/{name}/role")
def change_role(
    request: Request,
    name: str,
    *,
    seen: FormViewer,
    session: PageSession,
    role: Field = "",
) -> Response:
    user = seen[0]
    check_can_manage_users(user)
    try:
        with session.begin_nested():
            do_set_role(session, user, name, role)
    except (UsageError, Conflict) as error:
        row_errors = {name: {"role": error.message}}
        return _users(request, session, seen, error.http_status, row_errors=row_errors)
    return _back("/admin/users", "role", name)


@router.post("/admin/users/{name}/active")
def change_status(
    request: Request,
    name: str,
    *,
    seen: FormViewer,
    session: PageSession,
    active: Annotated[bool, Form()] = True,
) -> Response:
    """Deactivate (``active`` false) or reactivate a user."""
    user = seen[0]
    check_can_manage_users(user)
    try:
        with session.begin_nested():
            do_set_active(session, user, name, active)
    except (UsageError, Conflict) as error:
        row_errors = {name: {"active": error.message}}
        return _users(request, session, seen, error.http_status, row_errors=row_errors)
    return _back("/admin/users", "reactivated" if active else "deactivated", name)


@router.post("/admin/users/{name}/password")
def reset_password(
    request: Request, name: str, seen: FormViewer, session: PageSession
) -> HTMLResponse:
    """A generated password, shown once on the page this answers."""
    user = seen[0]
    check_can_manage_users(user)
    secret = do_reset_password(session, user, name)
    notice = f"{name}'s password was reset; their browser sessions ended."
    return _users(request, session, seen, notice=notice, secret=(name, secret))


@router.get("/admin/users/{name}")
def user_grants(
    request: Request,
    name: str,
    *,
    seen: Viewer,
    session: PageSession,
    done: Annotated[str | None, Query(max_length=20)] = None,
    who: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    """A user's grants on programs and projects, the form that grants one more, and the
    last changes made to the user."""
    return _user(request, session, seen, name, notice=_done(done, who))


@router.post("/admin/users/{name}/grants")
def grant(
    request: Request,
    name: str,
    *,
    seen: FormViewer,
    session: PageSession,
    role: Field = "",
    program: Field = "",
    project: Field = "",
) -> Response:
    user = seen[0]
    check_can_manage_users(user)
    form = {"role": role, "program": program, "project": project}
    try:
        with session.begin_nested():
            do_grant_on(
                session, user, name, role, program=program.strip(),
                project=project.strip() or None,
            )  # fmt: skip
    except (UsageError, Conflict) as error:
        errors = {_field(error, "program"): error.message}
        return _user(request, session, seen, name, error.http_status, errors=errors, form=form)
    return _back(f"/admin/users/{quote(name, safe='')}", "granted", name)


@router.post("/admin/users/{name}/grants/revoke")
def revoke(
    name: str,
    *,
    seen: FormViewer,
    session: PageSession,
    program: Field = "",
    project: Field = "",
) -> Response:
    """Take away one grant (``program`` empty: the grant on every program)."""
    user = seen[0]
    check_can_manage_users(user)
    do_revoke(session, user, name, program or None, project or None)
    return _back(f"/admin/users/{quote(name, safe='')}", "revoked", name)
