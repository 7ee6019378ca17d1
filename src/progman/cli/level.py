"""``progman level PLAN_OR_SM... [--json] [--time-limit S] [--seed N]``: resource leveling.

Plans (YAML/JSON files or folders) are leveled across all their projects
(:func:`progman.level`): dates, the finish of every project before and after, what moved
and what could not. PSPLIB ``.sm`` files are solved as RCPSP instances (makespan in
periods, task ids are the job numbers, start/finish integer periods from 0). The use cases
(which input is which, leveling each, the JSON objects) are :mod:`progman.services.leveling`;
it and the tables (:class:`progman.cli.output.Listing`: fitted to the terminal, whole in a
pipe) are imported in the bodies that use them, so that mounting this command does not
slow down every other one (cli/main.py). Delays are in working days of the program
calendar, each with the person and the days that held it up.
"""

# ruff: noqa: PLC0415 - the imports inside the functions are deliberate (see above)

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from progman.cli.options import (
    DbOption,
    JsonOption,
    ProgramOption,
    StatusDateOption,
    load_plan_file,
)
from progman.cli.output import plural, print_json, print_text, stderr, working
from progman.services.inputs import parse_date

if TYPE_CHECKING:
    from datetime import date

    from progman.cli.output import Listing
    from progman.domain import Program
    from progman.services.leveling import LevelResult

SHOWN_DELAYS = 15
#: Delays are shown to a tenth of a working day (48 minutes of an 8-hour day).
DELAY_DECIMALS = 1


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
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            metavar="FILE",
            help="write the plan with the leveled dates (start-no-earlier-than constraints "
            "on the tasks leveling held up) to FILE",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="replace FILE if it exists")] = False,
    db: DbOption = None,
    program_key: ProgramOption = None,
) -> None:
    """Level resources: the shortest schedule found that never exceeds a capacity."""
    as_of = parse_date(status_date)
    if output is not None:
        from progman.services.leveled_plans import check_output, check_single_plan

        check_single_plan(files, stored=program_key is not None or db is not None)
        check_output(output, force=force)
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
                print_json(found.to_json())
            else:
                solution, inst = found.solution, found.instance
                gap = solution.makespan - solution.lower_bound
                print_text(
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
            print_json(result.to_json(source))
        else:
            _print(source, result)
        if output is not None:
            _write_plan(program, result, output, as_of, force=force)


def _write_plan(
    program: "Program", result: "LevelResult", output: Path, as_of: "date | None", *, force: bool
) -> None:
    """Write the leveled plan (services.leveled_plans) and say so on stderr."""
    from progman.services.leveled_plans import do_write_leveled_plan

    written = do_write_leveled_plan(program, result, output, status_date=as_of, force=force)
    for ident, old in written.replaced.items():
        stderr.print(f"warning: {ident}: its constraint {old} is replaced by SNET", markup=False)
    for ident in written.unmatched:
        stderr.print(f"warning: {ident}: the written plan does not start it as leveled")
    stderr.print(
        f"wrote {output}: start-no-earlier-than dates on {plural(len(written.pinned), 'task')}",
        markup=False,
    )


def _print(source: str, result: "LevelResult") -> None:
    """Finishes before and after, the largest delays with who held each up, when and why,
    and what leveling did not delay or could not fix, and why."""
    from progman.cli.output import print_listing

    before, after = result.before, result.schedule
    print_text(
        f"{source}: program finish {before.finish:%Y-%m-%d} → {after.finish:%Y-%m-%d} "
        f"({result.makespan_before:g} → {result.makespan:g} working days); "
        f"{plural(len(result.delays), 'task')} delayed; "
        f"{result.schedules_generated:,} schedules in {result.seconds:.2f} s (seed {result.seed})"
    )
    print_listing(_finish_table(result))
    if result.delays:
        print_listing(_delay_table(result))
        if len(result.delays) > SHOWN_DELAYS:
            print_text(f"and {len(result.delays) - SHOWN_DELAYS} more (--json lists all)")
    if result.unleveled:
        print_text("[bold]Not delayed by leveling (their links still move them):[/bold]")
        for u in result.unleveled:
            print_text(f"  {u.id}: {u.reason}")
    if result.oversized:
        print_text("[bold]Needs more than its people have:[/bold]")
        for u in result.oversized:
            print_text(f"  {u.id}: {u.reason}")
    if result.feasible:
        print_text("[green]No resource is over-allocated.[/green]")
    else:
        print_text("[yellow]Still over-allocated, and why leveling cannot fix it:[/yellow]")
        for o, why in zip(result.over_allocations, result.reasons(), strict=True):
            tasks = ", ".join(t for t, _, _ in o.tasks)
            because = f" — {why}" if why else ""
            print_text(
                f"  {o.resource} {o.start} – {o.finish}: peak {o.peak_load:g} ({tasks}){because}"
            )


def _finish_table(result: "LevelResult") -> "Listing":
    """Each project's finish before and after leveling."""
    from progman.cli.output import Column, Listing

    table = Listing(
        [Column("project", "id"), Column("finish before", "date"), Column("finish after", "date")]
    )
    for pid, info in result.schedule.projects.items():
        old = result.before.projects[pid]["finish"]
        table.add_row(pid, (old or "—")[:10], (info["finish"] or "—")[:10])
    return table


def _delay_table(result: "LevelResult") -> "Listing":
    """The largest delays (working days of the program calendar, to a tenth), each with the
    person and the days that held it up, and why. Narrow terminals get the dates without
    their year, then lose the project, then the start before."""
    from progman.cli.output import Cell, Column, Listing

    table = Listing(
        [
            Column("task", "id"),
            Column("project", "id", drop=2),
            Column("start\nbefore", "date", shorten=1, drop=3),
            Column("start\nafter", "date", shorten=1),
            Column("delay\n(working\ndays)", "number"),
            Column("held up\nby", "id"),
            Column("when", "date", shorten=1),
            Column("why"),
        ],
        legend="delay: working days of the program calendar; held up by: the person who "
        "could not take the task then (after X: through the delayed task X it follows)",
    )
    for d in result.delays[:SHOWN_DELAYS]:
        cause = d.cause
        who = why = "—"
        when = Cell("—")
        if cause is not None:
            who = cause.resource or "—"
            if cause.first is not None and cause.last is not None:
                first, last = cause.first, cause.last
                when = (
                    Cell(str(first), short=f"{first:%m-%d}")
                    if first == last
                    else Cell(f"{first} – {last}", short=f"{first:%m-%d} – {last:%m-%d}")
                )
            why = cause.reason if cause.via is None else f"after {cause.via}: {cause.reason}"
        table.add_row(
            d.id,
            d.project,
            Cell(f"{d.before:%Y-%m-%d}", short=f"{d.before:%m-%d}"),
            Cell(f"{d.after:%Y-%m-%d}", short=f"{d.after:%m-%d}"),
            f"{round(d.days, DELAY_DECIMALS):g}",
            who,
            when,
            why,
        )
    return table
