"""What the audit log says changed in a program since one of its revisions: how a change
request's impact, computed on a revision, is known to be stale (any change of the plan
since, other than those ``ignored``) without comparing two whole programs."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from progman.storage import models as m


def changes_since(
    session: Session, key: str, revision: int, *, ignored: Collection[str] = (), limit: int = 20
) -> list[tuple[str, str]]:
    """The entities (``(kind, key)``, oldest change first, ``limit`` at most) of program
    ``key`` changed by the saves after ``revision``, leaving out the kinds ``ignored``."""
    audit = m.AuditRow
    query = select(audit.entity_kind, audit.entity_key).where(
        audit.program_key == key, audit.revision > revision
    )
    if ignored:
        query = query.where(audit.entity_kind.not_in(list(ignored)))
    rows = session.execute(query.order_by(audit.id).limit(limit)).all()
    return [(str(kind), str(ident)) for kind, ident in rows]
