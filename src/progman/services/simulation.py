"""Monte Carlo simulation of a program's schedule (``progman simulate``).

The result is the engine's :class:`Simulation`, re-exported with :class:`DateForecast`
for the interfaces that format it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from progman.domain import Program
from progman.engine.simulation import DateForecast, Simulation, simulate

__all__ = ["DateForecast", "Simulation", "simulate_program"]


def simulate_program(
    program: Program,
    *,
    iterations: int = 10_000,
    seed: int = 0,
    status_date: date | None = None,
    top: int = 10,
    progress: Callable[[int], None] | None = None,
) -> Simulation:
    """Finish percentiles, deadlines, criticality and sensitivity of ``program``; the same
    seed gives the same result. ``progress(done)`` is told the iterations run so far."""
    return simulate(program, iterations, seed, status_date, top=top, progress=progress)
