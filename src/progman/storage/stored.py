"""Read the stored rows of one program back into entity contents, one query per table."""

from __future__ import annotations

import difflib
from collections import defaultdict
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


def read_program_state(session: Session, program_row: m.ProgramRow) -> StoredProgram:
    """All entities of the program with their contents rebuilt from rows and child rows.

    Core selects of the needed columns only (no ORM objects); JSON read as text and parsed
    by orjson; dates of SQLite read as the ISO text that contents hold anyway.
    """
    connection = session.connection()
    reader = _RowReader(connection.dialect.name)
    program_id = program_row.id
    state = StoredProgram(program_row)
    keys_by_id: dict[str, dict[int, str]] = {}
    for kind in KINDS:
        rows = _entity_rows(connection, reader, kind, program_id)
        keys_by_id[kind.name] = {row[0]: row[1] for row in rows}
        state.entities[kind.name] = reader.entities(kind, rows)
        if kind is KEY_RESULT:
            _add_key_result_refs(state, rows, keys_by_id[OBJECTIVE.name])
        elif kind is WORK_ITEM:
            _add_work_item_refs(connection, state, rows, keys_by_id)
        elif kind is BASELINE:
            _add_baseline_tasks(connection, reader, state, program_id)
    return state


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
    connection: Connection, reader: _RowReader, kind: Kind, program_id: int
) -> list[Any]:
    table: Any = kind.row.__table__
    mapped = inspect(kind.row).columns  # by ORM attribute: ``decided_on`` is column ``date``
    columns = [reader.column(mapped[attr]) for attr in kind.columns.values()]
    if kind is KEY_RESULT:
        columns.append(table.c.objective_id)
    elif kind is WORK_ITEM:
        columns += [table.c.project_id, table.c.parent_id]
    query = (
        select(
            table.c.id,
            table.c.key,
            table.c.version,
            table.c.position,
            reader.json_column(table.c.attributes),
            *columns,
        )
        .where(table.c.program_id == program_id)
        .order_by(table.c.position, table.c.id)
    )
    return list(connection.execute(query).all())


def _add_key_result_refs(state: StoredProgram, rows: list[Any], objectives: dict[int, str]) -> None:
    for entity, row in zip(state.entities[KEY_RESULT.name], rows, strict=True):
        objective = objectives[row[-1]]
        entity.container = (objective,)
        entity.content["objective"] = objective


def _add_work_item_refs(
    connection: Connection,
    state: StoredProgram,
    rows: list[Any],
    keys_by_id: dict[str, dict[int, str]],
) -> None:
    program_id = state.row.id
    task_keys = keys_by_id[WORK_ITEM.name]
    resource_keys = keys_by_id[RESOURCE.name]
    dependencies = m.DependencyRow.__table__.c
    depends: dict[int, list[Content]] = defaultdict(list)
    dependency_rows = connection.execute(
        select(
            dependencies.successor_id,
            dependencies.predecessor_id,
            dependencies.type,
            dependencies.lag,
        )
        .where(dependencies.program_id == program_id)
        .order_by(dependencies.successor_id, dependencies.position)
    ).all()
    for successor, predecessor, link_type, lag in dependency_rows:
        depends[successor].append({"task": task_keys[predecessor], "type": link_type, "lag": lag})
    assignments: dict[int, list[Content]] = defaultdict(list)
    columns = m.AssignmentRow.__table__.c
    assignment_rows = connection.execute(
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
        .order_by(columns.work_item_id, columns.position)
    ).all()
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
    project_keys = keys_by_id[PROJECT.name]
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


def _add_baseline_tasks(
    connection: Connection, reader: _RowReader, state: StoredProgram, program_id: int
) -> None:
    tasks: dict[int, dict[str, Content]] = defaultdict(dict)
    columns = m.BaselineTaskRow.__table__.c
    task_rows = connection.execute(
        select(
            columns.baseline_id,
            columns.task_key,
            columns.start,
            columns.finish,
            reader.json_column(columns.attributes),
        )
        .where(columns.program_id == program_id)
        .order_by(columns.baseline_id, columns.position)
    ).all()
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
