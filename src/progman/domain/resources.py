"""The program's shared resource pool: people, materials and cost resources."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from progman.domain.base import Entity, Id, Money, PlanDate
from progman.domain.calendars import DateRange


class CapacityPeriod(Entity):
    """Capacity that differs from the default from ``start`` (until ``finish`` if given)."""

    start: PlanDate
    finish: PlanDate | None = None
    capacity: float = Field(ge=0.0, le=1000.0)

    @model_validator(mode="after")
    def _ordered(self) -> CapacityPeriod:
        if self.finish is not None and self.finish < self.start:
            raise ValueError(f"finish {self.finish} is before start {self.start}")
        return self


class Resource(Entity):
    """A person, material or cost resource shared by every project of the program."""

    id: Id
    name: str
    kind: Literal["person", "material", "cost"] = "person"
    role: str | None = None
    skills: list[str] = Field(default_factory=list)
    team: str | None = None
    email: str | None = None
    capacity: float = Field(default=1.0, ge=0.0, le=1000.0, description="FTE for people")
    availability: list[CapacityPeriod] = Field(default_factory=list)
    rate: Money | None = Field(default=None, description="cost per working hour")
    overtime_rate: Money | None = None
    cost_per_use: Money | None = None
    calendar: Id | None = None
    vacations: list[DateRange] = Field(default_factory=list)
