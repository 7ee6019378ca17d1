"""The resource heatmap of the web UI: people × weeks, each cell the person's load that week
against the capacity they have then, across every project of the program.

The figures are the load analysis's (:func:`progman.engine.load.analyse_load`, the one
``progman resources --week`` prints): a cell's percentage is the week's load over its
capacity in person-days, rounded as the command rounds it. A cell is marked, in signs as
well as colour, when the week's load is over its capacity (▲) or when some day of it is
(!, the week as a whole fits): leveling removes both.

:func:`program_heatmap` is a page of it (a project's people, a window of weeks);
:func:`cell_tasks` is what makes one cell's load, task by task. The load analysis of a
revision is computed once and kept, as the dashboard keeps its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlalchemy.orm import Session

from progman.domain import Program, WorkItem
from progman.domain.access import User
from progman.engine.load import EPSILON, LoadAnalysis, analyse_load
from progman.engine.schedule import Schedule
from progman.errors import NotFound, UsageError
from progman.services.catalog import visible_program_at
from progman.services.scheduling import stored_schedule
from progman.services.single_flight import Kept

__all__ = [
    "WEEKS_SHOWN",
    "Cell",
    "CellDetail",
    "HeatRow",
    "Heatmap",
    "Peak",
    "TaskShare",
    "Week",
    "cell_tasks",
    "heatmap_of",
    "over_cells",
    "peak_of",
    "program_heatmap",
    "stored_load",
]

#: Weeks on one page of the heatmap (a quarter): readable at 1280 pixels.
WEEKS_SHOWN = 13
MAX_WEEKS = 52
#: The share of capacity from which a week is "busy" (the CLI's yellow).
BUSY = 0.8


@dataclass(frozen=True)
class Week:
    label: str  # ISO week, "2027-W03"
    monday: date

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)


@dataclass(frozen=True)
class Cell:
    """One person's week: load and capacity in person-days."""

    load: float
    capacity: float
    over_days: int  # days of the week with load over that day's capacity

    @property
    def percent(self) -> int | None:
        """Load over capacity in %, rounded as ``progman resources --week`` rounds it;
        None without capacity."""
        if self.capacity <= 0:
            return None
        return round(self.load / self.capacity * 100)

    @property
    def over(self) -> bool:
        """The week's load is over the week's capacity."""
        return self.load > self.capacity + EPSILON

    @property
    def flagged(self) -> bool:
        """Over-allocated: over capacity that week or on some day of it."""
        return self.over or self.over_days > 0

    @property
    def level(self) -> str:
        """The colour band: idle, low (< 80 %), busy (80–100 %), over, or nocap (load
        where there is no capacity at all)."""
        if self.load <= EPSILON:
            return "idle"
        if self.capacity <= 0:
            return "nocap"
        if self.over:
            return "over"
        return "busy" if self.load >= BUSY * self.capacity - EPSILON else "low"

    @property
    def text(self) -> str:
        """What the cell reads: ``·`` without load, ``∞`` without capacity, else the %."""
        if self.load <= EPSILON:
            return "·"
        percent = self.percent
        return "∞" if percent is None else str(percent)


@dataclass(frozen=True)
class HeatRow:
    resource: str
    name: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Peak:
    """The fullest cell: who, which week, how full."""

    resource: str
    name: str
    week: Week
    cell: Cell


@dataclass(frozen=True)
class Heatmap:
    """A page of the heatmap: ``weeks`` (a window of all ``total_weeks``) for ``rows``."""

    program: str
    weeks: tuple[Week, ...]
    rows: tuple[HeatRow, ...]
    project: str | None
    projects: tuple[str, ...]
    first_week: Week
    last_week: Week  # of the whole analysis
    earlier: date | None  # the Monday of the page before, None on the first
    later: date | None
    over_cells: int  # over-allocated person-weeks in the whole analysis (all rows)
    peak: Peak | None  # in the whole analysis (all rows)
    status_week: str | None = None  # the week of the status date: before it is history


@dataclass(frozen=True)
class TaskShare:
    """A task's part of a person's load in a week."""

    task: str
    name: str
    project: str
    units: float  # the assignment's FTE
    person_days: float


@dataclass(frozen=True)
class CellDetail:
    resource: str
    name: str
    week: Week
    cell: Cell
    tasks: tuple[TaskShare, ...]  # most load first


# -- the load of a stored program, computed once per revision -------------------------

_LOADS: Kept[tuple[Program, Schedule, LoadAnalysis]] = Kept(4)


