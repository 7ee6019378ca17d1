"""Where each changeable entity of a program sits, and copy-on-write replacement there.

A *target* names an entity in a change (its id, or ``kind:id`` when the id names an
entity of another kind first); its *steps* are the path from the program to it. The
index of a sealed program (:func:`progman.domain.checked.seal`) is kept, and shared with
the variants a ``set`` makes of it: nothing moved in them.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from progman.domain.checked import is_sealed
from progman.domain.program import Program, Project
from progman.domain.work import WorkItem

#: A path from the program to an entity: ``[("projects", 1), ("tasks", 0), ("tasks", 3)]``.
Steps = tuple[tuple[str, int], ...]
TargetKind = Literal[
    "program",
    "project",
    "task",
    "resource",
    "risk",
    "benefit",
    "objective",
    "key_result",
    "stakeholder",
]


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    steps: Steps


def build_index(program: Program) -> dict[str, Target]:
    """Where every changeable entity sits, by bare id and then by ``kind:id`` (every kind
    but work items, whose count would make a second name per entity cost).

    A bare id naming several entities reaches the first of: resources, risks, benefits,
    projects with their work items (iteratively: WBS trees may be deep), objectives, key
    results, stakeholders. The kinds changes could always target come first, so a change
    keeps the meaning it had before the later kinds could be changed.
    """
    found: dict[str, Target] = {program.key: Target("program", ())}
    qualified: dict[str, Target] = {}

    def section(name: str, kind: TargetKind) -> None:
        for i, entity in enumerate(getattr(program, name)):
            target = Target(kind, ((name, i),))
            found.setdefault(entity.id, target)
            qualified.setdefault(f"{kind}:{entity.id}", target)

    section("resources", "resource")
    section("risks", "risk")
    section("benefits", "benefit")
    for p, project in enumerate(program.projects):
        target = Target("project", (("projects", p),))
        found.setdefault(project.id, target)
        qualified.setdefault(f"project:{project.id}", target)
        stack: list[tuple[WorkItem, Steps]] = [
            (item, (("projects", p), ("tasks", t))) for t, item in enumerate(project.tasks)
        ]
        while stack:
            item, steps = stack.pop()
            found.setdefault(item.id, Target("task", steps))
            stack.extend((child, (*steps, ("tasks", c))) for c, child in enumerate(item.tasks))
    section("objectives", "objective")
    for o, objective in enumerate(program.objectives):
        for k, result in enumerate(objective.key_results):
            target = Target("key_result", (("objectives", o), ("key_results", k)))
            found.setdefault(result.id, target)
            qualified.setdefault(f"key_result:{result.id}", target)
    section("stakeholders", "stakeholder")
    for name, target in qualified.items():
        found.setdefault(name, target)
    return found


def target_for(program: Program, kind: TargetKind, ident: str) -> str:
    """The change target that names entity ``ident`` of ``kind``: its id, or ``kind:id``
    when its id names an entity of another kind first."""
    target = build_index(program).get(ident)
    if target is not None and target.kind == kind and id_at(program, target) == ident:
        return ident
    return f"{kind}:{ident}"


def entity_named(program: Program, target: str) -> tuple[TargetKind, str] | None:
    """The kind and id of the entity ``target`` names in a change (None: none)."""
    found = build_index(program).get(target)
    return None if found is None else (found.kind, id_at(program, found))


def id_at(program: Program, target: Target) -> str:
    return program.key if target.kind == "program" else str(entity_at(program, target.steps).id)  # type: ignore[attr-defined]


def entity_at(program: Program, steps: Steps) -> BaseModel:
    node: BaseModel = program
    for section, position in steps:
        node = getattr(node, section)[position]
    return node


def replaced_at(
    node: BaseModel, steps: Steps, replace: Callable[[BaseModel], BaseModel | None]
) -> Any:
    """``node`` with the entity at ``steps`` replaced by ``replace(entity)`` (None: removed).

    Only the parents on the path are copied; everything else is shared with ``node``.
    """
    if not steps:
        return replace(node)
    (section, position), rest = steps[0], steps[1:]
    items = list(getattr(node, section))
    changed = replaced_at(items[position], rest, replace)
    if changed is None:
        del items[position]
    else:
        items[position] = changed
    return node.model_copy(update={section: items})


def map_items(program: Program, change: Callable[[WorkItem], WorkItem]) -> Program:
    """Apply ``change`` to every work item, copying only the branches where it changed one."""

    def visit(item: WorkItem) -> WorkItem:
        children = [visit(child) for child in item.tasks]
        if any(new is not old for new, old in zip(children, item.tasks, strict=True)):
            item = item.model_copy(update={"tasks": children})
        return change(item)

    projects = []
    for project in program.projects:
        tasks = [visit(item) for item in project.tasks]
        if any(new is not old for new, old in zip(tasks, project.tasks, strict=True)):
            projects.append(project.model_copy(update={"tasks": tasks}))
        else:
            projects.append(project)
    return program.model_copy(update={"projects": projects})


#: Where the entities of recently indexed sealed programs sit (their structure never
#: changes: a ``set`` keeps every entity where it was, so its variant shares the index).
_INDEXES: dict[int, tuple[weakref.ref[Program], dict[str, Target]]] = {}


def index_of(program: Program) -> dict[str, Target]:
    kept = _INDEXES.get(id(program))
    if kept is not None and kept[0]() is program:
        return kept[1]
    index = build_index(program)
    if is_sealed(program):
        remember_index(program, index)
    return index


def remember_index(program: Program, index: dict[str, Target]) -> None:
    key = id(program)

    def forget(_: object) -> None:
        _INDEXES.pop(key, None)

    _INDEXES[key] = (weakref.ref(program, forget), index)


def locate_work_item(program: Program, ident: str) -> tuple[WorkItem, str, str | None] | None:
    """Work item ``ident`` with the ids of its project and parent (None: no such item);
    from the index of a sealed program, kept for it and for its variants."""
    target = index_of(program).get(ident)
    if target is None or target.kind != "task":
        return None
    item = entity_at(program, target.steps)
    project = entity_at(program, target.steps[:1])
    parent = entity_at(program, target.steps[:-1]) if len(target.steps) > 2 else None
    assert isinstance(item, WorkItem) and isinstance(project, Project)
    return item, project.id, None if parent is None else parent.id  # type: ignore[attr-defined]
