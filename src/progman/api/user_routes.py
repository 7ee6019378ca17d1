"""``/api/v1/users``: the users of the server, their role and status, their passwords and
their grants on programs and projects; an administrator's only (anyone else: 403).

The same services as the web admin pages and ``progman user`` (services/accounts.py,
through services/versioned_accounts.py): the same checks and audit rows. A user's
``ETag`` is their version; changing their role or status and revoking a grant name it in
``If-Match``, a new password or a new grant may.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Response

from progman.api.account_schemas import (
    AccountCreate,
    AccountEdited,
    AccountPage,
    AccountPublic,
    AccountUpdate,
    AccountWithPassword,
    GrantCreate,
    GrantPage,
    PasswordReset,
)
from progman.api.deps import CurrentUser, DatabaseSession
from progman.api.schemas import GrantPublic
from progman.api.work_item_routes import IfMatch, parse_if_match
from progman.domain.access import Grant
from progman.services.versioned_accounts import (
    AccountView,
    NewPassword,
    account_page,
    account_view,
    do_change_account,
    do_create_versioned,
    do_grant_versioned,
    do_reset_versioned,
    do_revoke_versioned,
    grant_page,
)

router = APIRouter(prefix="/users", tags=["users"])
Name = Annotated[str, Path(max_length=120, description="the user's login name")]
Limit = Annotated[int, Query(ge=1, le=500)]
Cursor = Annotated[str | None, Query(max_length=200)]
Key = Annotated[str | None, Query(min_length=1, max_length=120)]


def _grant(grant: Grant) -> GrantPublic:
    return GrantPublic(role=grant.role, program=grant.program, project=grant.project)


def public(view: AccountView) -> AccountPublic:
    shown = view.account
    return AccountPublic(
        name=shown.name,
        role=shown.role,
        active=shown.active,
        grants=[_grant(g) for g in shown.grants],
        created_at=shown.created_at,
        version=view.version,
    )


def _tagged(view: AccountView, response: Response) -> AccountPublic:
    response.headers["ETag"] = f'"{view.version}"'
    return public(view)


def _with_password(made: NewPassword, response: Response) -> AccountWithPassword:
    return AccountWithPassword(item=_tagged(made.view, response), password=made.password)


@router.get("", response_model=AccountPage)
def users(
    user: CurrentUser, session: DatabaseSession, limit: Limit = 100, cursor: Cursor = None
) -> AccountPage:
    """Every user by name, with their role, status and grants, a page at a time."""
    page = account_page(session, user, cursor=cursor, limit=limit)
    return AccountPage(items=[public(v) for v in page.items], next=page.next)


@router.post("", response_model=AccountWithPassword, status_code=201)
def create_user(
    body: AccountCreate, user: CurrentUser, session: DatabaseSession, response: Response
) -> AccountWithPassword:
    """A new user with a role on every program, one program, or one project of it;
    without ``password`` one is generated and answered this once."""
    made = do_create_versioned(
        session, user, body.name, body.role, program=body.program, project=body.project,
        password=body.password,
    )  # fmt: skip
    response.headers["Location"] = f"/api/v1/users/{quote(made.view.account.name, safe='')}"
    return _with_password(made, response)


@router.get("/{name}", response_model=AccountPublic)
def user_account(
    name: Name, user: CurrentUser, session: DatabaseSession, response: Response
) -> AccountPublic:
    """One user; their ``ETag`` is their version."""
    return _tagged(account_view(session, user, name), response)


@router.patch("/{name}", response_model=AccountEdited)
def change_user(
    name: Name,
    *,
    body: AccountUpdate,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    if_match: IfMatch = None,
) -> AccountEdited:
    """Change a user's role, or deactivate (their sessions end, their tokens are revoked)
    or reactivate them; the last active administrator keeps their role and stays active,
    and nobody deactivates themselves."""
    view = do_change_account(
        session, user, name, if_match=parse_if_match(if_match), role=body.role,
        active=body.active,
    )  # fmt: skip
    return AccountEdited(item=_tagged(view, response))


@router.post("/{name}/password", response_model=AccountWithPassword)
def reset_password(
    name: Name,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    body: PasswordReset | None = None,
    if_match: IfMatch = None,
) -> AccountWithPassword:
    """A new password (generated and answered this once unless sent); the user's browser
    sessions end. ``If-Match``, when sent, must be the user's version."""
    made = do_reset_versioned(
        session, user, name, password=body.password if body else None,
        if_match=parse_if_match(if_match),
    )  # fmt: skip
    return _with_password(made, response)


@router.get("/{name}/grants", response_model=GrantPage)
def grants(
    name: Name,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> GrantPage:
    """A user's grants in the order they were given; the ``ETag`` is the user's version."""
    page = grant_page(session, user, name, cursor=cursor, limit=limit)
    response.headers["ETag"] = f'"{page.view.version}"'
    return GrantPage(items=[_grant(g) for g in page.items], next=page.next)


@router.post("/{name}/grants", response_model=AccountEdited, status_code=201)
def grant(
    name: Name,
    *,
    body: GrantCreate,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    if_match: IfMatch = None,
) -> AccountEdited:
    """Grant a role on a stored program or one project of it, replacing the role held on
    that same scope. ``If-Match``, when sent, must be the user's version."""
    view = do_grant_versioned(
        session, user, name, body.role, program=body.program, project=body.project,
        if_match=parse_if_match(if_match),
    )  # fmt: skip
    response.headers["Location"] = f"/api/v1/users/{quote(name, safe='')}/grants"
    return AccountEdited(item=_tagged(view, response))


@router.delete("/{name}/grants", response_model=AccountEdited)
def revoke(
    name: Name,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    program: Key = None,
    project: Key = None,
    if_match: IfMatch = None,
) -> AccountEdited:
    """Take away the grant on ``program`` (absent: the grant on every program) or on
    ``project`` of it."""
    view = do_revoke_versioned(
        session, user, name, program=program, project=project,
        if_match=parse_if_match(if_match),
    )  # fmt: skip
    return AccountEdited(item=_tagged(view, response))
