"""Strategy: objectives with key results, and the benefits the program must realise."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from progman.domain.base import Entity, Id, PlanDate

Perspective = Literal["financial", "customer", "internal", "learning"]


class Measurement(Entity):
    """A value of a key result measured on a date (no later than the status date), in the
    key result's unit (``unit`` when written must be that unit: a check, not a conversion)."""

    date: PlanDate
    value: float
    unit: str | None = None
    note: str | None = None


class KeyResult(Entity):
    id: Id
    title: str
    metric: str | None = None
    baseline: float = 0.0
    target: float
    unit: str | None = None
    due: PlanDate | None = None
    measurements: list[Measurement] = Field(default_factory=list)


class Objective(Entity):
    """A strategic objective (OKR / balanced-scorecard perspective) with key results."""

    id: Id
    title: str
    perspective: Perspective | None = None
    description: str | None = None
    owner: str | None = None
    key_results: list[KeyResult] = Field(default_factory=list)


class BenefitMeasurement(Entity):
    """Planned and realised value of a benefit on a date."""

    date: PlanDate
    planned: float | None = None
    realized: float | None = None  # measured: no later than the status date
    unit: str | None = None  # when written, the benefit's unit
    note: str | None = None


class Benefit(Entity):
    """An outcome the program must deliver, dependent on milestones and tasks."""

    id: Id
    title: str
    description: str | None = None
    objective: Id | None = None
    owner: str | None = None
    metric: str | None = None
    baseline: float = 0.0
    target: float | None = None
    unit: str | None = None
    due: PlanDate | None = None
    depends_on: list[Id] = Field(
        default_factory=list, description="milestones and tasks whose finish enables it"
    )
    projects: list[Id] = Field(
        default_factory=list, description="projects whose whole finish enables it"
    )
    measurements: list[BenefitMeasurement] = Field(default_factory=list)
