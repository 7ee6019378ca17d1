"""Use cases on whole stored programs, for a user in the caller's transaction: store a plan
(new, or replacing the stored one in place), export, list, delete; and initialise a
database.

A ``do_`` function writes, and writes the audit log (as the acting user) in the caller's
transaction. Storing a new program or deleting one needs an administrator; replacing one,
a program manager of it.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from progman.domain import Program
from progman.domain.access import Access, User
from progman.errors import Forbidden
from progman.services.database import unit_of_work
from progman.services.users import check_access, check_can_read, local_admin
from progman.storage import (
    ProgramSummary,
    SaveResult,
    delete_program,
    list_programs,
    load_program,
    program_summary,
    save_program,
    upgrade_database,
)

#: Who the audit log names for changes made by ``progman init``.
INIT_ACTOR = "progman init"


def do_save_program(
    session: Session, user: User, program: Program, *, expected_revision: int | None = None
) -> SaveResult:
    """Store ``program``: new, or in place of the stored one with its key (what changed is
    audited as ``user``'s; with ``expected_revision``, a save by anyone else since is a
    conflict)."""
    if program_summary(session, program.key) is None:
        if not user.is_admin:
            raise Forbidden(f"{user.name} may not create programs (an administrator may)")
    else:
        check_access(user, program.key, Access.MANAGE_PROGRAM)
    return save_program(session, program, user.name, expected_revision=expected_revision)


def export_program(session: Session, user: User, key: str) -> Program:
    """The stored program ``key`` as a domain object (to dump as a plan file)."""
    check_can_read(user, key)
    return load_program(session, key)


def stored_programs(session: Session, user: User) -> list[ProgramSummary]:
    """The stored programs ``user`` may see, by key."""
    return [summary for summary in list_programs(session) if user.can_see(summary.key)]


def do_delete_program(session: Session, user: User, key: str) -> int:
    """Delete program ``key`` with all its entities (an administrator's); returns how many
    were deleted (the audit log keeps each one's last content)."""
    check_can_read(user, key)
    if not user.is_admin:
        raise Forbidden(f"{user.name} may not delete programs (an administrator may)")
    return delete_program(session, key, user.name)


def init_database(url: str, sample: Program | None = None) -> str:
    """Create or upgrade the schema, then store ``sample`` if given; returns the revision.

    Running it again is harmless: the schema is already current and an unchanged sample
    changes nothing.
    """
    revision = upgrade_database(url)
    if sample is not None:
        with unit_of_work(url, write=True) as session:
            do_save_program(session, local_admin(INIT_ACTOR), sample)
    return revision
