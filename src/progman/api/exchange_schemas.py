"""What the plan import/export, baseline and scenario routes read and answer (SPEC §5.1):
the API's own shapes, per use, never the domain models; requests refuse unknown fields."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from progman.api.schemas import ChangePublic, Problem, ProgramPublic, Request

#: Ids the API creates: a plan id without ``/``, so that each is a path segment of its URL.
URL_ID_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.\-:]*$"


class ProgramImported(BaseModel):
    """An import done: the program as stored now, whether it is new, and what moved."""

    item: ProgramPublic
    created: bool = Field(description="true: a new program; false: the stored one replaced")
    moved: dict[str, Any] | None = Field(
        description="what the update moved in the schedule (impact --json); null when new"
    )


class BaselineTaskPublic(BaseModel):
    """One work item frozen in a baseline."""

    id: str
    start: str = Field(description="a date, or a date and time: 2027-01-04T08:00")
    finish: str = Field(description="a date, or a date and time: 2027-01-15T16:00")
    duration: str | None
    work: str | None = Field(description="planned work, e.g. 120h")
    cost: float | None = Field(description="planned cost in the program currency")


class BaselineSummaryPublic(BaseModel):
    id: str
    name: str | None
    description: str | None
    created: date
    task_count: int
    finish: str | None = Field(description="the latest finish it froze (as a task's)")
    cost: float = Field(description="planned cost of its tasks in the program currency")
    version: int = Field(description="the baseline's version: its ETag")


class BaselinePublic(BaselineSummaryPublic):
    tasks: list[BaselineTaskPublic]


class BaselinePage(BaseModel):
    items: list[BaselineSummaryPublic]
    next: str | None = Field(description="cursor of the next page; null on the last one")


class BaselineCreate(Request):
    """Take a baseline: the schedule as it is now, frozen under ``id``."""

    id: str = Field(min_length=1, max_length=120, pattern=URL_ID_PATTERN, examples=["BL2"])
    name: str | None = Field(default=None, min_length=1, max_length=500)
    description: str | None = Field(default=None, max_length=20_000)
    created: date | None = Field(default=None, description="the day it stands for (default: today)")


class BaselineEdited(BaseModel):
    """A baseline taken (or deleted, as it was) and what that moved (nothing, in dates)."""

    item: BaselinePublic
    moved: dict[str, Any]


class ScenarioSummaryPublic(BaseModel):
    id: str
    name: str
    description: str | None
    change_count: int
    base_revision: int = Field(description="the program's revision it was saved on")
    version: int = Field(description="the scenario's version: its ETag")
    updated_at: datetime


class ScenarioChangePublic(BaseModel):
    """One change of a stored scenario, as it was saved."""

    op: str = Field(description="set, add or remove")
    target: str
    field: str | None
    value: Any


class ScenarioPublic(ScenarioSummaryPublic):
    created: datetime | None
    changes: list[ScenarioChangePublic]


class ScenarioPage(BaseModel):
    items: list[ScenarioSummaryPublic]
    next: str | None = Field(description="cursor of the next page; null on the last one")


class ScenarioCreate(Request):
    """A named scenario: changes to try on the program, kept beside it."""

    id: str = Field(min_length=1, max_length=120, pattern=URL_ID_PATTERN, examples=["late-auth"])
    name: str | None = Field(default=None, min_length=1, max_length=500)
    description: str | None = Field(default=None, max_length=20_000)
    changes: list[ChangePublic] = Field(min_length=1, max_length=500)


class ScenarioEdited(BaseModel):
    """A scenario saved (or deleted, as it was); the plan itself is not changed."""

    item: ScenarioPublic


class ScenarioCompareRequest(Request):
    baseline: str | None = Field(
        default=None, max_length=120, description="baseline id (default: the latest)"
    )
    status_date: date | None = None


def problem_response(description: str) -> dict[str, Any]:
    """An OpenAPI ``responses`` entry of a problem status not in ``PROBLEM_RESPONSES``."""
    return {
        "model": Problem,
        "description": description,
        "content": {"application/problem+json": {}},
    }
