"""Durations and lags as written in plans: ``3d``, ``4h``, ``2w``, ``1.5d``, ``30m``, ``5ed``.

A :class:`Duration` keeps the amount and unit the user wrote, so a plan round-trips
exactly; converting to minutes needs the calendar's hours per day and days per week, which
is the engine's job. An ``e`` prefix (``5ed``) means elapsed (calendar) time.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

UNITS = ("m", "h", "d", "w", "mo")
_PATTERN = re.compile(r"^\s*([+-]?)\s*(\d+(?:\.\d+)?|\.\d+)\s*(e?)(mo|m|h|d|w)\s*$")

#: Larger amounts are certainly typing mistakes (a million days is 2,700 years).
MAX_AMOUNT = 1_000_000.0

#: Pattern published in the JSON Schema so editors can check durations.
DURATION_REGEX = r"^[+-]?(\d+(\.\d+)?|\.\d+)\s*e?(mo|m|h|d|w)$"

#: Durations already parsed, by their text: a big plan writes the same few ("3d", "1w")
#: thousands of times, and a Duration is immutable, so one instance serves them all.
_PARSED: dict[str, Duration] = {}
_PARSED_LIMIT = 4096


@dataclass(frozen=True, slots=True)
class Duration:
    """An amount of working (or, if ``elapsed``, calendar) time in a unit."""

    amount: float
    unit: str = "d"
    elapsed: bool = False

    MINUTES_PER_ELAPSED: ClassVar[dict[str, int]] = {
        "m": 1,
        "h": 60,
        "d": 1440,
        "w": 10080,
        "mo": 43200,
    }

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unknown duration unit {self.unit!r}; use one of m, h, d, w, mo")
        if not math.isfinite(self.amount) or abs(self.amount) > MAX_AMOUNT:
            raise ValueError(
                f"duration amount {self.amount} is out of range; use at most {MAX_AMOUNT:g} "
                f"{self.unit}"
            )

    @classmethod
    def parse(cls, text: str | int | float) -> Duration:
        """Parse ``3d``/``-1.5h``/``5ed``; a bare number means working days."""
        if isinstance(text, bool):
            raise ValueError("expected a duration such as '3d', got a boolean")
        if isinstance(text, int | float):
            return cls(float(text), "d")
        if type(text) is str and cls is Duration:
            known = _PARSED.get(text)
            if known is not None:
                return known
        match = _PATTERN.match(text)
        if not match:
            raise ValueError(
                f"invalid duration {text!r}; write a number and a unit, e.g. '3d', '4h', "
                "'2w', '1.5d', '30m', or '5ed' for elapsed days"
            )
        sign, amount, elapsed, unit = match.groups()
        value = float(amount) * (-1 if sign == "-" else 1)
        parsed = cls(value, unit, elapsed == "e")
        if type(text) is str and cls is Duration and len(_PARSED) < _PARSED_LIMIT:
            _PARSED[text] = parsed
        return parsed

    def working_minutes(
        self, hours_per_day: float = 8.0, days_per_week: float = 5.0, days_per_month: float = 20.0
    ) -> float:
        """Length in minutes: working minutes, or wall-clock minutes if elapsed."""
        if self.elapsed:
            return self.amount * self.MINUTES_PER_ELAPSED[self.unit]
        per_day = hours_per_day * 60
        factor = {
            "m": 1.0,
            "h": 60.0,
            "d": per_day,
            "w": per_day * days_per_week,
            "mo": per_day * days_per_month,
        }[self.unit]
        return self.amount * factor

    @property
    def is_zero(self) -> bool:
        return self.amount == 0

    def __str__(self) -> str:
        if self.amount == int(self.amount):
            amount = str(int(self.amount))
        else:  # shortest exact decimal, never scientific notation (which parse refuses)
            amount = format(Decimal(repr(self.amount)), "f")
        return f"{amount}{'e' if self.elapsed else ''}{self.unit}"

    def signed(self) -> str:
        """The form used in dependency strings: ``+2d`` / ``-1d``."""
        text = str(self)
        return text if text.startswith("-") else f"+{text}"

    # pydantic integration: accept "3d" / numbers, serialise back to "3d".
    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        known = _PARSED.get

        def validate(value: Any) -> Duration:
            if type(value) is str:  # the plan-file case: look the text up before parsing it
                parsed = known(value)
                if parsed is not None:
                    return parsed
            if isinstance(value, Duration):
                return value
            if isinstance(value, str | int | float):
                return cls.parse(value)
            raise ValueError(f"expected a duration such as '3d', got {type(value).__name__}")

        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": DURATION_REGEX,
            "description": "working time such as 3d, 4h, 2w, 1.5d, 30m; e prefix = elapsed (5ed)",
            "examples": ["3d", "4h", "2w", "5ed"],
        }


def duration_of_text(text: str) -> Duration | None:
    """The duration ``text`` means, or None if it is not one (for fast paths: no exception)."""
    known = _PARSED.get(text)
    if known is not None:
        return known
    try:
        return Duration.parse(text)
    except ValueError:
        return None
