"""Scheduling a plan whose work items are columns, never built as objects.

A plan file of simple tasks (:mod:`progman.planfile.columnar` proves which) is read
straight into a :class:`TaskColumns`: building and checking a million pydantic
``WorkItem`` objects is most of the time of a large ``schedule --json``. This module turns
those columns into the build's :class:`~progman.engine.build_columns.Items` and runs the
steps :func:`~progman.engine.schedule.schedule` runs (build, CPM, describe), so the
schedule is the same, byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, overload

import numpy as np

from progman.domain import Program, WorkItem
from progman.domain.durations import Duration
from progman.domain.work import Assignment, ThreePointEstimate
from progman.engine.build import build_network
from progman.engine.build_columns import _FIELDS, Items, LinkColumns
from progman.engine.network import schedule_network
from progman.engine.schedule import NEAR_CRITICAL_DAYS, Schedule, describe


@dataclass(frozen=True, eq=False)
class TaskColumns:
    """The top-level tasks of every project, in file order, as columns.

    Only the fields a simple task may have: the others are their defaults (no calendar,
    no people, no progress, no subtasks). Equal durations and estimates are shared
    objects, as the plan loader shares them.
    """

    ids: Sequence[str]
    names: Sequence[str]
    project_of: np.ndarray  # int64[n] index into the program's projects
    duration: Sequence[Duration | None]
    estimate: Sequence[ThreePointEstimate | None]
    milestone: Sequence[bool]
    links: LinkColumns
    #: each task's assignments (the same objects for the same person and units); None:
    #: no task has any
    resources: Sequence[Sequence[Assignment]] | None = None
    #: int64[n] each task's parent (-1 at the top); None: no task has subtasks (the
    #: tasks are each project's list in file order, else depth first)
    parent_of: np.ndarray | None = None
    #: each task's subtasks' ids (empty: a task, not a summary); None: no subtasks
    children: Sequence[tuple[str, ...]] | None = None

    def __len__(self) -> int:
        return len(self.ids)


class LazyItems(Sequence[WorkItem]):
    """The work items of a columnar plan, made only if something reads one (the schedule
    itself does not: it reads the columns)."""

    def __init__(self, count: int, make: Callable[[], Sequence[WorkItem]]) -> None:
        self._count = count
        self._make = make
        self._made: Sequence[WorkItem] | None = None

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> WorkItem: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[WorkItem]: ...
    def __getitem__(self, index: int | slice) -> WorkItem | Sequence[WorkItem]:
        return self._items()[index]

    def __iter__(self) -> Iterator[WorkItem]:
        return iter(self._items())

    def _items(self) -> Sequence[WorkItem]:
        if self._made is None:
            self._made = self._make()
            if len(self._made) != self._count:  # an invariant of the plan: never expected
                raise RuntimeError("the work items do not match the plan's columns")
        return self._made


def items_of(table: TaskColumns, work_items: Sequence[WorkItem]) -> Items:
    """The build's view of ``table``: every field the build reads, the defaults for the
    fields a simple task does not have."""
    n = len(table)
    none: tuple[Any, ...] = (None,) * n
    empty: tuple[Any, ...] = ((),) * n
    columns: dict[str, tuple[Any, ...]] = dict.fromkeys(_FIELDS, none)
    columns.update(
        id=tuple(table.ids),
        name=tuple(table.names),
        duration=tuple(table.duration),
        estimate=tuple(table.estimate),
        milestone=tuple(table.milestone),
        depends=empty,
        tasks=empty if table.children is None else tuple(table.children),
        resources=empty if table.resources is None else tuple(table.resources),
    )
    return Items(
        work_items,
        table.project_of,
        np.full(n, -1, dtype=np.int64) if table.parent_of is None else table.parent_of,
        columns,
        links=table.links,
        unset=_UNSET - _given_of(table),
    )


#: the fields a simple task never has
_UNSET = frozenset(_FIELDS) - {"id", "name", "duration", "estimate", "milestone", "depends"}


def _given_of(table: TaskColumns) -> frozenset[str]:
    """The fields of :data:`_UNSET` that ``table``'s tasks have after all: people, and
    subtasks (the build then finds the summaries)."""
    return frozenset(
        name
        for name, column in (("resources", table.resources), ("tasks", table.children))
        if column is not None
    )


def schedule_columns(
    program: Program,
    table: TaskColumns,
    work_items: Sequence[WorkItem],
    *,
    status_date: date | None = None,
    near_critical_days: float = NEAR_CRITICAL_DAYS,
    strict: bool = False,
) -> Schedule:
    """The CPM schedule of ``program`` (its projects without their tasks) whose tasks are
    ``table``; ``work_items`` are the same tasks as objects, read only if an error needs
    them. A cycle or a schedule past the calendar tables raises the network's own error
    (:class:`~progman.engine.network.ScheduleCycle`, ``ScheduleOutOfRange``), with node
    numbers: the caller reports it through the object path, which names the tasks."""
    built = build_network(program, status_date, items=items_of(table, work_items))
    result = schedule_network(built.network)
    return describe(
        program,
        built,
        result,
        status=status_date or program.status_date,
        near_critical_days=near_critical_days,
        strict=strict,
    )


__all__ = ["LazyItems", "TaskColumns", "items_of", "schedule_columns"]
