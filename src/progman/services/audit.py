"""The audit log of a stored program, newest first, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from progman.domain.access import User
from progman.errors import UsageError
from progman.services.catalog import foreign_cursor, program_entry
from progman.storage import AuditEntry, audit_entries

__all__ = ["AuditEntry", "AuditPage", "audit_page"]

MAX_PAGE = 500


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    next: str | None  # cursor of the older entries, None on the last page


def audit_page(
    session: Session,
    user: User,
    key: str,
    *,
    entity: str | None = None,
    actor: str | None = None,
    cursor: str | None = None,
    limit: int = 100,
) -> AuditPage:
    """Who changed what of program ``key`` and when (only ``entity``'s or ``actor``'s
    changes when given), ``limit`` entries older than ``cursor``."""
    program_entry(session, user, key)  # 404 unless it exists and the user may see it
    if not 1 <= limit <= MAX_PAGE:
        raise UsageError(f"limit must be 1 to {MAX_PAGE}, not {limit}", option="limit")
    before = None
    if cursor is not None:
        if not cursor.isdigit():
            raise foreign_cursor()
        before = int(cursor)
    found = audit_entries(
        session, key, entity=entity, actor=actor, before_id=before, limit=limit + 1
    )
    page = found[:limit]
    return AuditPage(page, str(page[-1].id) if len(found) > limit else None)
