"""Reading the audit log: who changed what, when, with the entity before and after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from progman.storage import models as m


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
    before_id: int | None = None,
    limit: int = 100,
) -> list[AuditEntry]:
    """The program's audit rows, newest first, older than ``before_id`` when given."""
    query = select(m.AuditRow).where(m.AuditRow.program_key == program_key)
    if entity is not None:
        query = query.where(m.AuditRow.entity_key == entity)
    if actor is not None:
        query = query.where(m.AuditRow.actor == actor)
    if before_id is not None:
        query = query.where(m.AuditRow.id < before_id)
    rows = session.scalars(query.order_by(m.AuditRow.id.desc()).limit(limit))
    return [_entry(row) for row in rows]


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
