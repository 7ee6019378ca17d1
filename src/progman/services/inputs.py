"""User text turned into domain values: the option values of the command line (and the
parameters of the API), each mistake a :class:`~progman.errors.UsageError` naming the
option to fix, so that every interface says it the same way: dates, durations, working
days, a project of the plan, a link ``PRED:SUCC``, and the changes of a what-if
(``ID.FIELD=VALUE``, ``SUCC:PRED FS+2d``, ``ID`` to remove).

Light to import (the CLI imports it at start, and checks its options before it loads a
plan or the engine): the domain and the plan parser are imported inside the functions
that need them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from progman.errors import UsageError

if TYPE_CHECKING:
    from progman.domain import ChangeItem, Duration, Program

_WORKING_DAYS = re.compile(r"\s*(\d+)\s*(d|w)?\s*")
_BARE_NUMBER = re.compile(r"\s*[-+]?\d+(\.\d+)?\s*")


def parse_date(value: str | None, option: str = "--status-date") -> date | None:
    """A YYYY-MM-DD value (None stays None); a usage error naming ``option`` otherwise."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"{value!r} is not a date; write YYYY-MM-DD, e.g. 2027-04-30", option=option
        ) from None


def parse_window(days: tuple[str, str], option: str = "--between") -> tuple[date, date]:
    """The first and last day of a ``D1 D2`` option; D2 may not be before D1."""
    first = parse_date(days[0], option)
    last = parse_date(days[1], option)
    assert first is not None and last is not None  # parse_date returns a date for text
    if last < first:
        raise UsageError("D2 is before D1", option=option)
    return first, last


def parse_duration(value: str | None, option: str) -> Duration | None:
    """A duration in plan syntax (``10d``, ``2w``, ``4h``; a bare number is working days,
    as in a plan: ``5`` is ``5d``); None stays None."""
    from progman.domain import Duration  # noqa: PLC0415 - pydantic: only when needed

    if value is None:
        return None
    number = _bare_number(value)
    try:
        return Duration.parse(value if number is None else number)
    except ValueError as error:
        raise UsageError(str(error), option=option) from None


def _bare_number(text: str) -> float | None:
    """``5`` or ``1.5`` as a number (working days), None for anything else."""
    if not _BARE_NUMBER.fullmatch(text):
        return None
    return float(text)


def parse_working_days(value: str, option: str) -> int:
    """A positive whole number of working days, ``10d`` or ``2w`` (five days a week)."""
    match = _WORKING_DAYS.fullmatch(value)
    if not match or int(match.group(1)) < 1:
        raise UsageError(
            f"{value!r} is not a number of working days; write e.g. 10d or 2w", option=option
        )
    return int(match.group(1)) * (5 if match.group(2) == "w" else 1)


def check_project(program: Program, project: str, option: str = "--project") -> None:
    """A usage error (with did-you-mean) unless ``program`` has the project ``project``."""
    ids = [p.id for p in program.projects]
    if project not in ids:
        close = difflib.get_close_matches(project, ids, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"the plan has {', '.join(ids)}"
        raise UsageError(f"no project {project!r} in the plan; {hint}", option=option)


def parse_link(text: str, option: str = "--link") -> tuple[str, str]:
    """``PRED:SUCC`` as (predecessor, successor)."""
    predecessor, _, successor = text.partition(":")
    if not predecessor or not successor:
        raise UsageError(
            f"{text!r}: write the link as PRED:SUCC, e.g. API.spec:WEB.build", option=option
        )
    return predecessor, successor


@dataclass(frozen=True)
class FreeQuery:
    """Who with ``skill`` has ``share`` FTE free on ``days`` working days in a row,
    between ``first`` and ``last``."""

    skill: str
    days: int
    first: date
    last: date
    share: float = 1.0


def parse_free_query(
    skill: str | None, free: str, between: tuple[str, str] | None, share: float = 1.0
) -> FreeQuery | None:
    """The free query of ``--skill S --free N --between D1 D2 --share F`` (None without
    ``--skill``); ``--free`` is checked even without one."""
    days = parse_working_days(free, "--free")
    if skill is None:
        return None
    if between is None:
        raise UsageError("--skill needs --between D1 D2", option="--between")
    first, last = parse_window(between, "--between")
    return FreeQuery(skill, days, first, last, share)


# -- what-if changes ------------------------------------------------------------------------


def parse_plan_value(text: str, option: str) -> Any:
    """A value in plan syntax (YAML scalars and flow lists/mappings, as in a plan file);
    empty text is None."""
    from progman.planfile.source import DocumentError, parse_document  # noqa: PLC0415

    if not text.strip():
        return None
    try:
        value, _ = parse_document(text, option)
    except DocumentError as error:
        raise UsageError(f"{text!r} is not a plan value: {error}", option=option) from None
    return value


def parse_set(text: str, option: str = "--set") -> ChangeItem:
    """``ID.FIELD=VALUE``: give the field of the entity ``ID`` the value (plan syntax)."""
    left, equals, raw = text.partition("=")
    target, dot, name = left.strip().rpartition(".")
    if not equals or not dot or not target or not name:
        raise UsageError(
            f"{text!r}: write ID.FIELD=VALUE, e.g. API.auth.duration=12d", option=option
        )
    value = parse_plan_value(raw, option)
    return _change(text, option, op="set", target=target, field=name, value=value)


def parse_dependency(text: str, option: str = "--add-dep") -> ChangeItem:
    """``SUCCESSOR:PREDECESSOR [TYPE±LAG]``: add that link to the successor."""
    from pydantic import ValidationError  # noqa: PLC0415 - pydantic: only when needed

    from progman.domain import Dependency  # noqa: PLC0415

    successor, colon, link = text.partition(":")
    if not colon or not successor.strip() or not link.strip():
        raise UsageError(
            f"{text!r}: write SUCCESSOR:PREDECESSOR [TYPE±LAG], e.g. 'MOB.build:API.auth FS+2d'",
            option=option,
        )
    try:
        parsed = Dependency.model_validate(link.strip())
    except ValidationError as error:
        message = error.errors()[0]["msg"].removeprefix("Value error, ")
        raise UsageError(message, option=option) from None
    value = {"task": parsed.task, "type": parsed.type, "lag": str(parsed.lag)}
    return _change(text, option, op="add", target=successor.strip(), field="depends", value=value)


def parse_changes(
    sets: Sequence[str] | None = None,
    dependencies: Sequence[str] | None = None,
    removals: Sequence[str] | None = None,
) -> list[ChangeItem]:
    """The changes of ``--set``, then ``--add-dep``, then ``--remove ID`` options."""
    changes = [parse_set(text) for text in sets or []]
    changes += [parse_dependency(text) for text in dependencies or []]
    changes += [
        _change(ident, "--remove", op="remove", target=ident.strip()) for ident in removals or []
    ]
    return changes


def _change(text: str, option: str, **fields: Any) -> ChangeItem:
    """A :class:`ChangeItem`; an id that cannot be one is a usage error naming ``option``."""
    from pydantic import ValidationError  # noqa: PLC0415 - pydantic: only when needed

    from progman.domain import ChangeItem  # noqa: PLC0415

    try:
        return ChangeItem(**fields)
    except ValidationError as error:
        message = error.errors()[0]["msg"].removeprefix("Value error, ")
        raise UsageError(f"{text!r}: {message}", option=option) from None
