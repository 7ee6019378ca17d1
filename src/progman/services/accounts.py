"""What an administrator does to users: list them, add one, change their role, deactivate
or reactivate them, reset their password, grant and revoke roles on programs and projects.

Every change goes through ``storage.access`` (which writes its audit row) and checks that
the actor is an administrator first. Two rules keep progman administrable: the last
active administrator can be neither demoted nor deactivated, and nobody deactivates
themselves. A grant names a program (and a project of it) that exists, so a typo does not
leave a grant that quietly gives nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from progman.domain.access import Grant, Role, User
from progman.errors import Conflict, NotFound, UsageError
from progman.services.catalog import programs_page, visible_program
from progman.services.users import (
    CALLERS,
    NewUser,
    check_can_manage_users,
    check_password,
    check_role,
    do_add_user,
    do_grant,
    hash_password,
)
from progman.storage import AuditEntry
from progman.storage import access as stored
from progman.storage.audit import user_entries

__all__ = [
    "Account",
    "account",
    "account_changes",
    "accounts",
    "do_create_account",
    "do_grant_on",
    "do_reset_password",
    "do_revoke",
    "do_set_active",
    "do_set_role",
    "program_keys",
]


@dataclass(frozen=True)
class Account:
    """A user as an administrator sees them (never their password)."""

    name: str
    role: Role
    active: bool
    grants: tuple[Grant, ...]
    created_at: datetime | None

    @property
    def is_admin(self) -> bool:
        return User(self.name, self.role, self.grants).is_admin


def accounts(session: Session, actor: User) -> list[Account]:
    """Every user by name, with their role, status and grants."""
    check_can_manage_users(actor)
    return [_account(found) for found in stored.list_users(session)]


def account(session: Session, actor: User, name: str) -> Account:
    check_can_manage_users(actor)
    return _account(_find(session, name))


def account_changes(session: Session, actor: User, name: str, limit: int = 20) -> list[AuditEntry]:
    """The last changes made to user ``name``, newest first, from the audit log."""
    check_can_manage_users(actor)
    _find(session, name)
    return user_entries(session, name, limit)


def program_keys(session: Session, actor: User) -> list[str]:
    """The keys of every stored program (the choices of a grant's program)."""
    check_can_manage_users(actor)
    return [entry.key for entry in programs_page(session, actor, None, 500).items]


def do_create_account(
    session: Session,
    actor: User,
    name: str,
    role: str,
    *,
    program: str | None = None,
    project: str | None = None,
    password: str | None = None,
) -> NewUser:
    """``progman user add``, with the program and project checked to exist."""
    check_can_manage_users(actor)
    if program is not None:
        _check_scope(session, actor, program, project)
    return do_add_user(
        session, actor, name, role, program=program, project=project, password=password
    )


def do_set_role(session: Session, actor: User, name: str, role: str) -> None:
    """Make user ``name`` an administrator, or take that away (their grants then say what
    they may do)."""
    check_can_manage_users(actor)
    chosen = check_role(role)
    found = _find(session, name)
    if chosen == found.user.role:
        return
    if chosen != "admin":
        _keep_an_admin(session, found, "demote")
    stored.set_role(session, found, chosen, actor.name)
    CALLERS.forget()  # the new role holds from the next request on


def do_set_active(session: Session, actor: User, name: str, active: bool) -> None:
    """Deactivate user ``name`` (they cannot log in; their sessions end and their tokens
    are revoked) or reactivate them."""
    check_can_manage_users(actor)
    found = _find(session, name)
    if found.active == active:
        return
    if not active:
        if name == actor.name:
            raise Conflict("you cannot deactivate yourself: ask another administrator to do it")
        _keep_an_admin(session, found, "deactivate")
    stored.set_active(session, found, active, actor.name, datetime.now(UTC))
    CALLERS.forget()


def do_reset_password(
    session: Session, actor: User, name: str, password: str | None = None
) -> str | None:
    """A new password for user ``name``: ``password``, or a generated one returned to be
    shown once. Their browser sessions end."""
    check_can_manage_users(actor)
    found = _find(session, name)
    generated = None
    if password is None:
        generated = password = secrets.token_urlsafe(12)
    check_password(password)
    stored.reset_password(session, found, hash_password(password), actor.name)
    CALLERS.forget()
    return generated


def do_grant_on(
    session: Session,
    actor: User,
    name: str,
    role: str,
    *,
    program: str,
    project: str | None = None,
) -> Grant:
    """Give user ``name`` ``role`` on ``program`` (or ``project`` of it), replacing the
    role they held on that same scope."""
    check_can_manage_users(actor)
    chosen = check_role(role)
    if chosen == "admin":
        raise UsageError(
            "admin is a role on everything, not on one program: change the user's role "
            "to admin instead",
            option="role",
        )
    if not program:
        raise UsageError("name the program to grant the role on", option="program")
    _find(session, name)
    _check_scope(session, actor, program, project)
    grant = Grant(chosen, program, project)
    do_grant(session, actor, name, grant)
    return grant


def do_revoke(
    session: Session, actor: User, name: str, program: str | None, project: str | None = None
) -> Grant:
    """Take away user ``name``'s grant on ``program`` (or ``project`` of it)."""
    check_can_manage_users(actor)
    found = _find(session, name)
    removed = stored.remove_grant(session, found, program, project, actor.name)
    if removed is None:
        scope = "every program" if program is None else f"program {program}"
        if project is not None:
            scope = f"project {project} of {scope}"
        raise NotFound(
            f"{name} holds no grant on {scope}: list their grants to see the ones they hold"
        )
    CALLERS.forget()
    return removed


def _find(session: Session, name: str) -> stored.StoredUser:
    found = stored.find_user(session, name)
    if found is None:
        raise NotFound(f"no user named {name!r}")
    return found


def _account(found: stored.StoredUser) -> Account:
    user = found.user
    return Account(user.name, user.role, found.active, user.grants, found.created_at)


def _check_scope(session: Session, actor: User, program: str, project: str | None) -> None:
    try:
        plan = visible_program(session, actor, program)
    except NotFound:
        raise UsageError(
            f"no program with key {program!r}; choose one of the stored programs",
            option="program",
        ) from None
    if project is not None and project not in {p.id for p in plan.projects}:
        raise UsageError(
            f"program {program} has no project {project!r}; leave it empty to grant the "
            "whole program",
            option="project",
        )


def _keep_an_admin(session: Session, found: stored.StoredUser, verb: str) -> None:
    """Refuse to demote or deactivate the last active administrator."""
    if not (found.active and found.user.is_admin):
        return
    stored.lock_admins(session)  # two admins demoting each other wait for one another
    others = [
        u for u in stored.list_users(session) if u.active and u.user.is_admin and u.id != found.id
    ]
    if not others:
        raise Conflict(
            f"{found.user.name} is the last active administrator: make another user an "
            f"administrator before you {verb} them, or nobody could manage users any more"
        )
