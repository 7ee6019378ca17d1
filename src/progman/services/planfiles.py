"""Plans as such (``progman validate``, ``progman schema``, ``progman db export``): check
one and say what it holds, write a stored program as a plan file, the JSON Schema of the
plan format, the sample plan shipped with progman.

Loading goes through :mod:`progman.services.plans`, so a plan file and a stored program
are checked alike; the plan loader is imported only by the functions that use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from progman.errors import Location, Problem
from progman.samples import sample_plan_path
from progman.services.plans import PlanSource, load_program, load_program_noted

if TYPE_CHECKING:
    from progman.domain import Program


@dataclass(frozen=True)
class PlanSummary:
    """What a valid plan holds, in a line: ``name (key), N projects, M work items``."""

    source: str  # the plan file, or "program KEY"
    name: str
    key: str
    projects: int
    work_items: int
    #: what the plan holds but probably does not mean (it is valid all the same)
    warnings: tuple[Problem, ...] = field(default=())


def check_plan(source: PlanSource) -> PlanSummary:
    """Load and check the plan ``source`` names; a :class:`~progman.errors.PlanInvalid`
    with every problem (file:line:col) if it has any, else what it holds and its warnings
    (each at file:line:col, or at its field path for a stored program)."""
    from progman.services.imports import direct_format  # noqa: PLC0415 - light

    if source.path is not None and direct_format(source.path) is not None:
        from progman.domain.plan_warnings import plan_warnings  # noqa: PLC0415
        from progman.domain.validation import format_path  # noqa: PLC0415

        # a file of another tool: what it cannot hold, then the plan's own warnings
        program, noted = load_program_noted(source)
        warnings = list(noted) + [
            Problem(f.code, f.message, Location(path=format_path(f.path)))
            for f in plan_warnings(program)
        ]
    elif source.path is not None:
        from progman.planfile import load_plan_warned  # noqa: PLC0415 - pydantic: only here

        program, warnings = load_plan_warned(source.path)
    else:
        from progman.domain.plan_warnings import plan_warnings  # noqa: PLC0415
        from progman.domain.validation import format_path  # noqa: PLC0415

        program = load_program(source)
        warnings = [
            Problem(f.code, f.message, Location(path=format_path(f.path)))
            for f in plan_warnings(program)
        ]
    return PlanSummary(
        source=str(source),
        name=program.name,
        key=program.key,
        projects=len(program.projects),
        work_items=sum(1 for _ in program.work_items()),
        warnings=tuple(warnings),
    )


def do_export_plan(url: str, key: str, output: Path, *, force: bool = False) -> Program:
    """Write the program ``key`` stored in the database ``url`` as the plan file
    ``output`` (atomically): a file, replaced only with ``force`` if it exists, or a new or
    empty folder."""
    from progman.planfile import dump_plan  # noqa: PLC0415
    from progman.services.database import unit_of_work  # noqa: PLC0415 - SQLAlchemy: slow
    from progman.services.imports import OutputExists  # noqa: PLC0415
    from progman.services.programs import export_program  # noqa: PLC0415
    from progman.services.users import local_admin  # noqa: PLC0415

    if output.is_file() and not force:  # a folder is written only when empty (dump_plan)
        raise OutputExists(
            "the output file exists already; give --force to replace it",
            location=Location(file=str(output)),
        )
    with unit_of_work(url, write=False) as session:
        program = export_program(session, local_admin(), key)
    dump_plan(program, output)
    return program


def plan_format_schema() -> dict[str, Any]:
    """The JSON Schema of the plan format (for editor completion and the API docs)."""
    from progman.planfile import plan_schema  # noqa: PLC0415 - pydantic: only when needed

    return plan_schema()


def sample_program() -> Program:
    """The sample program shipped with progman, loaded and checked."""
    return load_program(PlanSource(path=sample_plan_path()))
