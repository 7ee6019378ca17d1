"""The audit log of a stored program, newest first, a page at a time, with filters: one
entity, one person, one action, one kind of entity, a range of days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from progman.domain.access import User
from progman.errors import UsageError
from progman.services.catalog import foreign_cursor, program_entry
from progman.storage import AuditEntry, audit_entries
from progman.storage.audit import AUDIT_ACTIONS, audit_kinds

__all__ = [
    "AUDIT_ACTIONS",
    "AuditEntry",
    "AuditPage",
    "audit_entity_kinds",
    "audit_page",
    "parse_day",
]

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
    action: str | None = None,
    kind: str | None = None,
    since: date | None = None,
    until: date | None = None,
    cursor: str | None = None,
    limit: int = 100,
) -> AuditPage:
    """Who changed what of program ``key`` and when, ``limit`` entries older than
    ``cursor``; only ``entity``'s, ``actor``'s, ``action``'s (created, updated, deleted),
    ``kind``'s (task, risk…) changes and those made from day ``since`` to day ``until``
    (both included, UTC) when given."""
    program_entry(session, user, key)  # 404 unless it exists and the user may see it
    if not 1 <= limit <= MAX_PAGE:
        raise UsageError(f"limit must be 1 to {MAX_PAGE}, not {limit}", option="limit")
    if action is not None and action not in AUDIT_ACTIONS:
        raise UsageError(
            f"no action {action!r}; choose one of {', '.join(AUDIT_ACTIONS)}", option="action"
        )
    if since is not None and until is not None and until < since:
        raise UsageError(
            f"the range ends ({until}) before it starts ({since}): swap the two days",
            option="to",
        )
    before = None
    if cursor is not None:
        if not cursor.isdigit():
            raise foreign_cursor()
        before = int(cursor)
    found = audit_entries(
        session,
        key,
        entity=entity,
        actor=actor,
        action=action,
        kind=kind,
        since=None if since is None else _midnight(since),
        until=None if until is None else _midnight(until + timedelta(days=1)),
        before_id=before,
        limit=limit + 1,
    )
    page = found[:limit]
    return AuditPage(page, str(page[-1].id) if len(found) > limit else None)


def audit_entity_kinds(session: Session, user: User, key: str) -> list[str]:
    """The kinds of entity named in program ``key``'s audit log (a filter's choices)."""
    program_entry(session, user, key)
    return audit_kinds(session, key)


def parse_day(text: str | None, option: str) -> date | None:
    """A day typed as YYYY-MM-DD (None when blank); a :class:`UsageError` naming
    ``option`` otherwise."""
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{text!r} is not a day: write it as YYYY-MM-DD", option=option) from None


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)
