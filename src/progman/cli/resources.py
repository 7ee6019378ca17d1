"""``progman resources PLAN``: load, capacity and over-allocation of the shared resources.

The use case (the free query's options, the load on the plain or leveled schedule, the
JSON object) is :mod:`progman.services.resources`; it and Rich tables are imported in the
bodies that use them, so that mounting this command does not slow down every other one
(cli/main.py).
"""

# ruff: noqa: PLC0415 - the imports inside the functions are deliberate (see above)

import json
import math
import sys
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
from progman.services.inputs import parse_date, parse_free_query

if TYPE_CHECKING:
    from rich.table import Table

    from progman.services.resources import FreeQuery, FreeResource, LoadAnalysis

HOT = 1.0
WARM = 0.8
WIDE = 160


def resources(
    plan: PlanArg = None,
    *,
    week: Annotated[bool, typer.Option("--week", help="utilisation per resource and week")] = False,
    over: Annotated[bool, typer.Option("--over", help="over-allocation periods and tasks")] = False,
    skill: Annotated[
        str | None, typer.Option("--skill", help="who with this skill is free")
    ] = None,
    free: Annotated[
        str, typer.Option("--free", metavar="N", help="working days needed (10d, 2w)")
    ] = "5d",
    between: Annotated[
        tuple[str, str] | None,
        typer.Option("--between", metavar="D1 D2", help="window of the free query"),
    ] = None,
    share: Annotated[
        float, typer.Option("--share", min=0.01, max=100.0, help="free FTE needed each day")
    ] = 1.0,
    leveled: Annotated[
        bool,
        typer.Option("--leveled", help="the load after resource leveling (progman level)"),
    ] = False,
    as_json: JsonOption = False,
    status_date: StatusDateOption = None,
    db: DbOption = None,
    program_key: ProgramOption = None,
) -> None:
    """Resource load across all projects: capacity, peak load, utilisation, conflicts."""
    as_of = parse_date(status_date)
    query = parse_free_query(skill, free, between, share)
    program = load_plan_file(plan, db, program_key)
    from progman.services.resources import resource_report  # numba: once the plan loaded

    report = resource_report(program, status_date=as_of, leveled=leveled, query=query)
    if as_json:
        sys.stdout.write(json.dumps(report.to_json()) + "\n")
        return
    if report.query is not None and report.free is not None:
        stdout.print(free_table(report.query, report.free))
        return
    analysis = report.analysis
    console = stdout
    if not stdout.is_terminal:  # a file or a pipe has no right edge: never squeeze a table
        console = Console(width=max(WIDE, 16 + 7 * len(analysis.weeks)), highlight=False)
    if week:
        console.print(week_table(analysis))
    elif over:
        console.print(over_table(analysis))
    else:
        console.print(summary_table(analysis))


def free_table(query: "FreeQuery", found: "list[FreeResource]") -> "Table | str":
    """Who is free, from when to when, at what free FTE (or that nobody is)."""
    from rich import box
    from rich.table import Table

    if not found:
        return f"nobody with skill {query.skill} is free then"
    table = Table(
        title=f"Free with skill {query.skill} for {query.days} working days at "
        f"{query.share:g} FTE, {query.first} – {query.last}",
        box=box.SIMPLE,
    )
    for column in ("resource", "name", "from", "to", "free FTE"):
        table.add_column(column)
    for p in found:
        table.add_row(p.resource, p.name, str(p.start), str(p.finish), f"{p.free:g}")
    return table


def _colour(value: float) -> str:
    if math.isnan(value):
        return "dim"
    if value > HOT + 1e-9:
        return "bold red"
    if value >= WARM:
        return "yellow"
    return "green"


def summary_table(analysis: "LoadAnalysis") -> "Table":
    from rich import box
    from rich.table import Table

    util = analysis.utilisation()
    over_days = analysis.over_days()
    table = Table(title=f"Resources of {analysis.program}", box=box.SIMPLE)
    for column in ("resource", "name", "capacity", "peak load", "utilisation", "over days"):
        table.add_column(column, justify="left" if column in {"resource", "name"} else "right")
    for r, rid in enumerate(analysis.resources):
        u = float(util[r])
        table.add_row(
            rid,
            analysis.names[r],
            f"{analysis.capacity[r].max(initial=0.0):g}",
            f"{analysis.load[r].max(initial=0.0):.2f}",
            "—" if math.isnan(u) else f"[{_colour(u)}]{u:.0%}[/]",
            f"[bold red]{over_days[r]}[/]" if over_days[r] else "0",
        )
    return table


def week_table(analysis: "LoadAnalysis") -> "Table":
    from rich import box
    from rich.table import Table

    util = analysis.week_utilisation()
    busy = (analysis.week_load.sum(axis=0) > 0) | (analysis.week_capacity.sum(axis=0) > 0)
    weeks = [w for w, keep in enumerate(busy) if keep and analysis.week_load[:, w].any()]
    table = Table(title="Utilisation per week (load / capacity)", box=box.SIMPLE)
    table.add_column("resource", no_wrap=True)
    for w in weeks:
        label = analysis.weeks[w][2:].replace("-W", "w")
        table.add_column(label, justify="right", no_wrap=True, min_width=len(label))
    for r, rid in enumerate(analysis.resources):
        cells = []
        for w in weeks:
            u = float(util[r, w])
            if analysis.week_load[r, w] == 0:
                cells.append("[dim]·[/]")
            elif math.isnan(u):
                cells.append("[bold red]∞[/]")
            else:
                cells.append(f"[{_colour(u)}]{round(u * 100)}[/]")
        table.add_row(rid, *cells)
    return table


def over_table(analysis: "LoadAnalysis") -> "Table | str":
    from rich import box
    from rich.table import Table

    if not analysis.over_allocations:
        return "no resource is over-allocated"
    table = Table(title="Over-allocations", box=box.SIMPLE)
    for column in ("resource", "from", "to", "days", "peak", "excess p-d", "tasks"):
        table.add_column(column)
    for o in analysis.over_allocations:
        tasks = ", ".join(f"{t} ({p}, {u:g})" for t, p, u in o.tasks)
        table.add_row(
            o.resource,
            str(o.start),
            str(o.finish),
            str(o.days),
            f"{o.peak_load:.2f}",
            f"{o.excess:.1f}",
            tasks,
        )
    return table
