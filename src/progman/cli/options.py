"""Arguments and options shared by the commands, so each is declared and parsed once.

Option values are turned into domain values by :mod:`progman.services.inputs` (usage
errors naming the option), so the API reads its parameters the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from progman.domain import Program

PlanArg = Annotated[
    Path | None,
    typer.Argument(
        help="plan file (.yaml/.json) or folder of plan files; or --program KEY instead",
        show_default=False,
    ),
]
DbOption = Annotated[
    str | None,
    typer.Option("--db", help="database URL (default: $PROGMAN_DB or the user data folder)"),
]
ProgramOption = Annotated[
    str | None,
    typer.Option("--program", metavar="KEY", help="a stored program instead of a plan file"),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="print one JSON object (SPEC §5) instead of tables")
]
CsvOption = Annotated[
    bool, typer.Option("--csv", help="print the table's rows as CSV (every column, raw values)")
]
StatusDateOption = Annotated[
    str | None,
    typer.Option(
        "--status-date",
        metavar="YYYY-MM-DD",
        help="progress is as of this date (default: the plan's status_date)",
    ),
]


def one_format(as_json: bool, as_csv: bool) -> None:
    """A usage error if both --json and --csv are asked for."""
    if as_json and as_csv:
        from progman.errors import UsageError  # noqa: PLC0415

        raise UsageError("choose --json or --csv, not both", option="--csv")


def actor_name(actor: str | None) -> str:
    """Who the audit log names for a change made here: ``--as``, else the login name."""
    if actor:
        return actor
    import getpass  # noqa: PLC0415 - only for the commands that write

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        return "cli"


def load_plan_file(plan: Path | None, db: str | None = None, program: str | None = None) -> Program:
    """The program a command names: the plan file or folder ``plan`` (loaded and checked),
    or the stored program ``program`` in the database ``db``."""
    from progman.services.plans import PlanSource, load_program  # noqa: PLC0415

    return load_program(PlanSource.of(plan, db, program))
