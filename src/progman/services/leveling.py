"""Resource leveling (``progman level``): a program leveled across all its projects, or a
PSPLIB ``.sm`` instance solved as a benchmark RCPSP.

:func:`is_psplib` tells the two inputs apart; :func:`level_program` returns the engine's
:class:`LevelResult` (its ``to_json(input)`` is SPEC §5's ``level --json`` for a plan);
:func:`level_psplib` returns a :class:`PsplibLeveling`, whose ``to_json`` is the same
object for an instance (task ids are the job numbers, start/finish integer periods from 0).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from progman.domain import Program
from progman.engine.leveling import LevelResult, level

if TYPE_CHECKING:  # the solver's kernels: imported by level_psplib, not by a plan's level
    from progman.engine.rcpsp import RcpspInstance, RcpspSolution

__all__ = [
    "PSPLIB_TIME_LIMIT",
    "LevelResult",
    "PsplibLeveling",
    "is_psplib",
    "level_program",
    "level_psplib",
    "leveling_inputs",
]

#: A PSPLIB instance is a benchmark: it gets the standard second unless told otherwise.
PSPLIB_TIME_LIMIT = 1.0


@dataclass(frozen=True)
class PsplibLeveling:
    """The best schedule found for the PSPLIB instance read from ``input``."""

    input: str
    instance: RcpspInstance
    solution: RcpspSolution

    def to_json(self) -> dict[str, Any]:
        """The SPEC §5 ``level --json`` object for a PSPLIB instance."""
        inst, solution = self.instance, self.solution
        return {
            "input": self.input,
            "makespan": solution.makespan,
            "feasible": True,
            "seconds": round(solution.seconds, 4),
            "lower_bound": solution.lower_bound,
            "schedules": solution.schedules_generated,
            "tasks": [
                {
                    "id": int(inst.jobs[j]),
                    "start": int(solution.start[j]),
                    "finish": int(solution.start[j] + inst.durations[j]),
                }
                for j in range(inst.n)
            ],
        }


def leveling_inputs(files: list[Path] | None, *, stored: bool) -> list[Path | None]:
    """What to level, in order: the files, then None for the stored program when one is
    named (``stored``) or when no file is (None then asks for a plan, as a usage error)."""
    inputs: list[Path | None] = list(files or [])
    if stored or not inputs:
        inputs.append(None)
    return inputs


def is_psplib(file: Path | None) -> bool:
    """Whether ``file`` is a PSPLIB instance (``.sm``) rather than a plan."""
    return file is not None and file.suffix.lower() == ".sm"


def level_psplib(
    file: Path,
    *,
    time_limit: float | None = None,
    seed: int = 0,
    schedules: int | None = None,
) -> PsplibLeveling:
    """Read the instance ``file`` and search for its shortest schedule (``time_limit``
    seconds, by default :data:`PSPLIB_TIME_LIMIT`; ``schedules`` fixes the budget)."""
    from progman.engine.rcpsp import solve  # noqa: PLC0415 - only for an instance
    from progman.io.psplib import read_psplib  # noqa: PLC0415 - it imports the solver

    instance = read_psplib(file)
    limit = PSPLIB_TIME_LIMIT if time_limit is None else time_limit
    solution = solve(instance, time_limit=limit, seed=seed, schedules=schedules)
    return PsplibLeveling(str(file), instance, solution)


def level_program(
    program: Program,
    *,
    time_limit: float | None = None,
    seed: int = 0,
    status_date: date | None = None,
    schedules: int | None = None,
    progress: Callable[[float], None] | None = None,
) -> LevelResult:
    """The shortest schedule found for ``program`` that never exceeds a capacity; the same
    seed and time limit (or ``schedules``) give the same result. ``progress`` is told the
    share of the search done as it goes."""
    return level(
        program,
        time_limit=time_limit,
        seed=seed,
        status_date=status_date,
        schedules=schedules,
        progress=progress,
    )
