"""``progman objectives PLAN`` and ``progman benefits PLAN`` (``--json``, ``--csv``,
``--simulate N``): key-result progress and objective forecasts, the benefits register and
the benefits at risk with the chain that causes it. The figures and the JSON objects are
:mod:`progman.services.strategy`'s; this module formats them.
"""

# ruff: noqa: PLC0415 - the imports inside the functions are deliberate (cli/main.py)

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from progman.cli.options import CsvOption, DbOption, JsonOption, PlanArg, ProgramOption, one_format
from progman.cli.output import (
    Cell,
    Column,
    Listing,
    output,
    plural,
    print_json,
    print_listing,
    write_csv,
)

if TYPE_CHECKING:
    from progman.services.strategy import StrategyReport

SimulateOption = Annotated[
    int | None,
    typer.Option(
        "--simulate",
        metavar="N",
        min=1,
        help="also simulate N runs: P80 forecasts, and what is at risk at P80",
    ),
]
SeedOption = Annotated[
    int, typer.Option("--seed", min=0, help="random seed of --simulate (same seed, same result)")
]

OBJECTIVE_FIELDS = (
    "scope", "id", "objective", "title", "progress", "value", "target", "unit",
    "measured_on", "due", "forecast", "driver", "late", "p80", "late_p80",
)  # fmt: skip
BENEFIT_FIELDS = (
    "id", "title", "objective", "owner", "due", "forecast", "days_late", "at_risk", "p80",
    "at_risk_p80", "probability_on_time", "driver", "chain", "planned_to_date",
    "realized_to_date", "realized_on", "reason",
)  # fmt: skip


def objectives(
    plan: PlanArg = None,
    *,
    simulate: SimulateOption = None,
    seed: SeedOption = 0,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    db: DbOption = None,
    program_key: ProgramOption = None,
) -> None:
    """Key-result progress, objective forecasts, and work aligned to no objective."""
    from progman.services.plans import PlanSource
    from progman.services.strategy import objectives_json, strategy_of

    one_format(as_json, as_csv)
    report = strategy_of(PlanSource.of(plan, db, program_key), iterations=simulate, seed=seed)
    data = objectives_json(report)
    if as_json:
        print_json(data)
        return
    if as_csv:
        write_csv(_objective_records(data), OBJECTIVE_FIELDS)
        return
    console = output()
    print_listing(_objectives_table(report), console)
    for line in _objective_notes(data):
        console.print(line, markup=False, soft_wrap=not console.is_terminal)


def benefits(
    plan: PlanArg = None,
    *,
    simulate: SimulateOption = None,
    seed: SeedOption = 0,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    db: DbOption = None,
    program_key: ProgramOption = None,
) -> None:
    """The benefits register: planned vs realized, and the benefits at risk and why."""
    from progman.services.plans import PlanSource
    from progman.services.strategy import benefits_json, strategy_of

    one_format(as_json, as_csv)
    report = strategy_of(PlanSource.of(plan, db, program_key), iterations=simulate, seed=seed)
    data = benefits_json(report)
    if as_json:
        print_json(data)
        return
    if as_csv:
        write_csv(data["benefits"], BENEFIT_FIELDS)
        return
    console = output()
    print_listing(_benefits_table(report), console)
    risky = [b for b in report.strategy.benefits if b.reason]
    if not risky:
        console.print("No benefit is at risk.", markup=False)
    for benefit in risky:
        console.print(f"! {benefit.reason}", markup=False, soft_wrap=not console.is_terminal)


# -- objectives --------------------------------------------------------------------------------


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f} %".replace("-", "−")


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:,.10g}".replace("-", "−")


