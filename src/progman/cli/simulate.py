"""``progman simulate PLAN``: Monte Carlo schedule simulation, as tables or as JSON.

A progress bar goes to stderr on long runs; results go to stdout. The use case is
:func:`progman.services.simulation.simulate_program`; it and Rich tables are imported in
the bodies that use them, so that mounting this command does not slow down every other
one (cli/main.py).
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
    made,
    output,
    plural,
    print_listing,
    stderr,
    write_csv,
    write_json,
)
from progman.services.inputs import parse_date

if TYPE_CHECKING:
    from typing import Any

    from progman.services.simulation import DateForecast, Simulation

PROGRESS_FROM = 20_000  # iterations from which a progress bar is worth showing
PROGRESS_LEVELED_FROM = 2_000  # the same with --leveled, whose iterations cost far more
TOP_CRITICAL = 10
BAR_WIDTH = 30


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
    as_csv: CsvOption = False,
    status_date: StatusDateOption = None,
    top: Annotated[int, typer.Option("--top", min=1, help="drivers in the tornado")] = 10,
    leveled: Annotated[
        bool,
        typer.Option(
            "--leveled",
            help="place each iteration under the resource capacities, with the leveled "
            "plan's priorities (as progman level)",
        ),
    ] = False,
    db: DbOption = None,
    program_key: ProgramOption = None,
) -> None:
    """Monte Carlo simulation: finish percentiles, deadlines, criticality, sensitivity."""
    one_format(as_json, as_csv)
    as_of = parse_date(status_date)
    program = load_plan_file(plan, db, program_key)
    from progman.services.simulation import simulate_program  # numba: once the plan loaded

    shown_from = PROGRESS_LEVELED_FROM if leveled else PROGRESS_FROM
    if iterations >= shown_from and stderr.is_terminal:
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(
            TextColumn("simulating"),
            BarColumn(),
            TextColumn("{task.completed:,}/{task.total:,}"),
            TimeRemainingColumn(),
            console=made(stderr),
            transient=True,
        ) as bar:
            job = bar.add_task("simulate", total=iterations)
            result = simulate_program(
                program,
                iterations=iterations,
                seed=seed,
                status_date=as_of,
                top=top,
                leveled=leveled,
                progress=lambda done: bar.update(job, completed=done),
            )
    else:
        result = simulate_program(
            program, iterations=iterations, seed=seed, status_date=as_of, top=top, leveled=leveled
        )
    if as_json:
        write_json(result.to_json())
        return
    if as_csv:
        write_csv(csv_records(result.to_json()), CSV_FIELDS)
        return
    console = output()
    for listing in report(result):
        print_listing(listing, console)


def _planned(result: "Simulation") -> str | None:
    """The plan's own finish (every duration as planned; leveled with ``--leveled``) and
    how many runs make it."""
    if result.deterministic is None or result.deterministic_probability is None:
        return None
    what = "leveled planned finish" if result.leveled else "planned finish"
    return (
        f"{what} {result.deterministic:%Y-%m-%d %H:%M} (every duration as planned): "
        f"{result.deterministic_probability:.1%} of the iterations finish by then"
    )


def _day(moment: datetime) -> Cell:
    """A moment, or its day alone where the terminal is narrow."""
    return Cell(moment.strftime("%Y-%m-%d %H:%M"), short=moment.strftime("%Y-%m-%d"))


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _forecasts(title: str, forecasts: "dict[str, DateForecast]") -> Listing:
    table = Listing(
        [
            Column("id", "id"),
            Column("P50", "date", shorten=1),
            Column("P80", "date", shorten=1),
            Column("P95", "date", shorten=1),
            Column("deadline", "date"),
            Column("on time", "number"),
        ],
        title=title,
    )
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


def report(result: "Simulation") -> list[Listing]:
    """The readable report: percentiles, milestones, projects, criticality and a tornado."""
    finish = Listing(
        [
            Column("program finish", "id"),
            *(Column(level.upper(), "date", shorten=1) for level in result.finish),
        ],
        title=f"{result.program}: {plural(result.iterations, 'iteration')}, seed {result.seed}"
        + (", leveled (resource limits count)" if result.leveled else ""),
        legend=_planned(result),
    )
    finish.add_row("date", *(_day(m) for m in result.finish.values()))
    finish.add_row("cost", *(f"{result.cost[level]:,.0f}" for level in result.finish))
    parts = [finish]
    if result.milestones:
        parts.append(_forecasts("Milestones", result.milestones))
    if result.deadlines:
        parts.append(_forecasts("Tasks with deadlines", result.deadlines))
    if result.projects:
        parts.append(_forecasts("Projects", result.projects))
    critical = sorted(result.criticality.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_CRITICAL]
    table = Listing(
        [Column("task", "id"), Column("critical in", "number")], title="Criticality index"
    )
    for ident, share in critical:
        if share > 0:
            table.add_row(ident, _percent(share))
    parts.append(table)
    if result.sensitivity:
        tornado = Listing(
            [
                Column("driver", "id"),
                Column("kind", "id"),
                Column("ρ", "number"),
                Column("", "mark", drop=1),
            ],
            title="Sensitivity (Spearman with the program finish)",
            legend="█ the finish moves with it · ░ against it",
        )
        for driver in result.sensitivity:
            cells = round(abs(driver.correlation) * BAR_WIDTH)
            bar = ("█" if driver.correlation > 0 else "░") * cells
            tornado.add_row(driver.id, driver.kind, f"{driver.correlation:+.2f}", bar)
        parts.append(tornado)
    return parts


#: The columns of ``--csv``: a row for the program, each milestone, project and task with
#: a deadline (percentiles), each task critical in some iteration, each sensitivity driver.
#: The program's row also has the planned finish (leveled when ``leveled``) and the share
#: of iterations that make it.
CSV_FIELDS = (
    "kind",
    "id",
    "p10",
    "p50",
    "p80",
    "p95",
    "deadline",
    "probability_on_time",
    "criticality",
    "correlation",
    "planned",
    "probability_planned",
    "leveled",
)


def csv_records(simulated: "dict[str, Any]") -> "list[dict[str, Any]]":
    """The rows of ``--csv`` from the ``--json`` object."""
    criticality = simulated["criticality"]
    correlation = {d["id"]: d["correlation"] for d in simulated["sensitivity"]}
    rows: list[dict[str, Any]] = [{"kind": "program", "id": simulated["program"]}]
    rows[0].update(simulated["finish"])
    rows[0].update(
        planned=simulated["deterministic"]["finish"],
        probability_planned=simulated["deterministic"]["probability"],
        leveled=simulated["leveled"],
    )
    listed = set()
    for kind, group in (
        ("milestone", "milestones"),
        ("project", "projects"),
        ("deadline", "deadlines"),
    ):
        for ident, forecast in simulated[group].items():
            listed.add(ident)
            rows.append(
                {
                    **forecast,
                    "kind": kind,
                    "id": ident,
                    "criticality": criticality.get(ident),
                    "correlation": correlation.get(ident),
                }
            )
    for ident, share in criticality.items():
        if share > 0 and ident not in listed:
            listed.add(ident)
            rows.append(
                {
                    "kind": "task",
                    "id": ident,
                    "criticality": share,
                    "correlation": correlation.get(ident),
                }
            )
    for driver in simulated["sensitivity"]:
        if driver["id"] not in listed:
            rows.append(
                {"kind": driver["kind"], "id": driver["id"], "correlation": driver["correlation"]}
            )
    return rows
