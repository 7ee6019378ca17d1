"""Writing a program in another tool's format (``progman export``, SPEC §5).

The format registry lives here: :data:`EXPORTERS` maps each format to what it is called,
the file suffixes it writes and its writer, named as ``"module:function"`` so that this
module stays light to import (the CLI reads the registry for its help and checks the
request before anything is loaded). A writer takes a checked :class:`Program` and returns
the file's bytes; :func:`do_export` writes them atomically, replacing an existing file
only when told to, and writes nothing when the writer fails.

To add a format: one :class:`Exporter` line in :data:`EXPORTERS` and a writer function.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from progman.errors import Location, ProgmanError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from progman.domain import Program
    from progman.domain.access import User
    from progman.services.plans import PlanSource

#: A writer: the program in, the file's content out.
Writer = Callable[["Program"], bytes]
#: ``-o -``: write to standard output.
STDOUT = "-"


@dataclass(frozen=True)
class Exporter:
    """One export format: its name for messages, its file suffixes (the first is the
    usual one) and its writer as ``"module:function"`` (None: not built yet)."""

    title: str
    suffixes: tuple[str, ...]
    writer: str | None
    media_type: str = "application/octet-stream"

    def load(self) -> Writer:
        assert self.writer is not None  # check_export refuses formats not built
        module, _, name = self.writer.partition(":")
        function: Writer = getattr(importlib.import_module(module), name)
        return function


EXPORTERS: dict[str, Exporter] = {
    "mspdi": Exporter(
        "MS Project XML (MSPDI)",
        (".xml",),
        "progman.io.mspdi_write:write_mspdi",
        "application/xml",
    ),
    "csv": Exporter(
        "CSV of tasks and links",
        (".csv",),
        "progman.io.csv_export:write_csv",
        "text/csv; charset=utf-8",
    ),
    "ical": Exporter(
        "iCalendar of milestones and deadlines",
        (".ics",),
        "progman.io.ical_export:write_ical",
        "text/calendar; charset=utf-8",
    ),
    "json": Exporter(
        "JSON plan file", (".json",), "progman.services.exports:plan_json", "application/json"
    ),
    "yaml": Exporter(
        "YAML plan file",
        (".yaml", ".yml"),
        "progman.services.exports:plan_yaml",
        "application/yaml",
    ),
}


class ExportUnsupported(ProgmanError):
    """The format is unknown, not built yet, or does not fit the output file's suffix."""

    code = "export.unsupported_format"
    http_status = 422


class ExportExists(ProgmanError):
    code = "export.output_exists"
    http_status = 409


@dataclass(frozen=True)
class ExportedPlan:
    """What an export wrote: the program's key, the format, where (``-``: standard
    output) and how many bytes."""

    key: str
    format: str
    output: str
    size: int


def export_formats() -> tuple[str, ...]:
    return tuple(EXPORTERS)


def format_of(output: str) -> str | None:
    """The format whose suffix ``output`` ends with (None: none does)."""
    suffix = Path(output).suffix.lower() if output != STDOUT else ""
    return next((name for name, e in EXPORTERS.items() if suffix in e.suffixes), None)


def check_export(fmt: str | None, output: str, *, force: bool = False) -> str:
    """The format to write, once the request is one ``export`` can carry out: a known,
    built format (None: the one the output's suffix names; YAML on standard output), an
    output with one of its suffixes (or ``-``), a file that may be written (an existing
    one only with ``force``). Reads and writes nothing."""
    place = Location(path="--format")
    name = (fmt or "").strip().lower() or format_of(output) or ("yaml" if output == STDOUT else "")
    if not name:
        suffixes = ", ".join(f"{e.suffixes[0]} = {n}" for n, e in EXPORTERS.items())
        raise ExportUnsupported(
            f"cannot tell the format from the output {output!r} ({suffixes}); "
            f"give --format {'|'.join(EXPORTERS)}",
            location=place,
        )
    if name not in EXPORTERS:
        raise ExportUnsupported(
            f"unknown export format {fmt!r}; use one of {', '.join(EXPORTERS)}", location=place
        )
    exporter = EXPORTERS[name]
    if exporter.writer is None:
        built = ", ".join(n for n, e in EXPORTERS.items() if e.writer is not None)
        raise ExportUnsupported(
            f"export to {exporter.title} is not built yet; export writes {built}",
            location=place,
        )
    if output == STDOUT:
        return name
    path = Path(output)
    where = Location(file=output)
    if path.suffix.lower() not in exporter.suffixes:
        raise ExportUnsupported(
            f"{exporter.title} is written to a {' or '.join(exporter.suffixes)} file, not "
            f"{path.suffix or 'a file without a suffix'!r}; name the output FILE"
            f"{exporter.suffixes[0]} (or - for standard output)",
            location=where,
        )
    if path.is_dir():
        raise ExportExists("the output is a folder; name a file", location=where)
    if path.exists() and not force:
        raise ExportExists(
            "the output file exists already; give --force to replace it", location=where
        )
    return name


def render_export(program: Program, fmt: str) -> bytes:
    """``program`` in the format ``fmt`` (checked with :func:`check_export`)."""
    return EXPORTERS[fmt].load()(program)


def do_export(
    source: PlanSource, fmt: str | None, output: str, *, force: bool = False
) -> ExportedPlan:
    """Read the program ``source`` names and write it as ``fmt`` to ``output`` (``-``:
    standard output). The request is checked before the plan is read; the file is written
    atomically once the writer has produced all of it."""
    name = check_export(fmt, output, force=force)
    from progman.services.plans import load_program  # noqa: PLC0415 - pydantic: only here

    program = load_program(source)
    data = render_export(program, name)
    if output == STDOUT:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_atomically(Path(output), data)
    return ExportedPlan(key=program.key, format=name, output=output, size=len(data))


@dataclass(frozen=True)
class ExportedFile:
    """A stored program in a format, for an answer over the wire: its bytes, media type,
    a safe file name, and the revision it is of (the ETag)."""

    key: str
    revision: int
    data: bytes
    media_type: str
    file_name: str


def export_stored(session: Session, user: User, key: str, fmt: str) -> ExportedFile:
    """The stored program ``key`` as the caller may see it, in the format ``fmt``."""
    from progman.services.catalog import visible_program_at  # noqa: PLC0415 - SQLAlchemy
    from progman.services.plan_exchange import export_file_name  # noqa: PLC0415

    name = check_export(fmt, STDOUT)
    program, revision, _ = visible_program_at(session, user, key)
    exporter = EXPORTERS[name]
    stem = export_file_name(key).removesuffix(".yaml")
    return ExportedFile(
        key,
        revision,
        render_export(program, name),
        exporter.media_type,
        f"{stem}{exporter.suffixes[0]}",
    )


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it: a crash mid-write
    never leaves half a file, and an existing file is replaced whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)


def plan_json(program: Program) -> bytes:
    """The plan file ``progman db export`` writes, as JSON."""
    from progman.planfile import dumps_plan  # noqa: PLC0415

    return dumps_plan(program, "json").encode("utf-8")


def plan_yaml(program: Program) -> bytes:
    """The plan file ``progman db export`` writes, as YAML."""
    from progman.planfile import dumps_plan  # noqa: PLC0415

    return dumps_plan(program, "yaml").encode("utf-8")
