"""What the API reads and answers about the program's structure: projects, calendars and
their exceptions, new resources (SPEC §5.1). Requests refuse unknown fields."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from progman.api.schemas import Request

Method = Literal["waterfall", "agile", "hybrid"]
#: A phase of the program's lifecycle (default: initiation, planning, execution, monitoring,
#: closure; a program may name its own), checked against it when the program is saved.
Phase = Annotated[
    str, Field(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.\-/:]*$")
]
ProjectStatus = Literal["proposed", "active", "on_hold", "completed", "cancelled"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
IdText = Field(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.\-/:]*$")


class ProjectPublic(BaseModel):
    id: str
    name: str
    description: str | None
    manager: str | None
    method: Method
    phase: Phase | None
    status: ProjectStatus
    priority: int = Field(description="0-1000: leveling and capacity decisions favour higher")
    budget: float | None
    start: date | None = Field(description="no task starts before this date")
    calendar: str | None
    objectives: dict[str, float] = Field(description="alignment weight (0-1) per objective")
    tags: list[str]
    work_items: int = Field(description="how many work items the project holds")
    version: int = Field(description="the project's version: its ETag, sent back as If-Match")


class ProjectPage(BaseModel):
    items: list[ProjectPublic]
    next: str | None = Field(description="cursor of the next page; null on the last one")


class ProjectUpdate(Request):
    """The fields to change; those left out stay as they are."""

    name: str | None = Field(default=None, min_length=1, max_length=500)
    description: str | None = Field(default=None, max_length=20_000)
    manager: str | None = Field(default=None, max_length=200)
    method: Method | None = None
    phase: Phase | None = None
    status: ProjectStatus | None = None
    priority: int | None = Field(default=None, ge=0, le=1000)
    budget: float | None = Field(default=None, ge=0)
    start: date | None = None
    calendar: str | None = Field(default=None, max_length=120)
    objectives: dict[str, float] | None = Field(default=None, max_length=200)
    tags: list[str] | None = Field(default=None, max_length=100)


class ProjectCreate(Request):
    """A new project, without work items (add them with ``POST .../work-items``)."""

    id: str = IdText
    name: str = Field(min_length=1, max_length=500)
    description: str | None = Field(default=None, max_length=20_000)
    manager: str | None = Field(default=None, max_length=200)
    method: Method = "waterfall"
    phase: Phase | None = None
    status: ProjectStatus = "active"
    priority: int = Field(default=500, ge=0, le=1000)
    budget: float | None = Field(default=None, ge=0)
    start: date | None = None
    calendar: str | None = Field(default=None, max_length=120)
    objectives: dict[str, float] = Field(default_factory=dict, max_length=200)
    tags: list[str] = Field(default_factory=list, max_length=100)


class ProjectEdited(BaseModel):
    """A successful edit: the project as it is now (as it was, for a delete), and what
    moved (``impact --json``)."""

    item: ProjectPublic
    moved: dict[str, Any]


class ExceptionPublic(BaseModel):
    id: str = Field(description="its first day: the name DELETE .../exceptions/{id} takes")
    kind: Literal["holiday", "working"] = Field(
        description="holiday: days off although workdays; working: days worked although not"
    )
    start: date
    finish: date = Field(description="the last day (the start, for a single day)")
    name: str | None


class CalendarPublic(BaseModel):
    id: str
    description: str | None
    workdays: list[Weekday]
    hours_per_day: float
    exceptions: list[ExceptionPublic] = Field(description="holidays and working days, by date")
    default: bool = Field(description="the program's calendar, used where none is named")
    version: int = Field(description="the calendar's version: its ETag, sent back as If-Match")


class CalendarPage(BaseModel):
    items: list[CalendarPublic]
    next: str | None = Field(description="cursor of the next page; null on the last one")


class CalendarUpdate(Request):
    """The working week to change; exceptions are added and removed one at a time."""

    workdays: list[Weekday] | None = Field(default=None, min_length=1, max_length=7)
    hours_per_day: float | None = Field(default=None, gt=0, le=24)
    description: str | None = Field(default=None, max_length=20_000)


class ExceptionCreate(Request):
    """A holiday (days off) or a working exception (days worked although not workdays)."""

    kind: Literal["holiday", "working"] = "holiday"
    start: date
    finish: date | None = Field(default=None, description="the last day; none: one day")
    name: str | None = Field(default=None, max_length=500, examples=["Labour Day"])


class CalendarEdited(BaseModel):
    """A successful calendar edit: the calendar as it is now, and what moved."""

    item: CalendarPublic
    moved: dict[str, Any]


class CapacityIn(Request):
    start: date
    finish: date | None = None
    capacity: float = Field(ge=0, le=1000)


class ResourceCreate(Request):
    """A new person, material or cost resource of the program's pool."""

    id: str = IdText
    name: str = Field(min_length=1, max_length=500)
    kind: Literal["person", "material", "cost"] = "person"
    role: str | None = Field(default=None, max_length=200)
    skills: list[str] = Field(default_factory=list, max_length=100)
    team: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    capacity: float = Field(default=1.0, ge=0, le=1000, description="FTE for people")
    availability: list[CapacityIn] = Field(default_factory=list, max_length=500)
    rate: float | None = Field(default=None, ge=0, description="cost per working hour")
    calendar: str | None = Field(default=None, max_length=120)
