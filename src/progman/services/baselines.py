"""Baselines of a stored program (SPEC §3.5, ``progman baseline``): the schedule frozen
under a name to measure variance and earned value against, listed, read, captured from
the program as it is now, and deleted.

A baseline is part of the program (its ``baselines`` section), so capturing or deleting
one is an edit of the program like any other: saved against the revision it was read at,
audited, and answered with what it moved (nothing, in the schedule). A baseline is never
changed once taken; a new plan of record is a new baseline. Both writes need a program
manager of the program (or an admin).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from pydantic import ValidationError
from sqlalchemy.orm import Session

from progman.domain import Baseline, BaselineTask, Duration, Program, WorkItem
from progman.domain.access import Access, User
from progman.errors import Conflict, Location, NotFound, UsageError
from progman.services.catalog import (
    decode_cursor,
    do_save_edited,
    encode_cursor,
    foreign_cursor,
    visible_program,
    visible_program_at,
)
from progman.services.users import check_access
from progman.services.work_items import check_version
from progman.storage import entity_versions

MAX_PAGE = 500
KIND = "baseline"  # its kind name in storage and the audit log


@dataclass(frozen=True)
class BaselineView:
    """A baseline and its version (the ETag)."""

    baseline: Baseline
    version: int


@dataclass(frozen=True)
class BaselinePage:
    items: list[BaselineView]
    next: str | None


@dataclass(frozen=True)
class BaselineEdit:
    """A baseline taken or deleted: it (as it was, when deleted), the program before and
    after, and the program's new revision."""

    view: BaselineView
    before: Program
    after: Program
    revision: int


def find_baseline(program: Program, ident: str) -> Baseline:
    for baseline in program.baselines:
        if baseline.id == ident:
            return baseline
    known = ", ".join(b.id for b in program.baselines) or "none yet"
    raise NotFound(
        f"program {program.key} has no baseline {ident!r} (baselines: {known})",
        location=Location(entity=ident),
    )


def list_baselines(
    session: Session, user: User, key: str, *, cursor: str | None = None, limit: int = 100
) -> BaselinePage:
    """The program's baselines in plan order (oldest first, as they were taken), ``limit``
    at most after ``cursor``."""
    if not 1 <= limit <= MAX_PAGE:
        raise UsageError(f"limit must be 1 to {MAX_PAGE}, not {limit}", option="limit")
    program = visible_program(session, user, key)
    baselines = list(program.baselines)
    if cursor:
        after = decode_cursor(cursor)
        ids = [b.id for b in baselines]
        if after not in ids:
            raise foreign_cursor()
        baselines = baselines[ids.index(after) + 1 :]
    page = baselines[:limit]
    versions = entity_versions(session, key, KIND, [b.id for b in page])
    views = [BaselineView(b, versions.get(b.id, 1)) for b in page]
    more = len(baselines) > limit
    return BaselinePage(views, encode_cursor(page[-1].id) if more and page else None)


def get_baseline(session: Session, user: User, key: str, ident: str) -> BaselineView:
    baseline = find_baseline(visible_program(session, user, key), ident)
    return BaselineView(baseline, _version(session, key, ident))


def do_capture_baseline(
    session: Session,
    user: User,
    key: str,
    ident: str,
    *,
    name: str | None = None,
    description: str | None = None,
    created: date | None = None,
) -> BaselineEdit:
    """Take the baseline ``ident``: every work item's scheduled dates as they are now, and
    each task's duration, work and planned cost (``created``: today by default)."""
    program, revision, _ = visible_program_at(session, user, key)
    check_access(user, key, Access.MANAGE_PROGRAM)
    if any(b.id == ident for b in program.baselines):
        raise Conflict(
            f"program {key} has a baseline {ident!r} already: a baseline is never changed; "
            "take the new one under another id (or delete the old one first)",
            location=Location(path="id"),
        )
    baseline = frozen_baseline(
        program, ident, name=name, description=description, created=created or date.today()
    )
    edited = program.model_copy(update={"baselines": [*program.baselines, baseline]})
    saved = do_save_edited(session, user, key, edited, revision)
    view = BaselineView(baseline, _version(session, key, ident))
    return BaselineEdit(view, program, edited, saved)


