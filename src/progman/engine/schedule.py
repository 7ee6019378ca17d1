"""``schedule(program)``: the critical path method on a whole program, in plan terms."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

import numpy as np
import orjson

from progman.collector import collector_paused
from progman.domain import Program
from progman.engine import kernels
from progman.engine.build import BuiltNetwork
from progman.engine.network import CpmResult
from progman.engine.schedule_table import (
    DRIVER_REASONS,
    NO_DRIVER,
    TaskSchedule,
    TaskTable,
    stamp,
    task_rows,
    tasks_json,
)
from progman.engine.schedule_text import CHUNK, csv_header, csv_lines, distinct, given
from progman.engine.scheduled import scheduled
from progman.errors import ProgmanError

NEAR_CRITICAL_DAYS = 5.0
_DRIVER_REASONS = {
    kernels.DRIVER_NONE: "start",
    kernels.DRIVER_CONSTRAINT: "constraint",
    kernels.DRIVER_ACTUAL: "actual",
}


class ScheduleConflict(ProgmanError):
    code = "schedule.conflict"


@dataclass(frozen=True)
class Conflict:
    """A link the schedule cannot keep because a must-start/finish-on date overrides it.

    Progress that broke a link (a task started before its predecessor finished) is not a
    conflict: it is history, and retained logic keeps the link for the work that remains.
    It is listed among the warnings as out-of-sequence progress.
    """

    predecessor: str
    successor: str
    link: str
    days_short: float

    def __str__(self) -> str:
        return (
            f"{self.successor} breaks its link '{self.link}' from {self.predecessor} by "
            f"{self.days_short:g} day{'' if self.days_short == 1 else 's'} (its "
            "must-start/finish-on date holds it earlier)"
        )


@dataclass(frozen=True)
class Schedule:
    """The program's schedule: every task, the critical paths, and what cannot hold.

    ``tasks`` holds a :class:`TaskSchedule` per work item in plan order (from
    :func:`describe` a :class:`TaskTable`, which makes them only when they are read).
    """

    program: str
    status_date: date | None
    finish: datetime
    tasks: Sequence[TaskSchedule]
    critical_path: tuple[str, ...]
    projects: dict[str, dict[str, Any]]
    conflicts: tuple[Conflict, ...]
    missed_deadlines: tuple[str, ...]
    warnings: tuple[str, ...]

    def task(self, ident: str) -> TaskSchedule:
        if isinstance(self.tasks, TaskTable):
            return self.tasks.by_id(ident)
        return self.tasks[self._index[ident]]

    def tasks_of(self, idents: Sequence[str]) -> list[TaskSchedule]:
        """:meth:`task` of each id, made at once."""
        if isinstance(self.tasks, TaskTable):
            return self.tasks.many(idents)
        return [self.task(ident) for ident in idents]

    @cached_property
    def _index(self) -> dict[str, int]:
        return {entry.id: i for i, entry in enumerate(self.tasks)}

    def to_json(self) -> dict[str, Any]:
        """The ``progman schedule --json`` object of SPEC §5 (plus extra detail)."""
        return {**self._head(), "tasks": task_rows(self.tasks, 0, len(self.tasks)), **self._tail()}

    def page_json(
        self,
        *,
        project: str | None = None,
        critical: bool | None = None,
        after: str | None = None,
        limit: int,
    ) -> tuple[bytes, str | None]:
        """:meth:`to_json` with only ``limit`` of the tasks of ``project`` (all when None)
        whose ``critical`` flag is ``critical`` (either when None) after the task ``after``
        (``KeyError`` if it is no task), and the id of the page's last task when more follow
        (else None)."""
        tasks = self.tasks
        if isinstance(tasks, TaskTable):
            chosen = tasks.positions(project=project, critical=critical)
            start = 0 if after is None else tasks.position(after) + 1
        else:
            chosen = np.array(
                [
                    k
                    for k, t in enumerate(tasks)
                    if project in (None, t.project) and critical in (None, t.critical)
                ],
                dtype=np.int64,
            )
            start = 0 if after is None else self._index[after] + 1
        chosen = chosen[np.searchsorted(chosen, start) :]
        page = chosen[:limit]
        if isinstance(tasks, TaskTable):
            rows = tasks.rows_at(page)
        else:
            rows = [task_rows(tasks, k, k + 1)[0] for k in page.tolist()]
        last = rows[-1]["id"] if len(chosen) > limit and rows else None
        return orjson.dumps({**self._head(), "tasks": rows, **self._tail()}), last

    def to_json_bytes(self) -> bytes:
        """:meth:`to_json` as UTF-8 JSON text without spaces, made from the columns of the
        tasks a chunk at a time: a fraction of a second for 100,000 tasks."""
        return b"".join(self.json_parts())

    def json_parts(self) -> Iterator[bytes]:
        """:meth:`to_json_bytes` in pieces, to write a large schedule without holding its
        whole text (``stream.writelines(schedule.json_parts())``)."""
        yield orjson.dumps(self._head())[:-1] + b',"tasks":['
        for k, chunk in enumerate(tasks_json(self.tasks)):
            yield b"," + chunk if k else chunk
        yield b"]," + orjson.dumps(self._tail())[1:]

    def csv_parts(self, project: str | None = None) -> Iterator[bytes]:
        """The tasks of ``project`` (all when None) as ``progman schedule --csv`` text, a
        header line first: the fields of the ``--json`` entries (without ``segments``), as
        ``csv.writer`` writes them, None empty and booleans ``true``/``false``."""
        yield csv_header()
        tasks = self.tasks
        if isinstance(tasks, TaskTable):
            yield from tasks.csv_rows(tasks.positions(project=project))
            return
        for lo in range(0, len(tasks), CHUNK):
            rows = task_rows(tasks, lo, lo + CHUNK)
            yield csv_lines([r for r in rows if project is None or r["project"] == project])

    def _head(self) -> dict[str, Any]:
        return {
            "program": self.program,
            "status_date": self.status_date.isoformat() if self.status_date else None,
            "finish": stamp(self.finish),
            "critical_path": list(self.critical_path),
            "projects": self.projects,
        }

    def _tail(self) -> dict[str, Any]:
        return {
            "conflicts": [
                {
                    "predecessor": c.predecessor,
                    "successor": c.successor,
                    "link": c.link,
                    "days_short": c.days_short,
                }
                for c in self.conflicts
            ],
            "missed_deadlines": list(self.missed_deadlines),
            "warnings": list(self.warnings),
        }


def schedule(
    program: Program,
    *,
    status_date: date | None = None,
    near_critical_days: float = NEAR_CRITICAL_DAYS,
    strict: bool = False,
) -> Schedule:
    """Schedule the whole program (all projects, cross-project links) by CPM.

    ``strict`` turns constraint conflicts (a link broken by a must-start/finish-on date or
    an actual) into a :class:`ScheduleConflict` error instead of a listed conflict. A
    program with dangling references, cycles or links that cannot hold raises
    :class:`PlanInvalid`. A program the loader (or the store) checked is not checked again
    unless it was changed since (see :func:`ensure_valid`).
    """
    done = scheduled(program, status_date)
    return describe(
        program,
        done.built,
        done.result,
        status=status_date or program.status_date,
        near_critical_days=near_critical_days,
        strict=strict,
    )


def _name(built: BuiltNetwork, index: int) -> str:
    """The plan id of a network node (a summary's finish node is named for the summary)."""
    return built.ids[int(built.node_items[index])]


def describe(
    program: Program,
    built: BuiltNetwork,
    result: CpmResult,
    *,
    status: date | None,
    near_critical_days: float = NEAR_CRITICAL_DAYS,
    strict: bool = False,
) -> Schedule:
    """The plan-level :class:`Schedule` of a CPM result on a built network.

    Everything is done on whole arrays (the summaries' roll-up a level of the breakdown at
    a time); the tasks stay columns in a :class:`TaskTable`.
    """
    with collector_paused():
        return _describe(
            program,
            built,
            result,
            status=status,
            near_critical_days=near_critical_days,
            strict=strict,
        )


def _describe(
    program: Program,
    built: BuiltNetwork,
    result: CpmResult,
    *,
    status: date | None,
    near_critical_days: float,
    strict: bool,
) -> Schedule:
    net = built.network
    tables = net.calendars
    n = built.item_count
    per_day = tables.minutes_per_day[net.calendar].astype(np.float64)
    total = result.total_float / per_day
    # rounded before the roll-up: the least of rounded values is the rounded least
    total_days = _rounded_days(result.total_float, net.calendar, tables.minutes_per_day)
    free_days = _rounded_days(result.free_float, net.calendar, tables.minutes_per_day)
    start, finish = result.early_start.copy(), result.early_finish.copy()
    late_start, late_finish = result.late_start.copy(), result.late_finish.copy()
    # A summary spans its children exactly (its finish node may sit at the next working
    # moment when the last child ends outside the summary's working hours), and it is as
    # tight as its tightest part.
    _roll_up(
        built.parent_of,
        lowest=(start, late_start, total, total_days, free_days),
        highest=(finish, late_finish),
    )
    complete = net.actual_finish[:n] != kernels.NO_TIME
    critical = (total[:n] <= 1e-9) & ~complete
    near = (total[:n] > 1e-9) & (total[:n] <= near_critical_days) & ~complete
    summary = built.is_summary
    project_ids = [p.id for p in program.projects]
    deadlines = built.column("deadline")
    tasks = TaskTable(
        tables=tables,
        ids=built.ids,
        names=built.column("name"),
        projects=(project_ids, built.project_of),
        columns={
            "start": start[:n],
            "finish": finish[:n],
            "late_start": late_start[:n],
            "late_finish": late_finish[:n],
            "total_float": total_days[:n],
            "free_float": free_days[:n],
            "critical": critical,
            "near_critical": near,
            "milestone": _flags(built.column("milestone")),
            "summary": summary,
            "complete": complete,
        },
        drivers=_driving_predecessors(built, result),
        deadlines=deadlines,
    )
    missed = np.flatnonzero(given(deadlines) & (total[:n] < -1e-9))
    conflicts, out_of_sequence = _broken_links(built, result)
    if strict and conflicts:
        raise ScheduleConflict("; ".join(str(c) for c in conflicts))
    chains = _Chains(built, result)
    leaves = ~summary
    program_end = chains.ends(leaves, np.zeros(n, dtype=np.int64), 1)[0]
    project_end, project_finish = chains.ends(leaves, built.project_of, len(project_ids))
    finish_stamps = tables.stamps(np.maximum(project_finish, 0))
    critical_path, *project_paths = chains.back_from_many(
        np.concatenate([program_end[:1], project_end])
    )
    project_deadlines = [p.deadline for p in program.projects]
    return Schedule(
        program=program.key,
        status_date=status,
        finish=tables.to_datetimes(np.array([result.finish]))[0],
        tasks=tasks,
        critical_path=tuple(critical_path),
        projects={
            project: {
                "finish": finish_stamps[p] if project_end[p] >= 0 else None,
                "critical_path": project_paths[p],
                "deadline": day.isoformat() if day else None,
                # as a task's: missed when the project finishes after the end of that day
                "deadline_missed": bool(
                    day
                    and project_end[p] >= 0
                    and project_finish[p] > tables.to_minutes(day + timedelta(days=1))
                ),
            }
            for p, (project, day) in enumerate(zip(project_ids, project_deadlines, strict=True))
        },
        conflicts=tuple(conflicts),
        missed_deadlines=tuple(built.ids[i] for i in missed.tolist()),
        warnings=(*built.warnings, *out_of_sequence),
    )


def _flags(values: Sequence[Any]) -> np.ndarray:
    """The truth of each value (at once when none is true)."""
    if not any(values):
        return np.zeros(len(values), dtype=bool)
    return np.fromiter(map(bool, values), dtype=bool, count=len(values))


def _rounded(values: np.ndarray) -> np.ndarray:
    """``round(value, 3)`` of each value, rounded by Python (exact, which ``np.round`` is
    not) once per distinct value."""
    found, where = np.unique(values, return_inverse=True)
    rounded = np.array([round(value, 3) for value in found.tolist()], dtype=np.float64)
    return rounded[where.reshape(-1)]


def _rounded_days(minutes: np.ndarray, calendar: np.ndarray, per_day: np.ndarray) -> np.ndarray:
    """``round(minutes / per_day[calendar], 3)`` of each node, rounded by Python once per
    distinct (minutes, calendar): without sorting floats, when the minutes lie in a range
    not much wider than their number (see :func:`distinct`)."""
    calendars = per_day.size
    own = calendar % calendars  # an index as numpy reads it (-1: the last)
    if minutes.size == 0 or int(np.abs(minutes).max()) >= (1 << 53) // calendars:
        return _rounded(minutes / per_day[own].astype(np.float64))
    keys, where = distinct(minutes * calendars + own)
    count, table = np.divmod(keys, calendars)
    days = count / per_day[table].astype(np.float64)
    rounded = np.array([round(value, 3) for value in days.tolist()], dtype=np.float64)
    return np.asarray(rounded[where], dtype=np.float64)


def _depths(parent_of: np.ndarray) -> np.ndarray:
    """How deep each item sits below the top (pointer jumping: O(n log depth))."""
    depth = (parent_of >= 0).astype(np.int64)
    above = parent_of.copy()
    going = np.flatnonzero(above >= 0)
    while going.size:
        up = above[going]
        depth[going] += depth[up]
        above[going] = above[up]
        going = going[above[going] >= 0]
    return depth


def _roll_up(
    parent_of: np.ndarray, *, lowest: tuple[np.ndarray, ...], highest: tuple[np.ndarray, ...]
) -> None:
    """Give each summary the least of its children's ``lowest`` values and the greatest of
    their ``highest``, a level at a time from the deepest (children of a level are done)."""
    children = np.flatnonzero(parent_of >= 0)
    if children.size == 0:
        return
    depth = _depths(parent_of)[children]
    children = children[np.argsort(-depth, kind="stable")]
    levels = np.flatnonzero(np.diff(np.sort(depth)[::-1])) + 1
    for members in np.split(children, levels):
        level = members[np.argsort(parent_of[members], kind="stable")]
        parents = parent_of[level]
        first = np.flatnonzero(np.concatenate(([True], parents[1:] != parents[:-1])))
        owners = parents[first]
        for values in lowest:
            values[owners] = np.minimum.reduceat(values[level], first)
        for values in highest:
            values[owners] = np.maximum.reduceat(values[level], first)


def _driving_predecessors(built: BuiltNetwork, result: CpmResult) -> np.ndarray:
    """Each item's driver as a :class:`TaskTable` code: the index of the predecessor whose
    link sets its start (none for a summary), or why nothing does."""
    n = built.item_count
    node = np.arange(n, dtype=np.int64)
    if built.finish_node:  # a summary is driven where its finish node is
        node[list(built.finish_node)] = list(built.finish_node.values())
    link = result.driver[node]
    codes = np.full(n, NO_DRIVER, dtype=np.int64)
    by_link = (link >= 0) & ~built.is_summary
    codes[by_link] = built.node_items[built.network.link_pred[link[by_link]]]
    reason = {name: -1 - k for k, name in enumerate(DRIVER_REASONS)}
    none = link == kernels.DRIVER_NONE
    held = built.held_by_status
    codes[none] = (
        reason["start"]
        if held is None
        else np.where(held[none], reason["status date"], reason["start"])
    )
    own_date = built.held_by_constraint
    if own_date is not None:  # its own date, before the start, set its floor
        codes[none & own_date] = reason["constraint"]
    for code in (kernels.DRIVER_CONSTRAINT, kernels.DRIVER_ACTUAL):
        codes[link == code] = reason[_DRIVER_REASONS[code]]
    return codes


def driving_chains(built: BuiltNetwork, result: CpmResult, nodes: Sequence[int]) -> list[list[str]]:
    """For each network node (a summary's finish node for a summary), the ids of the work
    along the driving chain that ends at it, first to last: why it finishes when it does."""
    return _Chains(built, result).back_from_many(np.asarray(nodes, dtype=np.int64))


class _Chains:
    """The driving chains of a schedule, walked back from a task."""

    def __init__(self, built: BuiltNetwork, result: CpmResult) -> None:
        self.built = built
        self.result = result

    def ends(
        self, candidates: np.ndarray, group: np.ndarray, groups: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per group: the candidate a chain starts from (-1 when none), and the latest
        early finish among its candidates.

        That is the last candidate with the latest finish; an ALAP task delayed to the end
        ties with the task that really ends it, and the chain starts from the latter (P6
        traces its longest path from early dates, before ALAP).
        """
        index = np.flatnonzero(candidates)
        owner = group[index]
        ends = self.result.early_finish[index]
        latest = np.full(groups, np.iinfo(np.int64).min, dtype=np.int64)
        np.maximum.at(latest, owner, ends)
        tied = ends == latest[owner]
        index, owner = index[tied], owner[tied]
        as_soon = self.built.network.constraint_type[index] != kernels.ALAP
        last = np.full(groups, -1, dtype=np.int64)
        np.maximum.at(last, owner, index)
        last_as_soon = np.full(groups, -1, dtype=np.int64)
        np.maximum.at(last_as_soon, owner[as_soon], index[as_soon])
        return np.where(last_as_soon >= 0, last_as_soon, last), latest

    def back_from(self, node: int) -> list[str]:
        """The ids of the work (no summaries) along the driving chain that ends at
        ``node``, first to last; ``node`` -1 has none."""
        return self.back_from_many(np.array([node], dtype=np.int64))[0]

    def back_from_many(self, nodes: np.ndarray) -> list[list[str]]:
        """:meth:`back_from` of each node, the chains walked side by side a link at a
        time (as many numpy steps as the longest chain has links, not a Python step per
        link of every chain)."""
        built, net = self.built, self.built.network
        driver, pred = self.result.driver, net.link_pred
        walked: list[tuple[np.ndarray, np.ndarray]] = []  # per step: chains, their nodes
        chain = np.flatnonzero(nodes >= 0)
        node = nodes[chain].astype(np.int64)
        for _ in range(net.size + 1):  # the drivers form no cycle: each chain ends
            if chain.size == 0:
                break
            walked.append((chain, node))
            link = driver[node]
            going = link >= 0
            chain, node = chain[going], pred[link[going]]
        else:
            raise RuntimeError("a driving chain does not end")  # an invariant of CPM
        if not walked:
            return [[] for _ in range(nodes.size)]
        owner = np.concatenate([c for c, _ in walked])
        at = np.concatenate([n for _, n in walked])
        step = np.concatenate([np.full(c.size, k) for k, (c, _) in enumerate(walked)])
        work = at < built.item_count
        work[work] = ~built.is_summary[at[work]]
        owner, at, step = owner[work], at[work], step[work]
        order = np.lexsort((-step, owner))  # by chain, first of the work to last
        owner, at = owner[order], at[order]
        bounds = np.searchsorted(owner, np.arange(nodes.size + 1))
        ids = built.ids
        named = list(map(ids.__getitem__, at.tolist()))
        return [named[bounds[k] : bounds[k + 1]] for k in range(nodes.size)]


def _broken_links(built: BuiltNetwork, result: CpmResult) -> tuple[list[Conflict], list[str]]:
    """Links the dates do not keep: conflicts, and warnings about out-of-sequence progress."""
    net = built.network
    slack = np.zeros(net.link_pred.shape[0], dtype=np.int64)
    kernels.link_slack(
        net.link_pred,
        net.link_succ,
        net.link_type,
        net.link_lag,
        net.link_elapsed,
        net.link_calendar,
        net.calendar,
        result.early_start,
        result.early_finish,
        slack,
        net.calendars.kernel_args(),
    )
    names = ("FS", "SS", "FF", "SF")
    progressed = (net.actual_start != kernels.NO_TIME) | (net.actual_finish != kernels.NO_TIME)
    conflicts = []
    out_of_sequence = []
    for link in np.flatnonzero(slack < 0).tolist():
        succ = int(net.link_succ[link])
        predecessor, successor = _name(built, int(net.link_pred[link])), _name(built, succ)
        kind = names[int(net.link_type[link])]
        if progressed[succ]:
            out_of_sequence.append(
                f"out-of-sequence progress: {successor}'s actual dates break its link "
                f"'{kind}' from {predecessor}; any remaining work waits for {predecessor}"
            )
            continue
        per_day = float(net.calendars.minutes_per_day[net.calendar[succ]])
        conflicts.append(
            Conflict(predecessor, successor, kind, round(-float(slack[link]) / per_day, 3))
        )
    return conflicts, out_of_sequence
