"""Baselines from the command line (``progman baseline PLAN --save ID | --list``): taken
into a plan file, or into a stored program by the REST API's own use case
(:func:`progman.services.baselines.do_capture_baseline`), and listed from either.

A plan file gets the baseline as the stored program does: the same
:func:`~progman.services.baselines.frozen_baseline` (CPM dates as of the plan's status
date, durations, work and planned cost), appended to its ``baselines`` section, and the
plan written again by the plan dumper (its other content kept; comments and layout are
not). A baseline is never changed: an id taken already is refused.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from progman.errors import Conflict, Location, UsageError
from progman.services.plans import PlanSource, load_program

if TYPE_CHECKING:
    from progman.domain import Baseline

#: The plan files a baseline is written into (imported formats are read only).
WRITABLE = (".yaml", ".yml", ".json")


def list_plan_baselines(source: PlanSource) -> list[Baseline]:
    """The baselines of the plan ``source`` names, oldest first."""
    return list(load_program(source).baselines)


def do_save_baseline(
    source: PlanSource,
    ident: str,
    *,
    name: str | None = None,
    created: date | None = None,
    actor: str | None = None,
) -> Baseline:
    """Take the baseline ``ident`` of the plan ``source`` names, into its file or its
    stored program (as ``actor``, an administrator of the local database); a bad id or
    name is a usage error naming ``--save`` or ``--name``."""
    try:
        return _save(source, ident, name=name, created=created, actor=actor)
    except UsageError as error:
        option = {"id": "--save", "name": "--name"}.get(error.option)
        if option is None:
            raise
        raise UsageError(error.message, option=option) from None


def _save(
    source: PlanSource,
    ident: str,
    *,
    name: str | None,
    created: date | None,
    actor: str | None,
) -> Baseline:
    if source.path is None:
        return _save_stored(source, ident, name=name, created=created, actor=actor)
    from progman.planfile import dump_plan  # noqa: PLC0415 - yaml: only here
    from progman.services.baselines import frozen_baseline  # noqa: PLC0415 - SQLAlchemy

    path = source.path
    if path.is_dir() or path.suffix.lower() not in WRITABLE:
        raise UsageError(
            f"a baseline is written into a .yaml or .json plan file, not {path}; "
            "import it first (progman import) or store it (progman db import)",
            option="PLAN",
        )
    program = load_program(source)
    if any(b.id == ident for b in program.baselines):
        raise Conflict(
            f"the plan has a baseline {ident!r} already: a baseline is never changed; "
            "take the new one under another id",
            location=Location(file=str(path)),
        )
    baseline = frozen_baseline(program, ident, name=name, created=created or date.today())
    dump_plan(program.model_copy(update={"baselines": [*program.baselines, baseline]}), path)
    return baseline


def _save_stored(
    source: PlanSource,
    ident: str,
    *,
    name: str | None,
    created: date | None,
    actor: str | None,
) -> Baseline:
    from progman.services.baselines import do_capture_baseline  # noqa: PLC0415
    from progman.services.database import database_url, unit_of_work  # noqa: PLC0415
    from progman.services.users import local_admin  # noqa: PLC0415

    assert source.program is not None  # a source names a file or a stored program
    with unit_of_work(database_url(source.database), write=True) as session:
        edit = do_capture_baseline(
            session, local_admin(actor), source.program, ident, name=name, created=created
        )
    return edit.view.baseline
