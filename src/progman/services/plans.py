"""Where a command's program comes from: a plan file (or folder, or a format read
directly), or a program stored in a database (``--db URL --program KEY``, SPEC §5).

Every use case on a plan starts here, so the CLI, the API and the web UI read plans the
same way and say the same thing when the source is named wrongly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from progman.domain import Program
from progman.errors import Location, Problem, ProgmanError, UsageError

if TYPE_CHECKING:
    from progman.planfile.columnar import ColumnarPlan

__all__ = [
    "ColumnarPlan",
    "PlanSource",
    "load_program",
    "load_program_noted",
    "load_schedulable",
    "placed",
]


@dataclass(frozen=True)
class PlanSource:
    """A plan file or folder (``path``), or the program ``program`` stored in the database
    ``database`` (None: the default database)."""

    path: Path | None = None
    program: str | None = None
    database: str | None = None

    @classmethod
    def of(cls, path: Path | None, database: str | None, program: str | None) -> PlanSource:
        """The source a command names; a :class:`UsageError` unless it names exactly one."""
        if path is not None and program is not None:
            raise UsageError(
                f"name a plan file or a stored program, not both (got {path} and "
                f"--program {program})",
                option="--program",
            )
        if path is None and program is None:
            hint = " (and --db URL for another database than the default)"
            raise UsageError(
                f"name a plan file, or a stored program with --program KEY{hint}",
                option="PLAN",
            )
        if path is not None and database is not None:
            raise UsageError(
                "--db names the database of a stored program: add --program KEY instead "
                f"of the plan file {path}",
                option="--db",
            )
        return cls(path=path, program=program, database=database)

    def __str__(self) -> str:
        if self.path is not None:
            return str(self.path)
        return f"program {self.program}"


def load_program(source: PlanSource) -> Program:
    """The program ``source`` names, checked (a plan file) or as it was stored (checked
    when it was saved)."""
    return load_program_noted(source)[0]


def load_program_noted(
    source: PlanSource, *, sealed: bool = False
) -> tuple[Program, tuple[Problem, ...]]:
    """:func:`load_program`, with the warnings of a file of another tool read directly
    (``progman schedule FILE.xer``: what the file holds that progman cannot express).
    ``sealed``: the caller never changes the program in place, so a plan file's program is
    sealed (:func:`progman.planfile.load_plan`) and its check is trusted at no cost."""
    if source.path is None:
        return _stored(source), ()
    from progman.services.imports import direct_format, read_file  # noqa: PLC0415

    if direct_format(source.path) is not None and not source.path.is_dir():
        imported = read_file(source.path)
        return imported.program, imported.warnings
    from progman.planfile import load_plan  # noqa: PLC0415 - pydantic: only when needed

    return load_plan(source.path, sealed=sealed), ()


def load_schedulable(
    source: PlanSource,
) -> tuple[Program | ColumnarPlan, tuple[Problem, ...]]:
    """:func:`load_program_noted` (sealed) for a command that only schedules: a plan file
    or folder of simple tasks comes as columns (:mod:`progman.planfile.columnar`; no
    ``WorkItem`` is built), any other plan as a program, checked as usual."""
    if source.path is None:
        return load_program_noted(source, sealed=True)
    from progman.services.imports import direct_format  # noqa: PLC0415

    if direct_format(source.path) is not None and not source.path.is_dir():
        return load_program_noted(source, sealed=True)
    from progman.planfile.columnar import load_plan_columns  # noqa: PLC0415 - on use

    return load_plan_columns(source.path, sealed=True), ()


def _stored(source: PlanSource) -> Program:
    from progman.services.database import database_engine  # noqa: PLC0415 - SQLAlchemy: slow
    from progman.storage import load_program as stored  # noqa: PLC0415
    from progman.storage import transaction  # noqa: PLC0415

    assert source.program is not None  # PlanSource.of names one or the other
    engine = database_engine(source.database)
    with transaction(engine, write=False) as session:
        return stored(session, source.program)


def placed(
    error: ProgmanError,
    source: PlanSource | None,
    program: Program | ColumnarPlan | None = None,
) -> ProgmanError:
    """``error`` at the file:line:col of the field it names in the plan file ``source``
    names: for an error found after the plan was loaded (a vacation that runs past the
    calendar tables: ``resources[0].vacations[0]``), when the file still holds that field
    for that entity. A schedule past the calendar tables that names nothing is explained
    first from ``program`` (the vacation or holiday that reaches so far). Any other error
    is returned as it is."""
    if program is not None and getattr(error, "code", "") == "schedule.out_of_range":
        from progman.engine.horizon import explained  # noqa: PLC0415 - the engine: on error
        from progman.planfile.columnar import ColumnarPlan  # noqa: PLC0415

        if isinstance(program, ColumnarPlan):  # the whole program: what reaches so far
            program = program.program()
        error = explained(program, error)  # type: ignore[arg-type]
    where = error.location
    if source is None or source.path is None or where.file or not where.path:
        return error
    if isinstance(error, UsageError) or len(error.problems) != 1:
        return error
    from progman.planfile.places import locate_field  # noqa: PLC0415 - only on an error

    found = locate_field(source.path, where.path, where.entity)
    if found is not None:
        error.location = Location(found.file, found.line, found.column, where.path, where.entity)
    return error
