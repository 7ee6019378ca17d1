"""Objectives, key results and benefits of a plan or a stored program (``progman
objectives``, ``progman benefits``, their API routes and the roadmap/dashboard panels):
the engine's assessment (:mod:`progman.engine.strategy`) on the program's CPM schedule
as of its status date, with P80s when a simulation of ``iterations`` is asked for, and
the ``--json`` objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from progman.engine.strategy import (
    BenefitStatus,
    KeyResultProgress,
    ObjectiveForecast,
    Strategy,
)
from progman.errors import UsageError
from progman.services.plans import PlanSource, load_program

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from progman.domain import Program
    from progman.domain.access import User
    from progman.engine.simulation import Simulation

__all__ = [
    "MAX_ITERATIONS",
    "BenefitStatus",
    "KeyResultProgress",
    "ObjectiveForecast",
    "Strategy",
    "StrategyReport",
    "benefits_json",
    "objectives_json",
    "program_strategy",
    "stored_strategy",
    "strategy_of",
]

#: The most iterations a request may ask for (a simulation of 10,000 on the sample: ~1 s).
MAX_ITERATIONS = 100_000


@dataclass(frozen=True)
class StrategyReport:
    """The assessment, and the simulation behind its P80s (None: deterministic only)."""

    strategy: Strategy
    iterations: int | None
    seed: int


def strategy_of(
    source: PlanSource, *, iterations: int | None = None, seed: int = 0
) -> StrategyReport:
    """The assessment of the plan ``source`` names (``--simulate N``: with P80s)."""
    return program_strategy(load_program(source), iterations=iterations, seed=seed)


def stored_strategy(
    session: Session, user: User, key: str, *, iterations: int | None = None, seed: int = 0
) -> StrategyReport:
    """The assessment of the stored program ``key`` as ``user`` may see it."""
    from progman.services.catalog import visible_program  # noqa: PLC0415 - database stack

    program = visible_program(session, user, key)
    return program_strategy(program, iterations=iterations, seed=seed)


def program_strategy(
    program: Program,
    *,
    iterations: int | None = None,
    seed: int = 0,
    simulation: Simulation | None = None,
) -> StrategyReport:
    """Key-result progress, objective forecasts and benefits at risk of ``program``;
    ``iterations``: simulate that many runs for the P80s (seeded by ``seed``), unless
    ``simulation`` (of that many, with :func:`forecast_groups`) was run already."""
    from progman.engine.schedule import describe  # noqa: PLC0415 - numba: on use
    from progman.engine.scheduled import scheduled  # noqa: PLC0415 - numba: on use
    from progman.engine.strategy import assess, forecast_groups  # noqa: PLC0415

    if iterations is not None and not 1 <= iterations <= MAX_ITERATIONS:
        raise UsageError(
            f"simulate between 1 and {MAX_ITERATIONS:,} iterations, not {iterations:,}",
            option="--simulate",
        )
    done = scheduled(program)
    schedule = describe(program, done.built, done.result, status=program.status_date)
    forecasts = None if simulation is None else simulation.forecasts
    if iterations is not None and simulation is None:
        from progman.services.simulation import simulate_program  # noqa: PLC0415

        simulated = simulate_program(
            program, iterations=iterations, seed=seed, forecast_groups=forecast_groups(program)
        )
        forecasts = simulated.forecasts
    strategy = assess(program, done.built, done.result, schedule, forecasts=forecasts)
    return StrategyReport(strategy, iterations, seed)


# -- the --json objects -----------------------------------------------------------------------


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _stamp(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="minutes")


def _head(report: StrategyReport) -> dict[str, Any]:
    simulated = None
    if report.iterations is not None:
        simulated = {"iterations": report.iterations, "seed": report.seed}
    return {"status_date": _day(report.strategy.status_date), "simulation": simulated}


def key_result_json(kr: KeyResultProgress) -> dict[str, Any]:
    return {
        "id": kr.id,
        "title": kr.title,
        "metric": kr.metric,
        "unit": kr.unit,
        "baseline": kr.baseline,
        "target": kr.target,
        "due": _day(kr.due),
        "value": kr.value,
        "measured_on": _day(kr.measured_on),
        "progress": kr.progress,
        "measurements": kr.measurements,
    }


def objectives_json(report: StrategyReport) -> dict[str, Any]:
    """``progman objectives --json``."""
    result = report.strategy
    return {
        **_head(report),
        "objectives": [
            {
                "id": o.id,
                "title": o.title,
                "perspective": o.perspective,
                "owner": o.owner,
                "progress": o.progress,
                "due": _day(o.due),
                "forecast": _stamp(o.forecast),
                "driver": o.driver,
                "late": o.late,
                "p80": _stamp(o.p80),
                "late_p80": o.late_p80,
                "projects": dict(o.projects),
                "benefits": list(o.benefits),
                "key_results": [key_result_json(kr) for kr in o.key_results],
            }
            for o in result.objectives
        ],
        "unaligned_projects": list(result.unaligned_projects),
        "objectives_without_projects": list(result.objectives_without_projects),
    }


def benefit_json(b: BenefitStatus) -> dict[str, Any]:
    return {
        "id": b.id,
        "title": b.title,
        "objective": b.objective,
        "owner": b.owner,
        "metric": b.metric,
        "unit": b.unit,
        "baseline": b.baseline,
        "target": b.target,
        "due": _day(b.due),
        "depends_on": list(b.depends_on),
        "projects": list(b.projects),
        "forecast": _stamp(b.forecast),
        "days_late": b.days_late,
        "at_risk": b.at_risk,
        "p80": _stamp(b.p80),
        "at_risk_p80": b.at_risk_p80,
        "probability_on_time": b.probability_on_time,
        "driver": b.driver,
        "chain": list(b.chain),
        "reason": b.reason,
        "planned_to_date": b.planned_to_date,
        "realized_to_date": b.realized_to_date,
        "realized_on": _day(b.realized_on),
        "measurements": [
            {"date": day.isoformat(), "planned": planned, "realized": realized}
            for day, planned, realized in b.measurements
        ],
    }


def benefits_json(report: StrategyReport) -> dict[str, Any]:
    """``progman benefits --json``: every benefit, and the ids of those at risk (as
    planned, or at P80 when simulated)."""
    result = report.strategy
    return {
        **_head(report),
        "benefits": [benefit_json(b) for b in result.benefits],
        "at_risk": [b.id for b in result.benefits if b.at_risk or b.at_risk_p80],
    }
