"""``progman import FILE [--format auto|mspdi|xer|csv|jira-csv|psplib] -o PLAN``.

PSPLIB single-mode ``.sm`` files are imported now (one period = one day of a 7-day
calendar from ``--start``); MSPDI, XER, CSV and Jira CSV say that they are not built yet.
The plan is written atomically, and an existing file is replaced only with ``--force``.
"""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from progman.cli.options import parse_date
from progman.cli.output import stdout
from progman.errors import InputNotFound, Location, ProgmanError

FORMATS = ("auto", "mspdi", "xer", "csv", "jira-csv", "psplib")
#: Formats ``import`` reads today.
BUILT = ("psplib",)
#: ``--format auto``: the format of each file suffix.
SUFFIX_FORMATS = {".sm": "psplib", ".xml": "mspdi", ".xer": "xer", ".csv": "csv"}
#: What each format is, for messages.
FORMAT_NAMES = {
    "mspdi": "MS Project XML (MSPDI)",
    "xer": "Primavera P6 XER",
    "csv": "CSV",
    "jira-csv": "Jira CSV",
    "psplib": "PSPLIB .sm",
}
OUTPUT_SUFFIXES = (".yaml", ".yml", ".json")
#: Start of an imported PSPLIB plan unless ``--start`` says otherwise (a Monday).
DEFAULT_START = date(2027, 1, 4)


class ImportUnsupported(ProgmanError):
    """The format is unknown, cannot be told from the file name, or is not built yet."""

    code = "import.unsupported_format"
    http_status = 422


class OutputExists(ProgmanError):
    code = "import.output_exists"
    http_status = 409


def resolve_format(file: Path, fmt: str) -> str:
    """The format to read ``file`` with: ``fmt``, or for ``auto`` the one its suffix names."""
    name = fmt.strip().lower()
    if name not in FORMATS:
        raise ImportUnsupported(
            f"unknown import format {fmt!r}; use one of {', '.join(FORMATS)}",
            location=Location(file=str(file)),
        )
    if name != "auto":
        return name
    suffix = file.suffix.lower()
    if suffix not in SUFFIX_FORMATS:
        known = ", ".join(f"{s} = {f}" for s, f in SUFFIX_FORMATS.items())
        raise ImportUnsupported(
            f"cannot tell the format from the suffix {suffix or '(none)'!r} ({known}); "
            f"give --format {'|'.join(FORMATS[1:])}",
            location=Location(file=str(file)),
        )
    return SUFFIX_FORMATS[suffix]


def import_plan(
    file: Annotated[Path, typer.Argument(help="file to import (PSPLIB .sm; others: not yet)")],
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
    first = parse_date(start, "'--start'") or DEFAULT_START
    name = resolve_format(file, fmt)
    if not file.is_file():
        what = "is a folder, not a file" if file.is_dir() else "no such file"
        raise InputNotFound(f"{what} to import", location=Location(file=str(file)))
    if name not in BUILT:
        built = ", ".join(f"{FORMAT_NAMES[b]} (--format {b})" for b in BUILT)
        raise ImportUnsupported(
            f"import of {FORMAT_NAMES[name]} files is not built yet; import reads {built}",
            location=Location(file=str(file)),
        )
    if output.suffix.lower() not in OUTPUT_SUFFIXES:
        raise ImportUnsupported(
            f"write the plan to a .yaml, .yml or .json file, not {output.suffix or 'no suffix'!r}",
            location=Location(file=str(output)),
        )
    if output.is_dir():
        raise OutputExists(
            "the output is a folder; name a .yaml or .json file", location=Location(str(output))
        )
    if output.exists() and not force:
        raise OutputExists(
            "the output file exists already; give --force to replace it",
            location=Location(file=str(output)),
        )

    from progman.io.psplib import instance_to_program, read_psplib  # noqa: PLC0415 - numba
    from progman.planfile import dump_plan  # noqa: PLC0415

    instance = read_psplib(file)
    program = instance_to_program(instance, first)
    dump_plan(program, output)
    items = list(program.work_items())
    milestones = sum(1 for item in items if item.milestone)
    links = sum(len(item.depends) for item in items)
    stdout.print(
        f"{file}: imported {len(items)} jobs ({milestones} milestones), {links} links, "
        f"{len(program.resources)} resources, start {first} → {output}",
        markup=False,
    )
