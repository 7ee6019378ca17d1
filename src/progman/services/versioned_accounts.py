"""Users as the REST API manages them: each with a version (its ``ETag``), and every edit
made against the version the caller read, so that two administrators never overwrite
each other's change unseen.

The edits themselves are :mod:`progman.services.accounts`'s, the ones the web admin pages
and ``progman user`` make (the same checks, the same audit rows, the same protection of
the last active administrator); this module adds the versions, a page of users at a time
and a user's grants as a list. A user's version counts the changes the audit log holds
about them (:func:`progman.storage.audit.user_versions`): every change to a user or a
grant writes one row there.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from progman.domain.access import Grant, User
from progman.errors import Location, PreconditionRequired, StaleVersion, UsageError
from progman.services.accounts import (
    Account,
    account,
    accounts,
    do_create_account,
    do_grant_on,
    do_reset_password,
    do_revoke,
    do_set_active,
    do_set_role,
)
from progman.services.catalog import MAX_PAGE, decode_cursor, encode_cursor
from progman.services.projects import page_after
from progman.services.users import check_can_manage_users
from progman.storage import access as stored
from progman.storage.audit import user_versions

__all__ = [
    "AccountPage",
    "AccountView",
    "GrantPage",
    "NewPassword",
    "account_page",
    "account_view",
    "do_change_account",
    "do_create_versioned",
    "do_grant_versioned",
    "do_reset_versioned",
    "do_revoke_versioned",
    "grant_page",
]


@dataclass(frozen=True)
class AccountView:
    account: Account
    version: int


@dataclass(frozen=True)
class AccountPage:
    items: list[AccountView]
    next: str | None  # the cursor of the next page, None on the last one


@dataclass(frozen=True)
class GrantPage:
    view: AccountView  # whose grants (its version is the list's ETag)
    items: list[Grant]
    next: str | None


@dataclass(frozen=True)
class NewPassword:
    """A user just made or given a new password: ``password`` is the generated one, to be
    shown once (None when the administrator chose it)."""

    view: AccountView
    password: str | None


def account_page(
    session: Session, actor: User, *, cursor: str | None = None, limit: int = 100
) -> AccountPage:
    """Users by name, ``limit`` at most after the user ``cursor`` names."""
    check_can_manage_users(actor)
    if not 1 <= limit <= MAX_PAGE:
        raise UsageError(f"limit must be 1 to {MAX_PAGE}, not {limit}", option="limit")
    after = decode_cursor(cursor) if cursor else None
    following = [a for a in accounts(session, actor) if after is None or a.name > after]
    page = following[:limit]
    versions = user_versions(session, [a.name for a in page])
    more = len(following) > limit
    return AccountPage(
        [AccountView(a, versions[a.name]) for a in page],
        encode_cursor(page[-1].name) if more and page else None,
    )


def account_view(session: Session, actor: User, name: str) -> AccountView:
    """One user with their version; :class:`NotFound` for a name nobody has."""
    shown = account(session, actor, name)
    return AccountView(shown, user_versions(session, [name])[name])


def grant_page(
    session: Session, actor: User, name: str, *, cursor: str | None = None, limit: int = 100
) -> GrantPage:
    """User ``name``'s grants in the order they were given, a page at a time."""
    view = account_view(session, actor, name)
    items, following = page_after(list(view.account.grants), _grant_ident, cursor, limit)
    return GrantPage(view, items, following)


def do_create_versioned(
    session: Session,
    actor: User,
    name: str,
    role: str,
    *,
    program: str | None = None,
    project: str | None = None,
    password: str | None = None,
) -> NewPassword:
    """A new user (``progman user add``, with the program and project checked to exist);
    without ``password`` one is generated and returned, to be shown once."""
    made = do_create_account(
        session, actor, name, role, program=program, project=project, password=password
    )
    return NewPassword(account_view(session, actor, made.name), made.password)


def do_change_account(
    session: Session,
    actor: User,
    name: str,
    *,
    if_match: int | None,
    role: str | None = None,
    active: bool | None = None,
) -> AccountView:
    """Change user ``name``'s role and/or deactivate or reactivate them, against the
    version ``if_match`` (required): the rules of :func:`accounts.do_set_role` and
    :func:`accounts.do_set_active` (the last active administrator keeps their role and
    stays active; nobody deactivates themselves)."""
    _check_version(session, actor, name, if_match, required=True)
    if role is not None:
        do_set_role(session, actor, name, role)
    if active is not None:
        do_set_active(session, actor, name, active)
    return account_view(session, actor, name)


def do_reset_versioned(
    session: Session,
    actor: User,
    name: str,
    *,
    password: str | None = None,
    if_match: int | None = None,
) -> NewPassword:
    """A new password for user ``name`` (generated and returned, to be shown once, unless
    ``password`` is given); their browser sessions end. ``if_match`` is checked when given."""
    _check_version(session, actor, name, if_match, required=False)
    generated = do_reset_password(session, actor, name, password)
    return NewPassword(account_view(session, actor, name), generated)


def do_grant_versioned(
    session: Session,
    actor: User,
    name: str,
    role: str,
    *,
    program: str,
    project: str | None = None,
    if_match: int | None = None,
) -> AccountView:
    """Give user ``name`` ``role`` on ``program`` (or ``project`` of it), replacing the role
    held on that same scope. ``if_match`` is checked when given."""
    _check_version(session, actor, name, if_match, required=False)
    do_grant_on(session, actor, name, role, program=program, project=project)
    return account_view(session, actor, name)


def do_revoke_versioned(
    session: Session,
    actor: User,
    name: str,
    *,
    program: str | None,
    project: str | None = None,
    if_match: int | None,
) -> AccountView:
    """Take away user ``name``'s grant on ``program`` (None: on every program) or
    ``project`` of it, against the version ``if_match`` (required)."""
    if project is not None and program is None:
        raise UsageError("a project's grant needs its program: add program=KEY", option="project")
    _check_version(session, actor, name, if_match, required=True)
    do_revoke(session, actor, name, program, project)
    return account_view(session, actor, name)


def _grant_ident(grant: Grant) -> str:
    return f"{grant.program or ''}/{grant.project or ''}"


def _check_version(
    session: Session, actor: User, name: str, if_match: int | None, *, required: bool
) -> None:
    """Refuse an edit without a version (when ``required``) or against an old one; the
    user's row is held until the edit's transaction ends, so nobody edits in between.
    The administrators' rows are taken first, as the last-administrator check takes them:
    two edits then always lock in the same order and never deadlock."""
    account(session, actor, name)  # NotFound for a name nobody has
    stored.lock_admins(session)
    stored.lock_user(session, name)
    current = user_versions(session, [name])[name]
    if if_match is None:
        if required:
            raise PreconditionRequired(
                f"send If-Match with the version of user {name} you changed (its ETag, "
                f'now "{current}")'
            )
        return
    if if_match != current:
        raise StaleVersion(
            f"user {name} was changed by someone else since version {if_match} (it is at "
            f"version {current} now): reload it and make your change again",
            current=current,
            location=Location(entity=name),
        )
