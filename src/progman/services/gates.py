"""Lifecycle and governance of a plan or a stored program (``progman gates``): where each
stage gate stands, each project's phase and the decision log
(:mod:`progman.domain.lifecycle`), as of a status date.

The status date is the one given, else the plan's ``status_date``, else today. The
forecast of a gate is the CPM schedule's finish of its ``milestone``, scheduled as of that
same status date; the schedule is computed only when some gate names a milestone.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from progman.domain.lifecycle import GateStatus, Governance, LogEntry, ProjectPhase, governance
from progman.services.plans import PlanSource, load_program

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from progman.domain import Program
    from progman.domain.access import User

__all__ = [
    "GateStatus",
    "Governance",
    "LogEntry",
    "ProjectPhase",
    "by_urgency",
    "gates_json",
    "gates_of",
    "program_gates",
    "stored_gates",
]


def gates_of(source: PlanSource, *, status_date: date | None = None) -> Governance:
    """The gates of the plan ``source`` names."""
    return program_gates(load_program(source), status_date=status_date)


def stored_gates(
    session: Session, user: User, key: str, *, status_date: date | None = None
) -> Governance:
    """The gates of the stored program ``key`` as ``user`` may see it."""
    from progman.services.catalog import visible_program  # noqa: PLC0415 - database stack

    return program_gates(visible_program(session, user, key), status_date=status_date)


def program_gates(program: Program, *, status_date: date | None = None) -> Governance:
    """Where each gate and project of ``program`` stands as of ``status_date`` (default:
    the program's, else today)."""
    as_of = status_date or program.status_date or date.today()
    milestones = {g.milestone for g in program.gates if g.milestone is not None}
    forecasts: dict[str, date] = {}
    if milestones:
        from progman.engine.schedule import schedule  # noqa: PLC0415 - numba: on use

        planned = schedule(program, status_date=status_date)
        forecasts = {m: planned.task(m).finish.date() for m in milestones}
    return governance(program, forecasts, as_of)


def gates_json(result: Governance) -> dict[str, Any]:
    """``progman gates --json``: ``{"program", "status_date", "lifecycle", "gates": [...],
    "projects": {id: {"phase", ...}}, "decisions": [...]}``."""
    return result.to_json()


#: The order a reader needs the gates in: what wants action first, what is settled last.
URGENCY = ("overdue", "blocked", "due", "upcoming", "stopped", "passed")


def by_urgency(result: Governance) -> list[GateStatus]:
    """The gates of ``result`` overdue and blocked first, then due, upcoming and the
    settled ones (plan order within a status): the web page's order."""
    return sorted(result.gates, key=lambda g: URGENCY.index(g.status))
