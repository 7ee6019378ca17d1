"""Keeping a database (``progman db upgrade|backup|restore``): bring its schema to this
version of progman, back every table up to a file portable between SQLite and
PostgreSQL, and restore such a file (all or nothing).

URLs are shown through :func:`safe_url` (the password hidden) in every message.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from progman.storage import (
    BackupInfo,
    backup_database,
    head_revision,
    restore_database,
    safe_url,
    upgrade_database,
)

__all__ = [
    "BackupInfo",
    "SchemaRevision",
    "do_backup_database",
    "do_restore_database",
    "do_upgrade_database",
    "safe_url",
]


@dataclass(frozen=True)
class SchemaRevision:
    """The schema revision a database is at, and whether it is this progman's newest."""

    revision: str
    current: bool


def do_upgrade_database(url: str) -> SchemaRevision:
    """Create the tables of the database at ``url``, or migrate them to this version."""
    revision = upgrade_database(url)
    return SchemaRevision(revision, revision == head_revision())


def do_backup_database(url: str, file: Path) -> BackupInfo:
    """Write every table of the database at ``url`` to ``file`` (gzip JSON), atomically."""
    return backup_database(url, file)


def do_restore_database(url: str, file: Path) -> BackupInfo:
    """Replace all data of the database at ``url`` with the backup in ``file``."""
    return restore_database(url, file)
