"""Working calendars: weekdays, hours per day, holidays and extra working days."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    Field,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

from progman.domain.base import Entity, PlanDate

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class DateRange(Entity):
    """A day or a run of days (holiday, vacation, exception); written as a date or a mapping."""

    start: PlanDate
    finish: PlanDate | None = None
    name: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_date(cls, value: Any) -> Any:
        if isinstance(value, str | bytes) or hasattr(value, "isoformat"):
            return {"start": value}
        return value

    @model_validator(mode="after")
    def _ordered(self) -> DateRange:
        if self.finish is not None and self.finish < self.start:
            raise ValueError(f"finish {self.finish} is before start {self.start}; swap them")
        return self

    @property
    def last(self) -> PlanDate:
        return self.finish or self.start

    @model_serializer(mode="wrap")
    def _compact(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> Any:
        if self.finish is None and self.name is None:
            return self.start.isoformat() if info.mode == "json" else self.start
        data: dict[str, Any] = handler(self)
        return {k: v for k, v in data.items() if v is not None}


class Calendar(Entity):
    """Working time of the program, a project, a task or a resource."""

    workdays: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS[:5]))
    hours_per_day: float = Field(default=8.0, gt=0, le=24)
    holidays: list[DateRange] = Field(default_factory=list)
    working_days: list[DateRange] = Field(
        default_factory=list, description="exceptions: days worked although not a workday"
    )
    description: str | None = None

    @model_validator(mode="after")
    def _has_workdays(self) -> Calendar:
        if not self.workdays:
            raise ValueError(
                "a calendar needs at least one workday, e.g. [mon, tue, wed, thu, fri]"
            )
        if len(set(self.workdays)) != len(self.workdays):
            raise ValueError("workdays lists a day twice")
        return self
