"""``progman gates PLAN [--status-date D] [--json | --csv]``: the stage gates of a program
(criteria met, decision, status against the schedule's forecast), each project's phase and
the decision log. The figures and the JSON object are :mod:`progman.services.gates`; this
module formats them (a status is always a word with its marker, never colour alone).
"""

# ruff: noqa: PLC0415 - the imports inside the functions are deliberate (cli/main.py)

from typing import TYPE_CHECKING

from progman.cli.options import (
    CsvOption,
    DbOption,
    JsonOption,
    PlanArg,
    ProgramOption,
    StatusDateOption,
    one_format,
)
from progman.cli.output import Cell, Column, Listing, print_json, print_listings, write_csv

if TYPE_CHECKING:
    from progman.services.gates import GateStatus, Governance

MARKERS = {
    "passed": "✓",
    "stopped": "✗",
    "overdue": "!",
    "blocked": "■",
    "due": "●",
    "upcoming": "·",
}
STYLES = {"stopped": "bold red", "overdue": "bold red", "blocked": "bold yellow", "due": "bold"}
LEGEND = (
    "✓ passed · ✗ stopped · ! overdue (planned date gone) · ■ blocked (due, criteria unmet) · "
    "● due (within 14 days, or its milestone is done) · · upcoming; go* passed with unmet "
    "criteria by an override; forecast: the schedule's finish of the gate's milestone"
)
CSV_FIELDS = (
    "id", "name", "project", "phase", "planned", "milestone", "forecast", "slip_days",
    "criteria_met", "criteria_total", "outcome", "decided", "by", "overridden", "status",
    "reason",
)  # fmt: skip


def gates(
    plan: PlanArg = None,
    *,
    status_date: StatusDateOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    db: DbOption = None,
    program_key: ProgramOption = None,
) -> None:
    """Stage gates (criteria, decision, status), each project's phase and the decision log."""
    from progman.services.gates import gates_json, gates_of
    from progman.services.inputs import parse_date
    from progman.services.plans import PlanSource

    one_format(as_json, as_csv)
    source = PlanSource.of(plan, db, program_key)
    result = gates_of(source, status_date=parse_date(status_date))
    if as_json:
        print_json(gates_json(result))
        return
    if as_csv:
        write_csv((_record(g) for g in result.gates), CSV_FIELDS)
        return
    print_listings([_gates_table(result), _projects_table(result), _log_table(result)])


def _record(g: "GateStatus") -> dict[str, object]:
    d = g.decision
    return {
        "id": g.id, "name": g.name, "project": g.project, "phase": g.phase,
        "planned": g.planned, "milestone": g.milestone, "forecast": g.forecast,
        "slip_days": g.slip_days, "criteria_met": g.met, "criteria_total": g.total,
        "outcome": d.verdict if d else None, "decided": d.date if d else None,
        "by": d.by if d else None, "overridden": g.overridden, "status": g.status,
        "reason": g.reason,
    }  # fmt: skip


def _day(value: object) -> str:
    return "—" if value is None else str(value)


def _gates_table(result: "Governance") -> Listing:
    """A narrow terminal loses the milestone, then the phase and the forecast."""
    table = Listing(
        [
            Column("gate", "id"),
            Column("project", "id"),
            Column("phase", "id", drop=2),
            Column("planned", "date"),
            Column("milestone", "id", drop=1),
            Column("forecast", "date", drop=2),
            Column("criteria", "number"),
            Column("decision", "mark"),
            Column("status", "mark"),
            Column("reason", "text"),
        ],
        title=f"Stage gates of {result.name}, as of {result.status_date}",
        legend=LEGEND,
    )
    for g in result.gates:
        d = g.decision
        outcome = "—" if d is None else d.verdict + ("*" if g.overridden and g.unmet else "")
        table.add_row(
            g.id,
            g.project or "program",
            g.phase or "—",
            _day(g.planned),
            g.milestone or "—",
            _day(g.forecast),
            f"{g.met}/{g.total}",
            outcome,
            Cell(f"{MARKERS[g.status]} {g.status}", style=STYLES.get(g.status, "")),
            g.reason,
        )
    return table


def _projects_table(result: "Governance") -> Listing:
    table = Listing(
        [
            Column("project", "id"),
            Column("phase", "id"),
            Column("from", "id"),
            Column("passed", "id", drop=1),
            Column("next gate", "id"),
            Column("note", "text"),
        ],
        title=f"Phases (lifecycle: {', '.join(result.lifecycle)})",
        legend="from: plan (the project's phase:), gates (after the last gate passed), "
        "lifecycle (its first phase)",
    )
    for ident, p in result.projects.items():
        table.add_row(
            ident,
            p.phase,
            p.source,
            " ".join(p.passed) or "—",
            p.next_gate or (f"stopped at {p.stopped_at}" if p.stopped_at else "—"),
            p.note or "",
        )
    return table


def _log_table(result: "Governance") -> Listing:
    table = Listing(
        [
            Column("date", "date"),
            Column("id", "id"),
            Column("by", "id", drop=1),
            Column("decision", "text"),
        ],
        title="Decision log",
        legend="gate decisions and the decisions register, by date",
    )
    for e in result.decisions:
        text = e.title + (f": {e.outcome}" if e.outcome else "")
        if e.override:
            text += f" (override: {e.override['reason']})"
        table.add_row(e.date.isoformat(), e.id, e.by or "—", text)
    return table