def stored_load(session: Session, user: User, key: str) -> tuple[Program, Schedule, LoadAnalysis]:
    """The stored program ``key``, its schedule and its load (kept per revision)."""
    _, _, stamp = visible_program_at(session, user, key)

    def load() -> tuple[Program, Schedule, LoadAnalysis]:
        program, planned = stored_schedule(session, user, key)
        return program, planned, analyse_load(program, planned)

    return _LOADS.get(stamp, load)


# -- the grid ---------------------------------------------------------------------------


def _weeks(analysis: LoadAnalysis) -> tuple[Week, ...]:
    return tuple(
        Week(label, analysis.origin + timedelta(days=7 * w))
        for w, label in enumerate(analysis.weeks)
    )


def _over_days(analysis: LoadAnalysis) -> np.ndarray:
    """int64[resources, weeks]: days of each week with load over capacity."""
    over = analysis.load > analysis.capacity + EPSILON
    counts: np.ndarray = over.reshape(over.shape[0], -1, 7).sum(axis=2)
    return counts


def _cell(analysis: LoadAnalysis, over_days: np.ndarray, r: int, w: int) -> Cell:
    return Cell(
        round(float(analysis.week_load[r, w]), 4),
        round(float(analysis.week_capacity[r, w]), 4),
        int(over_days[r, w]),
    )


