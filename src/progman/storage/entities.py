"""How each domain entity maps to a table row, and to the JSON 'content' that is compared.

An entity's *content* is its JSON dump (``model_dump(mode="json")``) without nested
entities, plus its references (``project``/``parent`` of a work item, ``objective`` of a
key result) and the child rows it owns (dependencies, assignments, baseline tasks) in a
lossless canonical form. The same content is computed from a domain object and from
stored rows: equal content means the row is unchanged; content is also what the audit
log records before and after.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Date, inspect

from progman.domain import Assignment, Dependency, Duration, Program, WorkItem
from progman.domain.program import LIST_SECTIONS, MAPPING_SECTIONS
from progman.storage import models as m

Content = dict[str, Any]
Container = tuple[str | None, ...]


@dataclass(frozen=True, eq=False)
class Kind:
    """One kind of program entity and the table holding it."""

    name: str  # entity kind in the audit log, e.g. "work_item"
    row: type[m.Base]
    columns: Mapping[str, str]  # domain field -> ORM attribute holding it
    key_field: str | None = "id"  # None: the key is the entity's key in a mapping
    refs: frozenset[str] = frozenset()  # content held in foreign keys / child tables
    nested: frozenset[str] = frozenset()  # domain fields that are entities of their own

    @cached_property
    def date_fields(self) -> frozenset[str]:
        """Fields in Date columns: ISO text in content, ``date`` objects in the row."""
        columns = inspect(self.row).columns
        return frozenset(
            f for f, attr in self.columns.items() if isinstance(columns[attr].type, Date)
        )

    def row_values(self, content: Content) -> dict[str, Any]:
        """Column values and ``attributes`` of the row holding ``content``."""
        values: dict[str, Any] = {}
        attributes = dict(content)
        if self.key_field is not None:
            attributes.pop(self.key_field)
        for ref in self.refs:
            attributes.pop(ref, None)
        for field_name, attr in self.columns.items():
            value = attributes.pop(field_name)
            if value is not None and field_name in self.date_fields:
                value = date.fromisoformat(value)
            values[attr] = value
        values["attributes"] = attributes
        return values

    def content_of_row(self, row: Any, key: str) -> Content:
        """Content rebuilt from a stored row (its references are added by the caller)."""
        content: Content = dict(row.attributes)
        if self.key_field is not None:
            content[self.key_field] = key
        for field_name, attr in self.columns.items():
            value = getattr(row, attr)
            if value is not None and field_name in self.date_fields:
                value = value.isoformat()
            content[field_name] = value
        return content


_PROGRAM_LISTS = frozenset(LIST_SECTIONS + MAPPING_SECTIONS)

PROGRAM = Kind(
    "program",
    m.ProgramRow,
    {"name": "name", "start": "start", "status_date": "status_date"},
    key_field="key",
    nested=_PROGRAM_LISTS,
)
CALENDAR = Kind("calendar", m.CalendarRow, {}, key_field=None)
OBJECTIVE = Kind(
    "objective",
    m.ObjectiveRow,
    {"title": "title", "perspective": "perspective"},
    nested=frozenset({"key_results"}),
)
KEY_RESULT = Kind(
    "key_result",
    m.KeyResultRow,
    {"title": "title", "target": "target", "due": "due"},
    refs=frozenset({"objective"}),
)
BENEFIT = Kind("benefit", m.BenefitRow, {"title": "title", "objective": "objective", "due": "due"})
RESOURCE = Kind(
    "resource",
    m.ResourceRow,
    {"name": "name", "kind": "kind", "role": "role", "team": "team", "capacity": "capacity"},
)
PROJECT = Kind(
    "project",
    m.ProjectRow,
    {
        "name": "name",
        "manager": "manager",
        "status": "status",
        "priority": "priority",
        "start": "start",
    },
    nested=frozenset({"tasks"}),
)
WORK_ITEM = Kind(
    "work_item",
    m.WorkItemRow,
    {
        "name": "name",
        "kind": "kind",
        "milestone": "milestone",
        "status": "status",
        "deadline": "deadline",
        "sprint": "sprint",
        "priority": "priority",
    },
    refs=frozenset({"project", "parent", "depends", "resources"}),
    nested=frozenset({"tasks"}),
)
RISK = Kind(
    "risk",
    m.RiskRow,
    {
        "title": "title",
        "kind": "kind",
        "project": "project",
        "status": "status",
        "probability": "probability",
    },
)
STAKEHOLDER = Kind("stakeholder", m.StakeholderRow, {"name": "name", "role": "role"})
SPRINT = Kind(
    "sprint",
    m.SprintRow,
    {"name": "name", "project": "project", "start": "start", "finish": "finish", "state": "state"},
)
CHANGE_REQUEST = Kind(
    "change_request",
    m.ChangeRequestRow,
    {"title": "title", "state": "state", "submitted": "submitted"},
)
BASELINE = Kind(
    "baseline", m.BaselineRow, {"name": "name", "created": "created"}, refs=frozenset({"tasks"})
)
STAGE_GATE = Kind(
    "stage_gate",
    m.StageGateRow,
    {"name": "name", "project": "project", "phase": "phase", "planned": "planned"},
)
DECISION = Kind("decision", m.DecisionRow, {"title": "title", "date": "decided_on"})

#: Kinds in the order they are written; rows may refer to kinds written before them.
KINDS: tuple[Kind, ...] = (
    CALENDAR,
    OBJECTIVE,
    KEY_RESULT,
    BENEFIT,
    RESOURCE,
    PROJECT,
    WORK_ITEM,
    RISK,
    STAKEHOLDER,
    SPRINT,
    CHANGE_REQUEST,
    BASELINE,
    STAGE_GATE,
    DECISION,
)

#: Where each simple kind lives in a Program (key results and work items are nested).
PROGRAM_FIELD = {
    "objective": "objectives",
    "benefit": "benefits",
    "resource": "resources",
    "project": "projects",
    "risk": "risks",
    "stakeholder": "stakeholders",
    "sprint": "sprints",
    "change_request": "change_requests",
    "baseline": "baselines",
    "stage_gate": "gates",
    "decision": "decisions",
}


@dataclass
class EntityState:
    """One entity as the plan wants it: content, order and place in its container."""

    kind: Kind
    key: str
    content: Content
    position: int
    container: Container = ()  # (objective,) for key results, (project, parent) for tasks
    depth: int = 0  # nesting level of a work item; parents are written before children


def dependency_content(dependency: Dependency) -> Content:
    """A link in a lossless form (the plan's text form drops a zero lag's unit)."""
    return {"task": dependency.task, "type": dependency.type, "lag": duration_text(dependency.lag)}


def duration_text(duration: Duration) -> str:
    """``str(duration)``, once per distinct duration (a big plan has a few, many times)."""
    text = _DURATION_TEXTS.get(duration)
    if text is None:
        text = str(duration)
        if len(_DURATION_TEXTS) < _DURATION_TEXTS_KEPT:
            _DURATION_TEXTS[duration] = text
    return text


_DURATION_TEXTS: dict[Duration, str] = {}
_DURATION_TEXTS_KEPT = 4096


def assignment_content(assignment: Assignment) -> Content:
    work = assignment.work
    return {
        "resource": assignment.resource,
        "role": assignment.role,
        "skill": assignment.skill,
        "units": assignment.units,
        "work": None if work is None else duration_text(work),
        "cost": assignment.cost,
    }


def program_content(program: Program) -> Content:
    return program.model_dump(mode="json", exclude=set(PROGRAM.nested))


Walked = tuple[Kind, str, BaseModel, int, Container, int]  # kind, key, entity, position, ...


def walk_entities(program: Program) -> Iterator[Walked]:
    """Every entity of ``program`` in plan order, parents before their children, as
    ``(kind, key, entity, position, container, depth)``."""
    for position, (key, calendar) in enumerate(program.calendars.items()):
        yield CALENDAR, key, calendar, position, (), 0
    for kind in KINDS:
        if kind in (CALENDAR, KEY_RESULT, WORK_ITEM):
            continue
        for position, entity in enumerate(getattr(program, PROGRAM_FIELD[kind.name])):
            yield kind, entity.id, entity, position, (), 0
            if kind is OBJECTIVE:
                for kr_position, key_result in enumerate(entity.key_results):
                    yield KEY_RESULT, key_result.id, key_result, kr_position, (entity.id,), 0
            elif kind is PROJECT:
                yield from _walk_work_items(entity.id, entity.tasks)


def _walk_work_items(project: str, tasks: list[WorkItem]) -> Iterator[Walked]:
    stack: list[tuple[WorkItem, str | None, int, int]] = [
        (item, None, position, 0) for position, item in enumerate(tasks)
    ]
    stack.reverse()
    while stack:
        item, parent, position, depth = stack.pop()
        yield WORK_ITEM, item.id, item, position, (project, parent), depth
        children = [(child, item.id, p, depth + 1) for p, child in enumerate(item.tasks)]
        stack.extend(reversed(children))


def entity_content(kind: Kind, entity: Any, container: Container) -> Content:
    """The content of one entity (see the module docstring)."""
    if kind is WORK_ITEM:
        project, parent = container
        return work_item_content(entity, project or "", parent)
    if kind is KEY_RESULT:
        return {**entity.model_dump(mode="json"), "objective": container[0]}
    if kind.nested:
        return entity.model_dump(mode="json", exclude=set(kind.nested))  # type: ignore[no-any-return]
    return entity.model_dump(mode="json")  # type: ignore[no-any-return]


def entity_states(program: Program) -> Iterator[EntityState]:
    """Every entity of ``program`` in plan order, parents before their children."""
    for kind, key, entity, position, container, depth in walk_entities(program):
        yield EntityState(
            kind, key, entity_content(kind, entity, container), position, container, depth
        )


def work_item_content(item: WorkItem, project: str, parent: str | None) -> Content:
    content = item.model_dump(mode="json", exclude={"tasks", "depends", "resources"})
    content["project"] = project
    content["parent"] = parent
    content["depends"] = [dependency_content(d) for d in item.depends]
    content["resources"] = [assignment_content(a) for a in item.resources]
    return content


def domain_data(kind: Kind, content: Content) -> Content:
    """The entity's fields for ``model_validate`` (references dropped, children kept)."""
    data = dict(content)  # a copy in C; a filtering comprehension costs ten times more
    if kind is WORK_ITEM:
        data.pop("project", None)
        data.pop("parent", None)
    elif kind is KEY_RESULT:
        data.pop("objective", None)
    return data
