"""The tasks of a schedule: :class:`TaskSchedule`, and :class:`TaskTable`, which holds them
as columns and makes a :class:`TaskSchedule` only when one is asked for.

A 100,000-task schedule written as ``--json`` or ``--csv`` needs neither 100,000 objects
with four datetimes each nor 100,000 dicts: :meth:`TaskTable.json_rows` and
:meth:`TaskTable.csv_rows` write the rows straight from the columns (see
:mod:`progman.engine.schedule_text`). Code that reads ``schedule.tasks`` sees an ordinary
sequence.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple, overload

import numpy as np
import orjson

from progman.collector import collector_paused
from progman.engine import schedule_text
from progman.engine.calendars import MINUTES_PER_DAY, CalendarTables
from progman.engine.schedule_text import CHUNK

#: Why nothing drives a task, by the negative codes of :attr:`TaskTable.drivers`.
DRIVER_REASONS = ("status date", "start", "constraint", "actual")
NO_DRIVER = -(len(DRIVER_REASONS) + 1)  # a summary's: None
#: ``driving_predecessor`` by code, NO_DRIVER first and -1 last
_REASONS_BY_CODE = (None, *reversed(DRIVER_REASONS))


@dataclass(frozen=True)
class TaskSchedule:
    """The computed dates of one work item. Floats are working days of its calendar."""

    id: str
    name: str
    project: str
    start: datetime
    finish: datetime
    late_start: datetime
    late_finish: datetime
    total_float: float
    free_float: float
    critical: bool
    near_critical: bool
    milestone: bool
    summary: bool
    complete: bool
    driving_predecessor: str | None  # id, or "start" / "status date" / "constraint" / "actual"
    deadline: date | None
    segments: tuple[tuple[datetime, datetime], ...] = ()  # work split by leveling, in order


DATES = ("start", "finish", "late_start", "late_finish")
FLOATS = ("total_float", "free_float")
FLAGS = ("critical", "near_critical", "milestone", "summary", "complete")


class TableParts(NamedTuple):
    """The columns of a :class:`TaskTable`, as its constructor takes them."""

    tables: CalendarTables
    ids: Sequence[str]
    names: Sequence[str]
    project_ids: Sequence[str]
    project_of: np.ndarray
    columns: dict[str, np.ndarray]
    drivers: np.ndarray
    deadlines: Sequence[date | None]


class TaskTable(Sequence[TaskSchedule]):
    """Every task of a schedule, in plan order, as columns.

    ``dates`` are wall minutes of ``tables``; ``floats`` are already rounded; ``drivers``
    holds the index of each task's driving predecessor, or the negative code of a
    :data:`DRIVER_REASONS` entry (-1 the first), or :data:`NO_DRIVER`. Iterating makes every
    TaskSchedule once and keeps them; an index or :meth:`by_id` makes just one.
    """

    def __init__(
        self,
        *,
        tables: CalendarTables,
        ids: Sequence[str],
        names: Sequence[str],
        projects: tuple[Sequence[str], np.ndarray],
        columns: dict[str, np.ndarray],
        drivers: np.ndarray,
        deadlines: Sequence[date | None],
    ) -> None:
        self._tables = tables
        self._ids = ids
        self._names = names
        self._project_ids, self._project_of = projects
        self._columns = columns
        self._drivers = drivers
        self._deadlines = deadlines
        self._index: dict[str, int] | None = None
        self._made: tuple[TaskSchedule, ...] | None = None

    def __len__(self) -> int:
        return len(self._ids)

    @overload
    def __getitem__(self, index: int) -> TaskSchedule: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[TaskSchedule, ...]: ...

    def __getitem__(self, index: int | slice) -> TaskSchedule | tuple[TaskSchedule, ...]:
        if isinstance(index, slice):
            return self._all()[index]
        if self._made is not None:
            return self._made[index]
        position = range(len(self))[index]  # IndexError and negative indexes, as a tuple
        return next(self._make(position, position + 1))

    def __iter__(self) -> Iterator[TaskSchedule]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"TaskTable({len(self)} tasks)"

    def by_id(self, ident: str) -> TaskSchedule:
        """The task with this id (``KeyError`` if none)."""
        return self[self.position(ident)]

    def many(self, idents: Sequence[str]) -> list[TaskSchedule]:
        """The tasks with these ids, made in one pass over the columns (``KeyError`` if
        one is unknown): many look-ups at the price of one."""
        if self._made is not None:
            return [self._made[self.position(i)] for i in idents]
        at = np.fromiter(map(self.position, idents), dtype=np.int64, count=len(idents))
        places = at.tolist()
        columns = zip(
            [self._ids[k] for k in places],
            [self._names[k] for k in places],
            [self._project_ids[p] for p in self._project_of[at].tolist()],
            *(self._tables.to_datetimes(self._columns[name][at]) for name in DATES),
            *(self._columns[name][at].tolist() for name in (*FLOATS, *FLAGS)),
            self.driver_names(at),
            [self._deadlines[k] for k in places],
            strict=True,
        )
        return [TaskSchedule(*row) for row in columns]

    def driver_names(self, at: np.ndarray) -> list[str | None]:
        """``driving_predecessor`` of the tasks at positions ``at``."""
        names: list[str | None] = [None, *reversed(DRIVER_REASONS)]  # by code NO_DRIVER..-1
        return [
            names[code - NO_DRIVER] if code < 0 else self._ids[code]
            for code in self._drivers[at].tolist()
        ]

    def rows(self, lo: int, hi: int) -> list[dict[str, Any]]:
        """Tasks ``lo..hi`` as the ``tasks`` entries of ``progman schedule --json``."""
        return self.rows_at(np.arange(lo, min(hi, len(self)), dtype=np.int64))

    def rows_at(self, at: np.ndarray) -> list[dict[str, Any]]:
        """The tasks at positions ``at`` as ``tasks`` entries of ``progman schedule --json``."""
        keys = ("id", "name", "project", *DATES, *FLOATS, *FLAGS, "driving_predecessor")
        places = at.tolist()
        columns = [
            [self._ids[k] for k in places],
            [self._names[k] for k in places],
            [self._project_ids[p] for p in self._project_of[at].tolist()],
            *(self._tables.stamps(self._columns[name][at]) for name in DATES),
            *(self._columns[name][at].tolist() for name in (*FLOATS, *FLAGS)),
            self.driver_names(at),
        ]
        deadlines = [None if (d := self._deadlines[k]) is None else d.isoformat() for k in places]
        return [
            {**dict(zip(keys, row, strict=True)), "deadline": deadline}
            for *row, deadline in zip(*columns, deadlines, strict=True)
        ]

    def positions(
        self,
        *,
        project: str | None = None,
        critical: bool | None = None,
        milestone: bool | None = None,
    ) -> np.ndarray:
        """The positions of the tasks of ``project`` (all when None) whose ``critical`` and
        ``milestone`` flags are as asked (either when None), in plan order."""
        keep = np.ones(len(self), dtype=bool)
        if project is not None:
            known = list(self._project_ids)
            keep &= self._project_of == (known.index(project) if project in known else -1)
        for name, wanted in (("critical", critical), ("milestone", milestone)):
            if wanted is not None:
                keep &= self._columns[name].astype(bool) == wanted
        return np.flatnonzero(keep)

    def project_figures(self) -> dict[str, tuple[int, int, float | None]]:
        """Per project: its tasks (summaries aside), how many are critical, and the least
        total float among them (None when it has none), in working days."""
        leaf = ~self._columns["summary"].astype(bool)
        project = self._project_of[leaf]
        count = len(self._project_ids)
        tasks = np.bincount(project, minlength=count)
        critical = np.bincount(project, weights=self._columns["critical"][leaf], minlength=count)
        least = np.full(count, np.inf)
        np.minimum.at(least, project, self._columns["total_float"][leaf].astype(np.float64))
        return {
            ident: (int(tasks[p]), int(critical[p]), float(least[p]) if tasks[p] else None)
            for p, ident in enumerate(self._project_ids)
        }

    def project_starts(self) -> dict[str, datetime | None]:
        """Per project: the early start of its first task (None when it has none)."""
        leaf = ~self._columns["summary"].astype(bool)
        project = self._project_of[leaf]
        first = np.full(len(self._project_ids), np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(first, project, self._columns["start"][leaf])
        known = first < np.iinfo(np.int64).max
        stamps = self._tables.to_datetimes(np.where(known, first, 0))
        return {ident: stamps[p] if known[p] else None for p, ident in enumerate(self._project_ids)}

    def spans(self, positions: np.ndarray, origin: date) -> tuple[np.ndarray, np.ndarray]:
        """Start and finish of the tasks at ``positions`` in wall minutes from ``origin``
        (midnight): what load analysis needs, without making a TaskSchedule each."""
        shift = (self._tables.origin - origin).days * MINUTES_PER_DAY
        at = np.asarray(positions, dtype=np.int64)
        return self._columns["start"][at] + shift, self._columns["finish"][at] + shift

    def flags(self, name: str) -> np.ndarray:
        """One of :data:`FLAGS` of every task, in plan order, as booleans."""
        if name not in FLAGS:
            raise KeyError(name)
        return self._columns[name].astype(bool)

    def position(self, ident: str) -> int:
        """The plan-order position of the task ``ident`` (``KeyError`` if none)."""
        if self._index is None:
            self._index = dict(zip(self._ids, range(len(self._ids)), strict=True))
        return self._index[ident]

    def parts(self) -> TableParts:
        """The columns themselves (read only), for the bulk renderings of
        :mod:`progman.engine.schedule_text`."""
        return TableParts(
            self._tables,
            self._ids,
            self._names,
            self._project_ids,
            self._project_of,
            self._columns,
            self._drivers,
            self._deadlines,
        )

    def json_rows(self) -> Iterator[bytes]:
        """The ``tasks`` entries of ``--json`` as JSON text, a chunk of rows at a time
        (comma-separated, without the brackets): the same text orjson makes of
        :meth:`rows`."""
        return schedule_text.json_rows(self.parts(), _REASONS_BY_CODE)

    def csv_rows(self, at: np.ndarray) -> Iterator[bytes]:
        """The tasks at positions ``at`` as ``--csv`` lines, a chunk at a time: what
        ``csv.writer`` writes of their :meth:`rows_at` (None empty, ``true``/``false``)."""
        return schedule_text.csv_rows(self.parts(), _REASONS_BY_CODE, at)

    def _all(self) -> tuple[TaskSchedule, ...]:
        if self._made is None:
            with collector_paused():
                self._made = tuple(
                    task for lo in range(0, len(self), CHUNK) for task in self._make(lo, lo + CHUNK)
                )
        return self._made

    def _make(self, lo: int, hi: int) -> Iterator[TaskSchedule]:
        columns = zip(
            self._ids[lo:hi],
            self._names[lo:hi],
            [self._project_ids[p] for p in self._project_of[lo:hi].tolist()],
            *(self._tables.to_datetimes(self._columns[name][lo:hi]) for name in DATES),
            *(self._columns[name][lo:hi].tolist() for name in (*FLOATS, *FLAGS)),
            self.driver_names(np.arange(lo, min(hi, len(self)))),
            self._deadlines[lo:hi],
            strict=True,
        )
        return (TaskSchedule(*row) for row in columns)


def task_rows(tasks: Sequence[TaskSchedule], lo: int, hi: int) -> list[dict[str, Any]]:
    """Tasks ``lo..hi`` as ``--json`` entries: from the columns of a :class:`TaskTable`, else
    from the objects (a leveled schedule's, which may have ``segments``)."""
    if isinstance(tasks, TaskTable):
        return tasks.rows(lo, hi)
    return [_row(task) for task in tasks[lo:hi]]


def tasks_json(tasks: Sequence[TaskSchedule]) -> Iterator[bytes]:
    """The ``tasks`` entries of ``--json`` as comma-separated JSON text, in chunks."""
    if isinstance(tasks, TaskTable):
        yield from tasks.json_rows()
        return
    for lo in range(0, len(tasks), CHUNK):
        yield orjson.dumps(task_rows(tasks, lo, lo + CHUNK))[1:-1]


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")


def _row(t: TaskSchedule) -> dict[str, Any]:
    return {
        "id": t.id,
        "name": t.name,
        "project": t.project,
        "start": stamp(t.start),
        "finish": stamp(t.finish),
        "late_start": stamp(t.late_start),
        "late_finish": stamp(t.late_finish),
        "total_float": t.total_float,
        "free_float": t.free_float,
        "critical": t.critical,
        "near_critical": t.near_critical,
        "milestone": t.milestone,
        "summary": t.summary,
        "complete": t.complete,
        "driving_predecessor": t.driving_predecessor,
        "deadline": t.deadline.isoformat() if t.deadline else None,
        **({"segments": [[stamp(a), stamp(b)] for a, b in t.segments]} if t.segments else {}),
    }
