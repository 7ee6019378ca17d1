"""Scheduling a program by the critical path method (``progman schedule``, and the
schedule the API and the web UI show).

The result is the engine's :class:`Schedule`, re-exported with the row type
:class:`TaskSchedule` for the interfaces that format it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date
from typing import TYPE_CHECKING

from progman.domain import Program
from progman.engine.schedule import NEAR_CRITICAL_DAYS, Schedule, schedule
from progman.engine.schedule_table import TaskSchedule
from progman.services.inputs import check_project
from progman.services.single_flight import SingleFlight

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from progman.domain.access import User

__all__ = [
    "NEAR_CRITICAL_DAYS",
    "Schedule",
    "TaskSchedule",
    "schedule_program",
    "stored_schedule_json",
]


def schedule_program(
    program: Program,
    *,
    status_date: date | None = None,
    near_critical_days: float = NEAR_CRITICAL_DAYS,
    strict: bool = False,
    project: str | None = None,
) -> Schedule:
    """The schedule of the whole program (every project, links across them); ``project``,
    when given, must be one of the program's (a usage error naming ``--project`` if not)."""
    if project is not None:
        check_project(program, project)
    return schedule(
        program, status_date=status_date, near_critical_days=near_critical_days, strict=strict
    )


#: by the program's stamp (database, key, revision, saved at) and the status date
_SCHEDULES: OrderedDict[tuple[tuple[str, str, int, str], date | None], bytes] = OrderedDict()
_SCHEDULES_LOCK = threading.Lock()
_SCHEDULES_KEPT = 16
#: the schedules being computed: one computation for the readers that ask together
_COMPUTING: SingleFlight[bytes] = SingleFlight()


def stored_schedule_json(
    session: Session, user: User, key: str, status_date: date | None = None
) -> bytes:
    """``progman schedule --json`` of the stored program ``key`` as ``user`` may see it.

    A revision never changes, so its schedule is computed once per status date and kept
    for the next readers (the last :data:`_SCHEDULES_KEPT`).
    """
    from progman.services.catalog import visible_program_at  # noqa: PLC0415 - database stack

    program, _, stamp = visible_program_at(session, user, key)
    cache_key = (stamp, status_date)
    with _SCHEDULES_LOCK:
        cached = _SCHEDULES.get(cache_key)
    if cached is not None:
        return cached
    text = _COMPUTING.run(
        cache_key,
        lambda: b"".join(schedule_program(program, status_date=status_date).json_parts()),
    )
    with _SCHEDULES_LOCK:
        _SCHEDULES[cache_key] = text
        while len(_SCHEDULES) > _SCHEDULES_KEPT:
            _SCHEDULES.popitem(last=False)
    return text
