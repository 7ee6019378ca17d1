"""Which entities an edit touched: the difference between a program and its copy-on-write
variant, found by identity.

:func:`progman.domain.scenarios.apply_changes` copies only the path from the program to
each changed entity and shares everything else, so an entity object that is the very
same in both programs is unchanged, and so is everything below it. Walking both programs
in step and descending only where objects differ costs a step per sibling on the changed
paths, not one per entity of the program. What is found is a superset of what changed
(a parent copied on the path is listed too); the writer compares contents and leaves
rows whose content is the same alone.

It also names the *units* of the program's snapshot text to write again: the smallest
entities that hold every change (an entity whose own fields changed, or the parent of a
list of work items that gained, lost or reordered one), each as its before and after
object, so that the snapshot is mended by replacing their texts (``storage/snapshot.py``).
Changes no unit can hold (the program's own fields, calendars, a section that gained or
lost an entity) set ``whole``: the snapshot is then written again from the program.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from progman.domain import Program, WorkItem
from progman.storage.entities import (
    CALENDAR,
    KEY_RESULT,
    KINDS,
    OBJECTIVE,
    PROGRAM_FIELD,
    PROJECT,
    WORK_ITEM,
    Container,
    EntityState,
    Kind,
    entity_content,
)


@dataclass
class Touched:
    """The entities an edit may have changed: their states in the edited program, and the
    keys of every kind to compare with what is stored (those missing from ``states`` are
    gone)."""

    states: list[EntityState] = field(default_factory=list)
    keys: dict[str, set[str]] = field(default_factory=dict)
    units: list[tuple[BaseModel, BaseModel]] = field(default_factory=list)  # (before, after)
    whole: bool = False

    def add(
        self,
        kind: Kind,
        key: str,
        entity: Any,
        position: int,
        *,
        container: Container = (),
        depth: int = 0,
    ) -> None:
        self.keys.setdefault(kind.name, set()).add(key)
        content = entity_content(kind, entity, container)
        self.states.append(EntityState(kind, key, content, position, container, depth))

    def remove(self, kind: Kind, key: str) -> None:
        self.keys.setdefault(kind.name, set()).add(key)

    def __len__(self) -> int:
        return sum(len(keys) for keys in self.keys.values())


def touched_entities(before: Program, after: Program) -> Touched:
    """The entities of ``after`` not shared with ``before``, and those it dropped."""
    touched = Touched()
    if after.calendars is not before.calendars:
        touched.whole = True
        _diff_section(touched, CALENDAR, before.calendars, after.calendars)
    for kind in KINDS:
        if kind in (CALENDAR, KEY_RESULT, WORK_ITEM):
            continue
        old_list = getattr(before, PROGRAM_FIELD[kind.name])
        new_list = getattr(after, PROGRAM_FIELD[kind.name])
        if old_list is not new_list:
            _diff_list(touched, kind, old_list, new_list)
    return touched


def _diff_section(
    touched: Touched, kind: Kind, before: Mapping[str, Any], after: Mapping[str, Any]
) -> None:
    """A mapping section (calendars): keyed entities in insertion order."""
    old_positions = {key: position for position, key in enumerate(before)}
    for position, (key, entity) in enumerate(after.items()):
        if before.get(key) is not entity or old_positions.get(key) != position:
            touched.add(kind, key, entity, position)
    for key in before.keys() - after.keys():
        touched.remove(kind, key)


def _diff_list(touched: Touched, kind: Kind, before: Sequence[Any], after: Sequence[Any]) -> None:
    if _ids(before) != _ids(after):
        touched.whole = True
    old = {entity.id: (position, entity) for position, entity in enumerate(before)}
    for position, entity in enumerate(after):
        previous = old.pop(entity.id, None)
        if previous is not None and previous[1] is entity and previous[0] == position:
            continue
        touched.add(kind, entity.id, entity, position)
        old_entity = None if previous is None else previous[1]
        if kind is OBJECTIVE:
            old_results = [] if old_entity is None else old_entity.key_results
            if old_results is not entity.key_results:
                _diff_children(touched, KEY_RESULT, old_results, entity.key_results, entity.id)
        if old_entity is None:
            continue
        if kind is not PROJECT:
            touched.units.append((old_entity, entity))
        elif old_entity.tasks is entity.tasks:
            touched.units.append((old_entity, entity))  # its own fields only
        else:
            whole_unit = _own_fields_differ(old_entity, entity) or (
                _ids(old_entity.tasks) != _ids(entity.tasks)
            )
            if whole_unit:
                touched.units.append((old_entity, entity))
            _diff_items(touched, entity.id, old_entity.tasks, entity.tasks, in_unit=whole_unit)
    for _, entity in old.values():
        touched.remove(kind, entity.id)
        if kind is OBJECTIVE:
            for result in entity.key_results:
                touched.remove(KEY_RESULT, result.id)
        elif kind is PROJECT:
            for item in _subtree(entity.tasks):
                touched.remove(WORK_ITEM, item.id)


def _diff_children(
    touched: Touched, kind: Kind, before: Sequence[Any], after: Sequence[Any], owner: str
) -> None:
    """Key results of one objective."""
    old = {entity.id: (position, entity) for position, entity in enumerate(before)}
    for position, entity in enumerate(after):
        previous = old.pop(entity.id, None)
        if previous is None or previous[1] is not entity or previous[0] != position:
            touched.add(kind, entity.id, entity, position, container=(owner,))
    for _, entity in old.values():
        touched.remove(kind, entity.id)


def _diff_items(
    touched: Touched,
    project: str,
    top_before: Sequence[WorkItem],
    top_after: Sequence[WorkItem],
    *,
    in_unit: bool,
) -> None:
    """A project's work items, and below them where they differ (iteratively); ``in_unit``:
    the project is a snapshot unit already, so nothing below it need be one."""
    pending: list[tuple[str | None, Sequence[WorkItem], Sequence[WorkItem], int, bool]] = [
        (None, top_before, top_after, 0, in_unit)
    ]
    while pending:
        parent, before, after, depth, covered = pending.pop()
        old = {item.id: (position, item) for position, item in enumerate(before)}
        for position, item in enumerate(after):
            previous = old.pop(item.id, None)
            if previous is not None and previous[1] is item and previous[0] == position:
                continue
            place = (project, parent)
            touched.add(WORK_ITEM, item.id, item, position, container=place, depth=depth)
            if previous is None:
                _add_subtree(touched, project, item, depth)
                continue
            was = previous[1]
            unit = not covered and (
                _own_fields_differ(was, item)
                or (was.tasks is not item.tasks and _ids(was.tasks) != _ids(item.tasks))
            )
            if unit:
                touched.units.append((was, item))
            if was.tasks is not item.tasks:
                pending.append((item.id, was.tasks, item.tasks, depth + 1, covered or unit))
        for _, item in old.values():
            for gone in _subtree([item]):
                touched.remove(WORK_ITEM, gone.id)


def _ids(entities: Sequence[Any]) -> list[str]:
    return [entity.id for entity in entities]


def _own_fields_differ(before: BaseModel, after: BaseModel) -> bool:
    """Whether any field but the subtasks differs (copy-on-write keeps the others' very
    objects, so identity answers at once for all but a changed one)."""
    old, new = before.__dict__, after.__dict__
    return any(
        value is not old[name] and value != old[name]
        for name, value in new.items()
        if name != "tasks"
    )


def _add_subtree(touched: Touched, project: str, item: WorkItem, depth: int) -> None:
    """Every work item below a new one is new too."""
    stack = [(item, depth)]
    while stack:
        parent, level = stack.pop()
        for position, child in enumerate(parent.tasks):
            place = (project, parent.id)
            touched.add(WORK_ITEM, child.id, child, position, container=place, depth=level + 1)
            stack.append((child, level + 1))


def _subtree(items: Sequence[WorkItem]) -> Iterator[WorkItem]:
    stack = list(items)
    while stack:
        item = stack.pop()
        yield item
        stack.extend(item.tasks)
