"""``progman risks PLAN``: the risk register as a table, a 5×5 matrix, or JSON.

Errors are not caught here: the main CLI reports every ProgmanError once and exits 1. A
project the plan does not have is a usage error, exit 2. The register (selection,
escalation, the JSON object) is :mod:`progman.services.risks`; it and Rich tables are
imported in the bodies that use them, so that mounting this command does not slow down
every other one (cli/main.py).
"""

# ruff: noqa: PLC0415 - the imports inside the functions are deliberate (see above)

from typing import TYPE_CHECKING, Annotated

import typer

from progman.cli.options import (
    CsvOption,
    DbOption,
    PlanArg,
    ProgramOption,
    load_plan_file,
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
    print_renderable,
    print_text,
    write_csv,
)

if TYPE_CHECKING:
    from typing import Any

    from rich.table import Table

    from progman.domain import Program
    from progman.services.risks import Level, Rating, RiskAssessment, RiskMatrix

RATING_STYLE: "dict[Rating, str]" = {
    "low": "green",
    "medium": "yellow",
    "high": "dark_orange",
    "critical": "bold red",
}
CELL_STYLE: "dict[Rating, str]" = {
    "low": "black on green",
    "medium": "black on yellow",
    "high": "black on dark_orange",
    "critical": "bold white on red",
}


def risks(
    plan: PlanArg = None,
    *,
    show_matrix: Annotated[
        bool, typer.Option("--matrix", help="draw the 5x5 probability x impact grid")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="print one JSON object instead of a table")
    ] = False,
    as_csv: CsvOption = False,
    project: Annotated[
        str | None, typer.Option("--project", metavar="ID", help="only this project's risks")
    ] = None,
    show_all: Annotated[bool, typer.Option("--all", help="also show closed risks")] = False,
    db: DbOption = None,
    program_key: ProgramOption = None,
) -> None:
    """The risk register: scores on the plan's 5x5 scales, residual risk, escalation."""
    from progman.services.risks import risk_report

    one_format(as_json, as_csv)
    program = load_plan_file(plan, db, program_key)
    report = risk_report(program, project=project, include_closed=show_all)
    if as_json:
        print_json(report.to_json())
        return
    if as_csv:
        found = report.to_json()
        if show_matrix:
            write_csv(found["matrix"], MATRIX_CSV_FIELDS)
        else:
            write_csv(map(_csv_record, found["risks"]), REGISTER_CSV_FIELDS)
        return
    console = output()
    if show_matrix:
        print_renderable(matrix_table(program, report.matrix), console)
        print_text(MATRIX_LEGEND, console)
    else:
        print_listing(register_table(program, report.entries), console)
    for line in summary_lines(program, report.entries, report.escalation, report.closed_not_shown):
        console.print(line, markup=False, soft_wrap=not console.is_terminal)


def _money(value: float) -> str:
    return f"{value:,.0f}"


def _days(value: float) -> str:
    return f"{value:.1f}"


def _rated(level: "Level | None") -> Cell:
    if level is None:
        return Cell("—")
    return Cell(f"{level.score} {level.rating}", style=RATING_STYLE[level.rating])


def register_table(program: "Program", entries: "list[RiskAssessment]") -> Listing:
    """One row per risk, highest score first. A narrow terminal loses the expected values,
    then the residual risk, the owner and the response, then the project."""
    table = Listing(
        [
            Column("id", "id"),
            Column("title"),
            Column("project", "id", drop=4),
            Column("owner", "id", drop=3),
            Column("P", "number"),
            Column("I", "number"),
            Column("score", "number"),
            Column("rating", "id"),
            Column("response", "id", drop=3),
            Column("residual", "id", drop=2),
            Column("exp.\ndays", "number", drop=1),
            Column(f"exp. cost\n({program.currency})", "number", drop=1),
            Column("status", "id"),
        ],
        title=f"Risk register — {program.name} ({program.key})",
        legend="P, I: probability and impact levels 1–5; score = P × I; "
        "exp.: probability × impact; ↑ escalated to the program",
    )
    for entry in entries:
        risk, level = entry.risk, entry.inherent
        kind = "" if risk.kind == "risk" else f" [{risk.kind}]"
        status = risk.status + (" ↑" if risk.escalated else "")
        style = RATING_STYLE[level.rating]
        table.add_row(
            risk.id,
            risk.title + kind,
            risk.project or "program",
            risk.owner or "—",
            str(level.probability),
            str(level.impact),
            Cell(str(level.score), style=style),
            Cell(level.rating, style=style),
            risk.response or "—",
            _rated(entry.residual),
            _days(entry.expected_days),
            _money(entry.expected_cost),
            status,
        )
    return table


