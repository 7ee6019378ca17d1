"""A stored program's whole plan as one JSON text beside its row, valid for one revision.

Loading a program row by row costs a query per table and a Python step per row; loading
its snapshot costs one column, ``orjson.loads`` and ``Program.model_validate``, whose fast
paths build plain tasks directly from this plan-file shape. The rule that keeps it right:
a snapshot belongs to the ``revision`` it was written at (``snapshot_revision``). Every
write that bumps a program's revision either rewrites the snapshot in the same
transaction (whole-program saves do) or leaves it behind: a snapshot whose revision is
not the program's is never read, and the load falls back to the rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import orjson
from pydantic import BaseModel

from progman.domain import Assignment, Program, Project, WorkItem
from progman.domain.base import checked_instance
from progman.errors import Location, PlanInvalid, Problem

T = TypeVar("T")
_ASSIGNMENT_DEFAULTS = {name: info.default for name, info in Assignment.model_fields.items()}
_GIVEN = frozenset({"resource", "units"})


def snapshot_text(program: Program) -> str:
    """The program in plan-file shape (defaults left out), as JSON text.

    The same program always gives the same text, so comparing texts tells an unchanged
    re-save at once. A task's empty ``resources`` (its serializer writes ``{}`` even where
    defaults are left out) is dropped, so the task loads by the fast path for plain tasks.
    """
    data = program.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    for entry in _work_items(_task_lists(data), _entry_tasks):
        if "resources" in entry and not entry["resources"]:
            del entry["resources"]
    return orjson.dumps(data).decode()


def mended_snapshot(text: str, units: Sequence[tuple[BaseModel, BaseModel]]) -> str | None:
    """``text``, the snapshot of a program, with each unit's text (its before object's)
    replaced by its after object's; None when a unit's text is not found exactly once
    (the caller writes the whole snapshot again)."""
    for before, after in units:
        old = _entity_text(before)
        start = text.find(old)
        if start < 0 or text.find(old, start + 1) >= 0:
            return None
        text = text[:start] + _entity_text(after) + text[start + len(old) :]
    return text


def _entity_text(entity: BaseModel) -> str:
    """An entity as :func:`snapshot_text` writes it inside the program's text."""
    data = entity.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    tasks = [[data]] if isinstance(entity, WorkItem) else _task_lists({"projects": [data]})
    if isinstance(entity, WorkItem | Project):
        for entry in _work_items(tasks, _entry_tasks):
            if "resources" in entry and not entry["resources"]:
                del entry["resources"]
    return orjson.dumps(data).decode()


def require_storable(snapshot: str) -> None:
    """Refuse JSON text holding the NUL character, which PostgreSQL cannot store (SQLite
    would, but a program must move between the two), naming the entity that holds it."""
    at = snapshot.find("\\u0000")
    while at >= 0 and (at - len(snapshot[:at].rstrip("\\"))) % 2:  # "\\u0000" is text
        at = snapshot.find("\\u0000", at + 1)
    if at < 0:
        return
    opening = snapshot.rfind('{"id":"', 0, at)
    entity = None
    if opening >= 0:
        start = opening + len('{"id":"')
        entity = snapshot[start : snapshot.find('"', start)]
    where = f" of {entity}" if entity else ""
    raise PlanInvalid(
        [
            Problem(
                "plan.nul_character",
                f"a text{where} holds the NUL character (\\u0000), which the database "
                "cannot store; remove it",
                Location(entity=entity),
            )
        ]
    )


def program_from_snapshot(text: str) -> Program:
    """The program a :func:`snapshot_text` was made of (equal to it, field by field).

    ``Program.model_validate``, with one help: the short form of a task's people
    (``{alice: 1.0}``) would keep the task off the domain's fast path for plain tasks, so it
    is taken out first and its assignments built directly afterwards, as validation builds
    them (the snapshot was valid when written: each resource id and share already is).
    """
    data = orjson.loads(text)
    detached = _detach_plain_resources(data)
    program = Program.model_validate(data)
    if any(shares is not None for shares in detached):
        items = _work_items([project.tasks for project in program.projects], _item_tasks)
        for item, shares in zip(items, detached, strict=True):
            if shares is not None:
                item.__dict__["resources"] = [_assignment(r, u) for r, u in shares.items()]
                item.__pydantic_fields_set__.add("resources")
    return program


def _detach_plain_resources(data: dict[str, Any]) -> list[dict[str, float] | None]:
    """Take ``{resource: units}`` mappings out of the task dicts: one entry per task, in
    :func:`_work_items` order, None where there is none."""
    detached: list[dict[str, float] | None] = []
    add = detached.append
    for entry in _work_items(_task_lists(data), _entry_tasks):
        shares = entry.get("resources")
        if type(shares) is dict and all(type(units) is float for units in shares.values()):
            add(entry.pop("resources"))
        else:
            add(None)
    return detached


def _work_items(lists: list[list[T]], children: Callable[[T], list[T] | None]) -> Iterator[T]:
    """Every task of the task lists and their subtasks, in one fixed order (not file order:
    the same for a program's dicts and for its objects, which is all that matters here)."""
    while lists:
        for item in lists.pop():
            yield item
            below = children(item)
            if below:
                lists.append(below)


def _task_lists(data: dict[str, Any]) -> list[list[dict[str, Any]]]:
    return [project["tasks"] for project in data.get("projects", ()) if "tasks" in project]


def _entry_tasks(entry: dict[str, Any]) -> list[dict[str, Any]] | None:
    return entry.get("tasks")


def _item_tasks(item: WorkItem) -> list[WorkItem]:
    return item.tasks


def _assignment(resource: str, units: float) -> Assignment:
    values = _ASSIGNMENT_DEFAULTS.copy()
    values["resource"] = resource
    values["units"] = units
    return checked_instance(Assignment, values, set(_GIVEN))