def _first_week(analysis: LoadAnalysis, since: date | None) -> int:
    """The index of the week holding ``since`` (0 without one)."""
    return 0 if since is None else max((since - analysis.origin).days // 7, 0)


def over_cells(analysis: LoadAnalysis, since: date | None = None) -> int:
    """How many person-weeks are over-allocated (over capacity that week or on a day),
    from the week of ``since`` on when given."""
    over_week = analysis.week_load > analysis.week_capacity + EPSILON
    flagged = over_week | (_over_days(analysis) > 0)
    return int(flagged[:, _first_week(analysis, since) :].sum())


def peak_of(analysis: LoadAnalysis, since: date | None = None) -> Peak | None:
    """The person-week with the highest load over capacity (load without any capacity
    first), from the week of ``since`` on when given; None when nobody has load then."""
    lo = _first_week(analysis, since)
    if analysis.week_load[:, lo:].max(initial=0.0) <= EPSILON:
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(
            analysis.week_capacity > 0,
            analysis.week_load / analysis.week_capacity,
            np.where(analysis.week_load > EPSILON, np.inf, 0.0),
        )
    ratio[:, :lo] = -1.0
    r, w = divmod(int(np.argmax(ratio)), ratio.shape[1])
    return Peak(
        analysis.resources[r],
        analysis.names[r],
        _weeks(analysis)[w],
        _cell(analysis, _over_days(analysis), r, w),
    )


def _people_of(program: Program, project: str) -> set[str]:
    found = next((p for p in program.projects if p.id == project), None)
    if found is None:
        known = ", ".join(p.id for p in program.projects)
        raise UsageError(
            f"no project {project!r} in program {program.key}: one of {known}", option="project"
        )
    return {a.resource for item in found.work_items() for a in item.resources if a.resource}


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def heatmap_of(
    program: Program,
    analysis: LoadAnalysis,
    *,
    project: str | None = None,
    start: date | None = None,
    weeks: int = WEEKS_SHOWN,
    status_date: date | None = None,
) -> Heatmap:
    """The heatmap of ``analysis``: ``weeks`` weeks from the one holding ``start`` (by
    default the first week with load), for everyone or for the people with work in
    ``project`` (their load on every project); ``status_date``'s week is marked."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise UsageError(f"weeks must be 1 to {MAX_WEEKS}, not {weeks}", option="weeks")
    every = _weeks(analysis)
    total = len(every)
    if start is None:
        busy = np.flatnonzero(analysis.week_load.sum(axis=0) > EPSILON)
        first = int(busy[0]) if busy.size else 0
    else:
        first = min(max((_monday(start) - analysis.origin).days // 7, 0), max(total - weeks, 0))
    last = min(first + weeks, total)
    shown = range(first, last)
    chosen = _people_of(program, project) if project else None
    over_days = _over_days(analysis)
    rows = tuple(
        HeatRow(rid, analysis.names[r], tuple(_cell(analysis, over_days, r, w) for w in shown))
        for r, rid in enumerate(analysis.resources)
        if chosen is None or rid in chosen
    )
    return Heatmap(
        program=program.key,
        weeks=every[first:last],
        rows=rows,
        project=project,
        projects=tuple(p.id for p in program.projects),
        first_week=every[0],
        last_week=every[-1],
        earlier=every[max(first - weeks, 0)].monday if first > 0 else None,
        later=every[last].monday if last < total else None,
        over_cells=over_cells(analysis),
        peak=peak_of(analysis),
        status_week=None if status_date is None else _week_label(status_date),
    )


def _week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def program_heatmap(
    session: Session,
    user: User,
    key: str,
    *,
    project: str | None = None,
    start: date | None = None,
    weeks: int = WEEKS_SHOWN,
) -> Heatmap:
    """The heatmap of the stored program ``key`` as ``user`` may see it."""
    program, planned, analysis = stored_load(session, user, key)
    return heatmap_of(
        program, analysis, project=project, start=start, weeks=weeks,
        status_date=planned.status_date,
    )  # fmt: skip


# -- one cell's tasks -------------------------------------------------------------------


def _week_of(analysis: LoadAnalysis, label: str) -> tuple[int, Week]:
    try:
        w = analysis.weeks.index(label)
    except ValueError:
        raise UsageError(
            f"no week {label!r} in the plan of {analysis.program}: one from "
            f"{analysis.weeks[0]} to {analysis.weeks[-1]}, written like 2027-W03",
            option="week",
        ) from None
    return w, _weeks(analysis)[w]


def _alone(program: Program, resource: str, tasks: set[str]) -> tuple[Program, list[str]]:
    """A copy of ``program`` in which ``resource``'s assignment to each of ``tasks`` goes to
    a twin of it of its own (same calendar, capacity and vacations): the load analysis then
    gives each task's part of that person's load, computed exactly as the total is."""
    person = next(r for r in program.resources if r.id == resource)
    twins: dict[str, str] = {t: f"{resource}~{k}" for k, t in enumerate(sorted(tasks))}

    def split(item: WorkItem) -> WorkItem:
        update: dict[str, object] = {}
        if item.tasks:
            update["tasks"] = [split(child) for child in item.tasks]
        if item.id in twins:
            update["resources"] = [
                a.model_copy(update={"resource": twins[item.id]}) if a.resource == resource else a
                for a in item.resources
            ]
        return item.model_copy(update=update) if update else item

    projects = [
        p.model_copy(update={"tasks": [split(t) for t in p.tasks]}) for p in program.projects
    ]
    extra = [person.model_copy(update={"id": twin}) for twin in twins.values()]
    copy = program.model_copy(
        update={"projects": projects, "resources": [*program.resources, *extra]}
    )
    return copy, list(twins.values())


def cell_detail(
    program: Program, planned: Schedule, analysis: LoadAnalysis, resource: str, week: str
) -> CellDetail:
    """What makes ``resource``'s load in ``week`` of ``analysis`` (the load of ``program``
    on ``planned``): each task with its person-days that week."""
    if resource not in analysis.resources:
        raise NotFound(f"no resource {resource!r} in program {program.key}")
    r = analysis.index(resource)
    w, shown = _week_of(analysis, week)
    cell = _cell(analysis, _over_days(analysis), r, w)
    monday = np.datetime64(shown.monday)
    after = np.datetime64(shown.sunday + timedelta(days=1))
    candidates: set[str] = set()
    items = program.task_index()
    for entry in planned.tasks:
        if entry.summary or entry.milestone:
            continue
        item = items.get(entry.id)
        if item is None or not any(a.resource == resource for a in item.resources):
            continue
        if np.datetime64(entry.start) < after and np.datetime64(entry.finish) > monday:
            candidates.add(entry.id)
    shares: list[TaskShare] = []
    if candidates:
        copy, twins = _alone(program, resource, candidates)
        parts = analyse_load(copy, planned, shown.monday, shown.sunday)
        for task, twin in zip(sorted(candidates), twins, strict=True):
            row = parts.index(twin)
            days = float(parts.load[row, (shown.monday - parts.origin).days :][:7].sum())
            if days > EPSILON:
                item = items[task]
                units = sum(a.units for a in item.resources if a.resource == resource)
                project = planned.task(task).project
                shares.append(TaskShare(task, item.name, project, units, round(days, 4)))
    shares.sort(key=lambda s: (-s.person_days, s.task))
    return CellDetail(resource, analysis.names[r], shown, cell, tuple(shares))


def cell_tasks(session: Session, user: User, key: str, resource: str, week: str) -> CellDetail:
    """The tasks that make ``resource``'s load in ``week`` of the stored program ``key``."""
    program, planned, analysis = stored_load(session, user, key)
    return cell_detail(program, planned, analysis, resource, week)
