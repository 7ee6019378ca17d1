"""Named what-if scenarios: a list of changes applied copy-on-write to a program.

:func:`apply_changes` never mutates the program it is given. It rebuilds only the path
from the root to each changed entity (``model_copy`` of the parents, new lists), so the
variant shares every untouched project, task and resource with the base. Each changed
entity is validated by its own model (a ``set duration "12d"`` goes through ``Duration``
exactly as a plan file would), and the whole variant by :func:`check_program`; anything
invalid raises :class:`PlanInvalid` naming the change (``changes[2]``) and its target.

A target is an entity's id. Ids are unique within a kind but one id may name entities of
two kinds (a resource and a stakeholder ``tomas``); the bare id then reaches the first in
the order ``entity_index.build_index`` gives, and ``kind:id`` (``stakeholder:tomas``)
reaches the other (``entity_index.target_for`` gives the target that names an entity).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from progman.domain.base import Entity, Id
from progman.domain.calendars import Calendar
from progman.domain.checked import (
    CHECKED_ITEM_FIELDS,
    check_once,
    is_checked,
    is_sealed,
    mark_checked,
    seal,
)
from progman.domain.entity_index import (
    Target,
    build_index,
    entity_at,
    index_of,
    map_items,
    remember_index,
    replaced_at,
)
from progman.domain.governance import ChangeItem, Stakeholder
from progman.domain.lineage import record_lineage
from progman.domain.program import Program, Project
from progman.domain.resources import Resource
from progman.domain.risks import Risk
from progman.domain.strategy import Benefit, KeyResult, Objective
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
    Objective: {"id", "key_results"},
    KeyResult: {"id"},
    Stakeholder: {"id"},
    Program: {"key", "projects", "resources", "risks", "benefits"},
}
#: The children a ``set`` leaves out of an entity's dump and keeps as they are.
_CHILDREN: dict[type[BaseModel], str] = {
    WorkItem: "tasks",
    Project: "tasks",
    Objective: "key_results",
}
#: Program sections an ``add`` with the program key as target may append to.
_PROGRAM_ADDABLE: dict[str, type[Entity]] = {
    "projects": Project,
    "resources": Resource,
    "risks": Risk,
    "benefits": Benefit,
    "objectives": Objective,
    "stakeholders": Stakeholder,
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


# -- applying changes -----------------------------------------------------------------------


class _ChangeError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def apply_changes(
    program: Program, changes: Sequence[ChangeItem], *, check: bool = True
) -> Program:
    """A new program with ``changes`` applied in order; ``program`` itself is never changed.

    * ``set``: ``field`` of the task, project, resource, risk, benefit, objective, key
      result, stakeholder (or, with the program key as target, the program) takes
      ``value``, parsed as in a plan file.
    * ``add``: ``value`` (a mapping) becomes a new work item under the project or work item
      ``target``; with ``field: depends`` it is a new link of task ``target`` instead
      (``{task: API.auth, type: FS, lag: 2d}``); under an objective it is a new key result
      (``field: key_results``); with the program key as target and ``field`` one of
      projects, resources, risks, benefits, objectives, stakeholders it joins that list.
    * ``remove``: drop a work item (with its children, the links to them and their mentions
      in risks and benefits) or a resource (with its assignments); a risk, benefit,
      objective (with its key results), key result or stakeholder is dropped alone: what
      still refers to it (a benefit's objective, a project's alignment) is a problem named.
    * Calendars: ``set`` a field of calendar NAME with target NAME (``calendar:NAME`` when
      another entity has that id, :func:`calendar_target`). A project is removed with its
      work items, sprints and gates, as :func:`_remove_project` says.

    Raises :class:`PlanInvalid` naming the change index and target when a change cannot be
    applied or (unless ``check`` is False) leaves the program inconsistent.
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
    if is_sealed(program):
        seal(variant)  # made of a program nobody changes in place, and never changed itself
        if variant is not program:
            record_lineage(variant, program, changes)
    if not check:  # the caller checks the program its changes end in
        return variant
    if _still_valid(program, changes):
        mark_checked(variant)
    elif check_once(variant):  # marks a good variant checked for the engine
        raise PlanInvalid(_blame(program, changes))
    return variant


