"""``progman schedule PLAN``: the critical path method on a plan, as a table or as JSON.

Errors are not caught here: the main CLI reports every ProgmanError once and exits 1. A
bad option value (a date that is not a date, a project the plan does not have) is a usage
error, exit 2. The engine and Rich tables are imported in the bodies that use them, so that
mounting this command does not slow down every other one (cli/main.py). The use case is
:func:`progman.services.scheduling.schedule_program`; this module parses and formats.
"""

# ruff: noqa: PLC0415 - the imports inside the functions are deliberate (see above)

from datetime import datetime
from functools import cache
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
    load_schedulable_file,
    one_format,
)
from progman.cli.output import (
    Column,
    Listing,
    output,
    print_listing,
    print_text,
    stderr,
    working,
    write_parts,
)
from progman.services.inputs import parse_date

if TYPE_CHECKING:
    from progman.domain import Program, WorkItem
    from progman.services.scheduling import Schedule

#: progman.services.scheduling.NEAR_CRITICAL_DAYS (the engine's), the --help default
#: without importing the engine (tests/cli/test_startup.py checks that the two agree)
NEAR_CRITICAL_DAYS = 5.0


def schedule(
    plan: PlanArg = None,
    *,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    status_date: StatusDateOption = None,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="a link broken by a must-start/finish-on date is an error"),
    ] = False,
    near_critical: Annotated[
        float,
        typer.Option(
            "--near-critical", metavar="DAYS", min=0.0, help="near-critical: float up to DAYS"
        ),
    ] = NEAR_CRITICAL_DAYS,
    project: Annotated[
        str | None, typer.Option("--project", metavar="ID", help="show only this project's rows")
    ] = None,
    leveled: Annotated[
        bool,
        typer.Option(
            "--leveled", help="the dates after resource leveling (as `progman level` gives them)"
        ),
    ] = False,
    db: DbOption = None,
    program_key: ProgramOption = None,
) -> None:
    """Schedule a plan by the critical path method: dates, floats, critical path, drivers."""
    one_format(as_json, as_csv)
    as_of = parse_date(status_date)
    if (as_json or as_csv) and not leveled:  # no table: a simple plan may come as columns
        from progman.services.scheduling import schedule_program  # numba

        result = schedule_program(
            load_schedulable_file(plan, db, program_key),
            status_date=as_of,
            near_critical_days=near_critical,
            strict=strict,
            project=project,
        )
        _write_data(result, project, as_json=as_json)
        return
    program = load_plan_file(plan, db, program_key, sealed=True)  # only read here
    from progman.services.scheduling import leveled_schedule, schedule_program  # numba

    if leveled:
        with working("leveling"):
            result = leveled_schedule(program, status_date=as_of, project=project)
    else:
        result = schedule_program(
            program,
            status_date=as_of,
            near_critical_days=near_critical,
            strict=strict,
            project=project,
        )
    if as_json or as_csv:
        _write_data(result, project, as_json=as_json)
        return
    _print_warnings(result)
    console = output()
    print_listing(schedule_table(program, result, project, leveled=leveled), console)
    for line in summary_lines(result, project):
        print_text(line, console)


def _print_warnings(result: "Schedule") -> None:
    for conflict in result.conflicts:
        stderr.print(f"warning: {conflict}", markup=False)
    for warning in result.warnings:
        stderr.print(f"warning: {warning}", markup=False)


def _write_data(result: "Schedule", project: str | None, *, as_json: bool) -> None:
    """The warnings on stderr, the schedule as JSON (or CSV) on stdout, written as it is
    made (a large schedule's text is never held whole)."""
    _print_warnings(result)
    if as_json:
        write_parts(result.json_parts(), end=b"\n")
        return
    write_parts(result.csv_parts(project))


def _when(moment: datetime | str | None) -> str:
    if moment is None:
        return "—"
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.strftime("%Y-%m-%d %H:%M")


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def _days(value: float) -> str:
    return f"{value:g}d"


def _items(program: "Program") -> "tuple[dict[str, WorkItem], dict[str, int]]":
    """Every work item by id, and how deep each one below the top of its project's
    breakdown sits (the top ones, 0, left out): one pass, not one per question."""
    items: dict[str, WorkItem] = {}
    depths: dict[str, int] = {}
    for item_project in program.projects:
        tops = item_project.tasks
        items.update(zip([top.id for top in tops], tops, strict=True))
        stack = [(child, 1) for top in tops if top.tasks for child in top.tasks]
        while stack:
            item, depth = stack.pop()
            items[item.id] = item
            depths[item.id] = depth
            stack.extend((child, depth + 1) for child in item.tasks)
    return items, depths


@cache
def _style(complete: bool, critical: bool, near_critical: bool, summary: bool) -> str:
    """The row's style on a terminal, by the task's flags."""
    parts = []
    if complete:
        parts.append("dim")
    elif critical:
        parts.append("red")
    elif near_critical:
        parts.append("yellow")
    if summary:
        parts.append("bold")
    return " ".join(parts)


@cache
def _marker(complete: bool, missed: bool, critical: bool, near_critical: bool) -> str:
    """The row's marker, a character that says in a file what the colours say on screen
    (``missed``: the task misses its deadline)."""
    if complete:
        return "✓"
    if missed:
        return "!"
    if critical:
        return "*"
    return "~" if near_critical else ""


