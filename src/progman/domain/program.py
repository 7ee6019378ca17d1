"""The program: the aggregate root holding projects, strategy, resources, risks and control."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import Field, ValidatorFunctionWrapHandler, field_validator

from progman.domain.base import Entity, Fraction, Id, Money, PlanDate, Priority
from progman.domain.calendars import Calendar
from progman.domain.governance import (
    Baseline,
    ChangeRequest,
    Decision,
    Sprint,
    StageGate,
    Stakeholder,
)
from progman.domain.health import HealthSettings
from progman.domain.resources import Resource
from progman.domain.risks import Risk, RiskScales
from progman.domain.scheduling import SchedulingSettings
from progman.domain.strategy import Benefit, Objective
from progman.domain.work import Distribution, WorkItem, work_items

Method = Literal["waterfall", "agile", "hybrid"]
ProjectStatus = Literal["proposed", "active", "on_hold", "completed", "cancelled"]


class Project(Entity):
    """A project of the program with its own work breakdown."""

    id: Id
    name: str
    description: str | None = None
    manager: str | None = None
    method: Method = "waterfall"
    phase: str | None = Field(default=None, description="current phase of the lifecycle")
    status: ProjectStatus = "active"
    priority: Priority = 500
    budget: Money | None = None
    start: PlanDate | None = Field(default=None, description="no task starts before this date")
    deadline: PlanDate | None = Field(
        default=None, description="the project should finish by the end of this day"
    )
    calendar: Id | None = None
    objectives: dict[Id, Fraction] = Field(
        default_factory=dict, description="alignment weight (0..1) per objective id"
    )
    tags: list[str] = Field(default_factory=list)
    tasks: list[WorkItem] = Field(default_factory=list)

    @field_validator("tasks", mode="wrap")
    @classmethod
    def _plain_tasks_fast(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        return work_items(value, handler) if type(value) is list else handler(value)

    def work_items(self) -> Iterator[WorkItem]:
        """Every work item of the project, depth first in file order."""
        for item in self.tasks:
            yield from item.walk()


#: Sections of a program holding lists of entities, and the one holding a mapping.
LIST_SECTIONS = (
    "objectives",
    "benefits",
    "resources",
    "projects",
    "risks",
    "stakeholders",
    "sprints",
    "change_requests",
    "baselines",
    "gates",
    "decisions",
)
MAPPING_SECTIONS = ("calendars",)


class Program(Entity):
    """A set of related projects steered together toward shared objectives."""

    name: str = Field(alias="program")
    key: Id
    description: str | None = None
    sponsor: str | None = None
    manager: str | None = None
    start: PlanDate
    status_date: PlanDate | None = None
    currency: str = "USD"
    timezone: str = "UTC"
    calendar: Id | None = None
    priority: Priority = 500
    budget: Money | None = Field(default=None, description="program budget incl. projects")
    contingency: Money | None = Field(default=None, description="reserve held by the program")
    distribution: Distribution | None = Field(
        default=None, description="default for three-point estimates (else triangular)"
    )
    correlation: dict[str, Annotated[float, Field(ge=0.0, lt=1.0)]] = Field(
        default_factory=dict,
        description="tag -> coefficient: estimates of tasks with the tag vary together",
    )
    lifecycle: list[Id] | None = Field(
        default=None,
        description="a project's phases in order (default: initiation, planning, execution, "
        "monitoring, closure)",
    )
    calendars: dict[Id, Calendar] = Field(default_factory=dict)
    objectives: list[Objective] = Field(default_factory=list)
    benefits: list[Benefit] = Field(default_factory=list)
    resources: list[Resource] = Field(default_factory=list)
    projects: list[Project] = Field(default_factory=list)
    risks: list[Risk] = Field(default_factory=list)
    risk_scales: RiskScales = Field(
        default_factory=RiskScales, description="5x5 scales that score the risk register"
    )
    stakeholders: list[Stakeholder] = Field(default_factory=list)
    sprints: list[Sprint] = Field(default_factory=list)
    change_requests: list[ChangeRequest] = Field(default_factory=list)
    baselines: list[Baseline] = Field(default_factory=list)
    gates: list[StageGate] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)
    health: HealthSettings | None = Field(
        default=None, description="thresholds and manual overrides of the RAG health"
    )
    scheduling: SchedulingSettings = Field(
        default_factory=SchedulingSettings,
        description="where schedulers differ: the lag calendar and the progress mode",
    )

    def work_items(self) -> Iterator[WorkItem]:
        """Every work item of every project."""
        for project in self.projects:
            yield from project.work_items()

    def task_index(self) -> dict[str, WorkItem]:
        return {item.id: item for item in self.work_items()}

    def project_of(self) -> dict[str, Project]:
        """Map from work item id to the project holding it."""
        return {item.id: project for project in self.projects for item in project.work_items()}
