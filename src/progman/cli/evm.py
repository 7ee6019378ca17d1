"""``progman evm PLAN [--baseline ID] [--status-date D] [--tasks] [--json | --csv]``:
earned value and earned schedule of the program and its projects (and tasks) against a
baseline. The figures and the JSON object are :mod:`progman.services.evm`; this module
formats them.
"""

# ruff: noqa: PLC0415 - the imports inside the functions are deliberate (cli/main.py)

from typing import TYPE_CHECKING, Annotated

import typer

from progman.cli.options import (
    CsvOption,
    DbOption,
    JsonOption,
    PlanArg,
    ProgramOption,
    StatusDateOption,
    one_format,
)
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
    from progman.services.evm import EarnedValue, Measures

LEGEND = (
    "money in {currency}; PV planned, EV earned, AC actual value to date; SPI = EV/PV, "
    "CPI = EV/AC (below 1: behind, over budget — marked !); EAC = BAC/CPI; "
    "SPI(t) = ES/AT in working days (earned schedule); IEAC(t): the finish it forecasts"
)
CSV_FIELDS = (
    "scope", "id", "bac", "pv", "ev", "ac", "sv", "cv", "spi", "cpi", "eac", "etc", "vac",
    "tcpi", "es_days", "at_days", "sv_t_days", "spi_t", "ieac_t_finish",
)  # fmt: skip


def evm(
    plan: PlanArg = None,
    *,
    baseline: Annotated[
        str | None,
        typer.Option(
            "--baseline",
            metavar="ID",
            help="measure against this baseline (default: the latest taken)",
        ),
    ] = None,
    status_date: StatusDateOption = None,
    tasks: Annotated[bool, typer.Option("--tasks", help="a row for every task too")] = False,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    db: DbOption = None,
    program_key: ProgramOption = None,
) -> None:
    """Earned value (PV, EV, AC, SPI, CPI, EAC…) and earned schedule against a baseline."""
    from progman.services.evm import earned_value_json, earned_value_of, measures_json
    from progman.services.inputs import parse_date
    from progman.services.plans import PlanSource

    one_format(as_json, as_csv)
    source = PlanSource.of(plan, db, program_key)
    result = earned_value_of(source, baseline=baseline, status_date=parse_date(status_date))
    if as_json:
        print_json(earned_value_json(result))
        return
    rows = _rows(result, tasks)
    if as_csv:
        write_csv(
            ({"scope": scope, "id": ident, **measures_json(m)} for scope, ident, m in rows),
            CSV_FIELDS,
        )
        return
    console = output()
    print_listing(_table(result, rows), console)
    for line in _notes(result):
        console.print(line, markup=False, soft_wrap=not console.is_terminal)


def _rows(result: "EarnedValue", tasks: bool) -> "list[tuple[str, str, Measures]]":
    rows = [("program", "program", result.program)]
    rows += [("project", ident, m) for ident, m in result.projects.items()]
    if tasks:
        rows += [("task", ident, m) for ident, m in result.tasks.items()]
    return rows


def _money(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{round(value) + 0:,}".replace("-", "−")  # never −0


def _index(value: float | None) -> Cell:
    if value is None:
        return Cell("—")
    text = f"{value:.2f}"
    return Cell(text + " !", style="bold red") if value < 1 - 1e-9 else Cell(text)


def _table(result: "EarnedValue", rows: "list[tuple[str, str, Measures]]") -> Listing:
    """A narrow terminal loses the earned schedule, then the variances, then EAC/VAC."""
    table = Listing(
        [
            Column("id", "id"),
            Column("BAC", "number"),
            Column("PV", "number"),
            Column("EV", "number"),
            Column("AC", "number"),
            Column("SV", "number", drop=2),
            Column("CV", "number", drop=2),
            Column("SPI", "number"),
            Column("CPI", "number"),
            Column("EAC", "number", drop=3),
            Column("VAC", "number", drop=3),
            Column("SPI(t)", "number", drop=1),
            Column("IEAC(t)", "date", drop=1),
        ],
        title=f"Earned value against baseline {result.baseline}, as of {result.status_date}",
        legend=LEGEND.format(currency=result.currency),
    )
    for n, (scope, ident, m) in enumerate(rows):
        table.add_row(
            ident,
            _money(m.bac), _money(m.pv), _money(m.ev), _money(m.ac),
            _money(m.sv), _money(m.cv), _index(m.spi), _index(m.cpi),
            _money(m.eac), _money(m.vac), _index(m.spi_t),
            "—" if m.ieac_t_finish is None else m.ieac_t_finish.isoformat(),
            end_section=scope == "program" or (n + 1 < len(rows) and rows[n + 1][0] != scope),
        )  # fmt: skip
    return table


def _notes(result: "EarnedValue") -> list[str]:
    notes = []
    if result.estimated_actuals:
        notes.append(
            f"AC estimated for {plural(len(result.estimated_actuals), 'task')} with progress "
            f"and no actual_cost (their planned cost of the work done): "
            + _some(result.estimated_actuals)
        )
    if result.actuals_after_status:
        notes.append(
            f"actual_costs dated after the status date {result.status_date} left out for "
            f"{plural(len(result.actuals_after_status), 'task')}: "
            + _some(result.actuals_after_status)
        )
    if result.not_in_baseline:
        notes.append(
            f"{plural(len(result.not_in_baseline), 'task')} added since baseline "
            f"{result.baseline} (no BAC): " + _some(result.not_in_baseline)
        )
    return notes


def _some(ids: "tuple[str, ...]", shown: int = 5) -> str:
    """The first ``shown`` ids, and how many more (``--json`` lists them all)."""
    more = len(ids) - shown
    return ", ".join(ids[:shown]) + (f" and {more} more" if more > 0 else "")
