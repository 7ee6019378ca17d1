"""The program's shared resource pool: people, materials and cost resources."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from progman.domain.base import Entity, Id, Money, PlanDate
from progman.domain.calendars import DateRange

#: The most a person can work, as a fraction of full time (2.0: two full-time days a day,
#: already overtime no one keeps up). More is a mistake, such as hours a day written as
#: capacity (``capacity: 8``); materials count units and are not bound by it.
MAX_PERSON_CAPACITY = 2.0


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


def person_capacity_problems(resource: Resource) -> list[tuple[tuple[str | int, ...], str]]:
    """Where (a path below the resource) and why a person's capacity cannot be meant."""
    if resource.kind != "person":
        return []
    meaning = (
        f"a person's capacity is the fraction of full time they work (1.0 = full time, 0.5 = "
        f"half time, at most {MAX_PERSON_CAPACITY:.1f}), not hours; for equipment or a pool "
        "counted in units write kind: material, or list each person"
    )
    found: list[tuple[tuple[str | int, ...], str]] = []
    if resource.capacity > MAX_PERSON_CAPACITY:
        text = f"capacity {resource.capacity:g} of {resource.id} is too high: {meaning}"
        found.append((("capacity",), text))
    for k, period in enumerate(resource.availability):
        if period.capacity > MAX_PERSON_CAPACITY:
            found.append(
                (
                    ("availability", k, "capacity"),
                    f"capacity {period.capacity:g} of {resource.id} from {period.start} is too "
                    f"high: {meaning}",
                )
            )
    return found
