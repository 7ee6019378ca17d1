"""Importing a file of another tool as a plan file (``progman import``).

The format registry lives here: which formats there are, which one a file suffix names
(``--format auto``; a ``.csv`` is Jira's export when its header has Jira's columns),
which ones are built and the reader of each. PSPLIB single-mode ``.sm`` files are
imported (one period = one day of a 7-day calendar from ``start``); CSV of tasks and
links and Jira's CSV export (``services/tabular_imports.py``), Primavera P6 ``.xer``, MS
Project XML (MSPDI) and, through MPXJ (the extra ``progman[mpxj]``),
``.mpp``/``.mpx``/Planner/GanttProject/P6 XML files are imported, and plan commands also
read them directly (:data:`DIRECT`, :func:`read_file`: ``progman schedule FILE.xer``,
``progman schedule tasks.csv``). :func:`check_import` refuses a request before anything is read;
:func:`do_import_file` writes the plan atomically, replacing an existing file only when
told to.

Light to import (the CLI reads the registry for its help): the readers, the domain and
the plan writer are imported inside :func:`do_import_file`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from progman.errors import InputNotFound, Location, ProgmanError

if TYPE_CHECKING:
    from progman.domain import Program
    from progman.errors import Problem
    from progman.io.imported import Imported

FORMATS = ("auto", "mspdi", "xer", "mpxj", "csv", "jira-csv", "psplib")
#: The reader of each format ``import`` reads today, as ``"module:function"`` (imported
#: only when used): ``reader(file, start) -> Program``, or an ``Imported`` (the program
#: and a warning for each thing of the file progman cannot express); ``start`` the
#: ``--start`` given (None: the reader's own rule). A reader raises a located
#: :class:`ProgmanError` for a bad file; nothing is written then.
READERS = {
    "psplib": "progman.services.imports:read_psplib_program",
    "xer": "progman.services.imports:read_xer_program",
    "csv": "progman.services.tabular_imports:read_csv_program",
    "mspdi": "progman.io.mspdi_read:read_imported",
    "jira-csv": "progman.services.tabular_imports:read_jira_program",
    "mpxj": "progman.io.mpxj_bridge:read_mpxj",
}
#: Formats a command taking a plan reads directly (``progman schedule FILE.xer``).
DIRECT = ("xer", "mspdi", "mpxj", "csv", "jira-csv")
#: Formats ``import`` reads today.
BUILT = tuple(READERS)
#: ``--format auto``: the format of each file suffix.
SUFFIX_FORMATS = {".sm": "psplib", ".xml": "mspdi", ".xer": "xer", ".csv": "csv"}
#: Files read through MPXJ (the extra progman[mpxj]); P6 XML is .xml: --format mpxj.
SUFFIX_FORMATS.update(dict.fromkeys((".mpp", ".mpx", ".gan", ".planner"), "mpxj"))
#: What each format is, for messages.
FORMAT_NAMES = {
    "mspdi": "MS Project XML (MSPDI)",
    "xer": "Primavera P6 XER",
    "mpxj": "MPXJ (.mpp, .mpx, Planner, GanttProject, P6 XML)",
    "csv": "CSV",
    "jira-csv": "Jira CSV",
    "psplib": "PSPLIB .sm",
}
OUTPUT_SUFFIXES = (".yaml", ".yml", ".json")
#: Start of an imported PSPLIB plan unless told otherwise (a Monday).
DEFAULT_START = date(2027, 1, 4)


class ImportUnsupported(ProgmanError):
    """The format is unknown, cannot be told from the file name, or is not built yet."""

    code = "import.unsupported_format"
    http_status = 422


class OutputExists(ProgmanError):
    code = "import.output_exists"
    http_status = 409


@dataclass(frozen=True)
class ImportedPlan:
    """What an import wrote: the program, where, and what it holds."""

    program: Program
    output: Path
    start: date
    jobs: int  # work items
    milestones: int
    links: int
    resources: int
    warnings: tuple[Problem, ...] = ()
    format: str = ""  # the format read, one of FORMATS

    @property
    def summaries(self) -> int:
        """Work items holding others (WBS nodes, summary tasks)."""
        return sum(1 for item in self.program.work_items() if item.is_summary)


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
    name = SUFFIX_FORMATS[suffix]
    return "jira-csv" if name == "csv" and _is_jira(file) else name


def _is_jira(file: Path) -> bool:
    """Whether the ``.csv`` file is Jira's export (by its header), not a tasks CSV."""
    from progman.io.csv_cells import is_jira_file  # noqa: PLC0415 - csv: when used

    return file.is_file() and is_jira_file(file)


