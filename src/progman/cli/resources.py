"""``progman resources PLAN``: load, capacity and over-allocation of the shared resources.

The use case (the free query's options, the load on the plain or leveled schedule, the
JSON object) is :mod:`progman.services.resources`; it and Rich tables are imported in the
bodies that use them, so that mounting this command does not slow down every other one
(cli/main.py).
"""

# ruff: noqa: PLC0415 - the imports inside the functions are deliberate (see above)

import math
from typing import TYPE_CHECKING, Annotated, Any

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
    GAP,
    Cell,
    Column,
    Listing,
    output,
    print_json,
    print_listing,
    print_listings,
    print_text,
    write_csv,
)
from progman.services.inputs import parse_date, parse_free_query

if TYPE_CHECKING:
    from collections.abc import Iterator

    from progman.services.resources import FreeQuery, FreeResource, LoadAnalysis

HOT = 1.0
WARM = 0.8
WEEK_LEGEND = (
    "load as a percentage of capacity; over 100: over-allocated · no load · ∞ load without capacity"
)


def resources(
    plan: PlanArg = None,
    *,
    week: Annotated[bool, typer.Option("--week", help="utilisation per resource and week")] = False,
    over: Annotated[bool, typer.Option("--over", help="over-allocation periods and tasks")] = False,
    skill: Annotated[
        str | None, typer.Option("--skill", metavar="SKILL", help="who with this skill is free")
    ] = None,
    free: Annotated[
        str, typer.Option("--free", metavar="N", help="working days needed (10d, 2w)")
    ] = "5d",
    between: Annotated[
        tuple[str, str] | None,
        typer.Option("--between", metavar="D1 D2", help="window of the free query"),
    ] = None,
    share: Annotated[
        float,
        typer.Option(
            "--share", metavar="FTE", min=0.01, max=100.0, help="free FTE needed each day"
        ),
    ] = 1.0,
    leveled: Annotated[
        bool,
        typer.Option("--leveled", help="the load after resource leveling (progman level)"),
    ] = False,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    status_date: StatusDateOption = None,
    db: DbOption = None,
    program_key: ProgramOption = None,
) -> None:
    """Resource load across all projects: capacity, peak load, utilisation, conflicts."""
    one_format(as_json, as_csv)
    as_of = parse_date(status_date)
    query = parse_free_query(skill, free, between, share)
    program = load_plan_file(plan, db, program_key)
    from progman.services.resources import resource_report  # numba: once the plan loaded

    report = resource_report(program, status_date=as_of, leveled=leveled, query=query)
    if as_json:
        print_json(report.to_json())
        return
    if as_csv:
        _write_csv(report.to_json(), free=report.free is not None, week=week, over=over)
        return
    console = output()
    if report.query is not None and report.free is not None:
        found = free_table(report.query, report.free)
    elif week:
        width = console.width if console.is_terminal else None
        print_listings(week_tables(report.analysis, width), console)
        return
    elif over:
        found = over_table(report.analysis)
    else:
        found = summary_table(report.analysis)
    if isinstance(found, str):
        print_text(found, console)
    else:
        print_listing(found, console)


def free_table(query: "FreeQuery", found: "list[FreeResource]") -> "Listing | str":
    """Who is free, from when to when, at what free FTE (or that nobody is)."""
    if not found:
        return f"nobody with skill {query.skill} is free then"
    table = Listing(
        [
            Column("resource", "id"),
            Column("name"),
            Column("from", "date"),
            Column("to", "date"),
            Column("free FTE", "number"),
        ],
        title=f"Free with skill {query.skill} for {query.days} working days at "
        f"{query.share:g} FTE, {query.first} – {query.last}",
    )
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


