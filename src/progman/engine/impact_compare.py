"""Two schedules of a program compared: what moved, most severe first.

The one comparison behind both impact questions: a slip (:mod:`progman.engine.impact`,
one built network scheduled before and after an edit of its arrays) and an edit of the
plan (:mod:`progman.engine.edit_impact`, two programs built and scheduled each). Each side
is a :class:`ScheduledProgram`; ``before_of`` aligns them (the before index of each work
item of the after side, -1 for an added one). Both sides must share one time base (the
same calendar tables' origin), so that their wall minutes compare.

Rules (docs/scheduling.md, *Impact*): a task moves when its early start or finish changes;
a milestone, project, benefit and objective move through the tasks that moved. Delays are
working days of the after side's calendars: the moved task's, the project's last task's,
the benefit's latest dependency's, the program's last task's for the finish.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from progman.domain import Program
from progman.engine import kernels
from progman.engine.build import BuiltNetwork
from progman.engine.calendars import ELAPSED, MINUTES_PER_DAY, CalendarTables
from progman.engine.impact_result import (
    BenefitImpact,
    ImpactResult,
    MilestoneImpact,
    ObjectiveImpact,
    ProjectImpact,
    TaskImpact,
    days_text,
)
from progman.engine.network import CpmResult, Network

NO_TIME = int(kernels.NO_TIME)
_LOWEST = np.iinfo(np.int64).min


@dataclass(frozen=True)
class ScheduledProgram:
    """One side of a comparison: a program, its built network, the network as scheduled
    (a slip question's edited copy) and the CPM result on it."""

    program: Program
    built: BuiltNetwork
    network: Network
    result: CpmResult


@dataclass(frozen=True)
class Asked:
    """What the question changed: descriptions, and where the chains start."""

    changes: tuple[str, ...]
    origins: Collection[int]  # network nodes of the after side: the changed tasks
    unstaffed: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def same_items(count: int) -> np.ndarray:
    """``before_of`` when both sides are one built network: every item is itself."""
    return np.arange(count, dtype=np.int64)


def compare(
    before: ScheduledProgram,
    after: ScheduledProgram,
    before_of: np.ndarray,
    asked: Asked,
) -> ImpactResult:
    """What moved from ``before`` to ``after`` (items aligned by ``before_of``)."""
    if before.network.calendars.origin != after.network.calendars.origin:
        raise ValueError("the two schedules must share one time base (calendar origin)")
    built, net = after.built, after.network
    old, new = before.result, after.result
    tables = net.calendars
    n = built.item_count
    kept = before_of >= 0
    was = np.where(kept, before_of, 0)  # the before index of each item (masked by ``kept``)
    leaf = ~built.is_summary
    was_finish, was_start = old.early_finish[was], old.early_start[was]
    moved = (
        leaf & kept & ((was_finish != new.early_finish[:n]) | (was_start != new.early_start[:n]))
    )
    delay = np.zeros(n)
    rows = np.flatnonzero(moved)
    delay[rows] = _program_days(after, was_finish[rows], new.early_finish[rows])
    critical = new.total_float[:n] <= 0
    milestone = np.fromiter(built.column("milestone"), dtype=bool, count=n)
    order = np.lexsort(
        (rows, ~milestone[rows], ~critical[rows], -delay[rows])  # last key sorts first
    )
    severity = rows[order]
    tasks = _tasks(before, after, severity, was[severity], delay[severity])
    listed = severity.tolist()
    old_deadline = before.network.deadline
    milestones = tuple(
        MilestoneImpact(
            id=t.id,
            name=t.name,
            project=t.project,
            before=t.before,
            after=t.after,
            delay_days=t.delay_days,
            deadline=built.items[i].deadline,
            deadline_missed=_late(net.deadline[i], new.early_finish[i]),
            was_missed=_late(old_deadline[was[i]], old.early_finish[was[i]]),
        )
        for i, t in zip(listed, tasks, strict=True)
        if t.milestone
    )
    projects = _projects(before, after)
    benefits = _benefits(before, after)
    objectives = _objectives(after.program, projects, benefits)
    finish_delay = _program_days(after, np.array([old.finish]), np.array([new.finish]))
    finishes = tables.to_datetimes(np.array([old.finish, new.finish]))
    return ImpactResult(
        changes=asked.changes,
        finish_before=finishes[0],
        finish_after=finishes[1],
        finish_delay_days=float(finish_delay[0]),
        calendar=after.program.calendar,
        tasks=tasks,
        milestones=milestones,
        projects=projects,
        benefits=benefits,
        objectives=objectives,
        chains=_chains(
            built,
            net.link_pred,  # the scheduled links: ``new.driver`` indexes them
            new,
            [i for i, t in zip(listed, tasks, strict=True) if t.milestone],
            asked.origins,
        ),
        unstaffed=asked.unstaffed,
        notes=asked.notes,
    )


def _tasks(
    before: ScheduledProgram,
    after: ScheduledProgram,
    rows: np.ndarray,
    was: np.ndarray,
    delay: np.ndarray,
) -> tuple[TaskImpact, ...]:
    """The moved tasks ``rows`` (after indexes; ``was`` their before indexes), in order."""
    old, new = before.result, after.result
    built = after.built
    tables = after.network.calendars
    stamps = _datetimes(
        tables,
        np.stack(
            [
                old.early_finish[was],
                new.early_finish[rows],
                old.early_start[was],
                new.early_start[rows],
            ]
        ),
    )
    start_delays = _program_days(after, old.early_start[was], new.early_start[rows]).tolist()
    old_per_day = before.network.calendars.minutes_per_day[before.network.calendar[was]]
    new_per_day = tables.minutes_per_day[after.network.calendar[rows]]
    floats_before = np.round(old.total_float[was] / old_per_day.astype(np.float64), 3).tolist()
    floats_after = np.round(new.total_float[rows] / new_per_day.astype(np.float64), 3).tolist()
    criticals = (new.total_float[rows] <= 0).tolist()
    delays = delay.tolist()
    project_ids = [p.id for p in after.program.projects]
    names, milestones = built.column("name"), built.column("milestone")
    return tuple(
        TaskImpact(
            id=built.ids[i],
            name=names[i],
            project=project_ids[built.project_of[i]],
            milestone=milestones[i],
            before=stamps[0][k],
            after=stamps[1][k],
            delay_days=delays[k],
            start_before=stamps[2][k],
            start_after=stamps[3][k],
            start_delay_days=start_delays[k],
            total_float_before=floats_before[k],
            total_float_after=floats_after[k],
            critical=criticals[k],
        )
        for k, i in enumerate(rows.tolist())
    )


# -- delays in working time -------------------------------------------------------------------


def _work_before(tables: CalendarTables, c: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Vectorised :func:`calendars.work_before`: working minutes of ``c`` before ``t``."""
    days = tables.days
    day = np.clip(t // MINUTES_PER_DAY, 0, days - 1)
    within = np.clip(t - day * MINUTES_PER_DAY - tables.opening_minute[c], 0, None)
    within = np.minimum(within, tables.minutes_per_day[c]) * tables.working[c, day]
    count = tables.cumulative[c, day] + within
    count = np.where(
        t < 0, 0, np.where(t >= days * MINUTES_PER_DAY, tables.cumulative[c, days], count)
    )
    return np.where(c == ELAPSED, np.clip(t, 0, days * MINUTES_PER_DAY), count)


def _delay_days(
    tables: CalendarTables, c: np.ndarray, before: np.ndarray, after: np.ndarray
) -> np.ndarray:
    """``after - before`` in working days of calendar ``c`` (per entry)."""
    worked = _work_before(tables, c, after) - _work_before(tables, c, before)
    days: np.ndarray = np.round(worked / tables.minutes_per_day[c], 3)
    return days


def _program_days(side: ScheduledProgram, before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """``after - before`` in working days of the program's own calendar: every delay of a
    comparison counts in that one calendar, so a task's and its milestone's agree."""
    tables = side.network.calendars
    calendar = np.full(before.shape[0], side.built.program_calendar, dtype=np.int64)
    return _delay_days(tables, calendar, before, after)


def _datetimes(tables: CalendarTables, minutes: np.ndarray) -> list[list[datetime]]:
    """Rows of wall minutes as datetimes, converted in bulk (numpy, not one by one)."""
    origin = np.datetime64(tables.origin, "m")
    stamps: list[list[datetime]] = (origin + minutes.astype("timedelta64[m]")).tolist()
    return stamps


def _late(deadline: int | np.integer[Any], finish: int | np.integer[Any]) -> bool:
    return int(deadline) != NO_TIME and int(finish) > int(deadline)


# -- projects, benefits, objectives -----------------------------------------------------------


def _project_finishes(side: ScheduledProgram) -> tuple[np.ndarray, np.ndarray]:
    """Per project of the side: the latest early finish of its tasks (``_LOWEST`` when it
    has none), and the last task finishing then in plan order (-1 when none)."""
    built, count = side.built, len(side.program.projects)
    members = np.flatnonzero(~built.is_summary)
    project = built.project_of[members]
    finishes = side.result.early_finish[members]
    finish = np.full(count, _LOWEST, dtype=np.int64)
    np.maximum.at(finish, project, finishes)
    last = np.full(count, -1, dtype=np.int64)
    at_end = finishes == finish[project]
    np.maximum.at(last, project[at_end], members[at_end])
    return finish, last


def _projects(before: ScheduledProgram, after: ScheduledProgram) -> tuple[ProjectImpact, ...]:
    """Projects of the after side whose finish (their latest task's) moved."""
    tables = after.network.calendars
    was_finish, _ = _project_finishes(before)
    now_finish, now_last = _project_finishes(after)
    was_index = {p.id: k for k, p in enumerate(before.program.projects)}
    found: list[ProjectImpact] = []
    for p, project in enumerate(after.program.projects):
        k = was_index.get(project.id)
        if k is None or now_last[p] < 0 or was_finish[k] == _LOWEST:
            continue  # a new project, or one without tasks on a side: nothing to compare
        was, now = int(was_finish[k]), int(now_finish[p])
        if was == now:
            continue
        days = _program_days(after, np.array([was]), np.array([now]))
        stamps = tables.to_datetimes(np.array([was, now]))
        found.append(ProjectImpact(project.id, project.name, stamps[0], stamps[1], float(days[0])))
    found.sort(key=lambda entry: -entry.delay_days)
    return tuple(found)


def _finish_nodes(side: ScheduledProgram, ids: Iterable[str]) -> np.ndarray:
    """The finish-side node of each work item ``ids`` (a summary's finish node)."""
    index, finish_node = side.built.index, side.built.finish_node
    return np.array([finish_node.get(index[d], index[d]) for d in ids], dtype=np.int64)


def _benefits(before: ScheduledProgram, after: ScheduledProgram) -> tuple[BenefitImpact, ...]:
    """Benefits whose dependencies moved: a dependency that finishes at another time (or is
    new to the plan), or a latest finish that moved (a dependency added or dropped)."""
    tables = after.network.calendars
    old, new = before.result, after.result
    old_benefits = {b.id: b for b in before.program.benefits}
    found: list[BenefitImpact] = []
    for benefit in after.program.benefits:
        nodes = _finish_nodes(after, benefit.depends_on)
        previous = old_benefits.get(benefit.id)
        if nodes.size == 0 or previous is None or not previous.depends_on:
            continue
        deps = benefit.depends_on
        known = np.fromiter((d in before.built.index for d in deps), dtype=bool, count=len(deps))
        changed = ~known  # a dependency new to the plan counts as moved
        then = _finish_nodes(before, [d for d, k in zip(deps, known.tolist(), strict=True) if k])
        changed[known] = old.early_finish[then] != new.early_finish[nodes[known]]
        was = int(old.early_finish[_finish_nodes(before, previous.depends_on)].max())
        now = int(new.early_finish[nodes].max())
        if was == now:  # a dependency moved, not the latest: the benefit does not move
            continue
        days = _program_days(after, np.array([was]), np.array([now]))
        due = _due_minutes(tables, benefit.due)
        due_then = _due_minutes(tables, previous.due)
        stamps = tables.to_datetimes(np.array([was, now]))
        found.append(
            BenefitImpact(
                id=benefit.id,
                title=benefit.title,
                objective=benefit.objective,
                due=benefit.due,
                before=stamps[0],
                after=stamps[1],
                delay_days=float(days[0]),
                moved_by=tuple(d for d, c in zip(deps, changed.tolist(), strict=True) if c),
                due_at_risk=due is not None and now > due,
                was_at_risk=due_then is not None and was > due_then,
            )
        )
    found.sort(key=lambda entry: (not entry.due_at_risk, -entry.delay_days))
    return tuple(found)


def _due_minutes(tables: CalendarTables, due: Any) -> int | None:
    """The end of a benefit's due day, in wall minutes (None when it has none)."""
    return tables.to_minutes(due + timedelta(days=1)) if due is not None else None


def _objectives(
    program: Program,
    projects: Iterable[ProjectImpact],
    benefits: Iterable[BenefitImpact],
) -> tuple[ObjectiveImpact, ...]:
    moved_projects = {p.id: p for p in projects}
    found: list[ObjectiveImpact] = []
    for objective in program.objectives:
        reasons: list[str] = []
        delays: list[float] = []
        via_benefits = [b for b in benefits if b.objective == objective.id]
        for b in via_benefits:
            risk = f", due {b.due} now at risk" if b.due_at_risk and not b.was_at_risk else ""
            reasons.append(f"benefit {b.id} moves {days_text(b.delay_days)}{risk}")
            delays.append(b.delay_days)
        aligned: dict[str, float] = {}
        for project in program.projects:
            weight = project.objectives.get(objective.id)
            if weight and project.id in moved_projects:
                aligned[project.id] = weight
                days = moved_projects[project.id].delay_days
                reasons.append(
                    f"project {project.id} (weight {weight:g}) finishes {days_text(days)} later"
                )
                delays.append(days)
        if reasons:
            found.append(
                ObjectiveImpact(
                    objective.id,
                    objective.title,
                    max(delays),
                    tuple(b.id for b in via_benefits),
                    aligned,
                    tuple(reasons),
                )
            )
    found.sort(key=lambda entry: -entry.delay_days)
    return tuple(found)


# -- chains -----------------------------------------------------------------------------------


def _chains(
    built: BuiltNetwork,
    link_pred: np.ndarray,
    after: CpmResult,
    milestones: list[int],
    origins: Collection[int],
) -> tuple[tuple[str, ...], ...]:
    """For each moved milestone, the driving links back to a changed task, in link order.

    The walk follows driving links back from the milestone and stops at the furthest
    changed task on the way (a slipped task; the predecessor of a changed link; the first
    not-started task of a slipped project; an edited task). A milestone whose driving path
    reaches no changed task (it moved another way, e.g. through an as-late-as-possible
    task) has none.
    """
    chains: list[tuple[str, ...]] = []
    for milestone in milestones:
        node, path, seen = milestone, [], set()
        cut = -1  # length of the path up to the furthest changed task on it
        while node not in seen:
            seen.add(node)
            if node < built.item_count and not built.items[node].tasks:
                path.append(built.ids[node])
            if node in origins:
                cut = len(path)
            link = int(after.driver[node])
            if link < 0:
                break
            node = int(link_pred[link])
        if cut > 0:
            chain = tuple(reversed(path[:cut]))
            if chain not in chains:
                chains.append(chain)
    return tuple(chains)
