"""``progman risks PLAN``: the risk register as a table, a 5×5 matrix, or JSON.

Errors are not caught here: the main CLI reports every ProgmanError once and exits 1. A
project the plan does not have is a usage error, exit 2. The domain and Rich tables are
imported in the bodies that use them, so that mounting this command does not slow down
every other one (cli/main.py).
"""

# ruff: noqa: PLC0415 - the imports inside the functions are deliberate (see above)

import difflib
import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.measure import Measurement
from rich.text import Text

from progman.cli.options import DbOption, PlanArg, ProgramOption, load_plan_file
from progman.cli.output import stdout

if TYPE_CHECKING:
    from rich.table import Table

    from progman.domain import Program
    from progman.domain.risk_register import Level, Rating, RiskAssessment, RiskMatrix

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
    from progman.domain.risk_register import escalation_candidates, matrix, register

    program = load_plan_file(plan, db, program_key)
    if project is not None:
        _check_project(program, project)
    entries = register(program, project=project, include_closed=show_all)
    grid = matrix(program, project=project, include_closed=show_all)
    candidates = [
        entry
        for entry in escalation_candidates(program)
        if project is None or entry.risk.project == project
    ]
    if as_json:
        sys.stdout.write(json.dumps(register_json(program, entries, grid, candidates)) + "\n")
        return
    table = matrix_table(program, grid) if show_matrix else register_table(program, entries)
    console = stdout
    if not stdout.is_terminal:  # a file or a pipe has no right edge: never squeeze the table
        wide = Measurement.get(stdout, stdout.options.update(width=MAX_WIDTH), table).maximum
        console = Console(width=max(wide, stdout.width), highlight=False, soft_wrap=True)
    console.print(table)
    hidden = 0 if show_all else _closed_count(program, project)
    for line in summary_lines(program, entries, candidates, hidden):
        console.print(line, markup=False)


def _check_project(program: "Program", project: str) -> None:
    ids = [p.id for p in program.projects]
    if project not in ids:
        close = difflib.get_close_matches(project, ids, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"the plan has {', '.join(ids)}"
        raise typer.BadParameter(
            f"no project {project!r} in the plan; {hint}", param_hint="'--project'"
        )


def _closed_count(program: "Program", project: str | None) -> int:
    return sum(
        1
        for risk in program.risks
        if risk.status == "closed" and (project is None or risk.project == project)
    )


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
    from progman.domain.risk_register import LEVELS

    shown = _money if money else (lambda v: f"{v:g}")
    if level == LEVELS:
        return f">{shown(values[-1])}{unit}"
    return f"≤{shown(values[level - 1])}{unit}"


def matrix_table(program: "Program", grid: "RiskMatrix") -> "Table":
    """The 5×5 grid: probability level upwards, impact level to the right."""
    from rich import box
    from rich.table import Table

    from progman.domain.risk_register import LEVELS

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


def _level_json(level: "Level | None") -> dict[str, Any] | None:
    if level is None:
        return None
    return {
        "probability_level": level.probability,
        "impact_level": level.impact,
        "impact_levels": dict(level.impacts),
        "score": level.score,
        "rating": level.rating,
    }


def register_json(
    program: "Program",
    entries: "list[RiskAssessment]",
    grid: "RiskMatrix",
    candidates: "list[RiskAssessment]",
) -> dict[str, Any]:
    """``{"program", "currency", "scales", "risks": [...], "matrix": [...],
    "escalation_candidates": [ids]}``."""
    from progman.domain.risk_register import LEVELS

    risks_json = []
    for entry in entries:
        risk = entry.risk
        inherent = _level_json(entry.inherent)
        assert inherent is not None
        risks_json.append(
            {
                "id": risk.id,
                "title": risk.title,
                "kind": risk.kind,
                "project": risk.project,
                "owner": risk.owner,
                "status": risk.status,
                "response": risk.response,
                "escalated": risk.escalated,
                "probability": risk.probability,
                **inherent,
                "residual": _level_json(entry.residual),
                "schedule_days": entry.schedule_days,
                "expected_days": entry.expected_days,
                "expected_cost": entry.expected_cost,
            }
        )
    cells = [
        {
            "probability_level": p,
            "impact_level": i,
            "score": p * i,
            "rating": grid.rating(p, i),
            "count": grid.count(p, i),
            "ids": list(grid.ids(p, i)),
        }
        for p in range(1, LEVELS + 1)
        for i in range(1, LEVELS + 1)
    ]
    return {
        "program": program.key,
        "currency": program.currency,
        "scales": program.risk_scales.model_dump(mode="json"),
        "risks": risks_json,
        "matrix": cells,
        "escalation_candidates": [c.risk.id for c in candidates],
    }
