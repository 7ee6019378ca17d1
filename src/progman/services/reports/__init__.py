"""Status reports of a program for three audiences (``progman report``, SPEC §3.7):
executive, program and team, as Markdown, one self-contained HTML file, or PDF.

:func:`render_report` makes a report's bytes and :func:`write_report` writes them to a
file; both take the program's :class:`PlanSource` (a plan file or a stored program) or a
loaded :class:`Program`. What each level shows is :mod:`.registry`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING

from progman.errors import UsageError
from progman.reports.render import FORMATS, Document, Part
from progman.services.plans import PlanSource, load_program
from progman.services.reports.context import ReportContext
from progman.services.reports.registry import LEVEL_NAMES, LEVELS, sections_of

if TYPE_CHECKING:
    from progman.domain import Program

__all__ = [
    "FORMATS",
    "LEVELS",
    "ProgramReports",
    "render_report",
    "report_document",
    "write_report",
]

#: The most iterations a report's simulation may run.
MAX_ITERATIONS = 100_000


def _close(given: str, known: Iterable[str]) -> str:
    """``" (did you mean 'exec'?)"`` for a near miss, else ``""``."""
    matches = get_close_matches(given.strip().lower(), list(known), n=1, cutoff=0.6)
    return f" (did you mean {matches[0]!r}?)" if matches else ""


def check_level(level: str) -> str:
    """The level's short name (``exec``, ``program``, ``team``); a usage error if unknown."""
    found = LEVEL_NAMES.get(level.strip().lower())
    if found is None:
        raise UsageError(
            f"unknown report level {level!r}{_close(level, LEVEL_NAMES)}: choose exec, "
            "program or team",
            option="--level",
        )
    return found


def check_format(fmt: str) -> str:
    found = fmt.strip().lower()
    if found not in FORMATS:
        raise UsageError(
            f"unknown report format {fmt!r}{_close(fmt, FORMATS)}: choose {', '.join(FORMATS)}",
            option="--format",
        )
    return found


def report_document(
    program: Program,
    level: str,
    *,
    project: str | None = None,
    status_date: date | None = None,
    simulate: int | None = None,
    seed: int = 0,
) -> Document:
    """The report of ``level`` on ``program``: its sections' data, ready to lay out."""
    level = check_level(level)
    _check_request(program, project, simulate)
    ctx = ReportContext(_sealed(program), level, project, status_date, simulate, seed)
    return _document(ctx)


def _check_request(program: Program, project: str | None, simulate: int | None) -> None:
    from progman.services.inputs import check_project  # noqa: PLC0415

    if project is not None:
        check_project(program, project)
    if simulate is not None and not 1 <= simulate <= MAX_ITERATIONS:
        raise UsageError(
            f"simulate between 1 and {MAX_ITERATIONS:,} iterations, not {simulate:,}",
            option="--simulate",
        )


def _document(ctx: ReportContext) -> Document:
    """The report ``ctx`` asks for, section by section."""
    program, project = ctx.program, ctx.project
    title, _ = LEVELS[ctx.level]
    parts = []
    names = {p.id: p.name for p in program.projects}
    for section, scope, data in sections_of(ctx):
        group = None if scope is None else f"{names[scope]} ({scope})"
        parts.append(Part(section.name, section.title, data, group))
    notes = []
    if project is not None:
        notes.append(f"Project {names[project]} ({project}) only.")
    if ctx.iterations is not None:
        notes.append(f"P50/P80 from a Monte Carlo simulation of {ctx.iterations:,} iterations "
                     f"(seed {ctx.seed}).")  # fmt: skip
    return Document(
        title, f"{program.name} ({program.key})", ctx.when, ctx.today, tuple(notes), tuple(parts)
    )


def _sealed(program: Program) -> Program:
    """A shallow copy of ``program`` that nothing changes while the report is made, sealed
    so that every section's service shares one checked, built and scheduled network (the
    engine keeps what it scheduled of a sealed program)."""
    from progman.domain.checked import is_checked, mark_checked, seal  # noqa: PLC0415

    copy = program.model_copy()
    seal(copy)
    if is_checked(program):
        mark_checked(copy)
    return copy


def render_report(
    source: PlanSource | Program,
    level: str,
    fmt: str,
    *,
    project: str | None = None,
    status_date: date | None = None,
    simulate: int | None = None,
    seed: int = 0,
) -> bytes:
    """The report of ``level`` on the program ``source`` names, in ``fmt`` (md, html or
    pdf), as the bytes of the file (UTF-8 text for md and html)."""
    fmt = check_format(fmt)
    level = check_level(level)
    program = load_program(source) if isinstance(source, PlanSource) else source
    document = report_document(
        program, level, project=project, status_date=status_date, simulate=simulate, seed=seed
    )
    return _rendered(document, fmt)


class ProgramReports:
    """Reports of one program as of one day that share what they read of it (one schedule,
    one health, one earned value, ...): ``comms --write`` renders every due report through
    one, instead of computing each figure again per report."""

    def __init__(self, program: Program, *, status_date: date | None = None) -> None:
        self._program = program
        self._sealed = _sealed(program)
        self._status_date = status_date
        self._last: ReportContext | None = None

    def render(self, level: str, fmt: str, *, project: str | None = None) -> bytes:
        """:func:`render_report` of this program: the same bytes."""
        fmt, level = check_format(fmt), check_level(level)
        _check_request(self._program, project, None)
        if self._last is None:
            ctx = ReportContext(self._sealed, level, project, self._status_date)
        else:
            ctx = self._last.for_report(level, project)
        self._last = ctx
        return _rendered(_document(ctx), fmt)


def _rendered(document: Document, fmt: str) -> bytes:
    from progman.reports.render import (  # noqa: PLC0415
        render_html,
        render_markdown,
        render_pdf,
    )

    if fmt == "md":
        return render_markdown(document).encode()
    html = render_html(document)
    return html.encode() if fmt == "html" else render_pdf(html)


def check_output(output: Path, *, force: bool = False) -> None:
    """A usage error, before any work, if ``output`` cannot be written: its folder is
    missing, it is a folder, or it exists and ``force`` is not given."""
    if output.is_dir():
        raise UsageError(f"{output} is a folder: name the report's file", option="-o")
    if not output.parent.is_dir():
        raise UsageError(
            f"the folder {output.parent} does not exist: create it first, or write elsewhere",
            option="-o",
        )
    if output.exists() and not force:
        raise UsageError(f"{output} exists: add --force to replace it", option="-o")


def write_report(
    source: PlanSource | Program,
    level: str,
    fmt: str,
    output: Path,
    *,
    force: bool = False,
    project: str | None = None,
    status_date: date | None = None,
    simulate: int | None = None,
    seed: int = 0,
) -> int:
    """:func:`render_report` written to ``output`` (whole or not at all: through a
    temporary file beside it); the bytes written."""
    fmt, level = check_format(fmt), check_level(level)
    check_output(output, force=force)
    data = render_report(
        source, level, fmt, project=project, status_date=status_date, simulate=simulate,
        seed=seed,
    )  # fmt: skip
    partial = output.with_name(f".{output.name}.partial")
    try:
        partial.write_bytes(data)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return len(data)
