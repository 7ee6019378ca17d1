"""Read the stored rows of one program back into entity contents, one query per table."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import Connection, Date, String, Text, cast, inspect, select, type_coerce
from sqlalchemy.orm import Session

from progman.errors import NotFound
from progman.storage import models as m
from progman.storage.entities import (
    BASELINE,
    KEY_RESULT,
    KINDS,
    OBJECTIVE,
    PROJECT,
    RESOURCE,
    WORK_ITEM,
    Container,
    Content,
    Kind,
)


@dataclass(slots=True)
class StoredEntity:
    """One entity row as stored: identity, order, version and content."""

    id: int
    key: str
    version: int
    position: int
    container: Container
    content: Content


@dataclass
class StoredProgram:
    """Every stored entity of a program by kind name, each list in table order."""

    row: m.ProgramRow
    entities: dict[str, list[StoredEntity]] = field(default_factory=dict)

    def ids(self, kind: Kind) -> dict[str, int]:
        return {e.key: e.id for e in self.entities.get(kind.name, [])}


def read_program_state(
    session: Session, program_row: m.ProgramRow, only: Mapping[str, Collection[str]] | None = None
) -> StoredProgram:
    """All entities of the program with their contents rebuilt from rows and child rows
    (with ``only``, just the entities of those keys, by kind name).

    Core selects of the needed columns only (no ORM objects); JSON read as text and parsed
    by orjson; dates of SQLite read as the ISO text that contents hold anyway.
    """
    connection = session.connection()
    reader = _RowReader(connection.dialect.name)
    program_id = program_row.id
    state = StoredProgram(program_row)
    keys = _KeysById(connection, program_id, partial=only is not None)
    for kind in KINDS:
        wanted = None if only is None else only.get(kind.name)
        if only is not None and not wanted:
            state.entities[kind.name] = []
            continue
        rows = _entity_rows(connection, reader, kind, program_id, wanted)
        keys.learn(kind, rows)
        state.entities[kind.name] = reader.entities(kind, rows)
        if kind is KEY_RESULT:
            _add_key_result_refs(state, rows, keys)
        elif kind is WORK_ITEM:
            _add_work_item_refs(connection, state, rows, keys)
        elif kind is BASELINE:
            _add_baseline_tasks(connection, reader, state, program_id, keys.partial)
    return state


class _KeysById:
    """Keys of the program's entities by row id: those read, and (reading only some
    entities) those they refer to, looked up when asked for."""

    def __init__(self, connection: Connection, program_id: int, *, partial: bool) -> None:
        self.connection = connection
        self.program_id = program_id
        self.partial = partial
        self.known: dict[str, dict[int, str]] = defaultdict(dict)

    def learn(self, kind: Kind, rows: list[Any]) -> None:
        self.known[kind.name].update((row[0], row[1]) for row in rows)

    def of(self, kind: Kind, ids: Collection[int | None]) -> dict[int, str]:
        known = self.known[kind.name]
        missing = [i for i in set(ids) if i is not None and i not in known]
        if missing and self.partial:
            table: Any = kind.row.__table__
            for chunk in _chunks(missing):
                query = select(table.c.id, table.c.key).where(table.c.id.in_(chunk))
                known.update((row[0], row[1]) for row in self.connection.execute(query))
        return known


class _RowReader:
    """Turns raw column values into content values, per dialect."""

    def __init__(self, dialect: str) -> None:
        self.raw_dates = dialect == "sqlite"  # stored as ISO text: read it as is

    def json_column(self, column: Any) -> Any:
        return cast(column, Text)

    def column(self, column: Any) -> Any:
        if self.raw_dates and isinstance(column.type, Date):
            return type_coerce(column, String)
        return column

    def entities(self, kind: Kind, rows: list[Any]) -> list[StoredEntity]:
        """Entities from rows ``(id, key, version, position, attributes, *kind columns)``."""
        key_field = kind.key_field
        columns = list(kind.columns)
        end = 5 + len(columns)
        dates = [] if self.raw_dates else [c for c in columns if c in kind.date_fields]
        loads = orjson.loads
        entities = []
        for row in rows:
            content: Content = loads(row[4])
            if key_field is not None:
                content[key_field] = row[1]
            content.update(zip(columns, row[5:end], strict=True))
            for name in dates:
                value = content[name]
                if value is not None:
                    content[name] = value.isoformat()
            entities.append(StoredEntity(row[0], row[1], row[2], row[3], (), content))
        return entities


def _entity_rows(
    connection: Connection,
    reader: _RowReader,
    kind: Kind,
    program_id: int,
    keys: Collection[str] | None = None,
) -> list[Any]:
    table: Any = kind.row.__table__
    mapped = inspect(kind.row).columns  # by ORM attribute: ``decided_on`` is column ``date``
    columns = [reader.column(mapped[attr]) for attr in kind.columns.values()]
    if kind is KEY_RESULT:
        columns.append(table.c.objective_id)
    elif kind is WORK_ITEM:
        columns += [table.c.project_id, table.c.parent_id]
    query = select(
        table.c.id,
        table.c.key,
        table.c.version,
        table.c.position,
        reader.json_column(table.c.attributes),
        *columns,
    ).where(table.c.program_id == program_id)
    if keys is None:
        return list(connection.execute(query.order_by(table.c.position, table.c.id)).all())
    rows: list[Any] = []
    for chunk in _chunks(sorted(keys)):
        rows += connection.execute(query.where(table.c.key.in_(chunk))).all()
    return sorted(rows, key=lambda row: (row[3], row[0]))


def _add_key_result_refs(state: StoredProgram, rows: list[Any], keys: _KeysById) -> None:
    objectives = keys.of(OBJECTIVE, [row[-1] for row in rows])
    for entity, row in zip(state.entities[KEY_RESULT.name], rows, strict=True):
        objective = objectives[row[-1]]
        entity.container = (objective,)
        entity.content["objective"] = objective


def _add_work_item_refs(
    connection: Connection,
    state: StoredProgram,
    rows: list[Any],
    keys: _KeysById,
) -> None:
    program_id = state.row.id
    ids = [row[0] for row in rows] if keys.partial else None
    dependencies = m.DependencyRow.__table__.c
    depends: dict[int, list[Content]] = defaultdict(list)
    dependency_rows = _child_rows(
        connection,
        select(
            dependencies.successor_id,
            dependencies.predecessor_id,
            dependencies.type,
            dependencies.lag,
        )
        .where(dependencies.program_id == program_id)
        .order_by(dependencies.successor_id, dependencies.position),
        dependencies.successor_id,
        ids,
    )
    task_keys = keys.of(WORK_ITEM, [row[1] for row in dependency_rows] + [row[-1] for row in rows])
    for successor, predecessor, link_type, lag in dependency_rows:
        depends[successor].append({"task": task_keys[predecessor], "type": link_type, "lag": lag})
    assignments: dict[int, list[Content]] = defaultdict(list)
    columns = m.AssignmentRow.__table__.c
    assignment_rows = _child_rows(
        connection,
        select(
            columns.work_item_id,
            columns.resource_id,
            columns.role,
            columns.skill,
            columns.units,
            columns.work,
            columns.cost,
        )
        .where(columns.program_id == program_id)
        .order_by(columns.work_item_id, columns.position),
        columns.work_item_id,
        ids,
    )
    resource_keys = keys.of(RESOURCE, [row[1] for row in assignment_rows])
    for work_item, resource, role, skill, units, work, cost in assignment_rows:
        assignments[work_item].append(
            {
                "resource": None if resource is None else resource_keys[resource],
                "role": role,
                "skill": skill,
                "units": units,
                "work": work,
                "cost": cost,
            }
        )
    project_keys = keys.of(PROJECT, [row[-2] for row in rows])
    for entity, row in zip(state.entities[WORK_ITEM.name], rows, strict=True):
        project = project_keys[row[-2]]
        parent_id = row[-1]
        parent = None if parent_id is None else task_keys[parent_id]
        entity.container = (project, parent)
        content = entity.content
        content["project"] = project
        content["parent"] = parent
        content["depends"] = depends.get(entity.id) or []
        content["resources"] = assignments.get(entity.id) or []


def _child_rows(connection: Connection, query: Any, owner: Any, ids: list[int] | None) -> list[Any]:
    """Child rows of every work item (``ids`` None) or of those ``ids`` only, in order."""
    if ids is None:
        return list(connection.execute(query).all())
    rows: list[Any] = []
    for chunk in _chunks(ids):
        rows += connection.execute(query.where(owner.in_(chunk))).all()
    return rows


def _chunks(values: list[Any], size: int = 500) -> Iterator[list[Any]]:
    """``IN (...)`` lists far below SQLite's and PostgreSQL's limits."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _add_baseline_tasks(
    connection: Connection,
    reader: _RowReader,
    state: StoredProgram,
    program_id: int,
    partial: bool,
) -> None:
    tasks: dict[int, dict[str, Content]] = defaultdict(dict)
    columns = m.BaselineTaskRow.__table__.c
    ids = [entity.id for entity in state.entities[BASELINE.name]] if partial else None
    task_rows = _child_rows(
        connection,
        select(
            columns.baseline_id,
            columns.task_key,
            columns.start,
            columns.finish,
            reader.json_column(columns.attributes),
        )
        .where(columns.program_id == program_id)
        .order_by(columns.baseline_id, columns.position),
        columns.baseline_id,
        ids,
    )
    for baseline, task_key, start, finish, attributes in task_rows:
        tasks[baseline][task_key] = {"start": start, "finish": finish, **orjson.loads(attributes)}
    for entity in state.entities[BASELINE.name]:
        entity.content["tasks"] = tasks.get(entity.id, {})


def program_not_found(session: Session, key: str) -> NotFound:
    """The error for a program key that is not stored, with did-you-mean and the list."""
    known = list(session.scalars(select(m.ProgramRow.key).order_by(m.ProgramRow.key)))
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    listing = ", ".join(known) if known else "none yet; import one with `progman db import PLAN`"
    return NotFound(f"no program with key '{key}'{hint} (stored programs: {listing})")
