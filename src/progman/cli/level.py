"""``progman level PLAN_OR_SM... [--json] [--time-limit S] [--seed N]``: resource leveling.

Plans (YAML/JSON files or folders) are leveled across all their projects
(:func:`progman.level`): dates, the finish of every project before and after, what moved
and what could not. PSPLIB ``.sm`` files are solved as RCPSP instances (makespan in
periods, task ids are the job numbers, start/finish integer periods from 0). The use cases
(which input is which, leveling each, the JSON objects) are :mod:`progman.services.leveling`;
it and Rich tables are imported in the bodies that use them, so that mounting this command
does not slow down every other one (cli/main.py).
"""

# ruff: noqa: PLC0415 - the imports inside the functions are deliberate (see above)

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from progman.cli.options import (
    DbOption,
    JsonOption,
    ProgramOption,
    StatusDateOption,
    load_plan_file,
)
from progman.cli.output import stdout, working
from progman.services.inputs import parse_date

if TYPE_CHECKING:
    from progman.services.leveling import LevelResult

SHOWN_DELAYS = 15


def level(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="plans (.yaml/.json/folders) or PSPLIB .sm files; or --program KEY",
            show_default=False,
        ),
    ] = None,
    *,
    as_json: JsonOption = False,
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit",
            min=0.001,
            max=3600.0,
            help="seconds of search per input, at most (default: 1 ms per task of a plan, "
            "0.1-10 s; 1 s for a PSPLIB file); the budget derives from it, so a seed "
            "reproduces the result",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[
        int, typer.Option("--seed", min=0, help="random seed (same seed, same result)")
    ] = 0,
    schedules: Annotated[
        int | None,
        typer.Option(
            "--schedules",
            min=1,
            help="fix the search budget instead: the same result on any machine",
        ),
    ] = None,
    status_date: StatusDateOption = None,
    db: DbOption = None,
    program_key: ProgramOption = None,
) -> None:
    """Level resources: the shortest schedule found that never exceeds a capacity."""
    as_of = parse_date(status_date)
    from progman.services.leveling import (
        is_psplib,
        level_program,
        level_psplib,
        leveling_inputs,
    )

    stored = program_key is not None or db is not None
    for file in leveling_inputs(files, stored=stored):
        if file is not None and is_psplib(file):
            with working(f"leveling {file}"):
                found = level_psplib(file, time_limit=time_limit, seed=seed, schedules=schedules)
            if as_json:
                _emit(found.to_json())
            else:
                solution, inst = found.solution, found.instance
                gap = solution.makespan - solution.lower_bound
                stdout.print(
                    f"{file}: makespan {solution.makespan} periods (lower bound "
                    f"{solution.lower_bound}, gap {gap}); {inst.n} jobs, {inst.resources} "
                    f"resources; {solution.schedules_generated:,} schedules in "
                    f"{solution.seconds:.2f} s (seed {seed})"
                )
            continue
        program = load_plan_file(file, None if file else db, None if file else program_key)
        source = str(file) if file is not None else f"program {program.key}"
        with working(f"leveling {source}"):
            result = level_program(
                program, time_limit=time_limit, seed=seed, status_date=as_of, schedules=schedules
            )
        if as_json:
            _emit(result.to_json(source))
        else:
            _print(source, result)


def _emit(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload) + "\n")
    sys.stdout.flush()


def _print(source: str, result: "LevelResult") -> None:
    """Finishes before and after, the largest delays, and what leveling could not fix."""
    from rich import box
    from rich.table import Table

    before, after = result.before, result.schedule
    stdout.print(
        f"{source}: program finish {before.finish:%Y-%m-%d} → {after.finish:%Y-%m-%d} "
        f"({result.makespan_before:g} → {result.makespan:g} working days); "
        f"{len(result.delays)} tasks delayed; {result.schedules_generated:,} schedules in "
        f"{result.seconds:.2f} s (seed {result.seed})"
    )
    projects = Table("project", "finish before", "finish after", box=box.SIMPLE_HEAD)
    for pid, info in after.projects.items():
        old = before.projects[pid]["finish"]
        projects.add_row(pid, (old or "—")[:10], (info["finish"] or "—")[:10])
    stdout.print(projects)
    if result.delays:
        moved = Table(
            "task", "project", "start before", "start after", "delay (d)", box=box.SIMPLE_HEAD
        )
        for d in result.delays[:SHOWN_DELAYS]:
            moved.add_row(
                d.id, d.project, f"{d.before:%Y-%m-%d}", f"{d.after:%Y-%m-%d}", f"{d.days:g}"
            )
        stdout.print(moved)
        if len(result.delays) > SHOWN_DELAYS:
            stdout.print(f"… and {len(result.delays) - SHOWN_DELAYS} more (--json lists all)")
    if result.unleveled:
        stdout.print("[bold]Not moved by leveling:[/bold]")
        for u in result.unleveled:
            stdout.print(f"  {u.id}: {u.reason}")
    if result.feasible:
        stdout.print("[green]No resource is over-allocated.[/green]")
    else:
        stdout.print("[yellow]Still over-allocated (work leveling may not move):[/yellow]")
        for o in result.over_allocations:
            tasks = ", ".join(t for t, _, _ in o.tasks)
            stdout.print(f"  {o.resource} {o.start} – {o.finish}: peak {o.peak_load:g} ({tasks})")
