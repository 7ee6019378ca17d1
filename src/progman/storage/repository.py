"""Store whole programs: save (insert or update in place), load, list and delete.

Functions take a session inside a transaction owned by the caller (a service), so a save
is all-or-nothing: if anything fails, the caller's rollback leaves the database as it was.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, undefer

from progman.collector import collector_paused
from progman.domain import Program
from progman.domain.checked import check_once, mark_checked
from progman.domain.validation import format_path
from progman.errors import Conflict, Location, PlanInvalid, Problem, ProgmanError
from progman.storage import models as m
from progman.storage.entities import (
    CALENDAR,
    KEY_RESULT,
    KINDS,
    OBJECTIVE,
    PROGRAM,
    PROGRAM_FIELD,
    PROJECT,
    WORK_ITEM,
    Content,
    domain_data,
    entity_states,
    program_content,
)
from progman.storage.migrate import require_current_schema
from progman.storage.scenarios import SCENARIO_KIND, scenario_content
from progman.storage.snapshot import (
    mended_snapshot,
    program_from_snapshot,
    require_storable,
    snapshot_text,
)
from progman.storage.stored import (
    StoredEntity,
    StoredProgram,
    program_not_found,
    read_program_state,
)
from progman.storage.touched import touched_entities
from progman.storage.trusted import construct
from progman.storage.writer import Changes, ProgramWriter


@dataclass(frozen=True)
class SaveResult:
    """What :func:`save_program` did; ``revision`` is the program's new whole-plan ETag."""

    key: str
    revision: int
    created: int
    updated: int
    deleted: int

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


@dataclass(frozen=True)
class ProgramSummary:
    """One line of the program list."""

    key: str
    name: str
    projects: int
    tasks: int
    revision: int
    updated_at: datetime


def save_program(
    session: Session, program: Program, actor: str, *, expected_revision: int | None = None
) -> SaveResult:
    """Insert ``program`` or update the stored one with the same key in place.

    Only rows whose content changed get a new ``version``; every created, updated and
    deleted entity is written to the audit log as done by ``actor``. With
    ``expected_revision``, a program changed by someone else since is a :class:`Conflict`.
    The program's snapshot is rewritten with it; a program equal to its valid snapshot is
    unchanged: nothing is written, and it is not checked again (it was, when stored).
    """
    with collector_paused():
        return _save_program(session, program, actor, expected_revision)


def _save_program(
    session: Session, program: Program, actor: str, expected_revision: int | None
) -> SaveResult:
    _require_actor(actor)
    require_current_schema(session.connection())
    snapshot = snapshot_text(program)
    require_storable(snapshot)
    row = _program_row(session, program.key, for_update=True, with_snapshot=True)
    if row is not None and _valid_snapshot(row) == snapshot:
        _require_expected_revision(row, expected_revision)
        return _result(program.key, row.revision, Changes())
    _require_valid(program)
    now = m.utc_now()
    content = program_content(program)
    is_new = row is None
    if row is None:
        if expected_revision:
            raise Conflict(f"program {program.key} no longer exists; it was deleted meanwhile")
        row = m.ProgramRow(
            key=program.key,
            version=1,
            revision=1,
            created_at=now,
            updated_at=now,
            snapshot=snapshot,
            snapshot_revision=1,
            **_program_values(content),
        )
        session.add(row)
        session.flush()
        writer = ProgramWriter(session, StoredProgram(row), actor, now, revision=1)
        writer.record(PROGRAM.name, "created", program.key, None, content)
    else:
        _require_expected_revision(row, expected_revision)
        stored = read_program_state(session, row)
        writer = ProgramWriter(session, stored, actor, now, revision=row.revision + 1)
        stored_content = PROGRAM.content_of_row(row, row.key)
        if stored_content != content:
            writer.record(PROGRAM.name, "updated", program.key, stored_content, content)
            for name, value in _program_values(content).items():
                setattr(row, name, value)
            row.version += 1
    changes = writer.write(entity_states(program))
    if changes and not is_new:
        row.revision += 1
        row.updated_at = now
    row.snapshot = snapshot
    row.snapshot_revision = row.revision
    session.flush()
    return _result(program.key, row.revision, changes)


