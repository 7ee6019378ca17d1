"""What the API reads and answers, per use (SPEC §5.1): never a storage model, never the
plan-file models with their shorthand forms. Requests refuse unknown fields."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from progman.domain.access import Role


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginRequest(Request):
    username: str = Field(min_length=1, max_length=120)
    password: str = Field(min_length=1, max_length=1024)


class GrantPublic(BaseModel):
    role: Role
    program: str | None = Field(description="null: every program")
    project: str | None = Field(description="null: the whole program")


class UserPublic(BaseModel):
    name: str
    role: Role
    grants: list[GrantPublic]


class LoginResponse(BaseModel):
    user: UserPublic
    csrf_token: str = Field(description="send it as X-CSRF-Token on every unsafe request")


class TokenRequest(Request):
    days: int = Field(default=90, ge=1, le=3650)


class TokenPublic(BaseModel):
    token: str = Field(description="shown once: keep it; only its hash is stored")
    user: str
    expires_at: datetime


class ProgramPublic(BaseModel):
    key: str
    name: str
    projects: int
    work_items: int
    revision: int = Field(description="the program's version: its ETag")
    updated_at: datetime


class ProgramPage(BaseModel):
    items: list[ProgramPublic]
    next: str | None = Field(description="cursor of the next page; null on the last one")


class SimulateRequest(Request):
    iterations: int = Field(default=10_000, ge=1, le=1_000_000)
    seed: int = Field(default=0, ge=0, le=2**63 - 1)
    status_date: date | None = None
    top: int = Field(default=10, ge=1, le=1000)
    leveled: bool = Field(
        default=False,
        description="place each iteration under the resource capacities, with the leveled "
        "plan's priorities (progman simulate --leveled); the planned finish is then the "
        "leveled one",
    )


class ImpactRequest(Request):
    """One change, as ``progman impact`` takes it: a task or a project that slips, a link
    added, changed or removed, or a person who leaves."""

    task: str | None = None
    project: str | None = None
    link: str | None = Field(default=None, description="PRED:SUCC")
    resource: str | None = None
    slip: str | None = Field(default=None, description="a duration: 10d, 2w, 4h")
    leaving: date | None = Field(default=None, description="with resource: the last day")
    remove: bool = False
    status_date: date | None = None


def _object(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


_STAMP = {"type": ["string", "null"]}
#: The documented part of ``schedule --json`` (SPEC §5), for the OpenAPI document.
SCHEDULE_SCHEMA = _object(
    ["finish", "critical_path", "tasks"],
    {
        "finish": _STAMP,
        "critical_path": {"type": "array", "items": {"type": "string"}},
        "tasks": {
            "type": "array",
            "items": _object(
                ["id", "start", "finish", "total_float", "free_float", "critical"],
                {
                    "id": {"type": "string"},
                    "start": _STAMP,
                    "finish": _STAMP,
                    "total_float": {"type": "number"},
                    "free_float": {"type": "number"},
                    "critical": {"type": "boolean"},
                },
            ),
        },
        "next": {
            "type": ["string", "null"],
            "description": "with limit, cursor, project or critical: the next page's cursor",
        },
    },
)
#: The documented part of ``simulate --json`` (SPEC §5).
SIMULATION_SCHEMA = _object(
    ["iterations", "seed", "finish", "milestones", "criticality", "sensitivity"],
    {
        "iterations": {"type": "integer"},
        "seed": {"type": "integer"},
        "leveled": {"type": "boolean"},
        "finish": {"type": "object"},
        "milestones": {"type": "object"},
        "criticality": {"type": "object"},
        "sensitivity": {"type": "array"},
    },
)
#: The documented part of ``impact --json`` (SPEC §5).
IMPACT_SCHEMA = _object(
    ["changed", "milestones", "projects", "benefits", "objectives", "chains"],
    {
        name: {"type": "array"}
        for name in ("changed", "milestones", "projects", "benefits", "objectives", "chains")
    },
)


class LinkPublic(BaseModel):
    task: str = Field(description="the predecessor")
    type: str = Field(description="FS, SS, FF or SF")
    lag: str = Field(description="a duration such as 2d; negative for a lead")


class AssignmentPublic(BaseModel):
    resource: str | None
    role: str | None
    skill: str | None
    units: float
    work: str | None


class EstimatePublic(BaseModel):
    optimistic: str
    most_likely: str
    pessimistic: str


class PeriodCostBody(Request):
    """What a work item cost from ``start`` (optional: the day after the entry before) to
    ``end``, both days included."""

    start: date | None = None
    end: date
    amount: float = Field(ge=0)


class WorkItemPublic(BaseModel):
    id: str
    name: str
    project: str
    parent: str | None
    kind: str
    milestone: bool
    summary: bool = Field(description="has subtasks: its dates roll up from them")
    description: str | None
    duration: str | None
    work: str | None
    estimate: EstimatePublic | None
    depends: list[LinkPublic]
    deadline: date | None
    priority: int | None
    percent_complete: float | None
    actual_start: date | datetime | None
    actual_finish: date | datetime | None
    status: str | None
    fixed_cost: float | None
    actual_cost: float | None = Field(description="cost incurred so far (a total)")
    actual_costs: list[PeriodCostBody] = Field(description="actual costs by period, in order")
    resources: list[AssignmentPublic]
    tags: list[str]
    version: int = Field(description="the item's version: its ETag, sent back as If-Match")


class WorkItemPage(BaseModel):
    items: list[WorkItemPublic]
    next: str | None


class WorkItemUpdate(Request):
    """The fields to change; those left out stay as they are."""

    name: str | None = Field(default=None, min_length=1, max_length=500)
    description: str | None = Field(default=None, max_length=20_000)
    duration: str | None = Field(default=None, max_length=40, examples=["12d"])
    milestone: bool | None = None
    deadline: date | None = None
    priority: int | None = Field(default=None, ge=0, le=1000)
    percent_complete: float | None = Field(default=None, ge=0, le=100)
    actual_start: date | None = None
    actual_finish: date | None = None
    status: str | None = Field(default=None, max_length=40)
    fixed_cost: float | None = Field(default=None, ge=0)
    actual_cost: float | None = Field(
        default=None, ge=0, description="cost incurred so far; with actual_costs, their sum"
    )
    actual_costs: list[PeriodCostBody] | None = Field(
        default=None, max_length=10_000, description="actual costs by period, in date order"
    )
    constraint: str | None = Field(
        default=None,
        max_length=40,
        description="a date constraint such as SNET 2027-03-01 (start no earlier than); null "
        "or ASAP: none",
        examples=["SNET 2027-03-01"],
    )


class WorkItemCreate(Request):
    """A new work item under ``parent`` (a project or a work item)."""

    parent: str = Field(min_length=1, max_length=120)
    id: str = Field(min_length=1, max_length=120)
    name: str = Field(min_length=1, max_length=500)
    duration: str | None = Field(default=None, max_length=40)
    milestone: bool = False
    depends: list[str] = Field(default_factory=list, description="predecessor ids (FS links)")
    deadline: date | None = None


class WorkItemEdited(BaseModel):
    """A successful edit: the item as it is now, and what moved (``impact --json``)."""

    item: WorkItemPublic
    moved: dict[str, Any]


class ProblemError(BaseModel):
    pointer: str = Field(description="JSON pointer of the field, or empty")
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details, as every error is answered."""

    type: str
    title: str
    status: int
    detail: str
    code: str = Field(description="the stable code of progman's error hierarchy")
    errors: list[ProblemError]


