"""Resource load across every project of a program, from its schedule (numpy, no loops per day).

* **load** of a resource on a day: for each task it is assigned to, its units times the
  share of that day's working window (the resource's own calendar, opening hour and hours per
  day) that the task runs. Vacations do not remove load: work scheduled on a vacation day
  (an elapsed task, actual dates) shows as over-allocation there.
* **capacity** on a day: FTE (``capacity``, or the ``availability`` period covering the day)
  on the resource's working days; zero on weekends, holidays and vacations. It is the one
  capacity model of :mod:`progman.engine.capacity`, which leveling reads too; work on
  elapsed time loads a person by the share of the person's working window it covers.
* **over-allocation**: runs of days where load exceeds capacity; days on which the resource
  neither works nor has load do not break a run. Each period names the tasks that cause it.
* **role and skill demand**: assignments to a role or a skill still to be staffed, on the
  program's calendar; one to a role with a skill counts for both.
* **free query**: people with a skill whose free capacity (capacity - load) is at least a
  share on N consecutive working days of their own calendar inside a window.

Cost resources carry money, not time: they are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from progman.domain import Program
from progman.engine.build import BuiltNetwork
from progman.engine.calendars import ELAPSED, MINUTES_PER_DAY
from progman.engine.capacity import capacity_model
from progman.engine.schedule import Schedule
from progman.engine.schedule_table import TaskTable
from progman.engine.scheduled import scheduled

EPSILON = 1e-9


@dataclass(frozen=True)
class OverAllocation:
    """Consecutive days on which a resource is loaded beyond its capacity."""

    resource: str
    start: date
    finish: date
    days: int  # over-allocated days in the period
    peak_load: float
    excess: float  # person-days above capacity
    tasks: tuple[tuple[str, str, float], ...]  # (task id, project, units)


@dataclass(frozen=True)
class FreeResource:
    """A person free for the asked number of working days, with the first such window."""

    resource: str
    name: str
    start: date
    finish: date
    free: float  # the smallest free capacity (FTE) over that window


@dataclass(frozen=True)
class LoadAnalysis:
    """Load, capacity and utilisation per resource and day, and what follows from them.

    ``load`` and ``capacity`` are ``float64[resources, days]`` in FTE; day ``d`` is
    ``origin + d``. Groups (``team:X``, ``skill:X``, ``role:X``) are compared per ISO week.
    """

    program: str
    origin: date
    resources: tuple[str, ...]
    names: tuple[str, ...]
    load: np.ndarray
    capacity: np.ndarray
    weeks: tuple[str, ...]  # "2027-W14", in order
    week_of_day: np.ndarray  # int64[days] index into weeks
    week_load: np.ndarray  # float64[resources, weeks] person-days
    week_capacity: np.ndarray  # float64[resources, weeks] person-days
    role_demand: dict[str, np.ndarray]  # role -> float64[days] FTE still to be staffed
    groups: dict[str, tuple[np.ndarray, np.ndarray]]  # group -> (capacity, demand) per week
    over_allocations: tuple[OverAllocation, ...]
    # skill (lower case) -> float64[days] FTE still to be staffed
    skill_demand: dict[str, np.ndarray] = field(default_factory=dict)
    _people: tuple[tuple[bool, frozenset[str], np.ndarray], ...] = ()  # person?, skills, works

    @property
    def days(self) -> int:
        return int(self.load.shape[1])

    def day(self, index: int) -> date:
        return self.origin + timedelta(days=index)

    def index(self, resource: str) -> int:
        return self.resources.index(resource)

    def utilisation(self) -> np.ndarray:
        """Per resource: total load over total capacity (NaN without capacity)."""
        cap = self.capacity.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(cap > 0, self.load.sum(axis=1) / cap, np.nan)

    def week_utilisation(self) -> np.ndarray:
        """Heatmap data: load over capacity per resource and week (NaN without capacity)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio: np.ndarray = np.where(
                self.week_capacity > 0, self.week_load / self.week_capacity, np.nan
            )
        return ratio

    def over_days(self) -> np.ndarray:
        """Per resource: days on which load exceeds capacity."""
        over = self.load > self.capacity + EPSILON
        counts: np.ndarray = over.sum(axis=1).astype(np.int64)
        return counts

    def free(
        self, skill: str, days: int, first: date, last: date, share: float = 1.0
    ) -> list[FreeResource]:
        """People with ``skill`` free (capacity - load >= share) for ``days`` working days."""
        found: list[FreeResource] = []
        lo = max(0, (first - self.origin).days)
        hi = min(self.days, (last - self.origin).days + 1)
        if hi <= lo or days < 1:
            return found
        free = self.capacity - self.load
        for r, (person, skills, works) in enumerate(self._people):
            if not person or skill.lower() not in skills:
                continue
            day_numbers = np.flatnonzero(works[lo:hi]) + lo  # working days in the window
            ok = free[r, day_numbers] >= share - EPSILON
            run = _run_lengths(ok)
            hit = np.flatnonzero(run >= days)
            if hit.size:
                end = int(hit[0])
                span = day_numbers[end - days + 1 : end + 1]
                found.append(
                    FreeResource(
                        self.resources[r],
                        self.names[r],
                        self.day(int(span[0])),
                        self.day(int(span[-1])),
                        float(free[r, span].min()),
                    )
                )
        return found

    def to_json(self) -> dict[str, Any]:
        util = self.utilisation()
        week_util = self.week_utilisation()
        over_days = self.over_days()
        return {
            "program": self.program,
            "resources": [
                {
                    "id": rid,
                    "name": self.names[r],
                    "capacity": _round(float(self.capacity[r].max(initial=0.0))),
                    "peak_load": _round(float(self.load[r].max(initial=0.0))),
                    "utilisation": None if np.isnan(util[r]) else _round(float(util[r])),
                    "over_allocated_days": int(over_days[r]),
                    "weeks": {
                        week: {
                            "load": _round(float(self.week_load[r, w])),
                            "capacity": _round(float(self.week_capacity[r, w])),
                            "utilisation": None
                            if np.isnan(week_util[r, w])
                            else _round(float(week_util[r, w])),
                        }
                        for w, week in enumerate(self.weeks)
                        if self.week_load[r, w] > 0 or self.week_capacity[r, w] > 0
                    },
                }
                for r, rid in enumerate(self.resources)
            ],
            "over_allocations": [
                {
                    "resource": o.resource,
                    "start": o.start.isoformat(),
                    "finish": o.finish.isoformat(),
                    "days": o.days,
                    "peak_load": _round(o.peak_load),
                    "excess": _round(o.excess),
                    "tasks": [{"id": t, "project": p, "units": u} for t, p, u in o.tasks],
                }
                for o in self.over_allocations
            ],
            "groups": {
                name: {
                    week: {"capacity": _round(float(cap[w])), "demand": _round(float(dem[w]))}
                    for w, week in enumerate(self.weeks)
                    if cap[w] > 0 or dem[w] > 0
                }
                for name, (cap, dem) in self.groups.items()
            },
        }


