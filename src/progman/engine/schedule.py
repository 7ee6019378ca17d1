"""``schedule(program)``: the critical path method on a whole program, in plan terms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np

from progman.domain import Program
from progman.domain.checked import check_once
from progman.domain.validation import format_path
from progman.engine import kernels
from progman.engine.build import BuiltNetwork, build_network
from progman.engine.network import CpmResult, ScheduleCycle, schedule_network
from progman.errors import Location, PlanInvalid, Problem, ProgmanError

NEAR_CRITICAL_DAYS = 5.0
_DRIVER_REASONS = {
    kernels.DRIVER_NONE: "start",
    kernels.DRIVER_CONSTRAINT: "constraint",
    kernels.DRIVER_ACTUAL: "actual",
}


class ScheduleConflict(ProgmanError):
    code = "schedule.conflict"


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
            f"{self.days_short:g} days (its must-start/finish-on date holds it earlier)"
        )


@dataclass(frozen=True)
class Schedule:
    """The program's schedule: every task, the critical paths, and what cannot hold."""

    program: str
    status_date: date | None
    finish: datetime
    tasks: tuple[TaskSchedule, ...]
    critical_path: tuple[str, ...]
    projects: dict[str, dict[str, Any]]
    conflicts: tuple[Conflict, ...]
    missed_deadlines: tuple[str, ...]
    warnings: tuple[str, ...]

    def task(self, ident: str) -> TaskSchedule:
        for entry in self.tasks:
            if entry.id == ident:
                return entry
        raise KeyError(ident)

    def to_json(self) -> dict[str, Any]:
        """The ``progman schedule --json`` object of SPEC §5 (plus extra detail)."""

        def stamp(moment: datetime) -> str:
            return moment.isoformat(timespec="minutes")

        return {
            "program": self.program,
            "status_date": self.status_date.isoformat() if self.status_date else None,
            "finish": stamp(self.finish),
            "critical_path": list(self.critical_path),
            "projects": self.projects,
            "tasks": [
                {
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
                    **(
                        {"segments": [[stamp(a), stamp(b)] for a, b in t.segments]}
                        if t.segments
                        else {}
                    ),
                }
                for t in self.tasks
            ],
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
    ensure_valid(program)
    built = build_network(program, status_date)
    try:
        result = schedule_network(built.network)
    except ScheduleCycle as cycle:
        names = [_name(built, i) for i in cycle.cycle]
        raise ScheduleCycle("dependency cycle: " + " -> ".join(names), cycle.cycle) from None
    return describe(
        program,
        built,
        result,
        status=status_date or program.status_date,
        near_critical_days=near_critical_days,
        strict=strict,
    )


def ensure_valid(program: Program) -> None:
    """Raise :class:`PlanInvalid` with every problem a loaded plan would have been refused for.

    One check per program: one marked checked by the plan loader or the store, or by an
    earlier call, and not changed since, is trusted; any other (built or changed by the
    caller) is checked, see :mod:`progman.domain.checked`.
    """
    findings = check_once(program)
    if findings:
        raise PlanInvalid(
            Problem(f.code, f.message, Location(path=format_path(f.path))) for f in findings
        )


def _name(built: BuiltNetwork, index: int) -> str:
    """The plan id of a network node (a summary's finish node is named for the summary)."""
    if index < built.item_count:
        return built.ids[index]
    owner = next(s for s, f in built.finish_node.items() if f == index)
    return built.ids[owner]


def describe(
    program: Program,
    built: BuiltNetwork,
    result: CpmResult,
    *,
    status: date | None,
    near_critical_days: float = NEAR_CRITICAL_DAYS,
    strict: bool = False,
) -> Schedule:
    """The plan-level :class:`Schedule` of a CPM result on a built network."""
    net = built.network
    tables = net.calendars
    n = built.item_count
    per_day = tables.minutes_per_day[net.calendar].astype(np.float64)
    total = result.total_float / per_day
    free = result.free_float / per_day
    start, finish = result.early_start.copy(), result.early_finish.copy()
    late_start, late_finish = result.late_start.copy(), result.late_finish.copy()
    for summary in sorted(built.finish_node, reverse=True):
        # children come after their summary in plan order: roll up deepest summaries first.
        # A summary spans its children exactly (its finish node may sit at the next working
        # moment when the last child ends outside the summary's working hours).
        children = np.flatnonzero(built.parent_of == summary)
        start[summary] = start[children].min()
        late_start[summary] = late_start[children].min()
        finish[summary] = finish[children].max()
        late_finish[summary] = late_finish[children].max()
        total[summary] = total[children].min()  # as tight as its tightest part
        free[summary] = free[children].min()
    complete = net.actual_finish[:n] != kernels.NO_TIME
    critical = (total[:n] <= 1e-9) & ~complete
    near = (total[:n] > 1e-9) & (total[:n] <= near_critical_days) & ~complete
    drivers = _driving_predecessors(built, result)
    projects = [p.id for p in program.projects]
    dates = {
        name: tables.to_datetimes(values[:n])
        for name, values in (
            ("start", start),
            ("finish", finish),
            ("late_start", late_start),
            ("late_finish", late_finish),
        )
    }
    tasks = tuple(
        TaskSchedule(
            id=built.ids[i],
            name=item.name,
            project=projects[built.project_of[i]],
            start=dates["start"][i],
            finish=dates["finish"][i],
            late_start=dates["late_start"][i],
            late_finish=dates["late_finish"][i],
            total_float=round(float(total[i]), 3),
            free_float=round(float(free[i]), 3),
            critical=bool(critical[i]),
            near_critical=bool(near[i]),
            milestone=item.milestone,
            summary=bool(item.tasks),
            complete=bool(complete[i]),
            driving_predecessor=drivers[i],
            deadline=item.deadline,
        )
        for i, item in enumerate(built.items)
    )
    leaves = np.array([not item.tasks for item in built.items], dtype=bool)
    conflicts, out_of_sequence = _broken_links(built, result)
    if strict and conflicts:
        raise ScheduleConflict("; ".join(str(c) for c in conflicts))
    return Schedule(
        program=program.key,
        status_date=status,
        finish=tables.to_datetimes(np.array([result.finish]))[0],
        tasks=tasks,
        critical_path=tuple(_trace(built, result, leaves)),
        projects={
            project: _project_summary(built, result, leaves & (built.project_of == p), tables)
            for p, project in enumerate(projects)
        },
        conflicts=tuple(conflicts),
        missed_deadlines=tuple(
            built.ids[i]
            for i, item in enumerate(built.items)
            if item.deadline is not None and total[i] < -1e-9
        ),
        warnings=(*built.warnings, *out_of_sequence),
    )


def _driving_predecessors(built: BuiltNetwork, result: CpmResult) -> list[str | None]:
    net = built.network
    out: list[str | None] = []
    for i in range(built.item_count):
        node = built.finish_node.get(i, i) if built.items[i].tasks else i
        link = int(result.driver[node])
        if link >= 0:
            pred = int(net.link_pred[link])
            out.append(None if built.items[i].tasks else _name(built, pred))
        elif link == kernels.DRIVER_NONE and built.held_by_status is not None:
            out.append("status date" if built.held_by_status[i] else "start")
        else:
            out.append(_DRIVER_REASONS.get(link))
    return out


def _trace(built: BuiltNetwork, result: CpmResult, candidates: np.ndarray) -> list[str]:
    """The driving chain that ends at the latest finish among ``candidates``, first to last.

    An ALAP task delayed to the end ties with the task that really ends the program; the
    chain starts from the latter (P6 traces its longest path from early dates, before ALAP).
    """
    indexes = np.flatnonzero(candidates)
    if indexes.size == 0:
        return []
    finishes = result.early_finish[indexes]
    latest = indexes[finishes == finishes.max()]
    net = built.network
    as_soon = latest[net.constraint_type[latest] != kernels.ALAP]
    node = int((as_soon if as_soon.size else latest)[-1])
    chain: list[str] = []
    seen: set[int] = set()
    while node not in seen:
        seen.add(node)
        if node < built.item_count and not built.items[node].tasks:
            chain.append(built.ids[node])
        link = int(result.driver[node])
        if link < 0:
            break
        node = int(net.link_pred[link])
    chain.reverse()
    return chain


def _project_summary(
    built: BuiltNetwork, result: CpmResult, members: np.ndarray, tables: Any
) -> dict[str, Any]:
    if not members.any():
        return {"finish": None, "critical_path": []}
    end = int(result.early_finish[: members.shape[0]][members].max())
    return {
        "finish": tables.to_datetimes(np.array([end]))[0].isoformat(timespec="minutes"),
        "critical_path": _trace(built, result, members),
    }


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
