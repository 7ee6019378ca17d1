"""Where schedulers differ, on the built arrays: the lag calendar of each link, the start a
task's own date may set before the program's, and the two progress modes.

The program's ``scheduling`` settings choose (docs/scheduling.md, *Scheduling settings*);
each rule works on all tasks or links at once, so a plan that does not use one pays a few
array operations for it.
"""

from __future__ import annotations

import numpy as np

from progman.domain.scheduling import LagCalendar
from progman.engine.calendars import CalendarTables
from progman.engine.kernels import NO_TIME, SNET


def lag_calendars(
    mode: LagCalendar,
    pred: np.ndarray,
    succ: np.ndarray,
    calendar: np.ndarray,
    program_calendar: int,
) -> np.ndarray:
    """The calendar each link's lag counts on (``scheduling.lag_calendar``), for all links at
    once: empty for ``successor`` (the kernels' default, which needs no array) and for
    ``24h`` (whose lags are wall-clock time: the build marks them elapsed)."""
    del succ  # the successor's calendar is the kernels' own default
    if mode == "predecessor":
        return np.asarray(calendar[pred], dtype=np.int64)
    if mode == "program":
        return np.full(pred.shape[0], program_calendar, dtype=np.int64)
    return np.zeros(0, dtype=np.int64)


def early_constraints(
    constraint_type: np.ndarray, constraint_time: np.ndarray, floor: np.ndarray
) -> np.ndarray:
    """bool[n]: tasks whose start-no-earlier-than date comes before their floor (the
    program's or project's start). The task's own date wins, as in MS Project: it may
    start then if nothing else holds it. (A must-start-on date wins in the kernels.)"""
    found = (constraint_type == SNET) & (constraint_time != NO_TIME) & (constraint_time < floor)
    return np.asarray(found, dtype=bool)


def resume_points(
    tables: CalendarTables,
    calendar: np.ndarray,
    actual_start: np.ndarray,
    duration: np.ndarray,
    remaining: np.ndarray,
) -> np.ndarray:
    """Where the remaining work of tasks in progress may resume in the ``continuous`` mode
    (MS Project's): after the actual start and the work already done (the duration less
    what remains), whatever the status date says."""
    done = np.maximum(0, duration - remaining)
    worked = tables.work_before_many(calendar, actual_start) + done
    return np.asarray(tables.start_of_many(calendar, worked), dtype=np.int64)


def lower_ancestors(floor: np.ndarray, parent_of: np.ndarray, lowered: np.ndarray) -> None:
    """Let the summaries above each ``lowered`` item start as early as it (in place).

    Subtasks hang from their summary's start node, whose floor is the project's start: a
    task that may start before that (its own constraint, an actual start) would otherwise
    wait for it there. One numpy step per level of the breakdown.
    """
    items = np.asarray(lowered, dtype=np.int64)
    while items.size:
        parents = parent_of[items]
        keep = parents >= 0
        items, parents = items[keep], parents[keep]
        if not items.size:
            return
        before = floor[parents].copy()
        np.minimum.at(floor, parents, floor[items])
        items = np.unique(parents[floor[parents] < before])