def _round(value: float) -> float:
    return round(value, 4)


def _run_lengths(ok: np.ndarray) -> np.ndarray:
    """For each position, the length of the run of True ending there (0 where False)."""
    index = np.arange(ok.size)
    last_false = np.maximum.accumulate(np.where(ok, -1, index))
    return np.where(ok, index - last_false, 0)


def _expand(first: np.ndarray, last: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, day) for every day from first[i] to last[i] of every row, without a loop."""
    lengths = np.maximum(last - first + 1, 0)
    rows = np.repeat(np.arange(first.size), lengths)
    offsets = np.arange(rows.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return rows, first[rows] + offsets


def _network_of(program: Program, schedule: Schedule) -> BuiltNetwork:
    """The network ``schedule`` was computed on: the kept one when the program is sealed
    (see :mod:`progman.engine.scheduled`), else built anew."""
    asked = None if schedule.status_date == program.status_date else schedule.status_date
    return scheduled(program, asked).built


def _minutes(moments: list[datetime], origin: date) -> np.ndarray:
    """Wall minutes since ``origin`` (ten times faster than numpy's datetime parsing)."""
    base = origin.toordinal() * MINUTES_PER_DAY
    wall = (m.toordinal() * MINUTES_PER_DAY + m.hour * 60 + m.minute for m in moments)
    return np.fromiter(wall, dtype=np.int64, count=len(moments)) - base


@dataclass(frozen=True)
class _Assignments:
    """Every assignment of a leaf task that takes time, once per piece of its work."""

    index: np.ndarray  # int64: the task's index in the built network (and the schedule)
    rows: list[int]  # the resource's row in the pool, -1 when none is named
    roles: list[str | None]
    skills: list[str | None]  # lower case
    units: list[float]
    starts: np.ndarray  # int64 wall minutes from ``date.min``
    finishes: np.ndarray


def _assignments(built: BuiltNetwork, schedule: Schedule, row_of: dict[str, int]) -> _Assignments:
    """The assignments of the built network's items, dated by ``schedule``: a plain
    schedule's dates are read from its columns (in the network's order); a leveled one's,
    whose work may be split in pieces, from its tasks."""
    table = schedule.tasks if isinstance(schedule.tasks, TaskTable) else None
    if table is not None:
        skip = table.flags("summary") | table.flags("milestone")
    else:
        entries = {t.id: t for t in schedule.tasks}
    index: list[int] = []
    rows: list[int] = []
    roles: list[str | None] = []
    skills: list[str | None] = []
    units: list[float] = []
    starts: list[datetime] = []
    finishes: list[datetime] = []
    for k, resources in enumerate(built.column("resources")):
        if not resources:
            continue
        if table is not None:
            if skip[k]:
                continue
            pieces: tuple[Any, ...] = (None,)
        else:
            entry = entries.get(built.ids[k])
            if entry is None or entry.summary or entry.milestone:
                continue
            pieces = entry.segments or ((entry.start, entry.finish),)
        for assignment in resources:
            if assignment.resource is None:
                row = -1
            elif assignment.resource in row_of:
                row = row_of[assignment.resource]
            else:
                continue  # a cost resource
            for piece in pieces:
                index.append(k)
                rows.append(row)
                roles.append(assignment.role)
                skills.append(assignment.skill.lower() if assignment.skill else None)
                units.append(assignment.units)
                if piece is not None:
                    starts.append(piece[0])
                    finishes.append(piece[1])
    at = np.array(index, dtype=np.int64)
    if table is not None:
        start, finish = table.spans(at, date.min)
    else:
        start, finish = _minutes(starts, date.min), _minutes(finishes, date.min)
    return _Assignments(at, rows, roles, skills, units, start, finish)


def _projects_of(program: Program, built: BuiltNetwork, index: np.ndarray) -> list[str]:
    """The project id of the task at each of the network's ``index``."""
    ids = [p.id for p in program.projects]
    return [ids[p] for p in built.project_of[index].tolist()]


def analyse_load(
    program: Program,
    schedule: Schedule,
    first: date | None = None,
    last: date | None = None,
    *,
    built: BuiltNetwork | None = None,
) -> LoadAnalysis:
    """The load of every resource per day across all projects, and what follows from it.

    ``built`` is the program's network when the caller has it (its task calendars).

    The day grid covers whole ISO weeks from the program start to the last scheduled
    finish, widened to ``first`` .. ``last`` when given (the window of a free question).
    """
    pool = [r for r in program.resources if r.kind != "cost"]
    if built is None:
        built = _network_of(program, schedule)
    taken = _assignments(built, schedule, {r.id: k for k, r in enumerate(pool)})
    a_row, a_role, a_skill, a_units = taken.rows, taken.roles, taken.skills, taken.units
    starts, finishes = taken.starts, taken.finishes
    a_task = [built.ids[k] for k in taken.index.tolist()]
    epoch = date.min  # spans are wall minutes from here until the day grid is known
    seen = (
        [epoch + timedelta(days=int(m) // MINUTES_PER_DAY) for m in (starts.min(), finishes.max())]
        if starts.size
        else []
    )
    origin = min([program.start, *seen[:1], *([first] if first else [])])
    end = max([origin, *seen[1:], *([last] if last else [])])
    origin -= timedelta(days=origin.weekday())  # whole ISO weeks, Monday to Sunday
    end += timedelta(days=6 - end.weekday())
    days = (end - origin).days + 1

    # capacity and working windows: one per resource, the program's for roles (last)
    model = capacity_model(program, pool, origin, days)
    works = model.works  # bool[R, days]
    opening = np.append(model.opening, model.program_opening)
    per_day = np.append(model.minutes_per_day, model.program_minutes_per_day)

    n_res = len(pool)
    capacity = model.capacity

    # load: every (assignment, day) the task spans, its share of the day's working window
    s = starts - (origin - epoch).days * MINUTES_PER_DAY
    f = finishes - (origin - epoch).days * MINUTES_PER_DAY
    rows = np.array(a_row, dtype=np.int64)
    units = np.array(a_units, dtype=np.float64)
    cal_row = np.where(rows >= 0, rows, n_res)  # the role calendar is the last one
    works_all = np.vstack([works, model.program_works[None, :]])
    rows_x, day_x = _expand(s // MINUTES_PER_DAY, (f - 1) // MINUTES_PER_DAY)
    c = cal_row[rows_x]
    open_at = day_x * MINUTES_PER_DAY + opening[c]
    window = per_day[c]
    works_day = works_all[c, day_x]
    # a task not on elapsed time works its own calendar (intersected with its people's)
    task_tables = built.network.calendars
    task_cal = built.network.calendar[taken.index].astype(np.int64)
    tc = task_cal[rows_x]
    own = tc != ELAPSED
    shift = (origin - task_tables.origin).days
    their_day = np.clip(day_x + shift, 0, task_tables.days - 1)
    open_at = np.where(own, day_x * MINUTES_PER_DAY + task_tables.opening_minute[tc], open_at)
    window = np.where(own, task_tables.minutes_per_day[tc], window)
    works_day = np.where(own, task_tables.working[tc, their_day], works_day)
    overlap = np.minimum(f[rows_x], open_at + window) - np.maximum(s[rows_x], open_at)
    share = np.clip(overlap, 0, None) / window * works_day
    amount = units[rows_x] * share
    keep = amount > 0
    rows_x, day_x, amount = rows_x[keep], day_x[keep], amount[keep]
    staffed = rows[rows_x] >= 0
    flat = rows[rows_x[staffed]] * days + day_x[staffed]
    load = np.bincount(flat, weights=amount[staffed], minlength=n_res * days).reshape(n_res, days)
    unstaffed = ~staffed
    open_work = (rows_x[unstaffed], day_x[unstaffed], amount[unstaffed])
    role_demand = _demand(a_role, rows, open_work, days)
    skill_demand = _demand(a_skill, rows, open_work, days)

    # weeks
    mondays = [origin + timedelta(days=d) for d in range(0, days, 7)]
    weeks = tuple(f"{y}-W{w:02d}" for y, w, _ in (d.isocalendar() for d in mondays))
    week_of_day = np.arange(days, dtype=np.int64) // 7
    n_weeks = len(weeks)

    def per_week(values: np.ndarray) -> np.ndarray:
        weekly: np.ndarray = values.reshape(*values.shape[:-1], n_weeks, 7).sum(axis=-1)
        return weekly

    week_load = per_week(load)
    week_capacity = per_week(capacity)

    groups: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    members: dict[str, list[int]] = {}
    for r, resource in enumerate(pool):
        if resource.kind != "person":
            continue
        keys = [f"role:{resource.role}"] if resource.role else []
        keys += [f"team:{resource.team}"] if resource.team else []
        keys += [f"skill:{skill.lower()}" for skill in resource.skills]
        for key in keys:
            members.setdefault(key, []).append(r)
    for role in role_demand:
        members.setdefault(f"role:{role}", [])
    for skill in skill_demand:
        members.setdefault(f"skill:{skill}", [])
    for key in sorted(members):
        pick = members[key]
        cap = week_capacity[pick].sum(axis=0)
        demand = week_load[pick].sum(axis=0)
        if key.startswith("role:") and key[5:] in role_demand:
            demand = demand + per_week(role_demand[key[5:]])
        elif key.startswith("skill:") and key[6:] in skill_demand:
            demand = demand + per_week(skill_demand[key[6:]])
        groups[key] = (cap, demand)

    over = _over_allocations(
        pool_ids=[r.id for r in pool],
        load=load,
        capacity=capacity,
        works=works,
        origin=origin,
        rows=rows[rows_x[staffed]],
        day_x=day_x[staffed],
        assignment=rows_x[staffed],
        a_task=a_task,
        a_units=a_units,
        a_project=_projects_of(program, built, taken.index),
    )
    people = tuple(
        (r.kind == "person", frozenset(s.lower() for s in r.skills), works[k])
        for k, r in enumerate(pool)
    )
    return LoadAnalysis(
        program=program.key,
        origin=origin,
        resources=tuple(r.id for r in pool),
        names=tuple(r.name for r in pool),
        load=load,
        capacity=capacity,
        weeks=weeks,
        week_of_day=week_of_day,
        week_load=week_load,
        week_capacity=week_capacity,
        role_demand=role_demand,
        groups=groups,
        over_allocations=over,
        skill_demand=skill_demand,
        _people=people,
    )


def _demand(
    names: list[str | None],
    rows: np.ndarray,
    open_work: tuple[np.ndarray, np.ndarray, np.ndarray],
    days: int,
) -> dict[str, np.ndarray]:
    """FTE per day still to be staffed, per role (or skill) of the open assignments.

    ``names`` and ``rows`` are per assignment (row -1: no resource); ``open_work`` holds the
    assignment, day and amount of every (open assignment, day)."""
    assignment, day_x, amount = open_work
    keys = sorted({names[k] or "" for k in np.flatnonzero(rows < 0).tolist()} - {""})
    code_of = {key: code for code, key in enumerate(keys)}
    codes = np.array(
        [
            code_of[name] if row < 0 and name else -1
            for row, name in zip(rows.tolist(), names, strict=True)
        ],
        dtype=np.int64,
    )  # per assignment, never per day
    picked = codes[assignment]
    return {
        key: np.bincount(day_x[picked == code], weights=amount[picked == code], minlength=days)
        for code, key in enumerate(keys)
    }


def _over_allocations(
    *,
    pool_ids: list[str],
    load: np.ndarray,
    capacity: np.ndarray,
    works: np.ndarray,
    origin: date,
    rows: np.ndarray,
    day_x: np.ndarray,
    assignment: np.ndarray,
    a_task: list[str],
    a_units: list[float],
    a_project: list[str],
) -> tuple[OverAllocation, ...]:
    over = load > capacity + EPSILON
    relevant = works | (load > 0)  # idle days off neither make nor break a run
    n_res, days = load.shape
    period = np.full((n_res, days), -1, dtype=np.int64)
    found: list[tuple[int, np.ndarray]] = []
    for r in range(n_res):
        if not over[r].any():
            continue
        day_numbers = np.flatnonzero(relevant[r])
        flags = over[r, day_numbers]
        new_run = flags & ~np.concatenate([[False], flags[:-1]])
        run_id = np.cumsum(new_run) - 1
        over_days = day_numbers[flags]
        ids = run_id[flags]
        base = len(found)
        cuts = np.flatnonzero(np.diff(ids)) + 1  # ids ascend: one slice per run
        found.extend((r, run) for run in np.split(over_days, cuts))
        period[r, over_days] = base + (ids - ids.min())
    if not found:
        return ()
    # the tasks of each period: assignments with load on its over-allocated days
    p_of = period[rows, day_x]
    hit = p_of >= 0
    width = int(assignment.max()) + 1 if assignment.size else 1
    pairs = np.unique(p_of[hit] * width + assignment[hit])  # one int key: a fast 1-D sort
    causes: dict[int, list[int]] = {}
    for p, a in zip((pairs // width).tolist(), (pairs % width).tolist(), strict=True):
        causes.setdefault(p, []).append(a)
    result: list[OverAllocation] = []
    for p, (r, over_days) in enumerate(found):
        excess = float((load[r, over_days] - capacity[r, over_days]).sum())
        result.append(
            OverAllocation(
                resource=pool_ids[r],
                start=origin + timedelta(days=int(over_days[0])),
                finish=origin + timedelta(days=int(over_days[-1])),
                days=int(over_days.size),
                peak_load=float(load[r, over_days].max()),
                excess=excess,
                tasks=tuple(
                    dict.fromkeys(  # a task split in pieces is named once
                        (a_task[a], a_project[a], a_units[a])
                        for a in sorted(causes.get(p, []), key=lambda a: a_task[a])
                    )
                ),
            )
        )
    return tuple(result)


__all__ = ["FreeResource", "LoadAnalysis", "OverAllocation", "analyse_load"]
