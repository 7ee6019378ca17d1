"""Use cases on stored programs: import a plan, export it, list, delete, initialise.

Each opens the database named by ``url``, runs in one transaction and closes it again.
A ``do_`` function writes, and writes the audit log in that same transaction.
"""

from __future__ import annotations

from progman.domain import Program
from progman.storage import (
    ProgramSummary,
    SaveResult,
    open_engine,
    transaction,
    upgrade_database,
)
from progman.storage import delete_program as _delete_program
from progman.storage import list_programs as _list_programs
from progman.storage import load_program as _load_program
from progman.storage import save_program as _save_program

#: Who the audit log names for changes made by ``progman init``.
INIT_ACTOR = "progman init"


def do_import_plan(
    url: str, program: Program, actor: str, *, expected_revision: int | None = None
) -> str:
    """Store ``program`` (new, or replacing the stored one with its key); returns the key."""
    return do_save_program(url, program, actor, expected_revision=expected_revision).key


def do_save_program(
    url: str, program: Program, actor: str, *, expected_revision: int | None = None
) -> SaveResult:
    """Like :func:`do_import_plan`, returning what changed (created/updated/deleted)."""
    with open_engine(url) as engine, transaction(engine, write=True) as session:
        return _save_program(session, program, actor, expected_revision=expected_revision)


def export_program(url: str, key: str) -> Program:
    """The stored program ``key`` as a domain object (to dump as a plan file)."""
    with open_engine(url) as engine, transaction(engine, write=False) as session:
        return _load_program(session, key)


def list_programs(url: str) -> list[ProgramSummary]:
    with open_engine(url) as engine, transaction(engine, write=False) as session:
        return _list_programs(session)


def do_delete_program(url: str, key: str, actor: str) -> int:
    """Delete program ``key`` with all its entities; returns how many were deleted."""
    with open_engine(url) as engine, transaction(engine, write=True) as session:
        return _delete_program(session, key, actor)


def init_database(url: str, sample: Program | None = None) -> str:
    """Create or upgrade the schema, then store ``sample`` if given; returns the revision.

    Running it again is harmless: the schema is already current and an unchanged sample
    changes nothing.
    """
    revision = upgrade_database(url)
    if sample is not None:
        do_save_program(url, sample, INIT_ACTOR)
    return revision
