"""Monte Carlo simulation of a program's schedule (``progman simulate``).

The result is the engine's :class:`Simulation`, re-exported with :class:`DateForecast`
for the interfaces that format it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from progman.domain import Program
from progman.engine.simulation import DateForecast, Simulation, simulate
from progman.services.single_flight import Kept

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from progman.domain.access import User

__all__ = [
    "DateForecast",
    "FinishBin",
    "Simulation",
    "finish_histogram",
    "has_people",
    "kept_simulation",
    "simulate_program",
    "stored_simulation",
]

#: The simulations of recent revisions, by (revision, iterations, seed, leveled): a
#: revision never changes, so the same question is answered once.
_KEPT: Kept[Simulation] = Kept(8)


def has_people(program: Program) -> bool:
    """Whether the plan has people or materials whose limits a leveled simulation keeps
    (cost resources load nobody)."""
    return any(resource.kind != "cost" for resource in program.resources)


def simulate_program(
    program: Program,
    *,
    iterations: int = 10_000,
    seed: int = 0,
    status_date: date | None = None,
    top: int = 10,
    progress: Callable[[int], None] | None = None,
    leveled: bool = False,
    forecast_groups: Mapping[str, tuple[Sequence[str], date | None]] | None = None,
) -> Simulation:
    """Finish percentiles, deadlines, criticality and sensitivity of ``program``; the same
    seed gives the same result. ``progress(done)`` is told the iterations run so far.
    ``leveled``: each iteration under the resource capacities, with the leveled plan's
    priorities; the planned finish beside the percentiles is then the leveled one.
    ``forecast_groups``: named groups of tasks and projects whose latest finish is forecast
    too (``Simulation.forecasts``)."""
    return simulate(
        program,
        iterations,
        seed,
        status_date,
        top=top,
        progress=progress,
        leveled=leveled,
        forecast_groups=forecast_groups,
    )


def stored_simulation(
    session: Session, user: User, key: str, *, iterations: int, seed: int, leveled: bool
) -> tuple[Simulation, bool]:
    """The simulation of the stored program ``key`` as ``user`` may see it, and whether
    it has people (``leveled`` applies only then). Kept per revision and question, and run
    once for viewers who ask it together."""
    from progman.services.catalog import visible_program_at  # noqa: PLC0415 - database stack

    program, _, stamp = visible_program_at(session, user, key)
    staffed = has_people(program)
    found = _KEPT.get(
        (stamp, iterations, seed, leveled and staffed),
        lambda: simulate_program(
            program, iterations=iterations, seed=seed, leveled=leveled and staffed
        ),
    )
    return found, staffed


def kept_simulation(session: Session, user: User, key: str) -> Simulation | None:
    """The simulation of the stored program ``key``'s current revision that was run last
    (by the Monte Carlo page, whatever its iterations, seed or leveling), or None: it is
    not run here, as a page that only reads must not wait seconds for one."""
    from progman.services.catalog import visible_program_at  # noqa: PLC0415 - database stack

    _, _, stamp = visible_program_at(session, user, key)
    return _KEPT.latest(lambda asked: isinstance(asked, tuple) and asked[0] == stamp)


@dataclass(frozen=True)
class FinishBin:
    """One week of the finish histogram: how many iterations end in it, and the share of
    them that have ended by its end (the S-curve)."""

    week: date  # its Monday
    count: int
    cumulative: float


def finish_histogram(simulation: Simulation) -> tuple[FinishBin, ...]:
    """The iterations' finishes by week, from the earliest week to the latest."""
    if not simulation.finish_days:
        return ()
    by_week: dict[date, int] = {}
    for day, count in simulation.finish_days:
        monday = day - timedelta(days=day.weekday())
        by_week[monday] = by_week.get(monday, 0) + count
    first, last = min(by_week), max(by_week)
    bins, seen, total = [], 0, sum(by_week.values())
    week = first
    while week <= last:
        seen += by_week.get(week, 0)
        bins.append(FinishBin(week, by_week.get(week, 0), seen / total))
        week += timedelta(days=7)
    return tuple(bins)
