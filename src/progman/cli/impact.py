"""``progman impact PLAN --task ID --slip 10d``: if this slips, what moves?

Errors are not caught here: the main CLI reports every ProgmanError once (an unknown task
id with did-you-mean, exit 1). A missing or malformed option is a usage error, exit 2.
The use case (the change the options name, and what it moves) is
:mod:`progman.services.impact`; it and Rich tables are imported in the bodies that use
them, so that mounting this command does not slow down every other one (cli/main.py).
"""

# ruff: noqa: PLC0415 - the imports inside the functions are deliberate (see above)

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from progman.cli.options import (
    CsvOption,
    DbOption,
    JsonOption,
    PlanArg,
    ProgramOption,
    StatusDateOption,
    load_plan_file,
    one_format,
)
from progman.cli.output import (
    Cell,
    Column,
    Listing,
    output,
    print_listing,
    print_text,
    write_csv,
    write_json,
)
from progman.services.inputs import parse_date

if TYPE_CHECKING:
    from typing import Any

    from progman.services.impact import ImpactResult


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
            help="how much: 10d, 2w, 4h, or 10 (working days); for --resource: the time "
            "to replace them",
        ),
    ] = None,
    leaving: Annotated[
        str | None,
        typer.Option("--from", metavar="YYYY-MM-DD", help="the day --resource stops working"),
    ] = None,
    remove: Annotated[bool, typer.Option("--remove", help="with --link: remove it")] = False,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    status_date: StatusDateOption = None,
    db: DbOption = None,
    program_key: ProgramOption = None,
) -> None:
    """If this slips, what moves? Tasks, milestones, projects, benefits, objectives, chains."""
    one_format(as_json, as_csv)
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
        write_json(result.to_json())
        return
    if as_csv:
        write_csv(csv_records(result.to_json()), CSV_FIELDS)
        return
    console = output()
    for part in report_lines(result):
        if isinstance(part, Listing):
            print_listing(part, console)
        else:
            print_text(part, console)


def _when(moment: datetime) -> Cell:
    """A moment, or its day alone where the terminal is narrow."""
    return Cell(moment.strftime("%Y-%m-%d %H:%M"), short=moment.strftime("%Y-%m-%d"))


def _delay(days: float) -> str:
    return f"{days:+g}d"


def report_lines(result: "ImpactResult") -> "list[str | Listing]":
    """The summary line, then a table per kind that moved, then the chains."""
    lines: list[str | Listing] = [f"[bold]{result.summary()}[/bold]"]
    if result.tasks:
        calendar = f"calendar {result.calendar!r}" if result.calendar else "default calendar"
        lines.append(f"Delays (d) are working days of the program's {calendar}.")
    if result.finish_delay_days:
        before, after = _when(result.finish_before), _when(result.finish_after)
        lines.append(
            f"Program finish: {before.text} → {after.text} ({_delay(result.finish_delay_days)})"
        )
    if result.milestones:
        table = Listing(
            [
                Column("id", "id"),
                Column("name"),
                Column("before", "date", shorten=1),
                Column("after", "date", shorten=1),
                Column("delay", "number"),
                Column("deadline"),
            ],
            title="Milestones",
        )
        for m in result.milestones:
            deadline = Cell(str(m.deadline) if m.deadline else "—")
            if m.deadline_missed:
                missed = "already missed" if m.was_missed else "missed"
                deadline = Cell(f"{m.deadline} {missed}", style="" if m.was_missed else "red")
            table.add_row(
                m.id, m.name, _when(m.before), _when(m.after), _delay(m.delay_days), deadline
            )
        lines.append(table)
    if result.projects:
        table = Listing(
            [
                Column("id", "id"),
                Column("name"),
                Column("finish before", "date", shorten=1),
                Column("finish after", "date", shorten=1),
                Column("delay", "number"),
            ],
            title="Projects",
        )
        for p in result.projects:
            table.add_row(p.id, p.name, _when(p.before), _when(p.after), _delay(p.delay_days))
        lines.append(table)
    if result.benefits:
        table = Listing(
            [
                Column("id", "id"),
                Column("title"),
                Column("due", "date"),
                Column("delay", "number"),
                Column("at risk", "id"),
                Column("moved by"),
            ],
            title="Benefits",
        )
        for b in result.benefits:
            table.add_row(
                b.id,
                b.title,
                str(b.due) if b.due else "—",
                _delay(b.delay_days),
                Cell("yes", style="red") if b.due_at_risk else "no",
                ", ".join(b.moved_by),
            )
        lines.append(table)
    if result.objectives:
        table = Listing(
            [Column("id", "id"), Column("title"), Column("delay", "number"), Column("why")],
            title="Objectives",
        )
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


#: The columns of ``--csv``: a row per task, project, benefit and objective that moves.
CSV_FIELDS = (
    "kind",
    "id",
    "name",
    "project",
    "before",
    "after",
    "delay_days",
    "start_before",
    "start_after",
    "total_float_after",
    "critical",
    "deadline",
    "deadline_missed",
)


def csv_records(moved: "dict[str, Any]") -> "list[dict[str, Any]]":
    """The rows of ``--csv`` from the ``--json`` object: what moves, one row each."""
    deadlines = {m["id"]: m for m in moved["milestones"]}
    rows: list[dict[str, Any]] = []
    for task in moved["changed"]:
        milestone = deadlines.get(task["id"], {})
        rows.append(
            {
                **task,
                "kind": "milestone" if task["milestone"] else "task",
                "deadline": milestone.get("deadline"),
                "deadline_missed": milestone.get("deadline_missed"),
            }
        )
    rows.extend({**p, "kind": "project"} for p in moved["projects"])
    rows.extend(
        {
            **b,
            "kind": "benefit",
            "name": b["title"],
            "deadline": b["due"],
            "deadline_missed": b["due_at_risk"],
        }
        for b in moved["benefits"]
    )
    rows.extend({**o, "kind": "objective", "name": o["title"]} for o in moved["objectives"])
    return rows
