"""``progman level FILE... [--json] [--time-limit S] [--seed N]``: resource leveling.

PSPLIB ``.sm`` files are read directly and solved as RCPSP instances (makespan in
periods, task ids are the job numbers, start/finish integer periods from 0). Leveling of
YAML/JSON plans (calendars, links with lags, priorities) is not built yet and says so.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from progman.cli.options import JsonOption
from progman.cli.output import stdout
from progman.engine.rcpsp import RcpspInstance, RcpspSolution, solve
from progman.errors import Location, ProgmanError


class LevelingUnsupported(ProgmanError):
    code = "level.unsupported_input"
    http_status = 422


def level_json(path: str, inst: RcpspInstance, solution: RcpspSolution) -> dict[str, Any]:
    """The SPEC §5 ``level --json`` object for a PSPLIB instance."""
    return {
        "input": path,
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


def level(
    files: Annotated[list[Path], typer.Argument(help="PSPLIB .sm files (plans: not yet)")],
    as_json: JsonOption = False,
    time_limit: Annotated[
        float,
        typer.Option("--time-limit", min=0.001, max=3600.0, help="seconds per input"),
    ] = 1.0,
    seed: Annotated[
        int, typer.Option("--seed", min=0, help="random seed (same seed, same result)")
    ] = 0,
) -> None:
    """Level resources: the shortest schedule found that never exceeds a capacity."""
    from progman.io.psplib import read_psplib  # noqa: PLC0415 - only when leveling

    for file in files:
        if file.suffix.lower() != ".sm":
            raise LevelingUnsupported(
                "leveling of plans comes with issue 5; for now `level` reads PSPLIB .sm files",
                location=Location(file=str(file)),
            )
        inst = read_psplib(file)
        solution = solve(inst, time_limit=time_limit, seed=seed)
        if as_json:
            sys.stdout.write(json.dumps(level_json(str(file), inst, solution)) + "\n")
            sys.stdout.flush()
        else:
            gap = solution.makespan - solution.lower_bound
            stdout.print(
                f"{file}: makespan {solution.makespan} periods (lower bound "
                f"{solution.lower_bound}, gap {gap}); {inst.n} jobs, {inst.resources} "
                f"resources; {solution.schedules_generated:,} schedules in "
                f"{solution.seconds:.2f} s (seed {seed})"
            )
