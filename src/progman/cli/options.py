"""Arguments and options shared by the commands, so each is declared and parsed once.

Option values are turned into domain values by :mod:`progman.services.inputs` (usage
errors naming the option), so the API reads its parameters the same way.
"""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Annotated, Any, get_args

import typer
from typer.core import TyperArgument, TyperOption

if TYPE_CHECKING:
    from collections.abc import Sequence

    from progman.domain import Program
    from progman.errors import Problem, ProgmanError
    from progman.services.plans import ColumnarPlan, PlanSource

PlanArg = Annotated[
    Path | None,
    typer.Argument(
        metavar="PLAN",
        help="plan file (.yaml/.json), folder of plan files, or a file of another tool read "
        "directly (.xml, .xer, .mpp, .csv: tasks or Jira); or --program KEY instead",
        show_default=False,
    ),
]
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", metavar="URL", help="database URL (default: $PROGMAN_DB or the user data folder)"
    ),
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


#: What help shows a user types for a value of each type (Typer's own: ``<int>``).
VALUE_WORDS: dict[Any, str] = {int: "N", float: "NUMBER", str: "TEXT", bool: "true|false"}


def value_word(parameter: TyperOption | TyperArgument) -> str:
    """What a user types for ``parameter`` (PATH, N, NUMBER, TEXT, a choice), for --help."""
    described = parameter.type_descriptor
    if described.is_choice and described.choices is not None:
        return "|".join(str(choice) for choice in described.choices)
    annotation = described.annotation
    if described.is_list:
        annotation = get_args(annotation)[0]
    if described.is_tuple:
        return " ".join(VALUE_WORDS.get(part, "VALUE") for part in get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, PurePath):
        return "PATH"
    if described.is_datetime:
        return "DATE"
    return VALUE_WORDS.get(annotation, "VALUE")


def _option_value(self: TyperOption, ctx: Any) -> str | None:
    if self.metavar is not None:
        return self.metavar or None
    return None if self.is_flag else value_word(self)


def _argument_value(self: TyperArgument, ctx: Any) -> str | None:
    return None if self.metavar is not None else value_word(self)


def name_values_in_help() -> None:
    """--help shows what to type (URL, N, PATH) and nothing after a flag, never Typer's type
    names (``<bool>``, ``<list[Path]>``, ``<float range>``). Typer (0.29) has no setting for
    it and names the types of the options it adds itself (--help, --install-completion), so
    its two methods that name a parameter's type are replaced, once, when the app is built."""
    TyperOption.display_type_rich = _option_value  # type: ignore[method-assign]
    TyperArgument.display_type_rich = _argument_value  # type: ignore[method-assign,assignment]


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


def load_plan_file(
    plan: Path | None, db: str | None = None, program: str | None = None, *, sealed: bool = False
) -> Program:
    """The program a command names: the plan file or folder ``plan`` (loaded and checked),
    or the stored program ``program`` in the database ``db``. ``sealed``: the command
    never changes the program in place (see :func:`~progman.services.plans.load_program`)."""
    from progman.services.plans import PlanSource, load_program_noted  # noqa: PLC0415

    source = PlanSource.of(plan, db, program)
    loaded, warnings = load_program_noted(source, sealed=sealed)
    print_import_warnings(warnings, f"progman import {plan} -o plan.yaml")
    _LOADED[:] = [(source, loaded)]
    return loaded


def load_schedulable_file(
    plan: Path | None, db: str | None = None, program: str | None = None
) -> Program | ColumnarPlan:
    """:func:`load_plan_file` (sealed) for a command that only schedules: a plan of simple
    tasks may come as columns (:func:`~progman.services.plans.load_schedulable`)."""
    from progman.services.plans import PlanSource, load_schedulable  # noqa: PLC0415

    source = PlanSource.of(plan, db, program)
    loaded, warnings = load_schedulable(source)
    print_import_warnings(warnings, f"progman import {plan} -o plan.yaml")
    _LOADED[:] = [(source, loaded)]
    return loaded


#: How many warnings of a file read directly a plan command prints (import prints all).
SHOWN_IMPORT_WARNINGS = 10


def print_import_warnings(warnings: Sequence[Problem], command: str | None = None) -> None:
    """Each warning on stderr as ``file:line: warning: message``; with ``command`` (a plan
    command reading a file of another tool) the first few, and what lists them all."""
    from progman.cli.output import stderr  # noqa: PLC0415

    shown = warnings if command is None else warnings[:SHOWN_IMPORT_WARNINGS]
    for warning in shown:
        where = f"{warning.location}: " if str(warning.location) else ""
        stderr.print(f"{where}warning: {warning.message}", markup=False, highlight=False)
    if len(warnings) > len(shown):
        stderr.print(
            f"... and {len(warnings) - len(shown)} more warnings ({command} lists them all)",
            markup=False,
            highlight=False,
        )


#: The plan this run of the command line loaded, to name and place a later error in it.
_LOADED: list[tuple[PlanSource, Program | ColumnarPlan]] = []


def forget_loaded_plan() -> None:
    """A new run of the command line: no plan loaded yet."""
    _LOADED.clear()


def placed_in_plan(error: ProgmanError) -> ProgmanError:
    """``error`` at the file:line:col of the field it names in the plan file this run
    loaded (a vacation reaching past the calendar tables), else as it is."""
    if not _LOADED:
        return error
    from progman.services.plans import placed  # noqa: PLC0415 - only on an error

    source, program = _LOADED[-1]
    return placed(error, source, program)
