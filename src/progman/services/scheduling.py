"""Scheduling a program by the critical path method (``progman schedule``, and the
schedule the API and the web UI show).

The result is the engine's :class:`Schedule`, re-exported with the row type
:class:`TaskSchedule` for the interfaces that format it.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import orjson

from progman.domain import Program
from progman.engine.schedule import NEAR_CRITICAL_DAYS, Schedule, schedule
from progman.engine.schedule_table import TaskSchedule
from progman.engine.task_columns import TaskColumns, task_columns
from progman.errors import ProgmanError, UsageError
from progman.services.inputs import check_project
from progman.services.single_flight import Kept

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from progman.domain.access import User
    from progman.planfile.columnar import ColumnarPlan

__all__ = [
    "NEAR_CRITICAL_DAYS",
    "Schedule",
    "TaskColumns",
    "TaskSchedule",
    "leveled_schedule",
    "schedule_program",
    "stored_schedule",
    "stored_schedule_json",
    "stored_schedule_page",
    "task_columns",
]


def schedule_program(
    program: Program | ColumnarPlan,
    *,
    status_date: date | None = None,
    near_critical_days: float = NEAR_CRITICAL_DAYS,
    strict: bool = False,
    project: str | None = None,
) -> Schedule:
    """The schedule of the whole program (every project, links across them); ``project``,
    when given, must be one of the program's (a usage error naming ``--project`` if not).
    A plan read as columns (:func:`~progman.services.plans.load_schedulable`) is scheduled
    from its columns; should that fail (a cycle, a date past the calendar tables), the
    whole program is, which reports it as usual (names, places)."""
    from progman.planfile.columnar import ColumnarPlan  # noqa: PLC0415 - on use

    if isinstance(program, ColumnarPlan):
        if project is not None:
            check_project(program.shell, project)
        from progman.engine.columnar import schedule_columns  # noqa: PLC0415 - on use

        try:
            return schedule_columns(
                program.shell,
                program.table,
                program.work_items(),
                status_date=status_date,
                near_critical_days=near_critical_days,
                strict=strict,
            )
        except ProgmanError:
            program = program.program()
    if project is not None:
        check_project(program, project)
    return schedule(
        program, status_date=status_date, near_critical_days=near_critical_days, strict=strict
    )


def leveled_schedule(
    program: Program, *, status_date: date | None = None, project: str | None = None
) -> Schedule:
    """The schedule of the program after resource leveling (``schedule --leveled``): the
    same rows as :func:`schedule_program`'s, the dates ``progman level`` gives with its
    default budget and seed (and ``level -o`` writes into a plan)."""
    from progman.services.leveling import level_program  # noqa: PLC0415 - on use

    if project is not None:
        check_project(program, project)
    return level_program(program, status_date=status_date).schedule


#: by the program's stamp (database, key, revision, saved at) and the status date
_SCHEDULES: Kept[_Schedule] = Kept(16)


class _Schedule:
    """A stored revision's schedule and, once a reader has asked for it, its whole JSON."""

    def __init__(self, schedule: Schedule) -> None:
        self.schedule = schedule
        self._text: bytes | None = None

    @property
    def text(self) -> bytes:
        if self._text is None:  # two readers at once make the same bytes: harmless
            self._text = b"".join(self.schedule.json_parts())
        return self._text


def _stored_schedule(
    session: Session, user: User, key: str, status_date: date | None
) -> tuple[Program, _Schedule]:
    """The schedule of the stored program ``key`` as ``user`` may see it. A revision never
    changes, so its schedule is computed once per status date and kept for the next readers
    (the last 16)."""
    from progman.services.catalog import visible_program_at  # noqa: PLC0415 - database stack

    program, _, stamp = visible_program_at(session, user, key)
    kept = _SCHEDULES.get(
        (stamp, status_date),
        lambda: _Schedule(schedule_program(program, status_date=status_date)),
    )
    return program, kept


def stored_schedule(
    session: Session, user: User, key: str, status_date: date | None = None
) -> tuple[Program, Schedule]:
    """The stored program ``key`` as ``user`` may see it, and its schedule."""
    program, kept = _stored_schedule(session, user, key, status_date)
    return program, kept.schedule


def stored_schedule_json(
    session: Session, user: User, key: str, status_date: date | None = None
) -> bytes:
    """``progman schedule --json`` of the stored program ``key`` as ``user`` may see it."""
    return _stored_schedule(session, user, key, status_date)[1].text


def stored_schedule_page(
    session: Session,
    user: User,
    key: str,
    *,
    status_date: date | None = None,
    project: str | None = None,
    critical: bool | None = None,
    cursor: str | None = None,
    limit: int,
) -> bytes:
    """:func:`stored_schedule_json` with only ``limit`` tasks after ``cursor``, of
    ``project`` only and critical or not when given, and the ``next`` page's cursor."""
    from progman.services.catalog import (  # noqa: PLC0415 - database stack
        decode_cursor,
        encode_cursor,
        foreign_cursor,
    )
    from progman.services.projects import MAX_PAGE  # noqa: PLC0415 - database stack

    if not 1 <= limit <= MAX_PAGE:
        raise UsageError(f"limit must be 1 to {MAX_PAGE}, not {limit}", option="limit")
    program, kept = _stored_schedule(session, user, key, status_date)
    if project is not None:
        check_project(program, project, option="project")
    try:
        text, last = kept.schedule.page_json(
            project=project,
            critical=critical,
            after=decode_cursor(cursor) if cursor else None,
            limit=limit,
        )
    except KeyError:
        raise foreign_cursor() from None
    following = orjson.dumps(encode_cursor(last) if last is not None else None)
    return text[:-1] + b',"next":' + following + b"}"
