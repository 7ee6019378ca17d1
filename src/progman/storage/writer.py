"""Write a whole program as the difference to what is stored, in bulk statements.

Rows whose content is unchanged are left alone (their ``version`` stays); changed rows
are updated in place and their ``version`` bumped; rows of vanished entities are
deleted; new entities are inserted. Every created, updated or deleted entity gets one
audit row with its content before and after. The caller owns the transaction.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from progman.storage import models as m
from progman.storage.bulk import insert_rows
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
    EntityState,
    Kind,
)
from progman.storage.stored import StoredEntity, StoredProgram

CHUNK = 500  # ids per ``IN (...)`` list: far below SQLite's and PostgreSQL's limits


@dataclass
class Changes:
    """What one save did, by entity: keys created, updated and deleted."""

    created: list[tuple[str, str]] = field(default_factory=list)  # (kind, key)
    updated: list[tuple[str, str]] = field(default_factory=list)
    deleted: list[tuple[str, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


@dataclass
class _KindPlan:
    created: list[EntityState] = field(default_factory=list)
    updated: list[tuple[StoredEntity, EntityState]] = field(default_factory=list)
    repositioned: list[tuple[StoredEntity, EntityState]] = field(default_factory=list)
    deleted: list[StoredEntity] = field(default_factory=list)


class ProgramWriter:
    """Applies the desired entity states of one program to its stored rows."""

    def __init__(
        self,
        session: Session,
        stored: StoredProgram,
        actor: str,
        now: datetime,
        *,
        partial: bool = False,
        revision: int | None = None,
    ) -> None:
        """``partial``: ``stored`` holds only the entities to write; the row ids of others
        that they refer to are looked up when needed. ``revision``: the program revision
        the save makes (each audit row names it: later readers replay the changes)."""
        self.session = session
        self.stored = stored
        self.program_id = stored.row.id
        self.program_key = stored.row.key
        self.actor = actor
        self.now = now
        self.revision = revision
        self.ids: dict[str, dict[str, int]] = {
            kind.name: _RowIds(session, kind, self.program_id, stored.ids(kind))
            if partial
            else stored.ids(kind)
            for kind in KINDS
        }
        self.audit: list[dict[str, Any]] = []
        self.changes = Changes()

    def write(self, desired: Iterable[EntityState]) -> Changes:
        by_kind: dict[str, list[EntityState]] = defaultdict(list)
        for state in desired:
            by_kind[state.kind.name].append(state)
        plans = {kind.name: self._plan(kind, by_kind[kind.name]) for kind in KINDS}
        for kind in KINDS:
            self._insert(kind, plans[kind.name].created)
            self._update(kind, plans[kind.name])
        work_items = plans[WORK_ITEM.name]
        self._replace_work_item_children(work_items.created, [s for _, s in work_items.updated])
        baselines = plans[BASELINE.name]
        self._replace_baseline_tasks(baselines.created, [s for _, s in baselines.updated])
        for kind in reversed(KINDS):
            self._delete(kind, plans[kind.name].deleted)
        self.flush_audit()
        return self.changes

    def record_all_deleted(self) -> Changes:
        """Audit the deletion of every stored entity (the rows go with the program row)."""
        for kind in reversed(KINDS):
            for old in self.stored.entities.get(kind.name, []):
                self.record(
                    kind.name, "deleted", old.key, _audited(old.content, old.position), None
                )
        return self.changes

    def record(
        self, kind: str, action: str, key: str, before: Content | None, after: Content | None
    ) -> None:
        """Queue one audit row; :meth:`flush_audit` writes them all in one statement."""
        getattr(self.changes, action).append((kind, key))
        self.audit.append(
            {
                "at": self.now,
                "actor": self.actor,
                "action": action,
                "entity_kind": kind,
                "entity_key": key,
                "program_key": self.program_key,
                "before": before,
                "after": after,
                "revision": self.revision,
            }
        )

    def flush_audit(self) -> None:
        insert_rows(self.session, m.AuditRow, self.audit)
        self.audit = []

    # -- planning ----------------------------------------------------------------------------

    def _plan(self, kind: Kind, desired: list[EntityState]) -> _KindPlan:
        plan = _KindPlan()
        existing = {e.key: e for e in self.stored.entities.get(kind.name, [])}
        moved = _moved_keys(desired, existing)
        for state in desired:
            old = existing.pop(state.key, None)
            if old is None:
                plan.created.append(state)
            elif old.content != state.content or state.key in moved:
                plan.updated.append((old, state))
            elif old.position != state.position:
                plan.repositioned.append((old, state))
        plan.deleted.extend(existing.values())
        return plan

    # -- writing -----------------------------------------------------------------------------

    def _insert(self, kind: Kind, created: list[EntityState]) -> None:
        if not created:
            return
        by_depth: dict[int, list[EntityState]] = defaultdict(list)
        for state in created:
            by_depth[state.depth].append(state)
        row = kind.row
        for depth in sorted(by_depth):
            states = by_depth[depth]
            values = [
                {
                    **self._row_values(kind, state),
                    "version": 1,
                    "program_id": self.program_id,
                    "key": state.key,
                }
                for state in states
            ]
            new_ids = insert_rows(self.session, row, values, return_ids=True)
            for state, new_id in zip(states, new_ids, strict=True):
                self.ids[kind.name][state.key] = new_id
                self.record(
                    kind.name, "created", state.key, None, _audited(state.content, state.position)
                )

    def _update(self, kind: Kind, plan: _KindPlan) -> None:
        row = kind.row
        if plan.updated:
            values = []
            for old, state in plan.updated:
                values.append(
                    {**self._row_values(kind, state), "id": old.id, "version": old.version + 1}
                )
                self.record(
                    kind.name,
                    "updated",
                    state.key,
                    _audited(old.content, old.position),
                    _audited(state.content, state.position),
                )
            self.session.execute(update(row), values)
        if plan.repositioned:
            self.session.execute(
                update(row),
                [{"id": old.id, "position": state.position} for old, state in plan.repositioned],
            )

    def _delete(self, kind: Kind, deleted: list[StoredEntity]) -> None:
        for old in deleted:
            self.record(kind.name, "deleted", old.key, _audited(old.content, old.position), None)
        row = kind.row
        for chunk in _chunks([old.id for old in deleted]):
            self.session.execute(delete(row).where(row.id.in_(chunk)))  # type: ignore[attr-defined]

    def _row_values(self, kind: Kind, state: EntityState) -> dict[str, Any]:
        values = kind.row_values(state.content)
        values["position"] = state.position
        if kind is KEY_RESULT:
            values["objective_id"] = self.ids[OBJECTIVE.name][state.container[0] or ""]
        elif kind is WORK_ITEM:
            project, parent = state.container
            values["project_id"] = self.ids[PROJECT.name][project or ""]
            values["parent_id"] = None if parent is None else self.ids[WORK_ITEM.name][parent]
        return values

    def _replace_work_item_children(
        self, created: list[EntityState], updated: list[EntityState]
    ) -> None:
        """Write the dependency and assignment rows of new and changed work items."""
        task_ids = self.ids[WORK_ITEM.name]
        resource_ids = self.ids[RESOURCE.name]
        states = [*created, *updated]
        for chunk in _chunks([task_ids[s.key] for s in updated]):
            self.session.execute(
                delete(m.DependencyRow).where(m.DependencyRow.successor_id.in_(chunk))
            )
            self.session.execute(
                delete(m.AssignmentRow).where(m.AssignmentRow.work_item_id.in_(chunk))
            )
        dependencies = [
            {
                "program_id": self.program_id,
                "successor_id": task_ids[s.key],
                "predecessor_id": task_ids[link["task"]],
                "position": position,
                "type": link["type"],
                "lag": link["lag"],
            }
            for s in states
            for position, link in enumerate(s.content["depends"])
        ]
        assignments = [
            {
                "program_id": self.program_id,
                "work_item_id": task_ids[s.key],
                "resource_id": None if a["resource"] is None else resource_ids[a["resource"]],
                "position": position,
                "role": a["role"],
                "skill": a["skill"],
                "units": a["units"],
                "work": a["work"],
                "cost": a["cost"],
            }
            for s in states
            for position, a in enumerate(s.content["resources"])
        ]
        insert_rows(self.session, m.DependencyRow, dependencies)
        insert_rows(self.session, m.AssignmentRow, assignments)

    def _replace_baseline_tasks(
        self, created: list[EntityState], updated: list[EntityState]
    ) -> None:
        baseline_ids = self.ids[BASELINE.name]
        states = [*created, *updated]
        for chunk in _chunks([baseline_ids[s.key] for s in updated]):
            self.session.execute(
                delete(m.BaselineTaskRow).where(m.BaselineTaskRow.baseline_id.in_(chunk))
            )
        rows = []
        for state in states:
            for position, (task_key, task) in enumerate(state.content["tasks"].items()):
                attributes = {k: v for k, v in task.items() if k not in ("start", "finish")}
                rows.append(
                    {
                        "program_id": self.program_id,
                        "baseline_id": baseline_ids[state.key],
                        "task_key": task_key,
                        "position": position,
                        "start": task["start"],
                        "finish": task["finish"],
                        "attributes": attributes,
                    }
                )
        insert_rows(self.session, m.BaselineTaskRow, rows)


class _RowIds(dict[str, int]):
    """Row ids by key of one kind, read from the database the first time a key is asked."""

    def __init__(self, session: Session, kind: Kind, program_id: int, known: dict[str, int]):
        super().__init__(known)
        self.session = session
        self.table: Any = kind.row.__table__
        self.program_id = program_id

    def __missing__(self, key: str) -> int:
        table = self.table
        found = self.session.execute(
            select(table.c.id).where(table.c.program_id == self.program_id, table.c.key == key)
        ).scalar_one_or_none()
        if found is None:
            raise KeyError(key)
        self[key] = int(found)
        return int(found)


def _audited(content: Content, position: int) -> Content:
    """What the audit log keeps of an entity: its content and its place among siblings."""
    return {**content, "position": position}


def _moved_keys(desired: list[EntityState], existing: dict[str, StoredEntity]) -> set[str]:
    """Keys whose order among their siblings changed, beyond shifts caused by others.

    Within each container the entities that kept their relative order form a longest
    increasing subsequence of old positions; everything else was moved by the user.
    """
    groups: dict[Container, list[EntityState]] = defaultdict(list)
    for state in desired:
        old = existing.get(state.key)
        if old is not None and old.container == state.container:
            groups[state.container].append(state)
    moved: set[str] = set()
    for states in groups.values():
        old_positions = [existing[s.key].position for s in states]
        kept = set(_longest_increasing_subsequence(old_positions))
        moved.update(s.key for i, s in enumerate(states) if i not in kept)
    return moved


def _longest_increasing_subsequence(values: Sequence[int]) -> list[int]:
    """Indices of one longest strictly increasing subsequence (patience sorting)."""
    tails: list[int] = []  # tails[k]: index of the smallest tail of a run of length k+1
    tail_values: list[int] = []
    previous: list[int] = [-1] * len(values)
    for i, value in enumerate(values):
        k = bisect_left(tail_values, value)
        if k:
            previous[i] = tails[k - 1]
        if k == len(tails):
            tails.append(i)
            tail_values.append(value)
        else:
            tails[k] = i
            tail_values[k] = value
    result: list[int] = []
    i = tails[-1] if tails else -1
    while i != -1:
        result.append(i)
        i = previous[i]
    result.reverse()
    return result


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]
