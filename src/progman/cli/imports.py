"""``progman import FILE [--format auto|mspdi|xer|mpxj|csv|jira-csv|psplib] -o PLAN``.

PSPLIB single-mode ``.sm`` files (one period = one day of a 7-day calendar from
``--start``) and Primavera P6 ``.xer`` files are imported now; the other formats say that
they are not built yet. Each thing of the file progman cannot express is a warning on
stderr (``file:line: warning: ...``).
The plan is written atomically, and an existing file is replaced only with ``--force``.
The format registry and the import itself are :mod:`progman.services.imports`.
"""

from pathlib import Path
from typing import Annotated

import typer

from progman.cli.options import print_import_warnings
from progman.cli.output import plural, stdout
from progman.services.imports import DEFAULT_START, ImportedPlan, do_import_file
from progman.services.inputs import parse_date

__all__ = ["DEFAULT_START", "import_plan"]


def import_plan(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", help="file to import (.xml .xer .csv .sm; .mpp .mpx .gan .planner)"
        ),
    ],
    output: Annotated[
        Path,
        typer.Option("-o", "--output", metavar="PLAN", help="plan file to write (.yaml/.json)"),
    ],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            metavar="auto|mspdi|xer|mpxj|csv|jira-csv|psplib",
            help="format of FILE; auto: by suffix (.sm .xml .xer .csv; .mpp .mpx .gan "
            ".planner: mpxj; a .csv with Jira's 'Issue key' column: jira-csv)",
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
    """Import a file of another tool (MS Project XML, P6 XER, CSV, Jira CSV, PSPLIB; .mpp
    and others through MPXJ) as a plan."""
    first = parse_date(start, "--start")
    done = do_import_file(file, output, fmt, start=first, force=force)
    print_import_warnings(done.warnings)
    stdout.print(
        f"{file}: imported {_items(done)}{plural(done.milestones, 'milestone')}), "
        f"{plural(done.links, 'link')}, {plural(done.resources, 'resource')}, start {done.start} "
        f"→ {output}",
        markup=False,
    )


def _items(done: ImportedPlan) -> str:
    """The work items imported: PSPLIB's jobs, else work items with their summaries."""
    if done.format == "psplib":
        return f"{plural(done.jobs, 'job')} ("
    summaries = plural(done.summaries, "summary", "summaries")
    return f"{plural(done.jobs, 'work item')} ({summaries}, "
