"""Versions of stored entities: what the API sends as ETags and checks ``If-Match`` against.

Every entity row's ``version`` starts at 1 and is bumped by each save that changes its
content (``storage/writer.py``); a program's ``revision`` by each save that changes
anything in it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from progman.storage import models as m
from progman.storage.stored import program_not_found


def program_revision(session: Session, key: str) -> tuple[int, datetime]:
    """The program's current revision and when it was saved (a restored backup may bring
    back a revision number with other content: the time tells them apart);
    :class:`NotFound` for an unknown key."""
    row = session.execute(
        select(m.ProgramRow.revision, m.ProgramRow.updated_at).where(m.ProgramRow.key == key)
    ).one_or_none()
    if row is None:
        raise program_not_found(session, key)
    return int(row[0]), row[1]


def work_item_versions(session: Session, key: str) -> dict[str, int]:
    """The version of every work item of program ``key``, by id."""
    rows = session.execute(
        select(m.WorkItemRow.key, m.WorkItemRow.version)
        .join(m.ProgramRow, m.ProgramRow.id == m.WorkItemRow.program_id)
        .where(m.ProgramRow.key == key)
    )
    return {ident: int(version) for ident, version in rows}
