"""Versions of stored entities: what the API sends as ETags and checks ``If-Match`` against.

Every entity row's ``version`` starts at 1 and is bumped by each save that changes its
content (``storage/writer.py``); a program's ``revision`` by each save that changes
anything in it.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from progman.storage import models as m
from progman.storage.entities import KINDS
from progman.storage.repository import ProgramSummary
from progman.storage.stored import program_not_found

KINDS_BY_NAME = {kind.name: kind for kind in KINDS}


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


def work_item_versions(
    session: Session, key: str, ids: Collection[str] | None = None
) -> dict[str, int]:
    """The version of every work item of program ``key`` (only of ``ids`` when given),
    by id."""
    return _versions(session, key, m.WorkItemRow, ids)


def resource_versions(
    session: Session, key: str, ids: Collection[str] | None = None
) -> dict[str, int]:
    """The version of every resource of program ``key`` (only of ``ids``), by id."""
    return _versions(session, key, m.ResourceRow, ids)


def entity_versions(
    session: Session, key: str, kind: str, ids: Collection[str] | None = None
) -> dict[str, int]:
    """The version of every entity of ``kind`` (an audit kind name: ``"risk"``,
    ``"objective"``, ``"calendar"``...) of program ``key`` (only of ``ids``), by key."""
    return _versions(session, key, KINDS_BY_NAME[kind].row, ids)


def _versions(session: Session, key: str, row: Any, ids: Collection[str] | None) -> dict[str, int]:
    query = (
        select(row.key, row.version)
        .join(m.ProgramRow, m.ProgramRow.id == row.program_id)
        .where(m.ProgramRow.key == key)
    )
    if ids is not None:
        query = query.where(row.key.in_(list(ids)))
    return {ident: int(version) for ident, version in session.execute(query)}


def program_summary(session: Session, key: str) -> ProgramSummary | None:
    """One program's line of the program list (None: no such program)."""
    row = session.scalars(select(m.ProgramRow).where(m.ProgramRow.key == key)).one_or_none()
    if row is None:
        return None
    projects = session.scalar(
        select(func.count()).select_from(m.ProjectRow).where(m.ProjectRow.program_id == row.id)
    )
    tasks = session.scalar(
        select(func.count()).select_from(m.WorkItemRow).where(m.WorkItemRow.program_id == row.id)
    )
    return ProgramSummary(
        row.key, row.name, int(projects or 0), int(tasks or 0), row.revision, row.updated_at
    )
