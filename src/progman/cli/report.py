"""``progman report PLAN --level exec|program|team [--project P] [--status-date D]
[--simulate N] --format md|html|pdf -o FILE [--force]``: a status report for an audience,
written by :mod:`progman.services.reports`; this module reads the options and says what
was written.
"""

# ruff: noqa: PLC0415 - the imports inside the functions are deliberate (cli/main.py)

from pathlib import Path
from typing import Annotated

import typer

from progman.cli.options import DbOption, PlanArg, ProgramOption, StatusDateOption
from progman.cli.output import stdout


def report(
    plan: PlanArg = None,
    *,
    level: Annotated[
        str,
        typer.Option(
            "--level",
            metavar="exec|program|team",
            help="exec: status, goals, milestones, top risks, decisions; program: projects, "
            "links at risk, conflicts, cost, risks; team: due, overdue, people, sprints",
        ),
    ],
    fmt: Annotated[
        str,
        typer.Option(
            "--format", metavar="md|html|pdf", help="Markdown, one self-contained HTML file, or PDF"
        ),
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", metavar="FILE", help="the report file to write")
    ],
    project: Annotated[
        str | None,
        typer.Option("--project", metavar="ID", help="only this project (the team report's)"),
    ] = None,
    status_date: StatusDateOption = None,
    iterations: Annotated[
        int | None,
        typer.Option(
            "--simulate",
            metavar="N",
            min=100,
            max=100_000,
            help="P50/P80 forecasts from a simulation of N iterations (seed 0)",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="replace FILE if it exists")] = False,
    db: DbOption = None,
    program_key: ProgramOption = None,
) -> None:
    """Write a status report (executive, program or team) as Markdown, HTML or PDF."""  # fmt: skip
    from progman.services.inputs import parse_date
    from progman.services.plans import PlanSource
    from progman.services.reports import check_format, check_level, check_output, write_report

    level, fmt = check_level(level), check_format(fmt)
    check_output(output, force=force)
    source = PlanSource.of(plan, db, program_key)
    size = write_report(
        source, level, fmt, output, force=force, project=project,
        status_date=parse_date(status_date), simulate=iterations,
    )  # fmt: skip
    stdout.print(f"wrote the {level} report ({fmt}, {size:,} bytes) to {output}", markup=False)
