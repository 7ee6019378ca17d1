"""Read the stored rows of one program back into entity contents, one query per table."""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
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


@dataclass
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
    """All entities of the program with their contents rebuilt from rows and child rows."""
    program_id = program_row.id
    state = StoredProgram(program_row)
    keys_by_id: dict[str, dict[int, str]] = {}
    for kind in KINDS:
        rows = _entity_rows(session, kind, program_id)
        keys_by_id[kind.name] = {row.id: row.key for row in rows}
        state.entities[kind.name] = [
            StoredEntity(
                row.id, row.key, row.version, row.position, (), kind.content_of_row(row, row.key)
            )
            for row in rows
        ]
        if kind is KEY_RESULT:
            _add_key_result_refs(state, rows, keys_by_id[OBJECTIVE.name])
        elif kind is WORK_ITEM:
            _add_work_item_refs(session, state, rows, keys_by_id)
        elif kind is BASELINE:
            _add_baseline_tasks(session, state, program_id)
    return state


def _entity_rows(session: Session, kind: Kind, program_id: int) -> list[Any]:
    row = kind.row
    columns = [getattr(row, attr) for attr in kind.columns.values()]
    if kind is KEY_RESULT:
        columns.append(m.KeyResultRow.objective_id)
    elif kind is WORK_ITEM:
        columns += [m.WorkItemRow.project_id, m.WorkItemRow.parent_id]
    query = (
        select(row.id, row.key, row.version, row.position, row.attributes, *columns)  # type: ignore[attr-defined]
        .where(row.program_id == program_id)  # type: ignore[attr-defined]
        .order_by(row.position, row.id)  # type: ignore[attr-defined]
    )
    return list(session.execute(query))


def _add_key_result_refs(state: StoredProgram, rows: list[Any], objectives: dict[int, str]) -> None:
    for entity, row in zip(state.entities[KEY_RESULT.name], rows, strict=True):
        objective = objectives[row.objective_id]
        entity.container = (objective,)
        entity.content["objective"] = objective


def _add_work_item_refs(
    session: Session, state: StoredProgram, rows: list[Any], keys_by_id: dict[str, dict[int, str]]
) -> None:
    program_id = state.row.id
    task_keys = keys_by_id[WORK_ITEM.name]
    resource_keys = keys_by_id[RESOURCE.name]
    depends: dict[int, list[Content]] = defaultdict(list)
    dependency_rows = session.execute(
        select(
            m.DependencyRow.successor_id,
            m.DependencyRow.predecessor_id,
            m.DependencyRow.type,
            m.DependencyRow.lag,
        )
        .where(m.DependencyRow.program_id == program_id)
        .order_by(m.DependencyRow.successor_id, m.DependencyRow.position)
    )
    for successor, predecessor, link_type, lag in dependency_rows:
        depends[successor].append({"task": task_keys[predecessor], "type": link_type, "lag": lag})
    assignments: dict[int, list[Content]] = defaultdict(list)
    assignment_rows = session.execute(
        select(
            m.AssignmentRow.work_item_id,
            m.AssignmentRow.resource_id,
            m.AssignmentRow.role,
            m.AssignmentRow.skill,
            m.AssignmentRow.units,
            m.AssignmentRow.work,
            m.AssignmentRow.cost,
        )
        .where(m.AssignmentRow.program_id == program_id)
        .order_by(m.AssignmentRow.work_item_id, m.AssignmentRow.position)
    )
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
        project = project_keys[row.project_id]
        parent = None if row.parent_id is None else task_keys[row.parent_id]
        entity.container = (project, parent)
        entity.content.update(
            project=project,
            parent=parent,
            depends=depends.get(row.id, []),
            resources=assignments.get(row.id, []),
        )


def _add_baseline_tasks(session: Session, state: StoredProgram, program_id: int) -> None:
    tasks: dict[int, dict[str, Content]] = defaultdict(dict)
    task_rows = session.execute(
        select(
            m.BaselineTaskRow.baseline_id,
            m.BaselineTaskRow.task_key,
            m.BaselineTaskRow.start,
            m.BaselineTaskRow.finish,
            m.BaselineTaskRow.attributes,
        )
        .where(m.BaselineTaskRow.program_id == program_id)
        .order_by(m.BaselineTaskRow.baseline_id, m.BaselineTaskRow.position)
    )
    for baseline, task_key, start, finish, attributes in task_rows:
        tasks[baseline][task_key] = {"start": start, "finish": finish, **attributes}
    for entity in state.entities[BASELINE.name]:
        entity.content["tasks"] = tasks.get(entity.id, {})


def program_not_found(session: Session, key: str) -> NotFound:
    """The error for a program key that is not stored, with did-you-mean and the list."""
    known = list(session.scalars(select(m.ProgramRow.key).order_by(m.ProgramRow.key)))
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    listing = ", ".join(known) if known else "none yet; import one with `progman db import PLAN`"
    return NotFound(f"no program with key '{key}'{hint} (stored programs: {listing})")