#: The columns of ``--csv``: a risk's fields in ``--json``, its residual level flattened.
REGISTER_CSV_FIELDS = (
    "id",
    "title",
    "kind",
    "project",
    "owner",
    "status",
    "response",
    "escalated",
    "probability",
    "probability_level",
    "impact_level",
    "score",
    "rating",
    "residual_probability_level",
    "residual_impact_level",
    "residual_score",
    "residual_rating",
    "schedule_days",
    "expected_days",
    "expected_cost",
)
MATRIX_CSV_FIELDS = ("probability_level", "impact_level", "score", "rating", "count", "ids")


def _csv_record(risk: "dict[str, Any]") -> "dict[str, Any]":
    residual = risk["residual"] or {}
    return {
        **risk,
        **{f"residual_{key}": value for key, value in residual.items()},
    }


MATRIX_LEGEND = (
    "cell: the number of risks (threats) and their ids, the rating of its score; issues "
    "and opportunities are not plotted"
)


def _bound(values: list[float], level: int, unit: str, money: bool = False) -> str:
    """``≤2d`` for levels 1–4, ``>20d`` for level 5."""
    from progman.services.risks import LEVELS

    shown = _money if money else (lambda v: f"{v:g}")
    if level == LEVELS:
        return f">{shown(values[-1])}{unit}"
    return f"≤{shown(values[level - 1])}{unit}"


def matrix_table(program: "Program", grid: "RiskMatrix") -> "Table":
    """The 5×5 grid: probability level upwards, impact level to the right."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from progman.services.risks import LEVELS

    scales = program.risk_scales
    table = Table(
        title=Text(f"Probability × impact — {program.name} ({program.key})"),
        box=box.SQUARE,
        show_lines=True,
    )
    table.add_column("probability\n\\ impact", no_wrap=True)
    for impact in range(1, LEVELS + 1):
        header = (
            f"{impact}\n{_bound(scales.schedule_days, impact, 'd')}\n"
            f"{_bound(scales.cost, impact, '', money=True)}"
        )
        table.add_column(header, justify="center", min_width=9, overflow="fold")
    for probability in range(LEVELS, 0, -1):
        cells: list[Text] = []
        for impact in range(1, LEVELS + 1):
            ids = grid.ids(probability, impact)
            rating = grid.rating(probability, impact)
            text = f"{len(ids)}: {' '.join(ids)}\n{rating}" if ids else f"·\n{rating}"
            cells.append(Text(text, style=CELL_STYLE[rating]))
        label = f"{probability} ({_bound(scales.probability, probability, '')})"
        table.add_row(label, *cells)
    return table


def summary_lines(
    program: "Program",
    entries: "list[RiskAssessment]",
    candidates: "list[RiskAssessment]",
    hidden: int,
) -> list[str]:
    lines = [
        plural(len(entries), "risk")
        + (f"; {hidden} closed not shown (--all shows them)" if hidden else "")
    ]
    if entries:
        days = sum(e.expected_days for e in entries)
        cost = sum(e.expected_cost for e in entries)
        lines.append(
            f"net expected impact: {days:.1f} working days, {_money(cost)} {program.currency}"
        )
    threshold = program.risk_scales.escalation_score
    if candidates:
        listed = ", ".join(f"{c.risk.id} ({c.score})" for c in candidates)
        lines.append(f"escalate to the program (score ≥ {threshold}): {listed}")
    return lines
