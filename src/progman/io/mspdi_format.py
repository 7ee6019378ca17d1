"""The codes and value forms of MS Project XML (MSPDI), shared by the reader and the writer.

MSPDI writes durations as ISO 8601 periods of working time (``PT16H0M0S``), lags in
tenths of a minute with a display unit (``LagFormat``), link types, constraint types and
duration units as small integers; this module maps them to progman's terms and back.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from operator import attrgetter
from typing import Any, Final
from xml.etree.ElementTree import Element

from progman.domain.durations import Duration

NAMESPACE: Final = "http://schemas.microsoft.com/project"
NS: Final = "{" + NAMESPACE + "}"

#: Aliases of the custom fields holding progman's ids in a file progman wrote.
ID_ALIAS = "progman id"
PROJECT_ALIAS = "progman project"
#: Project id of a file that is not one progman wrote.
PROJECT_ID = "P"
#: ``PredecessorLink/Type``.
LINK_TYPES: Final = {0: "FF", 1: "FS", 2: "SF", 3: "SS"}
LINK_CODES: Final = {name: code for code, name in LINK_TYPES.items()}

#: ``Task/ConstraintType``: MS Project's eight constraints are progman's eight.
CONSTRAINTS: Final = {
    0: "asap",
    1: "alap",
    2: "mso",
    3: "mfo",
    4: "snet",
    5: "snlt",
    6: "fnet",
    7: "fnlt",
}
CONSTRAINT_CODES: Final = {name: code for code, name in CONSTRAINTS.items()}

#: ``DurationFormat`` / ``LagFormat``: unit and elapsed; ``%`` is a percentage lag. The
#: estimated variants (a ``?`` in MS Project) are the same codes plus 32.
FORMAT_UNITS: Final = {
    3: ("m", False),
    4: ("m", True),
    5: ("h", False),
    6: ("h", True),
    7: ("d", False),
    8: ("d", True),
    9: ("w", False),
    10: ("w", True),
    11: ("mo", False),
    12: ("mo", True),
    19: ("%", False),
    20: ("%", True),
}
UNIT_FORMATS: Final = {value: code for code, value in FORMAT_UNITS.items()}
ESTIMATED_OFFSET: Final = 32

#: ``Resource/Type``.
RESOURCE_KINDS: Final = {0: "material", 1: "person", 2: "cost"}
RESOURCE_CODES: Final = {"material": 0, "person": 1, "cost": 2}

#: ``WeekDay/DayType``: 1 = Sunday ... 7 = Saturday (0: an exception, in old files).
DAY_TYPES: Final = {1: "sun", 2: "mon", 3: "tue", 4: "wed", 5: "thu", 6: "fri", 7: "sat"}
DAY_CODES: Final = {name: code for code, name in DAY_TYPES.items()}

#: The resource UID of an assignment with no resource, which MS Project writes for tasks
#: that have none.
UNASSIGNED: Final = -65535

_PERIOD = re.compile(
    r"^(-)?P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)


def period_minutes(text: str) -> float | None:
    """Minutes of an ISO 8601 period as MSPDI writes it (``PT16H0M0S``, ``P2DT4H``); a day
    of the ``D`` part is 24 hours, as MS Project means it there. None if it is not one."""
    match = _PERIOD.match(text.strip())
    if match is None:
        return None
    sign, years, months, days, hours, minutes, seconds = match.groups()
    if years or months:
        return None  # MS Project never writes them: a calendar month has no fixed length
    total = (
        float(days or 0) * 1440
        + float(hours or 0) * 60
        + float(minutes or 0)
        + float(seconds or 0) / 60
    )
    return -total if sign else total


def period_text(minutes: float) -> str:
    """``minutes`` as MSPDI's period: ``PT16H0M0S`` (whole seconds)."""
    seconds = round(abs(minutes) * 60)
    sign = "-" if minutes < 0 else ""
    return f"{sign}PT{seconds // 3600}H{seconds % 3600 // 60}M{seconds % 60}S"


def _nice(amount: float) -> float | None:
    """``amount`` if it has at most four decimals (a length a person wrote), else None."""
    rounded = round(amount, 4)
    return rounded if abs(rounded - amount) < 1e-6 else None


def duration_of(
    minutes: float,
    unit: str,
    elapsed: bool,
    *,
    minutes_per_day: int,
    minutes_per_week: int,
    days_per_month: float,
    calendar_minutes_per_day: int,
) -> Duration:
    """A progman :class:`Duration` of ``minutes`` shown in ``unit`` where progman's
    reading of that unit is MS Project's (a day of the task's calendar is MinutesPerDay,
    a week five of them, a month twenty), else in hours or minutes: never a length
    that differs."""
    if elapsed:
        per = Duration.MINUTES_PER_ELAPSED[unit if unit in Duration.MINUTES_PER_ELAPSED else "m"]
        amount = _nice(minutes / per)
        if amount is not None:
            return Duration(amount, unit, True)
        return Duration(round(minutes, 4), "m", True)
    same_day = minutes_per_day == calendar_minutes_per_day
    factors = {
        "d": minutes_per_day if same_day else None,
        "w": minutes_per_week if same_day and minutes_per_week == 5 * minutes_per_day else None,
        "mo": (minutes_per_day * days_per_month if same_day and days_per_month == 20 else None),
    }
    factor = factors.get(unit)
    if factor:
        amount = _nice(minutes / factor)
        if amount is not None:
            return Duration(amount, unit)
    if unit == "m":
        return Duration(round(minutes, 4), "m")
    hours = _nice(minutes / 60)
    if hours is not None:
        return Duration(hours, "h")
    return Duration(round(minutes, 4), "m")


#: Elements repeated within a task, a resource or an assignment.
REPEATED: Final = ("PredecessorLink", "Baseline", "ExtendedAttribute")


class _LocalNames(dict[str, str]):
    """``{namespace}Name`` → ``Name`` (the tag past MSPDI's namespace's length), each tag
    cut once: a file has few distinct ones."""

    def __missing__(self, tag: str) -> str:
        name = tag[len(NS) :]
        if len(self) < 10_000:  # a file inventing tags cannot grow it without bound
            self[tag] = name
        return name


_local_name = _LocalNames().__getitem__
_tag, _text = attrgetter("tag"), attrgetter("text")


def fields_of(element: Element) -> dict[str, Any]:
    """An element's children by local name: their text (None when empty), and for the
    elements of :data:`REPEATED` the list of them. Elements holding others are read with
    ``element.find`` (their text here is only whitespace). Built by C-level ``map``s, not
    a Python loop over the million children of a 10,000-task file."""
    names, texts = map(_local_name, map(_tag, element)), map(_text, element)
    found: dict[str, Any] = dict(zip(names, texts, strict=True))
    for name in REPEATED:
        if name in found:
            found[name] = element.findall(NS + name)
    return found


def as_int(value: Any, default: int = 0) -> int:
    """A whole number written in the file (``3``, ``3.0``), else ``default``."""
    try:
        return int(value)  # nearly every one: read at C speed
    except (TypeError, ValueError):
        pass
    number = as_float(value, float(default))
    return int(number) if abs(number) < 2**53 else default


def as_float(value: Any, default: float = 0.0) -> float:
    """A finite number written in the file, else ``default``."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if math.isfinite(number) else default


def moment_of(value: Any) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None