def _still_valid(program: Program, changes: Sequence[ChangeItem]) -> bool:
    """True when ``program`` was checked and the changes only set work item fields that
    :func:`check_program` does not read (a duration, a name, progress): the variant is as
    consistent as the program, without checking it again."""
    if not changes or not is_checked(program):
        return False
    index = index_of(program)
    for change in changes:
        target = index.get(change.target)
        if change.op != "set" or target is None or target.kind != "task":
            return False
        if change.field is None or change.field in CHECKED_ITEM_FIELDS:
            return False
        if change.field not in WorkItem.model_fields:  # an alias: no shortcut, check it
            return False
    return True


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
    index = index_of(program)
    target = index.get(change.target)
    calendar = _calendar_of(program, change.target, index)
    if calendar is not None:
        return _change_calendar(program, calendar, change)
    if target is None:
        raise _ChangeError(
            "scenario.unknown_target",
            f"no task, project, resource, risk, benefit, objective, key result or stakeholder "
            f"'{change.target}' in program {program.key}{did_you_mean(change.target, index)}",
        )
    if change.op == "set":
        variant = _set(program, target, change)
        if is_sealed(program):
            remember_index(variant, index)  # nothing moved: the same places
        return variant
    if change.op == "add":
        return _add(program, target, change)
    return _remove(program, target, change)


def _set(program: Program, target: Target, change: ChangeItem) -> Program:
    entity = entity_at(program, target.steps)
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
    children = _CHILDREN.get(model)
    if children is not None:  # they were left out of the dump
        updated = updated.model_copy(update={children: getattr(entity, children)})
    if target.kind == "program":
        updated = updated.model_copy(
            update={section: getattr(program, section) for section in fixed - {"key"}}
        )
    return replaced_at(program, target.steps, lambda _: updated)  # type: ignore[no-any-return]


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


def _add(program: Program, target: Target, change: ChangeItem) -> Program:
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

        return replaced_at(program, target.steps, with_link)  # type: ignore[no-any-return]
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
    if target.kind == "objective":
        return _add_key_result(program, target, change, value)
    if target.kind == "key_result":
        raise _ChangeError(
            "scenario.invalid_change",
            f"key results are added under their objective; {change.target} is a key result",
        )
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

    return replaced_at(program, target.steps, with_child)  # type: ignore[no-any-return]


def _add_key_result(
    program: Program, target: Target, change: ChangeItem, value: dict[str, Any]
) -> Program:
    if change.field not in (None, "key_results"):
        raise _ChangeError(
            "scenario.unknown_field",
            f"add under objective {change.target} takes field 'key_results' (a key result)"
            f"{did_you_mean(change.field or '', ['key_results'])}",
        )
    result = _validated(KeyResult, value, "value")

    def with_result(entity: BaseModel) -> BaseModel:
        assert isinstance(entity, Objective)
        return entity.model_copy(update={"key_results": [*entity.key_results, result]})

    return replaced_at(program, target.steps, with_result)  # type: ignore[no-any-return]


#: Kinds a ``remove`` drops as they are (an objective with its key results); what still
#: refers to one is found by the whole-program check and named.
_REMOVED_ALONE = frozenset({"risk", "benefit", "objective", "key_result", "stakeholder"})


def _remove(program: Program, target: Target, change: ChangeItem) -> Program:
    if target.kind in _REMOVED_ALONE:
        return replaced_at(program, target.steps, lambda _: None)  # type: ignore[no-any-return]
    if target.kind == "task":
        removed = {item.id for item in entity_at(program, target.steps).walk()}  # type: ignore[attr-defined]
        return _cut_mentions(replaced_at(program, target.steps, lambda _: None), removed)
    if target.kind == "project":
        return _remove_project(program, target)
    if target.kind == "resource":
        variant = replaced_at(program, target.steps, lambda _: None)
        gone = change.target

        def unassigned(item: WorkItem) -> WorkItem:
            kept = [a for a in item.resources if a.resource != gone]
            if len(kept) == len(item.resources):
                return item
            return item.model_copy(update={"resources": kept})

        return map_items(variant, unassigned)
    raise _ChangeError(
        "scenario.invalid_change",
        f"only work items, resources, risks, benefits, objectives, key results and "
        f"stakeholders can be removed; {change.target} is a {target.kind}",
    )


