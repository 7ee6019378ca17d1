"""The tasks of a schedule as columns of plain values, for a table of every task: from a
:class:`~progman.engine.schedule_table.TaskTable` read off its arrays at once, without a
:class:`~progman.engine.schedule_table.TaskSchedule` per task (100,000 of them, with four
datetimes each, took longer than writing the table)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

import numpy as np

from progman.engine.schedule_table import TaskSchedule, TaskTable


class TaskColumns(NamedTuple):
    """Row k of every list is the k-th task's value of the :class:`TaskSchedule` field of
    the same name (``starts`` its ``start``, ``drivers`` its ``driving_predecessor``...)."""

    ids: list[str]
    names: list[str]
    projects: list[str]
    starts: list[datetime]
    finishes: list[datetime]
    total_floats: list[float]
    free_floats: list[float]
    critical: list[bool]
    near_critical: list[bool]
    milestone: list[bool]
    summary: list[bool]
    complete: list[bool]
    drivers: list[str | None]


def task_columns(tasks: Sequence[TaskSchedule], project: str | None = None) -> TaskColumns:
    """The tasks of ``project`` (all when None), in plan order, as columns."""
    if isinstance(tasks, TaskTable):
        return _from_table(tasks, project)
    chosen = [t for t in tasks if project is None or t.project == project]
    return TaskColumns(
        [t.id for t in chosen],
        [t.name for t in chosen],
        [t.project for t in chosen],
        [t.start for t in chosen],
        [t.finish for t in chosen],
        [t.total_float for t in chosen],
        [t.free_float for t in chosen],
        [t.critical for t in chosen],
        [t.near_critical for t in chosen],
        [t.milestone for t in chosen],
        [t.summary for t in chosen],
        [t.complete for t in chosen],
        [t.driving_predecessor for t in chosen],
    )


def _from_table(table: TaskTable, project: str | None) -> TaskColumns:
    parts = table.parts()
    every = project is None
    at = np.arange(len(table)) if every else table.positions(project=project)
    places = at.tolist()
    columns = parts.columns

    def values(name: str) -> list[Any]:
        column = columns[name] if every else columns[name][at]
        return column.tolist()  # type: ignore[no-any-return]

    return TaskColumns(
        list(parts.ids) if every else [parts.ids[k] for k in places],
        list(parts.names) if every else [parts.names[k] for k in places],
        [parts.project_ids[p] for p in parts.project_of[at].tolist()],
        parts.tables.to_datetimes(columns["start"][at]),
        parts.tables.to_datetimes(columns["finish"][at]),
        values("total_float"),
        values("free_float"),
        values("critical"),
        values("near_critical"),
        values("milestone"),
        values("summary"),
        values("complete"),
        table.driver_names(at),
    )
