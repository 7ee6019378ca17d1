"""The ``progman`` command line. Errors are reported once, here, never as a traceback.

The app is built from light modules only: every command imports what it computes with
(pydantic, numba and the engine, SQLAlchemy, Rich tables) in its body, so ``--version``,
``--help`` and ``validate`` start at once (tests/cli/test_startup.py guards it). The
command modules do without ``from __future__ import annotations``: Typer would evaluate
every command's string annotations, several times each, at every start.
"""

import copy
import json
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from typer.main import get_command_name

import progman
from progman.cli import baseline as baseline_command
from progman.cli import change as change_commands
from progman.cli import comms as comms_command
from progman.cli import db as db_commands
from progman.cli import evm as evm_command
from progman.cli import export as export_command
from progman.cli import gates as gates_command
from progman.cli import health as health_command
from progman.cli import impact as impact_command
from progman.cli import imports as import_command
from progman.cli import level as level_command
from progman.cli import report as report_command
from progman.cli import resources as resources_command
from progman.cli import risks as risks_command
from progman.cli import schedule as schedule_command
from progman.cli import serve as serve_command
from progman.cli import simulate as simulate_command
from progman.cli import strategy as strategy_command
from progman.cli import users as user_commands
from progman.cli import whatif as whatif_commands
from progman.cli.options import (
    DbOption,
    PlanArg,
    ProgramOption,
    forget_loaded_plan,
    load_plan_file,
    name_values_in_help,
    placed_in_plan,
)
from progman.cli.output import plural, print_renderable, report_error, stdout
from progman.cli.quick_exit import leave
from progman.errors import ProgmanError

if TYPE_CHECKING:
    from progman.services.first_run import DatabaseSetUp

name_values_in_help()
app = typer.Typer(
    name="progman",
    help="progman — an open-source program office: plans, schedules, resources, risk, status.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        print(f"progman {progman.__version__}")  # plain: no Rich at start
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="print the version and exit"
        ),
    ] = False,
) -> None:
    """progman — an open-source program office."""


@app.command()
def validate(plan: PlanArg = None, db: DbOption = None, program_key: ProgramOption = None) -> None:
    """Check a plan; print every problem as file:line:col and exit 1 if there are any."""
    from progman.services.planfiles import check_plan  # noqa: PLC0415 - pydantic: only here
    from progman.services.plans import PlanSource  # noqa: PLC0415

    summary = check_plan(PlanSource.of(plan, db, program_key))
    for warning in summary.warnings:  # valid all the same: said, exit 0
        where = f"{warning.location}: " if str(warning.location) else ""
        sys.stderr.write(f"{where}warning: {warning.message}\n")
    warned = f", {plural(len(summary.warnings), 'warning')}" if summary.warnings else ""
    print(  # plain lines, without Rich (its import is a large share of a start)
        f"{summary.source}: valid — {summary.name} ({summary.key}), "
        f"{plural(summary.projects, 'project')}, {plural(summary.work_items, 'work item')}"
        f"{warned}"
    )


@app.command()
def show(
    plan: PlanArg = None,
    depth: Annotated[int | None, typer.Option(help="levels of tasks to show")] = None,
    db: DbOption = None,
    program_key: ProgramOption = None,
) -> None:
    """Show a plan as a tree: program → projects → work breakdown."""
    from progman.cli.plan_view import program_tree  # noqa: PLC0415 - only when needed

    print_renderable(program_tree(load_plan_file(plan, db, program_key), depth))


@app.command()
def schema(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", metavar="FILE", help="write to FILE")
    ] = None,
) -> None:
    """Print the JSON Schema of the plan format (for editor completion)."""
    from progman.services.planfiles import plan_format_schema  # noqa: PLC0415 - pydantic

    text = json.dumps(plan_format_schema(), indent=2) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


