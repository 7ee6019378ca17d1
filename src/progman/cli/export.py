"""``progman export PLAN --format mspdi|csv|ical|json|yaml -o FILE``.

The format registry and the export itself are :mod:`progman.services.exports`; the
request (format, suffix, an existing file) is checked before the plan is read, and the
file is written atomically. ``-o -`` writes to standard output.
"""

from typing import Annotated

import typer

from progman.cli.options import DbOption, PlanArg, ProgramOption
from progman.cli.output import stderr, stdout
from progman.services.exports import EXPORTERS, STDOUT, do_export

_FORMATS = "|".join(EXPORTERS)


def export(
    plan: PlanArg = None,
    *,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar=_FORMATS,
            help="what to write (default: the one FILE's suffix names: "
            + ", ".join(f"{e.suffixes[0]} {name}" for name, e in EXPORTERS.items())
            + "; YAML on standard output)",
        ),
    ] = None,
    output: Annotated[
        str,
        typer.Option("-o", "--output", metavar="FILE", help="file to write; - for standard output"),
    ] = STDOUT,
    force: Annotated[bool, typer.Option("--force", help="replace FILE if it exists")] = False,
    db: DbOption = None,
    program_key: ProgramOption = None,
) -> None:
    """Write a plan in another format: MS Project XML, CSV, iCalendar, JSON or YAML."""
    from progman.services.plans import PlanSource  # noqa: PLC0415 - pydantic: only here

    done = do_export(PlanSource.of(plan, db, program_key), fmt, output, force=force)
    if done.output != STDOUT:
        stdout.print(
            f"{done.key}: exported as {EXPORTERS[done.format].title} to {done.output} "
            f"({done.size:,} bytes)",
            markup=False,
            highlight=False,
        )
    else:
        stderr.print(f"{done.key}: exported as {EXPORTERS[done.format].title}", markup=False)
