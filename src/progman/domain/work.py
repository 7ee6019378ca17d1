"""Work items (the WBS tree of a project), dependencies, assignments and constraints."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any, Literal

from pydantic import (
    Field,
    GetJsonSchemaHandler,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_serializer,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from progman.domain.actual_costs import PeriodCost, periods_problem, total_problem
from progman.domain.base import (
    ID_MAX_LENGTH,
    ID_PATTERN,
    Entity,
    Id,
    Money,
    Percent,
    PlanDate,
    PlanDateTime,
    Priority,
    checked_instance,
)
from progman.domain.durations import DURATION_REGEX, Duration, duration_of_text

LinkType = Literal["FS", "SS", "FF", "SF"]
LINK_TYPES: tuple[LinkType, ...] = ("FS", "SS", "FF", "SF")
ConstraintType = Literal["asap", "alap", "snet", "snlt", "fnet", "fnlt", "mso", "mfo"]
WorkStatus = Literal["todo", "in_progress", "review", "blocked", "done", "cancelled"]
Distribution = Literal["triangular", "pert"]

_DEPENDENCY = re.compile(
    r"^\s*(?P<task>[^\s+]+?)(?:\s+(?P<type>FS|SS|FF|SF|fs|ss|ff|sf))?\s*"
    r"(?P<lag>[+-]\s*(?:\d+(?:\.\d+)?|\.\d+)\s*e?(?:mo|m|h|d|w))?\s*$"
)
#: A link written as a bare predecessor id, the form of nearly every link of a big plan:
#: a valid id that ``_DEPENDENCY`` reads as the whole task (no type, and no ``-2d`` at the
#: end that it would take for a lag).
_PLAIN_ID = re.compile(ID_PATTERN.removeprefix("^").removesuffix("$")).fullmatch
_LAG_AT_END = re.compile(r"-(?:\d+(?:\.\d+)?|\.\d+)e?(?:mo|m|h|d|w)\Z").search
_NO_LAG = Duration(0.0, "d")
DEPENDENCY_REGEX = r"^\S+(\s+(FS|SS|FF|SF))?\s*([+-]\s*(\d+(\.\d+)?|\.\d+)\s*e?(mo|m|h|d|w))?$"


class Dependency(Entity):
    """A link from a predecessor to this task: ``"API.auth"``, ``"API.auth SS+5d"``."""

    task: Id
    type: LinkType = "FS"
    lag: Duration = Field(default_factory=lambda: _NO_LAG)

    @model_validator(mode="before")
    @classmethod
    def _parse_text(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        match = _DEPENDENCY.match(value)
        if not match:
            raise ValueError(
                f"invalid dependency {value!r}; write 'ID', 'ID SS', 'ID FF+2d' or 'ID SF-1d'"
            )
        parsed: dict[str, Any] = {"task": match["task"]}
        if match["type"]:
            parsed["type"] = match["type"].upper()
        if match["lag"]:
            parsed["lag"] = match["lag"].replace(" ", "")
        return parsed

    @model_validator(mode="after")
    def _one_zero(self) -> Dependency:
        """``+0h`` and ``+0ed`` mean no lag, written as nothing, read back as ``0d``."""
        if self.lag.is_zero and self.lag != _NO_LAG:
            self.lag = _NO_LAG
        return self

    @model_serializer(mode="plain")
    def _as_text(self) -> str:
        if self.lag.is_zero:
            return self.task if self.type == "FS" else f"{self.task} {self.type}"
        return f"{self.task} {self.type}{self.lag.signed()}"

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": DEPENDENCY_REGEX,
            "description": "predecessor id, link type FS|SS|FF|SF and signed lag: 'API.auth SS+5d'",
        }


def plain_dependencies(links: list[Any]) -> list[Dependency] | None:
    """The links as Dependency objects if each is a bare predecessor id, else None.

    Builds exactly what ``Dependency`` validation builds for such text (task, FS, no lag;
    only ``task`` given), without validating each link: a 100k-task plan has 200k of them.
    Anything else (a type, a lag, a mapping, a bad id) gets None, so the caller validates
    the whole list as usual, with the usual errors.
    """
    built = []
    for text in links:
        if (
            type(text) is not str
            or len(text) > ID_MAX_LENGTH
            or not _PLAIN_ID(text)
            or ("-" in text and _LAG_AT_END(text))
        ):
            return None
        built.append(
            checked_instance(Dependency, {"task": text, "type": "FS", "lag": _NO_LAG}, {"task"})
        )
    return built


class Assignment(Entity):
    """A resource, or a role and/or skill still to be staffed, working on a task."""

    resource: Id | None = None
    role: str | None = Field(default=None, description="a role still to be staffed")
    skill: str | None = Field(
        default=None,
        description="a skill still to be staffed, e.g. react; with a role: someone of that "
        "role with that skill",
    )
    units: float = Field(default=1.0, ge=0.0, le=100.0, description="1.0 = full time")
    work: Duration | None = None
    cost: Money | None = Field(default=None, description="amount spent, for cost resources")

    @field_validator("work")
    @classmethod
    def _work_not_negative(cls, value: Duration | None) -> Duration | None:
        if value is not None and value.amount < 0:
            raise ValueError(f"work {value} is negative; write 0 or more")
        return value

    @model_validator(mode="after")
    def _who(self) -> Assignment:
        if self.resource is None and self.role is None and self.skill is None:
            raise ValueError("an assignment needs a resource, or a role or skill to be staffed")
        return self


class ThreePointEstimate(Entity):
    """Optimistic / most likely / pessimistic duration; written as ``[8d, 10d, 16d]``."""

    optimistic: Duration
    most_likely: Duration
    pessimistic: Duration

    @model_validator(mode="before")
    @classmethod
    def _from_list(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            if len(value) != 3:
                raise ValueError(
                    f"an estimate has three durations [optimistic, most likely, pessimistic], "
                    f"got {len(value)}"
                )
            return dict(zip(("optimistic", "most_likely", "pessimistic"), value, strict=True))
        return value

    @model_validator(mode="after")
    def _ordered(self) -> ThreePointEstimate:
        o, m, p = (
            d.working_minutes() for d in (self.optimistic, self.most_likely, self.pessimistic)
        )
        if o < 0:
            raise ValueError(
                f"optimistic duration {self.optimistic} is negative; an estimate is 0 or more"
            )
        if not o <= m <= p:
            raise ValueError(
                f"estimate must satisfy optimistic <= most likely <= pessimistic, got "
                f"[{self.optimistic}, {self.most_likely}, {self.pessimistic}]"
            )
        return self

    @model_serializer(mode="plain")
    def _as_list(self) -> list[str]:
        return [str(self.optimistic), str(self.most_likely), str(self.pessimistic)]

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        item = {"type": "string", "pattern": DURATION_REGEX}
        return {
            "type": "array",
            "items": item,
            "minItems": 3,
            "maxItems": 3,
            "description": "[optimistic, most likely, pessimistic]",
        }


class Constraint(Entity):
    """A date constraint: ``{type: snet, date: 2027-03-01}`` or ``"SNET 2027-03-01"``."""

    type: ConstraintType
    date: PlanDateTime | None = None

    @model_validator(mode="before")
    @classmethod
    def _parse_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = value.split()
            if not parts:
                raise ValueError("empty constraint; write e.g. 'SNET 2027-03-01' or 'ASAP'")
            return {"type": parts[0].lower(), **({"date": parts[1]} if len(parts) > 1 else {})}
        if isinstance(value, dict) and isinstance(value.get("type"), str):
            return {**value, "type": value["type"].lower()}
        return value

    @model_validator(mode="after")
    def _date_needed(self) -> Constraint:
        if self.type in ("asap", "alap"):
            if self.date is not None:
                raise ValueError(f"constraint {self.type.upper()} takes no date")
        elif self.date is None:
            raise ValueError(
                f"constraint {self.type.upper()} needs a date, e.g. "
                f"'{self.type.upper()} 2027-03-01'"
            )
        return self


class ChecklistItem(Entity):
    """One line of a definition-of-ready/done checklist; written as text or a mapping."""

    text: str
    done: bool = False

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        return {"text": value} if isinstance(value, str) else value

    @model_serializer(mode="wrap")
    def _compact(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> Any:
        return self.text if not self.done else handler(self)


class WorkItem(Entity):
    """A node of a project's work breakdown: task, milestone, epic or story.

    A work item with children (``tasks``) is a summary task; its dates roll up from them.
    """

    id: Id
    name: str
    kind: Literal["task", "epic", "story"] = "task"
    milestone: bool = False
    description: str | None = None
    duration: Duration | None = None
    work: Duration | None = None
    estimate: ThreePointEstimate | None = None
    distribution: Distribution | None = None
    depends: list[Dependency] = Field(default_factory=list)
    constraint: Constraint | None = None
    deadline: PlanDate | None = None
    calendar: Id | None = None
    priority: Priority | None = None
    percent_complete: Percent | None = None
    actual_start: PlanDateTime | None = None
    actual_finish: PlanDateTime | None = None
    remaining: Duration | None = None
    status: WorkStatus | None = None
    resources: list[Assignment] = Field(default_factory=list)
    story_points: float | None = Field(default=None, ge=0)
    sprint: Id | None = None
    checklist: list[ChecklistItem] = Field(default_factory=list)
    fixed_cost: Money | None = None
    actual_cost: Money | None = Field(default=None, description="cost incurred so far")
    actual_costs: list[PeriodCost] = Field(
        default_factory=list, description="cost incurred by period (docs/plan-format.md)"
    )
    interruptible: bool = False
    tags: list[str] = Field(default_factory=list)
    tasks: list[WorkItem] = Field(default_factory=list)

    @field_validator("depends", mode="wrap")
    @classmethod
    def _plain_links_fast(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        links = plain_dependencies(value) if type(value) is list else None
        return links if links is not None else handler(value)

    @field_validator("tasks", mode="wrap")
    @classmethod
    def _plain_subtasks_fast(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        return work_items(value, handler) if type(value) is list else handler(value)

    @field_validator("resources", mode="before")
    @classmethod
    def _resources_from_mapping(cls, value: Any) -> Any:
        """``{alice: 1.0, bob: {units: 0.5, work: 20h}}`` is the short form of the list."""
        if isinstance(value, dict):
            items = []
            for key, spec in value.items():
                if isinstance(spec, dict):
                    items.append({"resource": key, **spec})
                else:
                    items.append({"resource": key, "units": spec})
            return items
        return value

    @field_serializer("resources", mode="wrap")
    def _resources_as_mapping(
        self, value: list[Assignment], handler: SerializerFunctionWrapHandler
    ) -> Any:
        """Write the short mapping form whenever it holds all the data."""
        names = [a.resource for a in value]
        plain = all(
            a.resource is not None and a.role is None and a.skill is None and a.cost is None
            for a in value
        )
        if not plain or len(set(names)) != len(names):
            full: list[dict[str, Any]] = handler(value)
            return [{k: v for k, v in entry.items() if v is not None} for entry in full]
        return {
            a.resource: a.units if a.work is None else {"units": a.units, "work": str(a.work)}
            for a in value
        }

    # Checks across fields are field validators, so that a problem is reported at the field
    # at fault (file:line of the duration, not of the task, nor of the list holding it). A
    # field is checked against the fields declared before it (``info.data``); on assignment
    # ``info.data`` holds all the others, so each pair is checked from either side.

    @field_validator("actual_cost", "actual_costs")
    @classmethod
    def _ledger(cls, value: Any, info: ValidationInfo) -> Any:
        """The periods in date order, and the total (if given too) their sum."""
        data = info.data
        ident = data.get("id", "this work item")
        if info.field_name == "actual_costs":
            problem = periods_problem(ident, value) or total_problem(
                ident, data.get("actual_cost"), value
            )
        else:  # on assignment: against the periods already there
            problem = total_problem(ident, value, data.get("actual_costs") or [])
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("duration", "work", "remaining", "estimate")
    @classmethod
    def _length(
        cls, value: Duration | ThreePointEstimate | None, info: ValidationInfo
    ) -> Duration | ThreePointEstimate | None:
        if isinstance(value, Duration) and value.amount < 0:
            raise ValueError(f"{value} is negative; write a length of 0 or more")
        if value is not None and info.data.get("milestone"):
            problem = _milestone_length(info.field_name or "duration", value)
            if problem:
                raise ValueError(problem)
        return value

    @field_validator("milestone")
    @classmethod
    def _one_moment(cls, value: bool, info: ValidationInfo) -> bool:
        if value:
            data = info.data
            for name in ("duration", "work", "remaining", "estimate"):
                problem = _milestone_length(name, data.get(name))
                if problem:
                    raise ValueError(problem)
            problem = _actuals_problem(data.get("actual_start"), data.get("actual_finish"), True)
            if problem:
                raise ValueError(problem)
        return value

    @field_validator("actual_start", "actual_finish")
    @classmethod
    def _actuals_agree(
        cls, value: date | datetime | None, info: ValidationInfo
    ) -> date | datetime | None:
        data = info.data
        if info.field_name == "actual_start":
            start, finish = value, data.get("actual_finish")
        else:
            start, finish = data.get("actual_start"), value
        problem = _actuals_problem(start, finish, bool(data.get("milestone")))
        if problem:
            raise ValueError(problem)
        return value

    @property
    def is_summary(self) -> bool:
        return bool(self.tasks)

    def walk(self) -> Iterator[WorkItem]:
        """This item and all its descendants, depth first in file order."""
        stack = [self]
        while stack:
            item = stack.pop()
            yield item
            stack.extend(reversed(item.tasks))


def _milestone_length(name: str, value: Duration | ThreePointEstimate | None) -> str | None:
    """Why a milestone cannot have ``value`` as its ``name``, if it cannot."""
    longest: Duration | None
    if isinstance(value, ThreePointEstimate):
        longest, written = value.pessimistic, f"[{', '.join(value.model_dump())}]"
    else:
        longest, written = value, str(value)
    if longest is None or longest.is_zero:
        return None
    return (
        f"a milestone is one moment and has no {name}: remove '{name}: {written}', "
        "or write 'milestone: false' to make it a task"
    )


def _actuals_problem(
    start: date | datetime | None, finish: date | datetime | None, milestone: bool
) -> str | None:
    """What contradicts in an actual start and finish, if anything."""
    if start is None or finish is None:
        return None
    if _earlier(finish, start):
        return f"actual_finish {shown(finish)} is before actual_start {shown(start)}"
    if milestone and _earlier(start, finish):
        return (
            f"a milestone is one moment, but its actual_start {shown(start)} is before its "
            f"actual_finish {shown(finish)}: give only actual_finish (when it was reached), "
            "or the same moment in both"
        )
    return None


def shown(value: date | datetime) -> str:
    """A plan date as a plan writes it: ``2027-03-01`` or ``2027-03-01T09:00``."""
    return value.isoformat(timespec="minutes") if isinstance(value, datetime) else str(value)


def _earlier(first: date | datetime, second: date | datetime) -> bool:
    """``first`` is before ``second``; a plain date stands for its whole day."""
    if isinstance(first, datetime) and isinstance(second, datetime):
        return first < second
    return _day(first) < _day(second)


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


# -- bulk loading -------------------------------------------------------------------------

#: Fields a work item of a generated or exported plan mostly has, each cheap to check here.
_SIMPLE_FIELDS = frozenset({"id", "name", "duration", "depends", "milestone"})
_ITEM_DEFAULTS = {
    name: None if info.default_factory is not None else info.default
    for name, info in WorkItem.model_fields.items()
}
_WORK_ITEM = WorkItem.__pydantic_validator__.validate_python


def work_items(entries: list[Any], handler: ValidatorFunctionWrapHandler) -> list[WorkItem]:
    """The work items of a task list, as validating the list with ``handler`` builds them.

    A plain task (id, name, a duration, bare predecessor ids) is built directly, the
    others are validated one by one; if any is wrong, ``handler`` validates the whole list
    again, so the errors (and their places) are pydantic's own.
    """
    built = []
    for entry in entries:
        item = _simple_work_item(entry) if type(entry) is dict else None
        if item is None:
            try:
                item = _WORK_ITEM(entry)
            except ValidationError:
                return handler(entries)  # type: ignore[no-any-return]
        built.append(item)
    return built


def _simple_work_item(entry: dict[str, Any]) -> WorkItem | None:
    """The work item validation builds for ``entry``, if it is plain and right, else None.

    Plain: only the fields of ``_SIMPLE_FIELDS``, each of the type a parsed plan gives it,
    an id that needs no stripping, an ASCII name that needs none either (pydantic's strip
    and Python's agree there), a known duration that is not negative, bare links.
    """
    if not entry.keys() <= _SIMPLE_FIELDS:
        return None
    ident, name = entry.get("id"), entry.get("name")
    if (
        type(ident) is not str
        or len(ident) > ID_MAX_LENGTH
        or not _PLAIN_ID(ident)
        or type(name) is not str
        or not name.isascii()
        or name.strip() is not name
    ):
        return None
    values = _ITEM_DEFAULTS.copy()
    values["id"] = ident
    values["name"] = name
    if "duration" in entry:
        text = entry["duration"]
        duration = duration_of_text(text) if type(text) is str else None
        if duration is None or duration.amount < 0:
            return None
        values["duration"] = duration
    if "depends" in entry:
        links = entry["depends"]
        depends = plain_dependencies(links) if type(links) is list else None
        if depends is None:
            return None
        values["depends"] = depends
    else:
        values["depends"] = []
    if "milestone" in entry:
        if type(entry["milestone"]) is not bool:
            return None
        if entry["milestone"] and values["duration"] is not None:
            return None  # a milestone has no duration: validation says so
        values["milestone"] = entry["milestone"]
    values["resources"] = []
    values["checklist"] = []
    values["actual_costs"] = []
    values["tags"] = []
    values["tasks"] = []
    return checked_instance(WorkItem, values, set(entry))