@app.command()
def init(
    db: DbOption = None,
    sample: Annotated[bool, typer.Option("--sample", help="also load the sample program")] = False,
    compile_only: Annotated[
        bool, typer.Option("--compile-only", help="only compile the engine (no database)")
    ] = False,
) -> None:
    """Create (or upgrade) the database, optionally with the sample program.

    Also a first administrator (its password printed once), and the engine compiled once,
    so that no later command waits for it.
    """
    from progman.cli.compile import compile_engine  # noqa: PLC0415 - numba: only when needed
    from progman.services.engine import Meanwhile  # noqa: PLC0415
    from progman.services.first_run import do_set_up_database  # noqa: PLC0415
    from progman.services.planfiles import sample_program  # noqa: PLC0415 - pydantic

    program = sample_program()
    # the database is set up in the compile's second process, while this one compiles
    task = partial(do_set_up_database, db, program if sample else None)
    compile_engine(program, None if compile_only else Meanwhile(task, _database_ready))


def _database_ready(done: "DatabaseSetUp") -> None:
    stdout.print(f"database ready at {done.url} (schema {done.revision})")
    if done.sample is not None:
        stdout.print(f"sample program {done.sample[0]} '{done.sample[1]}' is stored")
    if done.password is not None:
        stdout.print(
            f"first administrator: {done.admin}, password {done.password} — shown this once: "
            "keep it (add more users with `progman user add`)",
            markup=False,
        )


app.command()(serve_command.serve)
app.command()(schedule_command.schedule)
app.command()(simulate_command.simulate)
app.command()(impact_command.impact)
app.command()(level_command.level)
app.command()(baseline_command.baseline)
app.command()(evm_command.evm)
app.command()(health_command.health)
app.command()(gates_command.gates)
app.command()(report_command.report)
app.command()(strategy_command.objectives)
app.command()(strategy_command.benefits)
app.command("import")(import_command.import_plan)
app.command("export")(export_command.export)
app.command()(comms_command.comms)
app.command()(risks_command.risks)
app.command()(resources_command.resources)
app.add_typer(db_commands.app, name="db")
app.add_typer(user_commands.users, name="user")
app.add_typer(user_commands.tokens, name="token")
app.add_typer(whatif_commands.app, name="whatif")
app.add_typer(change_commands.app, name="change")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code: 0 ok, 1 user error, 2 usage error."""
    forget_loaded_plan()
    args = sys.argv[1:] if argv is None else argv
    try:
        _app_for(args)(args=args, prog_name="progman")
    except ProgmanError as error:
        report_error(placed_in_plan(error), _command(args))
        return error.exit_code
    except SystemExit as done:  # Typer/click finish every run, even a successful one, this way
        code = done.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    return 0


def _app_for(argv: list[str]) -> typer.Typer:
    """The app with only the command that ``argv`` names, when it names one exactly.

    Typer builds a Click command for every registered command before it runs one (about
    50 of them, each signature inspected: 0.02 s of every start). The top level has no
    option taking a value, so the first word that is not an option is the command; for
    anything else (no command, a typo to suggest a name for, completion) the whole app.
    """
    words = [arg for arg in argv if not arg.startswith("-")]
    if not words:
        return app
    commands = [c for c in app.registered_commands if _name(c) == words[0]]
    groups = [g for g in app.registered_groups if g.name == words[0]]
    if not commands and not groups:
        return app
    only = copy.copy(app)
    only.registered_commands, only.registered_groups = commands, groups
    return only


def _name(command: typer.models.CommandInfo) -> str:
    """A registered command's name, as Typer derives it from the function's."""
    return command.name or get_command_name(getattr(command.callback, "__name__", ""))


def _command(argv: list[str]) -> str:
    """The command that ran (``schedule``, ``whatif run``), for a hint naming its help."""
    words = [arg for arg in argv if not arg.startswith("-")][:2]
    if not words:
        return "COMMAND"
    for group in app.registered_groups:
        if group.name == words[0] and group.typer_instance is not None:
            commands = group.typer_instance.registered_commands
            names = {c.name or getattr(c.callback, "__name__", "") for c in commands}
            if len(words) > 1 and words[1] in names:
                return " ".join(words)
    return words[0]


def run() -> None:
    """Console-script entry point (without the interpreter's slow teardown, see leave)."""
    leave(main())