def do_delete_baseline(
    session: Session, user: User, key: str, ident: str, if_match: int | None
) -> BaselineEdit:
    """Delete the baseline ``ident`` if ``if_match`` is its version (the audit log keeps
    what it held)."""
    program, revision, _ = visible_program_at(session, user, key)
    baseline = find_baseline(program, ident)
    check_access(user, key, Access.MANAGE_PROGRAM)
    check_version(ident, if_match, _version(session, key, ident))
    kept = [b for b in program.baselines if b.id != ident]
    edited = program.model_copy(update={"baselines": kept})
    saved = do_save_edited(session, user, key, edited, revision)
    return BaselineEdit(BaselineView(baseline, 0), program, edited, saved)


def _version(session: Session, key: str, ident: str) -> int:
    return entity_versions(session, key, KIND, [ident]).get(ident, 1)


# -- taking a baseline ----------------------------------------------------------------------


def frozen_baseline(
    program: Program,
    ident: str,
    *,
    created: date,
    name: str | None = None,
    description: str | None = None,
) -> Baseline:
    """The baseline ``ident`` of ``program`` as it is scheduled now (CPM, its status date):
    :func:`frozen_tasks` of it, under that id."""
    try:
        baseline_id = Baseline.model_validate(
            {"id": ident, "created": created, "name": name, "description": description}
        ).id
    except ValidationError as error:
        detail = error.errors(include_url=False)[0]
        field = str(detail["loc"][0]) if detail["loc"] else "id"
        message = str(detail["msg"]).removeprefix("Value error, ")
        raise UsageError(message, option=field) from None
    tasks = {  # the schedule's own values: valid, so not validated again
        ident: BaselineTask.model_construct(**task._asdict())
        for ident, task in frozen_tasks(program).items()
    }
    return Baseline(
        id=baseline_id, name=name, created=created, description=description, tasks=tasks
    )


class FrozenTask(NamedTuple):
    """A :class:`BaselineTask`'s figures, without the model (the plan now, compared)."""

    start: datetime
    finish: datetime
    duration: Duration | None
    work: Duration | None
    cost: float | None


def frozen_tasks(program: Program) -> dict[str, FrozenTask]:
    """Every work item of ``program`` as a baseline would freeze it now: its start and
    finish, a task's (not a summary's) duration (:func:`planned_duration`), and its own
    work in hours and planned cost by :mod:`progman.engine.cost`, the model of the plan's
    cost, what-if and Monte Carlo: a baseline costs what the plan costs, to the cent (a
    summary only what it carries itself)."""
    from progman.engine.cost import planned_costs  # noqa: PLC0415 - numba: on use
    from progman.engine.schedule import describe  # noqa: PLC0415 - numba: on use
    from progman.engine.scheduled import scheduled  # noqa: PLC0415 - numba: on use

    items = program.task_index()
    done = scheduled(program)
    figures = planned_costs(program, built=done.built).by_id
    tasks: dict[str, FrozenTask] = {}
    for row in describe(program, done.built, done.result, status=program.status_date).tasks:
        item = items[row.id]
        cost, hours = figures[row.id]
        tasks[row.id] = FrozenTask(
            row.start,
            row.finish,
            None if item.is_summary else planned_duration(item),
            Duration(round(hours, 2), "h") if hours else None,
            cost or None,
        )
    return tasks


def planned_duration(item: WorkItem) -> Duration | None:
    """The duration the schedule gives a task: its own, else its most likely estimate (a
    milestone: none); a task driven by its work has none of its own (None)."""
    if item.duration is not None:
        return item.duration
    if item.estimate is not None:
        return item.estimate.most_likely
    return Duration(0, "d") if item.milestone else None
