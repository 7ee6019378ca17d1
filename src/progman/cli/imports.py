"""``progman import FILE [--format auto|mspdi|xer|csv|jira-csv|psplib] -o PLAN``.

PSPLIB single-mode ``.sm`` files are imported now (one period = one day of a 7-day
calendar from ``--start``); MSPDI, XER, CSV and Jira CSV say that they are not built yet.
The plan is written atomically, and an existing file is replaced only with ``--force``.
The format registry and the import itself are :mod:`progman.services.imports`.
"""

from pathlib import Path
from typing import Annotated

import typer

from progman.cli.output import plural, stdout
from progman.services.imports import DEFAULT_START, do_import_file
from progman.services.inputs import parse_date

__all__ = ["DEFAULT_START", "import_plan"]


def import_plan(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="file to import (PSPLIB .sm; others: not yet)")
    ],
    output: Annotated[
        Path,
        typer.Option("-o", "--output", metavar="PLAN", help="plan file to write (.yaml/.json)"),
    ],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            metavar="auto|mspdi|xer|csv|jira-csv|psplib",
            help="format of FILE; auto: by suffix (.sm .xml .xer .csv)",
        ),
    ] = "auto",
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            metavar="YYYY-MM-DD",
            help=f"program start; PSPLIB period 0 is this day (default {DEFAULT_START})",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="replace PLAN if it exists")] = False,
) -> None:
    """Import a file (PSPLIB .sm now; MSPDI, XER, CSV, Jira CSV later) as a plan."""
    first = parse_date(start, "--start")
    done = do_import_file(file, output, fmt, start=first, force=force)
    stdout.print(
        f"{file}: imported {plural(done.jobs, 'job')} ({plural(done.milestones, 'milestone')}), "
        f"{plural(done.links, 'link')}, {plural(done.resources, 'resource')}, start {done.start} "
        f"→ {output}",
        markup=False,
    )