def direct_format(file: Path) -> str | None:
    """The format a command taking a plan reads ``file`` in (one of :data:`DIRECT`, named
    by the file's suffix; a ``.csv`` is Jira's export or a tasks CSV by its header, as
    ``--format auto`` tells them); None for plan files and folders."""
    name = SUFFIX_FORMATS.get(file.suffix.lower())
    if name not in DIRECT or file.is_dir():
        return None
    return resolve_format(file, "auto")


def read_file(file: Path, fmt: str = "auto", *, start: date | None = None) -> Imported:
    """The program in ``file`` with its import warnings; reads only, writes nothing."""
    from progman.io.imported import Imported  # noqa: PLC0415 - the domain: when used

    name = resolve_format(file, fmt)
    if name not in READERS:
        raise ImportUnsupported(
            f"import of {FORMAT_NAMES[name]} files is not built yet",
            location=Location(file=str(file)),
        )
    if not file.is_file():  # read by import, schedule, report…: no verb of one command
        what = "is a folder, not a file" if file.is_dir() else "no such file"
        raise InputNotFound(f"{what}: check the path", location=Location(file=str(file)))
    module, _, function = READERS[name].partition(":")
    reader: Callable[[Path, date | None], Program | Imported] = getattr(
        importlib.import_module(module), function
    )
    result = reader(file, start)
    return result if isinstance(result, Imported) else Imported(result)


def check_import(file: Path, output: Path, fmt: str = "auto", *, force: bool = False) -> str:
    """The format ``file`` is read with, once the request is known to be one ``import`` can
    carry out: a readable format, a file to read, a plan file to write (an existing one
    only with ``force``). Reads and writes nothing."""
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
    return name


def do_import_file(
    file: Path,
    output: Path,
    fmt: str = "auto",
    *,
    start: date | None = None,
    force: bool = False,
) -> ImportedPlan:
    """Read ``file`` and write it as the plan file ``output`` (atomically); a PSPLIB
    period 0 is the day ``start`` (default :data:`DEFAULT_START`)."""
    name = check_import(file, output, fmt, force=force)
    from progman.planfile import dump_plan  # noqa: PLC0415

    imported = read_file(file, name, start=start)
    program = imported.program
    dump_plan(program, output)
    items = list(program.work_items())
    return ImportedPlan(
        program=program,
        output=output,
        start=program.start,
        jobs=len(items),
        milestones=sum(1 for item in items if item.milestone),
        links=sum(len(item.depends) for item in items),
        resources=len(program.resources),
        warnings=imported.warnings,
        format=name,
    )


def read_psplib_program(file: Path, start: date | None) -> Program:
    """A PSPLIB instance as a program whose period 0 is ``start`` (default
    :data:`DEFAULT_START`)."""
    from progman.io.psplib import instance_to_program, read_psplib  # noqa: PLC0415 - numba

    return instance_to_program(read_psplib(file), start or DEFAULT_START)


def read_xer_program(file: Path, start: date | None) -> Imported:
    """A Primavera P6 XER file as a program (its projects' own starts: ``start`` is not
    used), with a warning for each thing of it progman cannot express."""
    from progman.io.xer_read import read_xer  # noqa: PLC0415 - the domain: when used

    return read_xer(file)