# -- calendars and projects -----------------------------------------------------------------

#: ``calendar:NAME`` names calendar NAME whatever else has the id NAME.
_CALENDAR = "calendar:"


def calendar_target(program: Program, name: str) -> str:
    """The change target naming calendar ``name``: the name itself, or ``calendar:name``
    when an entity of another kind has that id (calendars are keys of a mapping, not ids)."""
    return f"{_CALENDAR}{name}" if name in build_index(program) else name


def _calendar_of(program: Program, target: str, index: dict[str, Target]) -> str | None:
    """The calendar ``target`` names: ``calendar:NAME``, or a NAME no other entity has."""
    name = target.removeprefix(_CALENDAR)
    if name in program.calendars and (name != target or target not in index):
        return name
    return None


def _change_calendar(program: Program, name: str, change: ChangeItem) -> Program:
    """``set`` a field of calendar ``name`` (its holidays and working days as whole lists)."""
    if change.op != "set":
        raise _ChangeError(
            "scenario.invalid_change",
            f"a calendar is changed with 'set' (holidays and working_days as whole lists); "
            f"'{change.op}' does not apply to calendar {name}",
        )
    field = change.field or ""
    if field not in Calendar.model_fields:
        names = list(Calendar.model_fields)
        raise _ChangeError(
            "scenario.unknown_field",
            f"a calendar has no field '{field}'{did_you_mean(field, names)}",
        )
    data = program.calendars[name].model_dump(mode="json")
    data[field] = change.value
    updated = _validated(Calendar, data, field)
    return program.model_copy(update={"calendars": {**program.calendars, name: updated}})


def _remove_project(program: Program, target: Target) -> Program:
    """Drop a project with its work items, sprints, stage gates and the stakeholders'
    reports on it. Links into it and its items' mentions in risks and benefits go with
    them, other projects' items leave its sprints, and the risks scoped to it stay, as the
    program's."""
    project = entity_at(program, target.steps)
    assert isinstance(project, Project)
    removed = {item.id for item in project.work_items()}
    sprints = frozenset(s.id for s in program.sprints if s.project == project.id)
    variant = _cut_mentions(replaced_at(program, target.steps, lambda _: None), removed, sprints)
    risks = [
        r.model_copy(update={"project": None}) if r.project == project.id else r
        for r in variant.risks
    ]
    stakeholders = [  # reports on the project go with it, as its gates do
        person.model_copy(
            update={"communication": [c for c in person.communication if c.project != project.id]}
        )
        if any(c.project == project.id for c in person.communication)
        else person
        for person in variant.stakeholders
    ]
    return variant.model_copy(
        update={
            "risks": risks,
            "sprints": [s for s in variant.sprints if s.id not in sprints],
            "gates": [g for g in variant.gates if g.project != project.id],
            "stakeholders": stakeholders,
        }
    )


def _cut_mentions(
    program: Program, removed: set[str], sprints: frozenset[str] = frozenset()
) -> Program:
    """``program`` without the links to the work items ``removed`` and their mentions in
    risks and benefits, and with no item left in one of the ``sprints`` (being dropped)."""

    def cut(item: WorkItem) -> WorkItem:
        update: dict[str, Any] = {}
        kept = [link for link in item.depends if link.task not in removed]
        if len(kept) != len(item.depends):
            update["depends"] = kept
        if item.sprint is not None and item.sprint in sprints:
            update["sprint"] = None
        return item.model_copy(update=update) if update else item

    variant = map_items(program, cut)
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
