"""Variance of a plan or a stored program against one of its baselines
(``progman baseline PLAN --compare ID``, ``GET …/baselines/{id}/variance``): the plan is
frozen as a baseline would be taken now, and the engine compares the two."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from progman.engine.variance import ScopeVariance, TaskVariance, Variance, variance
from progman.services.plans import PlanSource, load_program

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from progman.domain import Program
    from progman.domain.access import User

__all__ = [
    "ScopeVariance",
    "TaskVariance",
    "Variance",
    "baseline_variance",
    "plan_baseline_variance",
    "stored_baseline_variance",
    "variance_json",
]


def plan_baseline_variance(source: PlanSource, ident: str) -> Variance:
    """The plan ``source`` names against its baseline ``ident``."""
    return baseline_variance(load_program(source), ident)


def stored_baseline_variance(session: Session, user: User, key: str, ident: str) -> Variance:
    """The stored program ``key`` (as ``user`` may see it) against its baseline ``ident``."""
    from progman.services.catalog import visible_program  # noqa: PLC0415 - database stack

    return baseline_variance(visible_program(session, user, key), ident)


def baseline_variance(program: Program, ident: str) -> Variance:
    """``program`` as it is now against its baseline ``ident`` (not found: names the ones
    it has)."""
    from progman.engine.scheduled import scheduled  # noqa: PLC0415 - numba: on use
    from progman.services.baselines import find_baseline, frozen_tasks  # noqa: PLC0415

    chosen = find_baseline(program, ident)
    now = frozen_tasks(program)
    built = scheduled(program).built
    return variance(program, chosen, now, built.network.calendars, built.program_calendar)


def _moment(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    return value.isoformat()


def _scope_json(scope: ScopeVariance) -> dict[str, Any]:
    return {
        "baseline_finish": _moment(scope.baseline_finish),
        "finish": _moment(scope.finish),
        "finish_days": scope.finish_days,
        "baseline_work_hours": scope.baseline_work_hours,
        "work_hours": scope.work_hours,
        "baseline_cost": scope.baseline_cost,
        "cost": scope.cost,
    }


def _task_json(task: TaskVariance) -> dict[str, Any]:
    return {
        "id": task.id,
        "name": task.name,
        "project": task.project,
        "baseline_start": _moment(task.baseline_start),
        "start": _moment(task.start),
        "start_days": task.start_days,
        "baseline_finish": _moment(task.baseline_finish),
        "finish": _moment(task.finish),
        "finish_days": task.finish_days,
        "duration_days": task.duration_days,
        "work_hours": task.work_hours,
        "cost": task.cost,
    }


def variance_json(found: Variance, *, every_task: bool = True) -> dict[str, Any]:
    """``baseline --compare --json``: each variance is the plan's figure minus the
    baseline's (days of the program calendar, hours, money); tasks in plan order (with
    ``every_task`` False, only those that vary)."""
    return {
        "baseline": found.baseline,
        "program": _scope_json(found.program),
        "projects": {ident: _scope_json(s) for ident, s in found.projects.items()},
        "tasks": [_task_json(t) for t in found.tasks if every_task or t.varies],
        "added": list(found.added),
        "removed": list(found.removed),
    }