def save_edit(
    session: Session, before: Program, after: Program, actor: str, *, expected_revision: int
) -> SaveResult:
    """Save ``after``, a copy-on-write edit of ``before`` (the stored program as it was at
    ``expected_revision``), writing only the entities the edit touched.

    What :func:`save_program` does for the whole program, for a few rows: the touched
    entities (:func:`touched_entities`, found by identity) are compared with their stored
    rows, changed ones updated with a new ``version``, new ones inserted, dropped ones
    deleted, each with its audit row; the program's revision is bumped. The snapshot is
    mended (the touched entities' texts replaced) or, where that cannot be done, written
    again from ``after``.
    """
    with collector_paused():
        _require_actor(actor)
        require_current_schema(session.connection())
        row = _program_row(session, after.key, for_update=True, with_snapshot=True)
        if row is None:
            raise Conflict(f"program {after.key} no longer exists; it was deleted meanwhile")
        _require_expected_revision(row, expected_revision)
        _require_valid(after)
        now = m.utc_now()
        touched = touched_entities(before, after)
        content = program_content(after)
        stored_content = PROGRAM.content_of_row(row, row.key)
        snapshot = _valid_snapshot(row)
        whole = touched.whole or stored_content != content or snapshot is None
        mended = None if whole else mended_snapshot(snapshot or "", touched.units)
        new_snapshot = snapshot_text(after) if mended is None else mended
        require_storable(new_snapshot)
        stored = read_program_state(session, row, touched.keys)
        writer = ProgramWriter(session, stored, actor, now, partial=True, revision=row.revision + 1)
        if stored_content != content:
            writer.record(PROGRAM.name, "updated", after.key, stored_content, content)
            for name, value in _program_values(content).items():
                setattr(row, name, value)
            row.version += 1
        changes = writer.write(touched.states)
        if changes:
            row.revision += 1
            row.updated_at = now
            row.snapshot = new_snapshot
            row.snapshot_revision = row.revision
        session.flush()
        return _result(after.key, row.revision, changes)


def load_program(session: Session, key: str) -> Program:
    """The stored program ``key``, exactly as it was saved (order included).

    From its snapshot when that is of the program's revision, else from its rows.
    """
    require_current_schema(session.connection())
    row = _program_row(session, key, with_snapshot=True)
    if row is None:
        raise program_not_found(session, key)
    with collector_paused(keep=True):
        snapshot = _valid_snapshot(row)
        if snapshot is not None:
            program = program_from_snapshot(snapshot)
        else:
            program = assemble_program(read_program_state(session, row))
    mark_checked(program)  # checked when it was saved: the engine need not check it again
    return program


def list_programs(session: Session) -> list[ProgramSummary]:
    """Every stored program, by key, with its number of projects and work items."""
    require_current_schema(session.connection())
    projects = _count_by_program(session, m.ProjectRow)
    tasks = _count_by_program(session, m.WorkItemRow)
    rows = session.scalars(select(m.ProgramRow).order_by(m.ProgramRow.key))
    return [
        ProgramSummary(
            row.key,
            row.name,
            projects.get(row.id, 0),
            tasks.get(row.id, 0),
            row.revision,
            row.updated_at,
        )
        for row in rows
    ]


def _count_by_program(session: Session, row: type[m.ProjectRow | m.WorkItemRow]) -> dict[int, int]:
    query = select(row.program_id, func.count()).group_by(row.program_id)
    return dict(session.execute(query).all())


def delete_program(session: Session, key: str, actor: str) -> int:
    """Delete program ``key`` and everything in it; returns the number of entities deleted.

    The audit log keeps every deleted entity's last content.
    """
    _require_actor(actor)
    require_current_schema(session.connection())
    row = _program_row(session, key, for_update=True)
    if row is None:
        raise program_not_found(session, key)
    stored = read_program_state(session, row)
    writer = ProgramWriter(session, stored, actor, m.utc_now())
    changes = writer.record_all_deleted()
    scenarios = select(m.ScenarioRow).where(m.ScenarioRow.program_id == row.id)
    for scenario in session.scalars(scenarios.order_by(m.ScenarioRow.key)):
        writer.record(SCENARIO_KIND, "deleted", scenario.key, scenario_content(scenario), None)
    writer.record(PROGRAM.name, "deleted", key, PROGRAM.content_of_row(row, key), None)
    writer.flush_audit()
    session.delete(row)  # rows of every entity follow by ON DELETE CASCADE
    session.flush()
    return len(changes.deleted)


