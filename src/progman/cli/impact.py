"""``progman impact PLAN --task ID --slip 10d``: if this slips, what moves?

Errors are not caught here: the main CLI reports every ProgmanError once (an unknown task
id with did-you-mean, exit 1). A missing or malformed option is a usage error, exit 2.
The use case (the change the options name, and what it moves) is
:mod:`progman.services.impact`; it and Rich tables are imported in the bodies that use
them, so that mounting this command does not slow down every other one (cli/main.py).
"""

# ruff: noqa: PLC0415 - the imports inside the functions are deliberate (see above)

import json
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from progman.cli.options import (
    DbOption,
    JsonOption,
    PlanArg,
    ProgramOption,
    StatusDateOption,
    load_plan_file,
)
from progman.cli.output import stdout
from progman.services.inputs import parse_date

if TYPE_CHECKING:
    from rich.table import Table

    from progman.services.impact import ImpactResult

MAX_WIDTH = 200  # columns of output written to a file or a pipe


def impact(
    plan: PlanArg = None,
    *,
    task: Annotated[
        str | None, typer.Option("--task", metavar="ID", help="the task that slips")
    ] = None,
    project: Annotated[
        str | None,
        typer.Option("--project", metavar="ID", help="every not-started task of it starts later"),
    ] = None,
    link: Annotated[
        str | None,
        typer.Option(
            "--link",
            metavar="PRED:SUCC",
            help="add this link (or set its lag to --slip; --remove drops it)",
        ),
    ] = None,
    resource: Annotated[
        str | None,
        typer.Option("--resource", metavar="ID", help="this person leaves (with --from)"),
    ] = None,
    slip: Annotated[
        str | None,
        typer.Option(
            "--slip",
            metavar="DURATION",
            help="how much: 10d, 2w, 4h (for --resource: the time to replace them, 10d)",
        ),
    ] = None,
    leaving: Annotated[
        str | None,
        typer.Option("--from", metavar="YYYY-MM-DD", help="the day --resource stops working"),
    ] = None,
    remove: Annotated[bool, typer.Option("--remove", help="with --link: remove it")] = False,
    as_json: JsonOption = False,
    status_date: StatusDateOption = None,
    db: DbOption = None,
    program_key: ProgramOption = None,
) -> None:
    """If this slips, what moves? Tasks, milestones, projects, benefits, objectives, chains."""
    from progman.services.impact import impact_change, impact_of

    change = impact_change(
        task=task,
        project=project,
        link=link,
        resource=resource,
        slip=slip,
        leaving=leaving,
        remove=remove,
    )
    as_of = parse_date(status_date)
    program = load_plan_file(plan, db, program_key)
    result = impact_of(program, change, status_date=as_of)
    if as_json:
        sys.stdout.write(json.dumps(result.to_json()) + "\n")
        return
    # a file or a pipe has no right edge: do not squeeze the tables
    console = stdout if stdout.is_terminal else Console(width=MAX_WIDTH, soft_wrap=True)
    for line in report_lines(result):
        console.print(line)


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _delay(days: float) -> str:
    return f"{days:+g}d"


def report_lines(result: "ImpactResult") -> "list[str | Table]":
    """The summary line, then a table per kind that moved, then the chains."""
    lines: list[str | Table] = [f"[bold]{result.summary()}[/bold]"]
    if result.tasks:
        calendar = f"calendar {result.calendar!r}" if result.calendar else "default calendar"
        lines.append(f"Delays (d) are working days of the program's {calendar}.")
    if result.finish_delay_days:
        lines.append(
            f"Program finish: {_when(result.finish_before)} → {_when(result.finish_after)} "
            f"({_delay(result.finish_delay_days)})"
        )
    if result.milestones:
        table = _table("Milestones", "id", "name", "before", "after", "delay", "deadline")
        for m in result.milestones:
            deadline = str(m.deadline) if m.deadline else "—"
            if m.deadline_missed:
                deadline += " [red]missed[/red]" if not m.was_missed else " (already missed)"
            table.add_row(
                m.id, m.name, _when(m.before), _when(m.after), _delay(m.delay_days), deadline
            )
        lines.append(table)
    if result.projects:
        table = _table("Projects", "id", "name", "finish before", "finish after", "delay")
        for p in result.projects:
            table.add_row(p.id, p.name, _when(p.before), _when(p.after), _delay(p.delay_days))
        lines.append(table)
    if result.benefits:
        table = _table("Benefits", "id", "title", "due", "delay", "at risk", "moved by")
        for b in result.benefits:
            risk = "[red]yes[/red]" if b.due_at_risk else "no"
            table.add_row(
                b.id,
                b.title,
                str(b.due) if b.due else "—",
                _delay(b.delay_days),
                risk,
                ", ".join(b.moved_by),
            )
        lines.append(table)
    if result.objectives:
        table = _table("Objectives", "id", "title", "delay", "why")
        for o in result.objectives:
            table.add_row(o.id, o.title, _delay(o.delay_days), "\n".join(o.reasons))
        lines.append(table)
    if result.chains:
        lines.append("[bold]Chains:[/bold]")
        lines.extend(f"  {' → '.join(chain)}" for chain in result.chains)
    if result.unstaffed:
        lines.append("[bold]Unstaffed:[/bold] " + ", ".join(result.unstaffed))
    for note in result.notes:
        lines.append(f"  {note}")
    return lines


def _table(title: str, *columns: str) -> "Table":
    from rich import box
    from rich.table import Table

    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    for column in columns:
        table.add_column(column, no_wrap=column in ("id", "before", "after"))
    return table