def summary_table(analysis: "LoadAnalysis") -> Listing:
    util = analysis.utilisation()
    over_days = analysis.over_days()
    table = Listing(
        [
            Column("resource", "id"),
            Column("name"),
            Column("capacity", "number"),
            Column("peak load", "number"),
            Column("utilisation", "number"),
            Column("over days", "number"),
        ],
        title=f"Resources of {analysis.program}",
        legend="capacity, peak load: FTE on a day; utilisation: load over capacity on the "
        "whole; over days: days with more load than capacity",
    )
    for r, rid in enumerate(analysis.resources):
        u = float(util[r])
        table.add_row(
            rid,
            analysis.names[r],
            f"{analysis.capacity[r].max(initial=0.0):g}",
            f"{analysis.load[r].max(initial=0.0):.2f}",
            Cell("—") if math.isnan(u) else Cell(f"{u:.0%}", style=_colour(u)),
            Cell(str(over_days[r]), style="bold red") if over_days[r] else "0",
        )
    return table


def _busy_weeks(analysis: "LoadAnalysis") -> list[int]:
    """The weeks in which some resource has load."""
    return [w for w in range(len(analysis.weeks)) if analysis.week_load[:, w].any()]


def week_tables(analysis: "LoadAnalysis", width: int | None = None) -> "Iterator[Listing]":
    """Utilisation per resource and week: one table of every week, or (``width``: a
    terminal's columns) as many tables of as many weeks as fit side by side."""
    weeks = _busy_weeks(analysis)
    labels = [analysis.weeks[w][2:].replace("-W", "w") for w in weeks]
    per_table = len(weeks) or 1
    if width is not None:
        first = max([len("resource"), *map(len, analysis.resources)])
        column = max([3, *map(len, labels)]) + GAP
        per_table = max(1, (width - first) // column)
    util = analysis.week_utilisation()
    for part in range(0, max(len(weeks), 1), per_table):
        shown = weeks[part : part + per_table]
        table = Listing(
            [
                Column("resource", "id"),
                *(Column(label, "number") for label in labels[part : part + per_table]),
            ],
            title="Utilisation per week (load / capacity)" if part == 0 else None,
            legend=WEEK_LEGEND if part + per_table >= len(weeks) else None,
        )
        for r, rid in enumerate(analysis.resources):
            cells: list[str | Cell] = [rid]
            for w in shown:
                u = float(util[r, w])
                if analysis.week_load[r, w] == 0:
                    cells.append(Cell("·", style="dim"))
                elif math.isnan(u):
                    cells.append(Cell("∞", style="bold red"))
                else:
                    cells.append(Cell(str(round(u * 100)), style=_colour(u)))
            table.add_row(*cells)
        yield table


def over_table(analysis: "LoadAnalysis") -> "Listing | str":
    if not analysis.over_allocations:
        return "no resource is over-allocated"
    table = Listing(
        [
            Column("resource", "id"),
            Column("from", "date"),
            Column("to", "date"),
            Column("days", "number"),
            Column("peak", "number"),
            Column("excess\np-d", "number"),
            Column("tasks (project, units)"),
        ],
        title="Over-allocations",
        legend="peak: the most FTE of load on a day; excess p-d: person-days of load over capacity",
    )
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


def _write_csv(data: "dict[str, Any]", *, free: bool, week: bool, over: bool) -> None:
    """The rows of the table the options ask for, as CSV, from the ``--json`` object."""
    if free:
        write_csv(data["free"]["people"], ("id", "name", "start", "finish", "free"))
    elif week:
        rows = (
            {"resource": r["id"], "week": week_id, **values}
            for r in data["resources"]
            for week_id, values in r["weeks"].items()
        )
        write_csv(rows, ("resource", "week", "load", "capacity", "utilisation"))
    elif over:
        rows = (
            {**o, "tasks": [f"{t['id']}:{t['project']}:{t['units']:g}" for t in o["tasks"]]}
            for o in data["over_allocations"]
        )
        write_csv(rows, ("resource", "start", "finish", "days", "peak_load", "excess", "tasks"))
    else:
        fields = ("id", "name", "capacity", "peak_load", "utilisation", "over_allocated_days")
        write_csv(data["resources"], fields)
