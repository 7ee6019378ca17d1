"""``progman simulate PLAN``: Monte Carlo schedule simulation, as tables or as JSON.

A progress bar goes to stderr on long runs; results go to stdout. The use case is
:func:`progman.services.simulation.simulate_program`; it and Rich tables are imported in
the bodies that use them, so that mounting this command does not slow down every other
one (cli/main.py).
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
from progman.cli.output import stderr, stdout
from progman.services.inputs import parse_date

if TYPE_CHECKING:
    from rich.table import Table

    from progman.services.simulation import DateForecast, Simulation

PROGRESS_FROM = 20_000  # iterations from which a progress bar is worth showing
TOP_CRITICAL = 10
BAR_WIDTH = 30
WIDE = 120  # columns of the report written to a file or a pipe


def simulate(
    plan: PlanArg = None,
    *,
    iterations: Annotated[
        int, typer.Option("--iterations", min=1, max=10_000_000, help="iterations to run")
    ] = 10_000,
    seed: Annotated[
        int, typer.Option("--seed", min=0, help="random seed (same seed, same result)")
    ] = 0,
    as_json: JsonOption = False,
    status_date: StatusDateOption = None,
    top: Annotated[int, typer.Option("--top", min=1, help="drivers in the tornado")] = 10,
    db: DbOption = None,
    program_key: ProgramOption = None,
) -> None:
    """Monte Carlo simulation: finish percentiles, deadlines, criticality, sensitivity."""
    as_of = parse_date(status_date)
    program = load_plan_file(plan, db, program_key)
    from progman.services.simulation import simulate_program  # numba: once the plan loaded

    if iterations >= PROGRESS_FROM and stderr.is_terminal:
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(
            TextColumn("simulating"),
            BarColumn(),
            TextColumn("{task.completed:,}/{task.total:,}"),
            TimeRemainingColumn(),
            console=stderr,
            transient=True,
        ) as bar:
            job = bar.add_task("simulate", total=iterations)
            result = simulate_program(
                program,
                iterations=iterations,
                seed=seed,
                status_date=as_of,
                top=top,
                progress=lambda done: bar.update(job, completed=done),
            )
    else:
        result = simulate_program(
            program, iterations=iterations, seed=seed, status_date=as_of, top=top
        )
    if as_json:
        sys.stdout.write(json.dumps(result.to_json()) + "\n")
        return
    console = stdout
    if not stdout.is_terminal:  # a file or a pipe has no right edge: never squeeze a table
        console = Console(width=max(WIDE, stdout.width), highlight=False, soft_wrap=True)
    for renderable in report(result):
        console.print(renderable)


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _forecasts(title: str, forecasts: "dict[str, DateForecast]") -> "Table":
    from rich import box
    from rich.table import Table

    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    for column in ("id", "P50", "P80", "P95", "deadline", "on time"):
        table.add_column(column, justify="left" if column == "id" else "right", no_wrap=True)
    for ident, f in forecasts.items():
        table.add_row(
            ident,
            _day(f.p50),
            _day(f.p80),
            _day(f.p95),
            f.deadline.isoformat() if f.deadline else "—",
            _percent(f.probability_on_time),
        )
    return table


def report(result: "Simulation") -> list[object]:
    """The readable report: percentiles, milestones, projects, criticality and a tornado."""
    from rich import box
    from rich.table import Table

    finish = Table(
        title=f"{result.program}: {result.iterations:,} iterations, seed {result.seed}",
        box=box.SIMPLE_HEAD,
        title_justify="left",
    )
    finish.add_column("program finish")
    for level in result.finish:
        finish.add_column(level.upper(), justify="right", no_wrap=True)
    finish.add_row("date", *(_day(m) for m in result.finish.values()))
    finish.add_row("cost", *(f"{result.cost[level]:,.0f}" for level in result.finish))
    parts: list[object] = [finish]
    if result.milestones:
        parts.append(_forecasts("Milestones", result.milestones))
    if result.deadlines:
        parts.append(_forecasts("Tasks with deadlines", result.deadlines))
    if result.projects:
        parts.append(_forecasts("Projects", result.projects))
    critical = sorted(result.criticality.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_CRITICAL]
    table = Table(title="Criticality index", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("task")
    table.add_column("critical in", justify="right")
    for ident, share in critical:
        if share > 0:
            table.add_row(ident, _percent(share))
    parts.append(table)
    if result.sensitivity:
        tornado = Table(
            title="Sensitivity (Spearman with the program finish)",
            box=box.SIMPLE_HEAD,
            title_justify="left",
        )
        tornado.add_column("driver")
        tornado.add_column("ρ", justify="right")
        tornado.add_column("", no_wrap=True)
        for driver in result.sensitivity:
            cells = round(abs(driver.correlation) * BAR_WIDTH)
            bar = ("█" if driver.correlation > 0 else "░") * cells
            label = f"{driver.id} ({driver.kind})"
            tornado.add_row(label, f"{driver.correlation:+.2f}", bar)
        parts.append(tornado)
    return parts
