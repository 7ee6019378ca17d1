"""Named what-if scenarios: a list of changes applied copy-on-write to a program.

:func:`apply_changes` never mutates the program it is given. It rebuilds only the path
from the root to each changed entity (``model_copy`` of the parents, new lists), so the
variant shares every untouched project, task and resource with the base. Each changed
entity is validated by its own model (a ``set duration "12d"`` goes through ``Duration``
exactly as a plan file would), and the whole variant by :func:`check_program`; anything
invalid raises :class:`PlanInvalid` naming the change (``changes[2]``) and its target.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from progman.domain.base import Entity, Id
from progman.domain.checked import check_once
from progman.domain.governance import ChangeItem
from progman.domain.program import Program, Project
from progman.domain.resources import Resource
from progman.domain.risks import Risk
from progman.domain.strategy import Benefit
from progman.domain.validation import check_program, did_you_mean, format_path
from progman.domain.work import Dependency, WorkItem
from progman.errors import Location, PlanInvalid, Problem

#: Fields a ``set`` may not change: ids are what every reference points at (remove the
#: entity and add it under its new id instead); children are changed by ``add``/``remove``.
_FIXED_FIELDS = {
    WorkItem: {"id", "tasks"},
    Project: {"id", "tasks"},
    Resource: {"id"},
    Risk: {"id"},
    Benefit: {"id"},
    Program: {"key", "projects", "resources", "risks", "benefits"},
}
#: Program sections an ``add`` with the program key as target may append to.
_PROGRAM_ADDABLE: dict[str, type[Entity]] = {
    "projects": Project,
    "resources": Resource,
    "risks": Risk,
    "benefits": Benefit,
}


class Scenario(Entity):
    """A named variant of a stored program: the changes to apply to its current plan.

    ``base`` is the program key; ``base_revision`` the program's revision when the scenario
    was saved (the changes are re-applied to whatever the program is now).
    """

    id: Id
    name: str
    description: str | None = None
    base: Id
    base_revision: int | None = None
    created: datetime | None = None
    changes: list[ChangeItem] = Field(default_factory=list)


# -- locating entities ----------------------------------------------------------------------

#: A path from the program to an entity: ``[("projects", 1), ("tasks", 0), ("tasks", 3)]``.
Steps = tuple[tuple[str, int], ...]
TargetKind = Literal["program", "project", "task", "resource", "risk", "benefit"]


@dataclass(frozen=True)
class _Target:
    kind: TargetKind
    steps: Steps


def _index(program: Program) -> dict[str, _Target]:
    """Where every changeable entity sits (work items iteratively: WBS trees may be deep)."""
    found: dict[str, _Target] = {program.key: _Target("program", ())}
    sections: tuple[tuple[str, TargetKind], ...] = (
        ("resources", "resource"),
        ("risks", "risk"),
        ("benefits", "benefit"),
    )
    for section, kind in sections:
        for i, entity in enumerate(getattr(program, section)):
            found.setdefault(entity.id, _Target(kind, ((section, i),)))
    for p, project in enumerate(program.projects):
        found.setdefault(project.id, _Target("project", (("projects", p),)))
        stack: list[tuple[WorkItem, Steps]] = [
            (item, (("projects", p), ("tasks", t))) for t, item in enumerate(project.tasks)
        ]
        while stack:
            item, steps = stack.pop()
            found.setdefault(item.id, _Target("task", steps))
            stack.extend((child, (*steps, ("tasks", c))) for c, child in enumerate(item.tasks))
    return found


def _get(program: Program, steps: Steps) -> BaseModel:
    node: BaseModel = program
    for section, position in steps:
        node = getattr(node, section)[position]
    return node


def _put(node: BaseModel, steps: Steps, replace: Callable[[BaseModel], BaseModel | None]) -> Any:
    """``node`` with the entity at ``steps`` replaced by ``replace(entity)`` (None: removed).

    Only the parents on the path are copied; everything else is shared with ``node``.
    """
    if not steps:
        return replace(node)
    (section, position), rest = steps[0], steps[1:]
    items = list(getattr(node, section))
    changed = _put(items[position], rest, replace)
    if changed is None:
        del items[position]
    else:
        items[position] = changed
    return node.model_copy(update={section: items})


def _map_items(program: Program, change: Callable[[WorkItem], WorkItem]) -> Program:
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


# -- applying changes -----------------------------------------------------------------------


class _ChangeError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def apply_changes(program: Program, changes: Sequence[ChangeItem]) -> Program:
    """A new program with ``changes`` applied in order; ``program`` itself is never changed.

    * ``set``: ``field`` of the task, project, resource, risk, benefit (or, with the program
      key as target, the program) takes ``value``, parsed as in a plan file.
    * ``add``: ``value`` (a mapping) becomes a new work item under the project or work item
      ``target``; with ``field: depends`` it is a new link of task ``target`` instead
      (``{task: API.auth, type: FS, lag: 2d}``); with the program key as target and
      ``field`` one of projects, resources, risks, benefits it joins that list.
    * ``remove``: drop a work item (with its children, the links to them and their mentions
      in risks and benefits) or a resource (with its assignments).

    Raises :class:`PlanInvalid` naming the change index and target when a change cannot be
    applied or leaves the program inconsistent.
    """
    problems: list[Problem] = []
    variant = program
    for number, change in enumerate(changes):
        try:
            variant = _apply(variant, change)
        except _ChangeError as error:
            problems.append(_problem(number, change, error.code, error.message))
    if problems:
        raise PlanInvalid(problems)
    if check_once(variant):  # marks a good variant checked for the engine
        raise PlanInvalid(_blame(program, changes))
    return variant


def _problem(number: int, change: ChangeItem, code: str, message: str) -> Problem:
    what = f"{change.op} {change.target}" + (f".{change.field}" if change.field else "")
    return Problem(
        code,
        f"{what}: {message}",
        Location(path=f"changes[{number}]", entity=change.target),
    )


def _blame(program: Program, changes: Sequence[ChangeItem]) -> list[Problem]:
    """Replay the changes to name the first one after which each whole-program finding shows.

    Only run when the variant is invalid, so a valid scenario pays for one check.
    """
    seen = {(f.code, f.message) for f in check_program(program)}
    problems = []
    variant = program
    for number, change in enumerate(changes):
        variant = _apply(variant, change)
        for finding in check_program(variant):
            if (finding.code, finding.message) not in seen:
                seen.add((finding.code, finding.message))
                message = f"{finding.message} (at {format_path(finding.path)})"
                problems.append(_problem(number, change, finding.code, message))
    return problems


def _apply(program: Program, change: ChangeItem) -> Program:
    index = _index(program)
    target = index.get(change.target)
    if target is None:
        raise _ChangeError(
            "scenario.unknown_target",
            f"no task, project, resource, risk or benefit '{change.target}' in program "
            f"{program.key}{did_you_mean(change.target, index)}",
        )
    if change.op == "set":
        return _set(program, target, change)
    if change.op == "add":
        return _add(program, target, change)
    return _remove(program, target, change)


def _set(program: Program, target: _Target, change: ChangeItem) -> Program:
    entity = _get(program, target.steps)
    model = type(entity)
    field = change.field or ""
    fixed = _FIXED_FIELDS.get(model, set())
    names = [name for name in model.model_fields if name not in fixed]
    aliases = {info.alias: name for name, info in model.model_fields.items() if info.alias}
    field = aliases.get(field, field)
    if field in fixed:
        hint = (
            "ids are what references point at: remove it and add it under the new id"
            if field in ("id", "key")
            else f"use 'add' and 'remove' to change the {field}"
        )
        raise _ChangeError("scenario.fixed_field", f"cannot set {field} of {target.kind}; {hint}")
    if field not in model.model_fields:
        raise _ChangeError(
            "scenario.unknown_field",
            f"a {target.kind} has no field '{field}'{did_you_mean(field, names)}",
        )
    data = entity.model_dump(mode="json", by_alias=True, exclude=fixed - {"id", "key"})
    alias = model.model_fields[field].alias or field
    data[alias] = change.value
    updated = _validated(model, data, field)
    if isinstance(entity, WorkItem | Project):  # children were left out of the dump
        updated = updated.model_copy(update={"tasks": entity.tasks})
    if target.kind == "program":
        updated = updated.model_copy(
            update={section: getattr(program, section) for section in fixed - {"key"}}
        )
    return _put(program, target.steps, lambda _: updated)  # type: ignore[no-any-return]


def _validated(model: type[BaseModel], data: dict[str, Any], what: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        messages = []
        for detail in error.errors(include_url=False):
            where = ".".join(str(part) for part in detail["loc"])
            message = str(detail["msg"]).removeprefix("Value error, ")
            messages.append(f"{where}: {message}" if where and where != what else message)
        raise _ChangeError("scenario.invalid_value", "; ".join(messages)) from None


def _add(program: Program, target: _Target, change: ChangeItem) -> Program:
    value = change.value
    assert isinstance(value, dict)  # ChangeItem guarantees an 'add' carries a mapping
    if change.field == "depends":
        if target.kind != "task":
            raise _ChangeError(
                "scenario.invalid_change",
                f"only tasks have links; {change.target} is a {target.kind}",
            )
        link = _validated(Dependency, value, "depends")

        def with_link(entity: BaseModel) -> BaseModel:
            assert isinstance(entity, WorkItem)
            return entity.model_copy(update={"depends": [*entity.depends, link]})

        return _put(program, target.steps, with_link)  # type: ignore[no-any-return]
    if target.kind == "program":
        section = change.field or ""
        if section not in _PROGRAM_ADDABLE:
            raise _ChangeError(
                "scenario.unknown_field",
                f"add under the program needs field one of {', '.join(_PROGRAM_ADDABLE)}"
                f"{did_you_mean(section, list(_PROGRAM_ADDABLE))}",
            )
        added = _validated(_PROGRAM_ADDABLE[section], value, section)
        return program.model_copy(update={section: [*getattr(program, section), added]})
    if target.kind not in ("project", "task"):
        raise _ChangeError(
            "scenario.invalid_change",
            f"work items are added under a project or a work item; {change.target} is a "
            f"{target.kind} (to add a {target.kind}, target the program {program.key} "
            f"with field: {target.kind}s)",
        )
    if change.field not in (None, "tasks"):
        raise _ChangeError(
            "scenario.unknown_field",
            f"add under {change.target} takes field 'tasks' (a work item) or 'depends' (a link)"
            f"{did_you_mean(change.field or '', ['tasks', 'depends'])}",
        )
    item = _validated(WorkItem, value, "value")

    def with_child(entity: BaseModel) -> BaseModel:
        assert isinstance(entity, WorkItem | Project)
        return entity.model_copy(update={"tasks": [*entity.tasks, item]})

    return _put(program, target.steps, with_child)  # type: ignore[no-any-return]


def _remove(program: Program, target: _Target, change: ChangeItem) -> Program:
    if target.kind == "task":
        removed = {item.id for item in _get(program, target.steps).walk()}  # type: ignore[attr-defined]
        variant: Program = _put(program, target.steps, lambda _: None)

        def unlinked(item: WorkItem) -> WorkItem:
            kept = [link for link in item.depends if link.task not in removed]
            return (
                item
                if len(kept) == len(item.depends)
                else item.model_copy(update={"depends": kept})
            )

        variant = _map_items(variant, unlinked)
        risks = [
            r
            if not removed & set(r.affects)
            else r.model_copy(update={"affects": [t for t in r.affects if t not in removed]})
            for r in variant.risks
        ]
        benefits = [
            b
            if not removed & set(b.depends_on)
            else b.model_copy(update={"depends_on": [t for t in b.depends_on if t not in removed]})
            for b in variant.benefits
        ]
        return variant.model_copy(update={"risks": risks, "benefits": benefits})
    if target.kind == "resource":
        variant = _put(program, target.steps, lambda _: None)
        gone = change.target

        def unassigned(item: WorkItem) -> WorkItem:
            kept = [a for a in item.resources if a.resource != gone]
            if len(kept) == len(item.resources):
                return item
            return item.model_copy(update={"resources": kept})

        return _map_items(variant, unassigned)
    raise _ChangeError(
        "scenario.invalid_change",
        f"only work items and resources can be removed; {change.target} is a {target.kind}",
    )
