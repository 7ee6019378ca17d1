"""``progman risks PLAN``: the risk register as a table, a 5×5 matrix, or JSON.

Errors are not caught here: the main CLI reports every ProgmanError once and exits 1. A
project the plan does not have is a usage error, exit 2. The register (selection,
escalation, the JSON object) is :mod:`progman.services.risks`; it and Rich tables are
imported in the bodies that use them, so that mounting this command does not slow down
every other one (cli/main.py).
"""

# ruff: noqa: PLC0415 - the imports inside the functions are deliberate (see above)

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.measure import Measurement
from rich.text import Text

from progman.cli.options import DbOption, PlanArg, ProgramOption, load_plan_file
from progman.cli.output import stdout

if TYPE_CHECKING:
    from rich.table import Table

    from progman.domain import Program
    from progman.services.risks import Level, Rating, RiskAssessment, RiskMatrix

MAX_WIDTH = 240  # columns of the widest table written to a file or a pipe

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
    project: Annotated[
        str | None, typer.Option("--project", metavar="ID", help="only this project's risks")
    ] = None,
    show_all: Annotated[bool, typer.Option("--all", help="also show closed risks")] = False,
    db: DbOption = None,
    program_key: ProgramOption = None,
) -> None:
    """The risk register: scores on the plan's 5x5 scales, residual risk, escalation."""
    from progman.services.risks import risk_report

    program = load_plan_file(plan, db, program_key)
    report = risk_report(program, project=project, include_closed=show_all)
    if as_json:
        sys.stdout.write(json.dumps(report.to_json()) + "\n")
        return
    if show_matrix:
        table = matrix_table(program, report.matrix)
    else:
        table = register_table(program, report.entries)
    console = stdout
    if not stdout.is_terminal:  # a file or a pipe has no right edge: never squeeze the table
        wide = Measurement.get(stdout, stdout.options.update(width=MAX_WIDTH), table).maximum
        console = Console(width=max(wide, stdout.width), highlight=False, soft_wrap=True)
    console.print(table)
    for line in summary_lines(program, report.entries, report.escalation, report.closed_not_shown):
        console.print(line, markup=False)


def _money(value: float) -> str:
    return f"{value:,.0f}"


def _days(value: float) -> str:
    return f"{value:.1f}"


def _rated(level: "Level | None") -> Text:
    if level is None:
        return Text("—")
    return Text(f"{level.score} {level.rating}", style=RATING_STYLE[level.rating])


def register_table(program: "Program", entries: "list[RiskAssessment]") -> "Table":
    """One row per risk, highest score first."""
    from rich import box
    from rich.table import Table

    table = Table(
        title=Text(f"Risk register — {program.name} ({program.key})"),
        box=box.SIMPLE_HEAD,
        caption="P, I: probability and impact levels 1–5; score = P × I; "
        "exp.: probability × impact",
    )
    table.add_column("id", no_wrap=True)
    table.add_column("title", ratio=1, min_width=20)
    table.add_column("project", no_wrap=True)
    table.add_column("owner", no_wrap=True)
    table.add_column("P", justify="right")
    table.add_column("I", justify="right")
    table.add_column("score", justify="right")
    table.add_column("rating", no_wrap=True)
    table.add_column("response", no_wrap=True)
    table.add_column("residual", no_wrap=True)
    table.add_column("exp. days", justify="right")
    table.add_column(f"exp. cost ({program.currency})", justify="right")
    table.add_column("status", no_wrap=True)
    for entry in entries:
        risk, level = entry.risk, entry.inherent
        kind = "" if risk.kind == "risk" else f" [{risk.kind}]"
        status = risk.status + (" ↑" if risk.escalated else "")
        table.add_row(
            risk.id,
            Text(risk.title + kind),
            risk.project or "program",
            risk.owner or "—",
            str(level.probability),
            str(level.impact),
            Text(str(level.score), style=RATING_STYLE[level.rating]),
            Text(level.rating, style=RATING_STYLE[level.rating]),
            risk.response or "—",
            _rated(entry.residual),
            _days(entry.expected_days),
            _money(entry.expected_cost),
            status,
        )
    return table


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

    from progman.services.risks import LEVELS

    scales = program.risk_scales
    table = Table(
        title=Text(f"Probability × impact — {program.name} ({program.key})"),
        box=box.SQUARE,
        show_lines=True,
        caption="cell: number of risks (threats) and their ids; issues and opportunities "
        "are not plotted",
    )
    table.add_column("probability \\ impact", no_wrap=True)
    for impact in range(1, LEVELS + 1):
        header = (
            f"{impact}\n{_bound(scales.schedule_days, impact, 'd')}\n"
            f"{_bound(scales.cost, impact, '', money=True)}"
        )
        table.add_column(header, justify="center", min_width=12)
    for probability in range(LEVELS, 0, -1):
        cells: list[Text] = []
        for impact in range(1, LEVELS + 1):
            ids = grid.ids(probability, impact)
            text = f"{len(ids)}\n{' '.join(ids)}" if ids else "·"
            cells.append(Text(text, style=CELL_STYLE[grid.rating(probability, impact)]))
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
        f"{len(entries)} risks"
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
