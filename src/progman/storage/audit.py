"""Reading the audit log: who changed what, when, with the entity before and after."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from progman.storage import models as m
from progman.storage.models import AUDIT_ACTIONS

__all__ = [
    "AUDIT_ACTIONS",
    "AuditEntry",
    "audit_entries",
    "audit_kinds",
    "user_entries",
    "user_versions",
]


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    entity_kind: str
    entity_key: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def audit_entries(
    session: Session,
    program_key: str,
    *,
    entity: str | None = None,
    actor: str | None = None,
    action: str | None = None,
    kind: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[AuditEntry]:
    """The program's audit rows, newest first, older than ``before_id`` when given; each
    filter given keeps only the rows that match it (``since`` ≤ at < ``until``)."""
    query = select(m.AuditRow).where(m.AuditRow.program_key == program_key)
    if entity is not None:
        query = query.where(m.AuditRow.entity_key == entity)
    if actor is not None:
        query = query.where(m.AuditRow.actor == actor)
    if action is not None:
        query = query.where(m.AuditRow.action == action)
    if kind is not None:
        query = query.where(m.AuditRow.entity_kind == kind)
    if since is not None:
        query = query.where(m.AuditRow.at >= since)
    if until is not None:
        query = query.where(m.AuditRow.at < until)
    if before_id is not None:
        query = query.where(m.AuditRow.id < before_id)
    rows = session.scalars(query.order_by(m.AuditRow.id.desc()).limit(limit))
    return [_entry(row) for row in rows]


def audit_kinds(session: Session, program_key: str) -> list[str]:
    """The kinds of entity the program's audit log names, by name (for a filter's choices)."""
    query = select(m.AuditRow.entity_kind).where(m.AuditRow.program_key == program_key)
    return sorted(session.scalars(query.distinct()))


def user_entries(session: Session, name: str, limit: int = 20) -> list[AuditEntry]:
    """The last changes made to user ``name`` (their role, status, password, grants)."""
    query = select(m.AuditRow).where(
        m.AuditRow.entity_kind == "user", m.AuditRow.entity_key == name
    )
    return [
        _entry(row) for row in session.scalars(query.order_by(m.AuditRow.id.desc()).limit(limit))
    ]


def user_versions(session: Session, names: Sequence[str]) -> dict[str, int]:
    """Each named user's version: how many changes the audit log holds about them (every
    change to a user or their grants writes one row, and rows are never deleted), so it
    grows with each change. A user absent from the log is at 0."""
    if not names:
        return {}
    query = (
        select(m.AuditRow.entity_key, func.count())
        .where(m.AuditRow.entity_kind == "user", m.AuditRow.entity_key.in_(names))
        .group_by(m.AuditRow.entity_key)
    )
    counted = {str(key): int(count) for key, count in session.execute(query)}
    return {name: counted.get(name, 0) for name in names}


def _entry(row: m.AuditRow) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        actor=row.actor,
        action=row.action,
        entity_kind=row.entity_kind,
        entity_key=row.entity_key,
        before=row.before,
        after=row.after,
    )
