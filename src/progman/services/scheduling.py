"""Scheduling a program by the critical path method (``progman schedule``, and the
schedule the API and the web UI show).

The result is the engine's :class:`Schedule`, re-exported with the row type
:class:`TaskSchedule` for the interfaces that format it.
"""

from __future__ import annotations

from datetime import date

from progman.domain import Program
from progman.engine.schedule import NEAR_CRITICAL_DAYS, Schedule, schedule
from progman.engine.schedule_table import TaskSchedule
from progman.services.inputs import check_project

__all__ = ["NEAR_CRITICAL_DAYS", "Schedule", "TaskSchedule", "schedule_program"]


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
