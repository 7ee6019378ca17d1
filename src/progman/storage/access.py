"""Users, their grants, API tokens and browser sessions in the database.

Secrets never reach a table: passwords are stored as argon2 hashes (made by the caller),
tokens and session cookies as their SHA-256. Every change to a user or a grant writes an
audit row, as changes to programs do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from progman.domain.access import Grant, Role, User
from progman.errors import Conflict, NotFound
from progman.storage import models as m


@dataclass(frozen=True)
class StoredUser:
    """A user row with what login needs: its id and password hash."""

    id: int
    user: User
    password_hash: str | None
    active: bool = True
    created_at: datetime | None = None


def count_users(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(m.UserRow)) or 0)


def add_user(session: Session, name: str, role: Role, password_hash: str | None, actor: str) -> int:
    """A new user; a :class:`Conflict` if the name is taken."""
    if session.scalar(select(m.UserRow.id).where(m.UserRow.name == name)) is not None:
        raise Conflict(f"a user named {name!r} exists already; choose another name")
    row = m.UserRow(name=name, role=role, password_hash=password_hash)
    session.add(row)
    session.flush()
    _audit(session, actor, "created", name, after={"name": name, "role": role})
    return row.id


def set_password(session: Session, user_id: int, password_hash: str) -> None:
    session.execute(
        update(m.UserRow).where(m.UserRow.id == user_id).values(password_hash=password_hash)
    )


def add_grant(
    session: Session,
    user_id: int,
    grant: Grant,
    actor: str,
) -> None:
    """Grant ``grant`` to the user (replacing the role held on that same scope)."""
    name = session.scalar(select(m.UserRow.name).where(m.UserRow.id == user_id))
    if name is None:
        raise NotFound(f"no user with id {user_id}")
    scope = (
        m.GrantRow.program_key.is_(None)
        if grant.program is None
        else m.GrantRow.program_key == grant.program
    )
    project = (
        m.GrantRow.project_key.is_(None)
        if grant.project is None
        else m.GrantRow.project_key == grant.project
    )
    session.execute(delete(m.GrantRow).where(m.GrantRow.user_id == user_id, scope, project))
    session.add(
        m.GrantRow(
            user_id=user_id, program_key=grant.program, project_key=grant.project, role=grant.role
        )
    )
    after = {"role": grant.role, "program": grant.program, "project": grant.project}
    _audit(session, actor, "updated", name, after={"grant": after})


def find_user(session: Session, name: str) -> StoredUser | None:
    row = session.scalars(select(m.UserRow).where(m.UserRow.name == name)).one_or_none()
    return None if row is None else _stored(session, row)


def user_by_id(session: Session, user_id: int) -> StoredUser | None:
    row = session.get(m.UserRow, user_id)
    return None if row is None else _stored(session, row)


def _stored(session: Session, row: m.UserRow) -> StoredUser:
    grants = session.scalars(
        select(m.GrantRow).where(m.GrantRow.user_id == row.id).order_by(m.GrantRow.id)
    )
    held = tuple(
        Grant(role=g.role, program=g.program_key, project=g.project_key)  # type: ignore[arg-type]
        for g in grants
    )
    return _stored_with(row, held)


def _stored_with(row: m.UserRow, held: tuple[Grant, ...]) -> StoredUser:
    user = User(row.name, row.role, held)  # type: ignore[arg-type]
    return StoredUser(row.id, user, row.password_hash, row.active, row.created_at)


def lock_user(session: Session, name: str) -> None:
    """Hold user ``name``'s row until the transaction ends (PostgreSQL; SQLite's writer
    holds the whole database already), so an edit checked against the version read is
    not interleaved with another edit of the same user."""
    session.execute(select(m.UserRow.id).where(m.UserRow.name == name).with_for_update())


def lock_admins(session: Session) -> None:
    """Hold the active administrators' rows until the transaction ends, so that two
    administrators demoting or deactivating each other at once cannot both pass the
    last-administrator check (PostgreSQL; SQLite's writer holds the whole database)."""
    admins = select(m.UserRow.id).where(m.UserRow.role == "admin", m.UserRow.active.is_(True))
    session.execute(admins.order_by(m.UserRow.id).with_for_update())


def list_users(session: Session) -> list[StoredUser]:
    """Every user by name, with their grants (two queries, whatever their number)."""
    held: dict[int, list[Grant]] = {}
    for g in session.scalars(select(m.GrantRow).order_by(m.GrantRow.id)):
        grant = Grant(role=g.role, program=g.program_key, project=g.project_key)  # type: ignore[arg-type]
        held.setdefault(g.user_id, []).append(grant)
    rows = session.scalars(select(m.UserRow).order_by(m.UserRow.name))
    return [_stored_with(row, tuple(held.get(row.id, ()))) for row in rows]


def set_role(session: Session, user: StoredUser, role: Role, actor: str) -> None:
    """Change the user's role (admin: everything; otherwise what their grants allow)."""
    session.execute(update(m.UserRow).where(m.UserRow.id == user.id).values(role=role))
    _audit(session, actor, "updated", user.user.name, before={"role": user.user.role},
           after={"role": role})  # fmt: skip


def set_active(session: Session, user: StoredUser, active: bool, actor: str, now: datetime) -> None:
    """Deactivate (its sessions end and its tokens are revoked) or reactivate a user."""
    session.execute(update(m.UserRow).where(m.UserRow.id == user.id).values(active=active))
    if not active:
        _end_sessions(session, user.id)
        session.execute(
            update(m.ApiTokenRow)
            .where(m.ApiTokenRow.user_id == user.id, m.ApiTokenRow.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    _audit(session, actor, "updated", user.user.name, before={"active": user.active},
           after={"active": active})  # fmt: skip


def reset_password(session: Session, user: StoredUser, password_hash: str, actor: str) -> None:
    """A new password (its hash); the user's browser sessions end."""
    set_password(session, user.id, password_hash)
    _end_sessions(session, user.id)
    _audit(session, actor, "updated", user.user.name, before={"password": "(old)"},
           after={"password": "(reset)"})  # fmt: skip


def remove_grant(
    session: Session, user: StoredUser, program: str | None, project: str | None, actor: str
) -> Grant | None:
    """Revoke the user's grant on that scope; the grant revoked, None if there was none."""
    held = [g for g in user.user.grants if (g.program, g.project) == (program, project)]
    if not held:
        return None
    session.execute(
        delete(m.GrantRow).where(
            m.GrantRow.user_id == user.id,
            m.GrantRow.program_key.is_(None)
            if program is None
            else m.GrantRow.program_key == program,
            m.GrantRow.project_key.is_(None)
            if project is None
            else m.GrantRow.project_key == project,
        )
    )
    before = {"role": held[0].role, "program": program, "project": project}
    _audit(session, actor, "updated", user.user.name, before={"grant": before},
           after={"grant": None})  # fmt: skip
    return held[0]


def _end_sessions(session: Session, user_id: int) -> None:
    session.execute(delete(m.SessionRow).where(m.SessionRow.user_id == user_id))


def add_token(session: Session, user_id: int, token_hash: str, expires_at: datetime) -> int:
    row = m.ApiTokenRow(user_id=user_id, token_hash=token_hash, expires_at=expires_at)
    session.add(row)
    session.flush()
    return row.id


def token_user(session: Session, token_hash: str, now: datetime) -> int | None:
    """The user of a token that is neither expired nor revoked."""
    return session.scalar(
        select(m.ApiTokenRow.user_id).where(
            m.ApiTokenRow.token_hash == token_hash,
            m.ApiTokenRow.expires_at > now,
            m.ApiTokenRow.revoked_at.is_(None),
        )
    )


def revoke_token(session: Session, token_id: int, user_id: int, now: datetime) -> bool:
    done = session.execute(
        update(m.ApiTokenRow)
        .where(
            m.ApiTokenRow.id == token_id,
            m.ApiTokenRow.user_id == user_id,
            m.ApiTokenRow.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    return bool(done.rowcount)  # type: ignore[attr-defined]


def add_session(
    session: Session, user_id: int, session_hash: str, csrf_token: str, expires_at: datetime
) -> None:
    session.add(
        m.SessionRow(
            user_id=user_id,
            session_hash=session_hash,
            csrf_token=csrf_token,
            expires_at=expires_at,
        )
    )


def session_user(session: Session, session_hash: str, now: datetime) -> tuple[int, str] | None:
    """The user and CSRF token of a session that has not expired."""
    row = session.execute(
        select(m.SessionRow.user_id, m.SessionRow.csrf_token).where(
            m.SessionRow.session_hash == session_hash, m.SessionRow.expires_at > now
        )
    ).one_or_none()
    return None if row is None else (row[0], row[1])


def delete_session(session: Session, session_hash: str) -> None:
    session.execute(delete(m.SessionRow).where(m.SessionRow.session_hash == session_hash))


def _audit(
    session: Session,
    actor: str,
    action: str,
    name: str,
    *,
    after: dict[str, Any],
    before: dict[str, Any] | None = None,
) -> None:
    session.add(
        m.AuditRow(
            actor=actor,
            action=action,
            entity_kind="user",
            entity_key=name,
            program_key=None,
            before=before,
            after=after,
        )
    )
