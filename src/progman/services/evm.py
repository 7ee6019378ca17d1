"""Earned value of a plan or a stored program against one of its baselines
(``progman evm``): which baseline and status date, and the engine's figures.

The baseline is the one named, else the latest taken; the status date is the one given,
else the plan's ``status_date``. Progress and actual costs are the plan's as they are
now; the schedule that dates a task without an actual start is the plan's CPM schedule
as of the status date.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np

from progman.domain import latest_baseline
from progman.engine.evm import EarnedValue, Measures, earned_value
from progman.errors import UsageError
from progman.services.plans import PlanSource, load_program

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from progman.domain import Baseline, Program
    from progman.domain.access import User
    from progman.engine.impact_compare import ScheduledProgram

__all__ = [
    "EarnedValue",
    "Measures",
    "earned_value_json",
    "earned_value_of",
    "measures_json",
    "program_earned_value",
    "stored_earned_value",
]


#: The command line's options for the fields of :func:`program_earned_value`.
OPTIONS = {"baseline": "--baseline", "status_date": "--status-date"}


def earned_value_of(
    source: PlanSource, *, baseline: str | None = None, status_date: date | None = None
) -> EarnedValue:
    """Earned value of the plan ``source`` names; a missing baseline or status date is a
    usage error naming the option to give."""
    program = load_program(source)
    try:
        return program_earned_value(program, baseline=baseline, status_date=status_date)
    except UsageError as error:
        raise UsageError(error.message, option=OPTIONS.get(error.option, error.option)) from None


def stored_earned_value(
    session: Session,
    user: User,
    key: str,
    *,
    baseline: str | None = None,
    status_date: date | None = None,
) -> EarnedValue:
    """Earned value of the stored program ``key`` as ``user`` may see it."""
    from progman.services.catalog import visible_program  # noqa: PLC0415 - database stack

    program = visible_program(session, user, key)
    return program_earned_value(program, baseline=baseline, status_date=status_date)


def program_earned_value(
    program: Program,
    *,
    baseline: str | None = None,
    status_date: date | None = None,
    done: ScheduledProgram | None = None,
) -> EarnedValue:
    """Earned value of ``program`` against ``baseline`` (default: the latest taken) as of
    ``status_date`` (default: its own). ``done``: ``program`` scheduled as of
    ``status_date`` when the caller has scheduled it already (not scheduled again)."""
    from progman.engine.cost import planned_costs  # noqa: PLC0415 - numba: on use
    from progman.engine.schedule import describe  # noqa: PLC0415 - numba: on use
    from progman.engine.schedule_table import TaskTable  # noqa: PLC0415 - numba: on use
    from progman.engine.scheduled import scheduled  # noqa: PLC0415 - numba: on use

    chosen = _baseline(program, baseline)
    when = status_date or program.status_date
    if when is None:
        raise UsageError(
            "earned value is measured as of a status date: give one, or set the plan's status_date",
            option="status_date",
        )
    if done is None:
        done = scheduled(program, status_date)
    table = describe(program, done.built, done.result, status=when).tasks  # one CPM, not two
    if not isinstance(table, TaskTable):  # a plain schedule is a table
        raise TypeError("a CPM schedule's tasks are a TaskTable")
    everything = np.arange(len(table))
    starts, _ = table.spans(everything, done.built.network.calendars.origin)
    return earned_value(
        program,
        done.built,
        chosen,
        when,
        planned_cost=planned_costs(program, status_date, built=done.built).cost,
        scheduled_start=starts,
    )


def _baseline(program: Program, ident: str | None) -> Baseline:
    """The baseline ``ident``, or the latest when None (see :func:`latest_baseline`)."""
    latest = latest_baseline(program.baselines)
    if latest is None:
        raise UsageError(
            "the plan has no baseline to measure against: take one first (progman "
            "baseline PLAN --save ID, or POST …/baselines)",
            option="baseline",
        )
    if ident is None:
        return latest
    for candidate in program.baselines:
        if candidate.id == ident:
            return candidate
    known = ", ".join(b.id for b in program.baselines)
    raise UsageError(f"the plan has no baseline {ident!r} (it has: {known})", option="baseline")


#: The figures of ``evm --json`` (SPEC §5) of a task, a project and the program.
MEASURES = (
    "bac", "pv", "ev", "ac", "sv", "cv", "spi", "cpi", "eac", "etc", "vac", "tcpi",
    "es_days", "at_days", "sv_t_days", "spi_t", "ieac_t_finish",
)  # fmt: skip


def measures_json(figures: Measures) -> dict[str, Any]:
    """One scope's figures as ``evm --json`` writes them, the EAC methods under
    ``eac_methods``."""
    found: dict[str, Any] = {name: getattr(figures, name) for name in MEASURES}
    if figures.ieac_t_finish is not None:
        found["ieac_t_finish"] = figures.ieac_t_finish.isoformat()
    found["eac_methods"] = {
        "bac_over_cpi": figures.eac,
        "remaining_as_planned": figures.eac_remaining_as_planned,
        "cpi_and_spi": figures.eac_cpi_spi,
    }
    return found


def earned_value_json(result: EarnedValue) -> dict[str, Any]:
    """``progman evm --json``: the program, its projects and tasks, the weekly S-curve."""
    return {
        "status_date": result.status_date.isoformat(),
        "baseline": result.baseline,
        "currency": result.currency,
        "program": measures_json(result.program),
        "projects": {ident: measures_json(m) for ident, m in result.projects.items()},
        "tasks": [{"id": ident, **measures_json(m)} for ident, m in result.tasks.items()],
        "weeks": [
            {"week": w.monday.isoformat(), "pv": w.pv, "ev": w.ev, "ac": w.ac} for w in result.weeks
        ],
        "estimated_actuals": list(result.estimated_actuals),
        "not_in_baseline": list(result.not_in_baseline),
        "actuals_after_status": list(result.actuals_after_status),
    }