def assemble_program(stored: StoredProgram) -> Program:
    """Rebuild the domain object from stored contents, trusted: they were checked when saved."""
    return construct(Program, program_data(stored))


def program_data(stored: StoredProgram) -> dict[str, Any]:
    """The program as plan data in the JSON forms its contents hold (one nested mapping)."""
    entities = stored.entities
    data: dict[str, Any] = PROGRAM.content_of_row(stored.row, stored.row.key)
    data["calendars"] = {e.key: e.content for e in entities[CALENDAR.name]}
    key_results = _children_by_container(entities[KEY_RESULT.name])
    tasks = _children_by_container(entities[WORK_ITEM.name])
    for kind in KINDS:
        if kind in (CALENDAR, KEY_RESULT, WORK_ITEM):
            continue
        items = []
        for entity in entities[kind.name]:
            item = domain_data(kind, entity.content)
            if kind is OBJECTIVE:
                item["key_results"] = [
                    domain_data(KEY_RESULT, c.content) for c in key_results.get((entity.key,), [])
                ]
            elif kind is PROJECT:
                item["tasks"] = _task_tree(entity.key, None, tasks)
            items.append(item)
        data[PROGRAM_FIELD[kind.name]] = items
    return data


def _task_tree(
    project: str, parent: str | None, tasks: dict[tuple[str | None, ...], list[StoredEntity]]
) -> list[Content]:
    """Nested work item dicts under ``parent`` (iterative: WBS trees may be deep)."""
    root: list[Content] = []
    stack: list[tuple[str | None, list[Content]]] = [(parent, root)]
    while stack:
        current, siblings = stack.pop()
        for entity in tasks.get((project, current), []):
            item = domain_data(WORK_ITEM, entity.content)
            item["tasks"] = []
            siblings.append(item)
            stack.append((entity.key, item["tasks"]))
    return root


def _children_by_container(
    entities: list[StoredEntity],
) -> dict[tuple[str | None, ...], list[StoredEntity]]:
    groups: dict[tuple[str | None, ...], list[StoredEntity]] = defaultdict(list)
    for entity in sorted(entities, key=lambda e: e.position):
        groups[entity.container].append(entity)
    return groups


def _program_row(
    session: Session, key: str, *, for_update: bool = False, with_snapshot: bool = False
) -> m.ProgramRow | None:
    query = select(m.ProgramRow).where(m.ProgramRow.key == key)
    if with_snapshot:
        query = query.options(undefer(m.ProgramRow.snapshot))
    if for_update:
        query = query.with_for_update()  # PostgreSQL: one writer per program at a time
    return session.scalars(query).one_or_none()


def _valid_snapshot(row: m.ProgramRow) -> str | None:
    """The row's snapshot if it is of the program's current revision (else it is stale)."""
    return row.snapshot if row.snapshot_revision == row.revision else None


def _require_expected_revision(row: m.ProgramRow, expected_revision: int | None) -> None:
    if expected_revision is not None and expected_revision != row.revision:
        raise Conflict(
            f"program {row.key} was changed by someone else (revision {row.revision}, "
            f"you edited revision {expected_revision}); reload it and apply your change again"
        )


def _program_values(content: Content) -> dict[str, Any]:
    return PROGRAM.row_values(content)


def _require_valid(program: Program) -> None:
    """Only consistent programs are stored: references must resolve to rows."""
    findings = check_once(program)  # a program just loaded (plan file, store) is not checked twice
    if findings:
        raise PlanInvalid(
            Problem(f.code, f.message, Location(path=format_path(f.path))) for f in findings
        )


def _require_actor(actor: str) -> None:
    if not actor or not actor.strip():
        raise ProgmanError("every change needs the name of who makes it (the audit log's actor)")


def _result(key: str, revision: int, changes: Changes) -> SaveResult:
    return SaveResult(
        key, revision, len(changes.created), len(changes.updated), len(changes.deleted)
    )