_PROBLEM_STATUSES = {
    400: "a value of the wrong form, options that do not go together",
    401: "no credentials, or ones that name nobody",
    403: "a role that may not, or a missing CSRF token",
    404: "no such program or entity (or one the caller may not see)",
    409: "the program changed meanwhile (try again), an id taken, or a delete of what is "
    "still referred to",
    412: "If-Match names an older version",
    413: "the request body is too large",
    422: "a body that does not fit its schema, or a plan the change would break",
    428: "a write without If-Match",
    429: "too many failed logins",
}
#: Every error a route may answer, documented once for the OpenAPI document.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "model": Problem,
        "description": description,
        "content": {"application/problem+json": {}},
    }
    for status, description in _PROBLEM_STATUSES.items()
}


class LevelRequest(Request):
    time_limit: float | None = Field(
        default=None, gt=0, le=30, description="seconds of search at most (default: scaled)"
    )
    seed: int = Field(default=0, ge=0, le=2**63 - 1)
    schedules: int | None = Field(
        default=None,
        ge=1,
        le=1_000_000,
        description="a fixed search budget in schedules, instead of one derived from "
        "time_limit: the same seed and budget give the same answer on any machine",
    )
    status_date: date | None = None


class ChangePublic(Request):
    """One change of a what-if, as a change request holds it."""

    op: Literal["set", "add", "remove"] = "set"
    target: str = Field(min_length=1, max_length=120)
    field: str | None = Field(default=None, max_length=120)
    value: Any = None