def _day(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def _late(value: datetime | None, late: bool | None) -> Cell:
    text = _day(value)
    return Cell(text + " !", style="bold red") if late else Cell(text)


def _objectives_table(report: "StrategyReport") -> Listing:
    """A narrow terminal loses the unit, then when each key result was measured and what
    drives the forecast, then the latest values and the targets (progress stays)."""
    simulated = report.iterations is not None
    columns = [
        Column("id", "id"),
        Column("title"),
        Column("progress", "number"),
        Column("latest", "number", drop=3),
        Column("target", "number", drop=3),
        Column("unit", drop=1),
        Column("measured", "date", drop=2),
        Column("due", "date"),
        Column("forecast", "date"),
        Column("driven by", "id", drop=2),
    ]
    if simulated:
        columns.append(Column("P80", "date"))
    result = report.strategy
    as_of = f" as of {result.status_date}" if result.status_date else ""
    legend = (
        "progress: the latest measurement from baseline to target; an objective's is the "
        "mean of its measured key results'. forecast: when the projects and benefits it "
        "rests on finish (driven by the last one); ! after the due date"
    )
    if simulated:
        legend += f"; P80 over {plural(report.iterations or 0, 'simulated run')}"
    table = Listing(columns, title=f"Objectives and key results{as_of}", legend=legend)
    for o in result.objectives:
        cells: list[str | Cell] = [
            o.id, o.title, _percent(o.progress), "", "", "", "", _day(o.due),
            _late(o.forecast, o.late), o.driver or "—",
        ]  # fmt: skip
        if simulated:
            cells.append(_late(o.p80, o.late_p80))
        table.add_row(*cells, style="bold")
        for n, kr in enumerate(o.key_results):
            cells = [
                f"  {kr.id}", kr.title, _percent(kr.progress), _number(kr.value),
                _number(kr.target), kr.unit or "", _day(kr.measured_on), _day(kr.due), "", "",
            ]  # fmt: skip
            if simulated:
                cells.append("")
            table.add_row(*cells, end_section=n + 1 == len(o.key_results))
    return table


def _objective_notes(data: dict) -> list[str]:  # type: ignore[type-arg]
    notes = []
    for o in data["objectives"]:
        if o["projects"]:
            weights = ", ".join(f"{p} {w:g}" for p, w in o["projects"].items())
            notes.append(f"{o['id']} rests on projects {weights}")
    if data["unaligned_projects"]:
        notes.append(
            "! aligned to no objective (give them a weight in objectives:): "
            + ", ".join(data["unaligned_projects"])
        )
    if data["objectives_without_projects"]:
        notes.append(
            "! no project is aligned to: " + ", ".join(data["objectives_without_projects"])
        )
    return notes


def _objective_records(data: dict) -> list[dict]:  # type: ignore[type-arg]
    records = []
    for o in data["objectives"]:
        records.append({"scope": "objective", "objective": o["id"], **o})
        for kr in o["key_results"]:
            records.append({"scope": "key_result", "objective": o["id"], **kr})
    return records


# -- benefits ----------------------------------------------------------------------------------


def _benefits_table(report: "StrategyReport") -> Listing:
    """A narrow terminal loses the owner and the planned and realized values first."""
    simulated = report.iterations is not None
    columns = [
        Column("id", "id"),
        Column("title"),
        Column("owner", "id", drop=1),
        Column("due", "date"),
        Column("forecast", "date"),
        Column("late", "number"),
    ]
    if simulated:
        columns += [Column("P80", "date"), Column("on time", "number")]
    columns += [
        Column("planned", "number", drop=2),
        Column("realized", "number", drop=2),
        Column("unit", drop=1),
    ]
    result = report.strategy
    as_of = f" as of {result.status_date}" if result.status_date else ""
    legend = (
        "forecast: when the last of what it depends on finishes; late: days after the due "
        "date (! at risk); planned and realized: to date, at the latest realized measurement"
    )
    if simulated:
        legend += (
            f"; P80 and the chance of being on time over "
            f"{plural(report.iterations or 0, 'simulated run')}"
        )
    table = Listing(columns, title=f"Benefits{as_of}", legend=legend)
    for b in result.benefits:
        late = "—" if b.days_late is None or b.days_late <= 0 else f"{b.days_late} d"
        cells: list[str | Cell] = [
            b.id, b.title, b.owner or "—", _day(b.due), _late(b.forecast, b.at_risk),
            Cell(late + " !", style="bold red") if b.at_risk else Cell(late),
        ]  # fmt: skip
        if simulated:
            chance = b.probability_on_time
            cells += [
                _late(b.p80, b.at_risk_p80),
                "—" if chance is None else f"{chance * 100:.0f} %",
            ]
        cells += [_number(b.planned_to_date), _number(b.realized_to_date), b.unit or ""]
        table.add_row(*cells)
    return table
