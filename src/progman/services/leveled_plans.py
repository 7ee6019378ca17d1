"""A leveled program written back as a plan (``progman level PLAN -o OUT.yaml``).

Leveling's dates are kept in the plan as **start-no-earlier-than constraints** on the tasks
it held up, not as a baseline: a baseline is a snapshot to measure against and never moves
a date, so a plan with a "leveled baseline" would still schedule unleveled. With the SNET
dates, ``progman schedule OUT.yaml`` (CPM, no leveling) gives every task the start
leveling gave it, the floats are those of the leveled plan, and the plan stays editable:
remove a constraint and the task moves back as far as its links let it. Everything else
in the plan is kept (:func:`progman.planfile.dump_plan`).

Which tasks get a constraint: those leveling delayed for want of a person (not those that
only follow a delayed task, their links move them), then any other task whose start the
written plan would not reproduce, until every start is leveling's. A constraint already on
a pinned task is replaced, and said so (:attr:`LeveledPlan.replaced`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from progman.domain import Constraint, Program, WorkItem
from progman.engine.leveling import LevelResult
from progman.engine.schedule import schedule
from progman.errors import Location, UsageError

#: How many times the written plan is scheduled to find starts it would not reproduce.
CHECK_PASSES = 4


@dataclass(frozen=True)
class LeveledPlan:
    """The plan with leveling's dates: ``pinned`` tasks got an SNET constraint, replacing
    the constraint named in ``replaced`` (task id -> the old one, as text); ``unmatched``
    names tasks whose start the plan still does not reproduce (none, normally)."""

    program: Program
    pinned: tuple[str, ...]
    replaced: dict[str, str]
    unmatched: tuple[str, ...] = ()


def leveled_plan(
    program: Program, result: LevelResult, *, status_date: date | None = None
) -> LeveledPlan:
    """``program`` with an SNET constraint at its leveled start on each task leveling held
    up, and on any other task the plan would not start then, checked by scheduling it.
    ``status_date``: the one leveling was run as of, written in the plan when given."""
    if status_date is not None and status_date != program.status_date:
        program = program.model_copy(update={"status_date": status_date})
    leveled = {t.id: t.start for t in result.schedule.tasks if not t.summary}
    held = [d.id for d in result.delays if d.cause is None or d.cause.via is None]
    # a day reads best in a plan; the time of day only where the day alone starts earlier
    pins: dict[str, date] = {ident: leveled[ident].date() for ident in held if ident in leveled}
    written, replaced = _pinned(program, pins)
    unmatched: list[str] = []
    for _ in range(CHECK_PASSES):
        starts = {t.id: t.start for t in schedule(written, status_date=program.status_date).tasks}
        unmatched = [i for i, start in leveled.items() if starts.get(i) != start]
        if not unmatched:
            break
        for ident in unmatched:
            pinned_day = ident in pins and type(pins[ident]) is date
            pins[ident] = leveled[ident] if pinned_day else leveled[ident].date()
        written, replaced = _pinned(program, pins)
    return LeveledPlan(written, tuple(sorted(pins)), replaced, tuple(unmatched))


def _pinned(program: Program, pins: dict[str, date]) -> tuple[Program, dict[str, str]]:
    """A copy of ``program`` whose tasks in ``pins`` start no earlier than their date."""
    replaced: dict[str, str] = {}

    def pin(item: WorkItem) -> WorkItem:
        children = [pin(child) for child in item.tasks]
        update: dict[str, object] = {"tasks": children} if item.tasks else {}
        if item.id in pins:
            old = item.constraint
            if old is not None and old.type not in ("asap", "snet"):
                text = old.type.upper() + ("" if old.date is None else f" {old.date}")
                replaced[item.id] = text
            update["constraint"] = Constraint(type="snet", date=pins[item.id])
        return item.model_copy(update=update) if update else item

    projects = [p.model_copy(update={"tasks": [pin(t) for t in p.tasks]}) for p in program.projects]
    return program.model_copy(update={"projects": projects}), replaced


def do_write_leveled_plan(
    program: Program,
    result: LevelResult,
    output: Path,
    *,
    status_date: date | None = None,
    force: bool = False,
) -> LeveledPlan:
    """Write ``program`` leveled (:func:`leveled_plan`) as the plan file ``output`` (YAML,
    JSON or a new folder, atomically); an existing file is replaced only with ``force``."""
    from progman.planfile import dump_plan  # noqa: PLC0415 - pydantic/yaml: only here
    from progman.services.imports import OutputExists  # noqa: PLC0415

    check_output(output, force=force)
    plan = leveled_plan(program, result, status_date=status_date)
    try:
        dump_plan(plan.program, output)
    except OSError as error:
        raise OutputExists(
            f"cannot write the plan: {error.strerror}", location=Location(file=str(output))
        ) from None
    return plan


def check_single_plan(files: list[Path] | None, *, stored: bool) -> None:
    """A leveled plan is written of one plan (a file, a folder or the stored program), not
    of several, nor of a PSPLIB instance: a usage error naming ``--output`` otherwise."""
    inputs = [*(files or []), *([None] if stored else [])]
    if len(inputs) != 1 or (inputs[0] is not None and inputs[0].suffix.lower() == ".sm"):
        raise UsageError(
            "writes the leveled plan of one plan (a file, a folder or --program KEY), "
            "not of several or of a PSPLIB .sm file",
            option="--output",
        )


def check_output(output: Path, *, force: bool = False) -> None:
    """Refuse an ``output`` file that exists already, unless ``force`` (before any work)."""
    from progman.services.imports import OutputExists  # noqa: PLC0415

    if output.is_file() and not force:  # a folder is written only when empty (dump_plan)
        raise OutputExists(
            "the output file exists already; give --force to replace it",
            location=Location(file=str(output)),
        )