class MovePublic(Request):
    """A person lent to another project for a while (``whatif --move``), as the answer's
    ``move`` gives it back."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    resource: str = Field(min_length=1, max_length=120)
    source: str = Field(alias="from", min_length=1, max_length=120)
    target: str = Field(alias="to", min_length=1, max_length=120)
    between: tuple[date, date] = Field(description="first and last day of the move")


class WhatIfRequest(Request):
    """``progman whatif run``'s question: changes, a move, or both (neither: the plan
    against itself and its baseline)."""

    changes: list[ChangePublic] = Field(default_factory=list, max_length=500)
    baseline: str | None = Field(default=None, max_length=120)
    move: MovePublic | None = None
    leveled: bool | None = Field(
        default=None,
        description="compare leveled dates (default: when the plan has people on work)",
    )
    relevel: bool = Field(default=False, description="level the scenario by a new search")
    time_limit: float | None = Field(
        default=None, gt=0, le=30, description="seconds of each leveling at most"
    )
    seed: int = Field(default=0, ge=0, le=2**63 - 1)


class AuditEntryPublic(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    entity_kind: str
    entity_key: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AuditPagePublic(BaseModel):
    items: list[AuditEntryPublic]
    next: str | None


class LinkCreate(Request):
    """A new link: ``successor`` waits for ``predecessor`` by ``type`` and ``lag``."""

    predecessor: str = Field(min_length=1, max_length=120)
    successor: str = Field(min_length=1, max_length=120)
    type: str = Field(default="FS", description="FS, SS, FF or SF", max_length=2)
    lag: str = Field(default="0d", max_length=40, description="a duration; negative: a lead")


class LinkUpdate(Request):
    type: str | None = Field(default=None, max_length=2)
    lag: str | None = Field(default=None, max_length=40)


class CapacityPublic(BaseModel):
    start: date
    finish: date | None
    capacity: float


class ResourcePublic(BaseModel):
    id: str
    name: str
    kind: str
    role: str | None
    skills: list[str]
    team: str | None
    capacity: float = Field(description="FTE for people")
    availability: list[CapacityPublic]
    rate: float | None = Field(description="cost per working hour")
    calendar: str | None
    version: int = Field(description="the resource's version: its ETag")


class ResourceUpdate(Request):
    name: str | None = Field(default=None, min_length=1, max_length=500)
    role: str | None = Field(default=None, max_length=200)
    team: str | None = Field(default=None, max_length=200)
    skills: list[str] | None = Field(default=None, max_length=100)
    capacity: float | None = Field(default=None, ge=0, le=1000)
    rate: float | None = Field(default=None, ge=0)


class ResourceEdited(BaseModel):
    item: ResourcePublic
    moved: dict[str, Any]


class AssignmentIn(Request):
    """Who works on a task: a resource, or a role and/or skill still to be staffed."""

    resource: str | None = Field(default=None, max_length=120)
    role: str | None = Field(default=None, max_length=200)
    skill: str | None = Field(default=None, max_length=200)
    units: float = Field(default=1.0, ge=0, le=100, description="1.0 = full time")
