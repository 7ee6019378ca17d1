"""Shared building blocks of the domain model: the base class and constrained value types."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2199, 12, 31)

ID_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.\-/:]*$"


class Entity(BaseModel):
    """Base of every domain object: unknown fields are errors, not silently dropped, and a
    value set on a field is validated as a plan file's would be (``item.percent_complete =
    500`` raises), so a domain object never holds what could not be saved or exported."""

    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        validate_default=False,
        validate_assignment=True,
        str_strip_whitespace=True,
        allow_inf_nan=False,
    )


E = TypeVar("E", bound=BaseModel)
_new = object.__new__
_set = object.__setattr__


def checked_instance(model: type[E], values: dict[str, Any], given: set[str]) -> E:
    """An instance of ``model`` from values already known to be valid, without validating.

    For the fast paths of bulk loading: the result is the same object pydantic would build
    (``values`` holds every field, ``given`` the fields the input set), at a fraction of the
    cost. The caller guarantees the values are what validation would have produced.
    """
    instance = _new(model)
    _set(instance, "__dict__", values)
    _set(instance, "__pydantic_fields_set__", given)
    _set(instance, "__pydantic_extra__", None)
    _set(instance, "__pydantic_private__", None)
    return instance


def _check_date_range(value: date) -> date:
    if isinstance(value, datetime) and value.tzinfo is not None:
        # the engine counts wall-clock minutes of the program's calendars: one time zone
        raise ValueError(
            f"time stamp {value.isoformat(timespec='minutes')} has a time zone; a plan's times "
            "are wall-clock times of the program's time zone: write "
            f"{value.replace(tzinfo=None).isoformat(timespec='minutes')}"
        )
    day = value.date() if isinstance(value, datetime) else value
    if not MIN_DATE <= day <= MAX_DATE:
        raise ValueError(
            f"date {value.isoformat()} is out of range; use a date between "
            f"{MIN_DATE.isoformat()} and {MAX_DATE.isoformat()}"
        )
    return value


def _date_or_datetime(value: Any) -> Any:
    """Keep a plain date a date and a time stamp a datetime, so plans round-trip exactly."""
    if isinstance(value, str):
        text = value.strip()
        try:
            if "T" in text or " " in text:
                return datetime.fromisoformat(text)
            return date.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(
                f"invalid date {value!r}; write YYYY-MM-DD or YYYY-MM-DDTHH:MM"
            ) from exc
    return value


#: The longest id; ``Id`` and the fast paths that check ids without pydantic share it.
ID_MAX_LENGTH = 120

Id = Annotated[str, Field(pattern=ID_PATTERN, min_length=1, max_length=ID_MAX_LENGTH)]
PlanDate = Annotated[date, AfterValidator(_check_date_range)]
PlanDateTime = Annotated[
    datetime | date, BeforeValidator(_date_or_datetime), AfterValidator(_check_date_range)
]
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
Percent = Annotated[float, Field(ge=0.0, le=100.0)]
Priority = Annotated[int, Field(ge=0, le=1000)]
Score = Annotated[int, Field(ge=1, le=5)]
Money = Annotated[float, Field(ge=0.0)]
