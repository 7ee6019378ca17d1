"""The ``progman`` command line. Errors are reported once, here, never as a traceback."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from progman import __version__
from progman.cli.output import report_error, stdout
from progman.cli.plan_view import program_tree
from progman.errors import ProgmanError
from progman.planfile import load_plan, plan_schema

app = typer.Typer(
    name="progman",
    help="progman — an open-source program office: plans, schedules, resources, risk, status.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="rich",
)

PlanArg = Annotated[Path, typer.Argument(help="plan file (.yaml/.json) or folder of plan files")]
DbOption = Annotated[
    str | None,
    typer.Option("--db", help="database URL (default: $PROGMAN_DB or the user data folder)"),
]


def _version(value: bool) -> None:
    if value:
        stdout.print(f"progman {__version__}")
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
def validate(plan: PlanArg) -> None:
    """Check a plan; print every problem as file:line:col and exit 1 if there are any."""
    program = load_plan(plan)
    items = sum(1 for _ in program.work_items())
    stdout.print(
        f"{plan}: valid — {program.name} ({program.key}), {len(program.projects)} "
        f"projects, {items} work items"
    )


@app.command()
def show(
    plan: PlanArg,
    depth: Annotated[int | None, typer.Option(help="levels of tasks to show")] = None,
) -> None:
    """Show a plan as a tree: program → projects → work breakdown."""
    stdout.print(program_tree(load_plan(plan), depth))


@app.command()
def schema(
    output: Annotated[Path | None, typer.Option("-o", "--output", help="write to FILE")] = None,
) -> None:
    """Print the JSON Schema of the plan format (for editor completion)."""
    text = json.dumps(plan_schema(), indent=2) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code: 0 ok, 1 user error, 2 usage error."""
    try:
        app(args=argv, prog_name="progman")
    except ProgmanError as error:
        report_error(error)
        return error.exit_code
    except SystemExit as done:  # Typer/click finish every run, even a successful one, this way
        code = done.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    return 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
