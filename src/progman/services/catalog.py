"""The stored programs a user may see: listed a page at a time, one by one, loaded.

A program the user holds no grant on is answered exactly as a key that does not exist,
so its existence is not given away.
"""

from __future__ import annotations

import base64
import binascii
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from progman.domain import ChangeItem, Program
from progman.domain.access import Access, User
from progman.domain.checked import mark_checked, seal
from progman.domain.scenarios import apply_changes
from progman.errors import Conflict, Location, NotFound, PlanInvalid, Problem, UsageError
from progman.services.database import database_of
from progman.services.single_flight import SingleFlight
from progman.services.users import check_access, check_can_read
from progman.storage import (
    caught_up,
    list_programs,
    load_program,
    program_revision,
    program_summary,
    save_edit,
    save_program,
)

MAX_PAGE = 500
#: Which stored program, as of when: database, key, revision, time of that save.
Stamp = tuple[str, str, int, str]


@dataclass(frozen=True)
class ProgramEntry:
    key: str
    name: str
    projects: int
    work_items: int
    revision: int
    updated_at: datetime


@dataclass(frozen=True)
class Page:
    items: list[ProgramEntry]
    next: str | None  # the cursor of the next page, None on the last one


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return base64.b64decode(padded, altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise foreign_cursor() from None


def foreign_cursor() -> UsageError:
    """The error for a cursor that is not one this list handed out."""
    return UsageError(
        "not a cursor of this list: pass the 'next' value of the previous page", option="cursor"
    )


def programs_page(session: Session, user: User, cursor: str | None, limit: int) -> Page:
    """The programs ``user`` may see, by key, ``limit`` at most after ``cursor``."""
    if not 1 <= limit <= MAX_PAGE:
        raise UsageError(f"limit must be 1 to {MAX_PAGE}, not {limit}", option="limit")
    after = decode_cursor(cursor) if cursor else None
    visible = [
        ProgramEntry(s.key, s.name, s.projects, s.tasks, s.revision, s.updated_at)
        for s in list_programs(session)
        if user.can_see(s.key) and (after is None or s.key > after)
    ]
    page = visible[:limit]
    more = len(visible) > limit
    return Page(page, encode_cursor(page[-1].key) if more and page else None)


def program_entry(session: Session, user: User, key: str) -> ProgramEntry:
    """One program's summary (its revision is its version)."""
    check_can_read(user, key)
    summary = program_summary(session, key)
    if summary is None:
        raise NotFound(f"no program with key {key!r}")
    return ProgramEntry(
        summary.key,
        summary.name,
        summary.projects,
        summary.tasks,
        summary.revision,
        summary.updated_at,
    )


def visible_program(session: Session, user: User, key: str) -> Program:
    """The stored program ``key``, when ``user`` may see it."""
    return visible_program_at(session, user, key)[0]


def visible_program_at(session: Session, user: User, key: str) -> tuple[Program, int, Stamp]:
    """The stored program ``key`` and the revision it was at when read (read first: an
    edit saved against it fails if anyone saved the program in between).

    A revision is immutable, so the program of each recent one is kept in the process
    (:data:`LOADED`) and shared by the requests that read it: services never change a
    program in place (edits are copy-on-write, :func:`apply_changes`).
    """
    check_can_read(user, key)
    try:
        revision, saved_at = program_revision(session, key)
        stamp = (database_of(session), key, revision, saved_at.isoformat())
        cached = LOADED.get(stamp)
        if cached is None:
            cached = _READING.run(stamp, lambda: _read(session, stamp))
        return cached, revision, stamp
    except NotFound:  # its message lists the stored keys: not for every user to read
        raise NotFound(f"no program with key {key!r}") from None


def _read(session: Session, stamp: Stamp) -> Program:
    """The program of ``stamp``: caught up from an older one kept, or loaded; then kept."""
    found = LOADED.get(stamp)  # kept by another reader just before this one asked
    if found is None:
        found = shared(_caught_up(session, stamp) or load_program(session, stamp[1]))
        LOADED.put(stamp, found)
    return found


def _caught_up(session: Session, stamp: Stamp) -> Program | None:
    """The newest program kept of an older revision of ``stamp``'s, brought up to it from
    the audit log (another process saved it since); None: none kept, or not replayable."""
    database, key, revision, _ = stamp
    older = LOADED.newest_before(database, key, revision)
    if older is None:
        return None
    (_, _, held_revision, saved_at), held = older
    return caught_up(session, held, (held_revision, datetime.fromisoformat(saved_at)), revision)


def do_save_edited(session: Session, user: User, key: str, program: Program, revision: int) -> int:
    """Save ``program``, an edit of the stored program ``key`` as read at ``revision``
    (anyone's save in between is a conflict, never a lost update), audited as ``user``'s,
    and keep it for the next readers; returns the program's new revision.

    The program read at ``revision`` is still kept here (:data:`LOADED`) in all but rare
    cases: then only what the edit touched is written (:func:`save_edit`); otherwise the
    whole program is compared with its rows.
    """
    stored_revision, saved_at = program_revision(session, key)
    before = None
    if stored_revision == revision:  # else the save below fails: someone saved meanwhile
        before = LOADED.get((database_of(session), key, revision, saved_at.isoformat()))
    if before is None:
        result = save_program(session, program, user.name, expected_revision=revision)
    else:
        result = save_edit(session, before, program, user.name, expected_revision=revision)
    remember_program(session, key, program)
    return result.revision


def do_add_to_program(
    session: Session, user: User, key: str, section: str, fields: Mapping[str, Any]
) -> tuple[Program, Program, int]:
    """A new entity at the end of one of the program's lists (``"projects"``,
    ``"resources"``), from ``fields`` in plan-file form with its id; a program manager's.
    Returns the program before and after, and its new revision."""
    program, revision, _ = visible_program_at(session, user, key)
    check_access(user, key, Access.MANAGE_PROGRAM)
    ident = str(fields.get("id"))
    if any(entity.id == ident for entity in getattr(program, section)):
        noun = section.removesuffix("s")
        raise Conflict(
            f"program {key} has a {noun} {ident} already: choose another id",
            location=Location(path="id"),
        )
    change = ChangeItem(op="add", target=program.key, field=section, value=dict(fields))
    try:
        edited = apply_changes(program, [change])
    except PlanInvalid as invalid:
        raise PlanInvalid(problems_by_field(invalid, ["body"])) from None
    return program, edited, do_save_edited(session, user, key, edited, revision)


def with_fields_set(program: Program, target: str, fields: Mapping[str, Any]) -> Program:
    """``program`` with each of ``fields`` (name → value in plan-file form) set on the entity
    ``target`` names, validated as a plan file is; a problem names the field it is about."""
    names = list(fields)
    changes = [ChangeItem(op="set", target=target, field=n, value=fields[n]) for n in names]
    try:
        return apply_changes(program, changes)
    except PlanInvalid as invalid:
        raise PlanInvalid(problems_by_field(invalid, names)) from None


def problems_by_field(invalid: PlanInvalid, names: list[str]) -> list[Problem]:
    """The problems of ``changes[i]`` named after the field the i-th change set."""
    problems = []
    for problem in invalid.problems:
        path = problem.location.path or ""
        field = "body"
        if path.startswith("changes[") and path.endswith("]"):
            number = int(path[len("changes[") : -1])
            field = names[number] if number < len(names) else "body"
        message = problem.message.split(": ", 1)[-1] if ": " in problem.message else problem.message
        problems.append(Problem(problem.code, message, Location(path=field)))
    return problems


def remember_program(session: Session, key: str, program: Program) -> None:
    """Keep ``program``, just saved as ``key`` in ``session``'s transaction, for the next
    readers of that revision (a revision rolled back is never asked for: its save time
    is in no committed row)."""
    revision, saved_at = program_revision(session, key)
    LOADED.put((database_of(session), key, revision, saved_at.isoformat()), shared(program))


def shared(program: Program) -> Program:
    """``program``, sealed: it is shared by requests, so nobody may change it in place (edits
    make copy-on-write variants, sealed in turn); it was checked when it was saved."""
    seal(program)
    mark_checked(program)
    return program


class RecentPrograms:
    """The last few programs loaded, by :data:`Stamp` (thread-safe)."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._programs: OrderedDict[Stamp, Program] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, revision: Stamp) -> Program | None:
        with self._lock:
            program = self._programs.get(revision)
            if program is not None:
                self._programs.move_to_end(revision)
            return program

    def put(self, revision: Stamp, program: Program) -> Program:
        with self._lock:
            self._programs[revision] = program
            self._programs.move_to_end(revision)
            while len(self._programs) > self.size:
                self._programs.popitem(last=False)
        return program

    def newest_before(self, database: str, key: str, revision: int) -> tuple[Stamp, Program] | None:
        """The program kept of the newest revision of ``key`` below ``revision``."""
        with self._lock:
            older = [
                (stamp, program)
                for stamp, program in self._programs.items()
                if stamp[:2] == (database, key) and stamp[2] < revision
            ]
        return max(older, key=lambda kept: kept[0][2]) if older else None

    def clear(self) -> None:
        with self._lock:
            self._programs.clear()


#: The process's recently loaded programs.
LOADED = RecentPrograms()
#: The programs being read: one load for the requests that ask for a revision together.
_READING: SingleFlight[Program] = SingleFlight()
