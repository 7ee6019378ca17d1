"""Arguments and options shared by the commands, so each is declared and parsed once."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from progman.domain import Program

PlanArg = Annotated[Path, typer.Argument(help="plan file (.yaml/.json) or folder of plan files")]
JsonOption = Annotated[
    bool, typer.Option("--json", help="print one JSON object (SPEC §5) instead of tables")
]
StatusDateOption = Annotated[
    str | None,
    typer.Option(
        "--status-date",
        metavar="YYYY-MM-DD",
        help="progress is as of this date (default: the plan's status_date)",
    ),
]


def parse_date(value: str | None, option: str = "'--status-date'") -> date | None:
    """A YYYY-MM-DD option value; a usage error (exit 2) naming ``option`` otherwise."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date; write YYYY-MM-DD, e.g. 2027-04-30", param_hint=option
        ) from None


def load_plan_file(plan: Path) -> Program:
    """Load and check a plan (its objects are then out of the garbage collector's walks:
    see :mod:`progman.collector`)."""
    from progman.planfile import load_plan  # noqa: PLC0415 - pydantic: only when needed

    return load_plan(plan)