def _duration(item: "WorkItem | None") -> str:
    """The task's planned duration as the plan gives it (else its most likely estimate; a
    milestone 0d); a summary, or a task its work and people size: ``—``."""
    if item is None or item.tasks:
        return "—"
    if item.duration is not None:
        return str(item.duration)
    if item.estimate is not None:
        return str(item.estimate.most_likely)
    return "0d" if item.milestone else "—"


def _percent(item: "WorkItem | None", complete: bool) -> str:
    """Percent complete as reported (100 once finished); ``—`` for a summary or no report."""
    if complete:
        return "100%"
    if item is None or item.tasks or item.percent_complete is None:
        return "—"
    return f"{item.percent_complete:g}%"


def _people(item: "WorkItem | None", counted: "set[str]") -> str:
    """Who works on the task and how much of their time: ``ana 100%, bob 50%``; a role or
    skill still to be staffed in brackets (``[Dev] 100%``); a material or cost resource
    (``counted``) with its units, ``device_lab ×2``."""
    if item is None or not item.resources:
        return ""
    named = []
    for a in item.resources:
        who = a.resource or "[" + "/".join(x for x in (a.role, a.skill) if x) + "]"
        named.append(f"{who} ×{a.units:g}" if who in counted else f"{who} {a.units * 100:g}%")
    return ", ".join(named)


LEGEND = "* critical · ! critical, misses its deadline · ~ near-critical · ✓ complete · ◆ milestone"


def schedule_table(
    program: "Program", result: "Schedule", project: str | None = None, *, leveled: bool = False
) -> "Listing":
    """Every task (or one project's) with its dates, floats and driving predecessor. When
    the terminal is narrow the dates lose their time, then the driver and the free float go;
    the name wraps."""
    as_of = f", as of {result.status_date}" if result.status_date else ""
    as_of = (", leveled" if leveled else "") + as_of
    table = Listing(
        [
            Column("", "mark"),
            Column("id", "id"),
            Column("name"),
            Column("duration", "number", drop=2),
            Column("start", "date", shorten=1),
            Column("finish", "date", shorten=1),
            Column("total\nfloat", "number"),
            Column("free\nfloat", "number", drop=3),
            Column("%\ndone", "number", drop=2),
            Column("resources", drop=1),
            Column("driver", "id", drop=2),
        ],
        title=f"{program.name} ({program.key}) — schedule{as_of}",
        legend=LEGEND,
    )
    from progman.services.scheduling import task_columns

    items, depths = _items(program)
    counted = {r.id for r in program.resources if r.kind != "person"}
    missed = set(result.missed_deadlines)
    c = task_columns(result.tasks, project)
    found = list(map(items.get, c.ids))
    moments = {*c.starts, *c.finishes}  # each distinct date written once
    when = {moment: _when(moment) for moment in moments}
    day = {moment: _day(moment) for moment in moments}
    days = {value: _days(value) for value in {*c.total_floats, *c.free_floats}}
    late = [ident in missed for ident in c.ids] if missed else [False] * len(c.ids)
    table.add_rows(
        [
            list(map(_marker, c.complete, late, c.critical, c.near_critical)),
            c.ids,
            [
                "  " * depths.get(ident, 0) + ("◆ " if milestone else "") + name
                for ident, name, milestone in zip(c.ids, c.names, c.milestone, strict=True)
            ],
            list(map(_duration, found)),
            [when[m] for m in c.starts],
            [when[m] for m in c.finishes],
            [days[v] for v in c.total_floats],
            [days[v] for v in c.free_floats],
            list(map(_percent, found, c.complete)),
            [_people(item, counted) for item in found],
            [driver or "—" for driver in c.drivers],
        ],
        shorts={4: [day[m] for m in c.starts], 5: [day[m] for m in c.finishes]},
        styles=list(map(_style, c.complete, c.critical, c.near_critical, c.summary)),
        end_sections=[a != b for a, b in zip(c.projects, [*c.projects[1:], None], strict=True)],
    )
    return table


def summary_lines(result: "Schedule", project: str | None = None) -> list[str]:
    """The finish, the critical paths and the missed deadlines, one line each."""
    lines = [
        f"[bold]Program finish:[/bold] {_when(result.finish)}",
        "[bold]Critical path:[/bold] " + (" → ".join(result.critical_path) or "—"),
    ]
    lines.append("[bold]Projects:[/bold]")
    for ident, summary in result.projects.items():
        if project is not None and ident != project:
            continue
        line = f"  {ident}: finishes {_when(summary['finish'])}"
        if summary.get("deadline"):
            missed = summary.get("deadline_missed")
            line += f", deadline {summary['deadline']}" + (" [red](missed)[/red]" if missed else "")
        if project is not None:
            line += "; critical path " + (" → ".join(summary["critical_path"]) or "—")
        lines.append(line)
    if result.missed_deadlines:
        lines.append("[bold red]Missed deadlines:[/bold red]")
        for ident in result.missed_deadlines:
            task = result.task(ident)
            lines.append(
                f"  {ident}: deadline {task.deadline}, finishes {_when(task.finish)} "
                f"({_days(task.total_float)} float)"
            )
    return lines
