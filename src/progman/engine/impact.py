"""Slip impact, "if this slips, what moves?": one or more changes, the schedule before and
after, and only what moved, ordered by severity.

Rules (documented in docs/scheduling.md, *Impact*):

* :class:`TaskSlip`: the task's remaining duration grows by the slip, in working time of the
  task's calendar (a negative slip shortens it, never below zero). A done task cannot slip.
* :class:`ProjectSlip`: every not-started task of the project starts the slip later than it
  does now: it gets a start-no-earlier-than of its current early start plus the slip (in
  working time of its calendar). Started and done tasks keep their dates.
* :class:`LinkChange`: adds a link, removes one, or changes its type or lag.
* :class:`ResourceLeaves`: each unfinished task of that person that still has work after
  the leaving date is stretched: the others on it do the person's share of the work left
  after that date (at their units). When the person was its only staff, the task is
  *unstaffed* and slips by ``replacement`` (the time to find someone). The task keeps its
  calendar (still intersected with the leaver's); the work before the date is unchanged.

Task slips and link changes re-schedule incrementally (:class:`IncrementalSchedule`); a
change that touches many tasks (a project slip) re-schedules once in full.

Delays are working days of the moved task's calendar. A task moves when its early start or
early finish changes; a milestone, project, benefit and objective move through the tasks
that moved. A chain is the path of driving links after the change, from a changed task to
a moved milestone: the links whose slack the slip used up. The comparison is
:mod:`progman.engine.impact_compare`'s, shared with the impact of a plan edit
(:mod:`progman.engine.edit_impact`).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from progman.domain import Duration, Program
from progman.domain.checked import check_once
from progman.domain.validation import did_you_mean, format_path
from progman.engine import kernels
from progman.engine.build import BuiltNetwork, build_network
from progman.engine.calendars import ELAPSED, CalendarTables, start_of, work_before
from progman.engine.impact_compare import Asked, ScheduledProgram, compare, same_items
from progman.engine.impact_result import (
    BenefitImpact,
    ImpactResult,
    MilestoneImpact,
    ObjectiveImpact,
    ProjectImpact,
    TaskImpact,
    count_text,
    days_text,
)
from progman.engine.network import LINK_CODES, IncrementalSchedule, ScheduleCycle
from progman.engine.semantics import lag_calendars
from progman.errors import Location, PlanInvalid, Problem, ProgmanError

NO_TIME = int(kernels.NO_TIME)
DEFAULT_REPLACEMENT_DAYS = 10.0

Amount = Duration | float  # a number is working days


class ImpactUnknownReference(ProgmanError):
    """A change names a task, project, link or resource the plan does not have."""

    code = "impact.unknown_reference"


class ImpactInvalidChange(ProgmanError):
    """A change that cannot apply (a done task slipping, a link that closes a cycle...)."""

    code = "impact.invalid_change"


@dataclass(frozen=True)
class TaskSlip:
    """The task takes ``slip`` longer (working days if a number)."""

    task: str
    slip: Amount


@dataclass(frozen=True)
class ProjectSlip:
    """Every not-started task of the project starts ``slip`` later."""

    project: str
    slip: Amount


@dataclass(frozen=True)
class LinkChange:
    """Add a link ``predecessor → successor``, remove it, or change its type or lag.

    On an existing link, ``type``/``lag`` left ``None`` keep their values; a new link is FS
    with no lag unless told otherwise.
    """

    predecessor: str
    successor: str
    type: str | None = None
    lag: Amount | None = None
    remove: bool = False


@dataclass(frozen=True)
class ResourceLeaves:
    """The person works nothing from ``leaving`` on; ``replacement``: delay when unstaffed."""

    resource: str
    leaving: date
    replacement: Amount = DEFAULT_REPLACEMENT_DAYS


Change = TaskSlip | ProjectSlip | LinkChange | ResourceLeaves


def impact(
    program: Program,
    changes: Change | Sequence[Change],
    *,
    status_date: date | None = None,
) -> ImpactResult:
    """Apply ``changes`` to the program's schedule and report what moved (see the module).

    To ask several questions of one program, prepare an :class:`ImpactAnalysis` once.
    """
    return ImpactAnalysis(program, status_date=status_date).impact(changes)


class ImpactAnalysis:
    """A program checked, built and scheduled once, to answer many "if this slips" questions.

    Each question edits a copy of the prepared incremental schedule, so only what the
    change moves is re-scheduled and the prepared state is never altered.
    """

    def __init__(self, program: Program, *, status_date: date | None = None) -> None:
        findings = check_once(program)  # skipped for a loaded, unchanged program
        if findings:
            raise PlanInvalid(
                Problem(f.code, f.message, Location(path=format_path(f.path))) for f in findings
            )
        self.program = program
        self.built = build_network(program, status_date)
        try:
            self._prepared = IncrementalSchedule(self.built.network)
        except ScheduleCycle as cycle:
            names = [_name(self.built, i) for i in cycle.cycle]
            raise ScheduleCycle("dependency cycle: " + " -> ".join(names), cycle.cycle) from None
        self._side = ScheduledProgram(
            program, self.built, self.built.network, self._prepared.result
        )
        self._items = same_items(self.built.item_count)

    def impact(self, changes: Change | Sequence[Change]) -> ImpactResult:
        listed = (
            [changes]
            if isinstance(changes, TaskSlip | ProjectSlip | LinkChange | ResourceLeaves)
            else list(changes)
        )
        if not listed:
            raise ImpactInvalidChange("no change given: name a task, project, link or resource")
        live = _Changes(self.program, self.built, copy.deepcopy(self._prepared))
        for change in listed:
            live.apply(change)
        schedule = live.schedule
        return compare(
            self._side,
            ScheduledProgram(self.program, self.built, schedule.network, schedule.result),
            self._items,
            Asked(tuple(live.descriptions), live.origins, tuple(live.unstaffed), tuple(live.notes)),
        )


def _name(built: BuiltNetwork, index: int) -> str:
    if index < built.item_count:
        return built.ids[index]
    return built.ids[next(s for s, f in built.finish_node.items() if f == index)]


# -- applying changes ----------------------------------------------------------------------


class _Changes:
    """The schedule being edited, and what the edits touched (for the chains)."""

    def __init__(
        self, program: Program, built: BuiltNetwork, schedule: IncrementalSchedule
    ) -> None:
        self.program = program
        self.built = built
        self.schedule = schedule
        self.index = built.index
        self.origins: set[int] = set()
        self.descriptions: list[str] = []
        self.unstaffed: list[str] = []
        self.notes: list[str] = []

    @property
    def tables(self) -> CalendarTables:
        return self.built.network.calendars

    def apply(self, change: Change) -> None:
        if isinstance(change, TaskSlip):
            self._task_slip(change)
        elif isinstance(change, ProjectSlip):
            self._project_slip(change)
        elif isinstance(change, LinkChange):
            self._link_change(change)
        else:
            self._resource_leaves(change)

    def task(self, ident: str, role: str = "task") -> int:
        if ident not in self.index:
            raise ImpactUnknownReference(
                f"no task {ident!r} in the plan{did_you_mean(ident, self.index)}",
                location=Location(entity=ident),
            )
        return self.index[ident]

    def minutes(self, amount: Amount, task: int) -> int:
        """Working minutes of ``amount`` in the task's calendar (a number: working days)."""
        if not isinstance(amount, Duration):
            amount = Duration(float(amount), "d")
        c = int(self.built.network.calendar[task])
        if amount.elapsed:
            if c != ELAPSED:
                raise ImpactInvalidChange(
                    f"a slip is working time: write {amount.amount:g}{amount.unit}, "
                    f"not {amount} (elapsed)"
                )
            return round(amount.working_minutes())
        per_day = int(self.tables.minutes_per_day[c])
        return round(amount.working_minutes(hours_per_day=per_day / 60))

    def days(self, minutes: int, task: int) -> float:
        per_day = int(self.tables.minutes_per_day[self.built.network.calendar[task]])
        return round(minutes / per_day, 3)

    def lengthen(self, task: int, minutes: int) -> None:
        """The task's remaining work grows by ``minutes`` (never below zero)."""
        net = self.schedule.network
        in_progress = net.actual_start[task] != NO_TIME and net.actual_finish[task] == NO_TIME
        if in_progress and net.remaining[task] >= 0:
            net.remaining[task] = max(0, int(net.remaining[task]) + minutes)
            # same duration: re-schedules from the task, which now reads its new remaining
            self.schedule.set_duration(task, int(net.duration[task]))
        else:
            self.schedule.set_duration(task, max(0, int(net.duration[task]) + minutes))
        self.origins.add(task)

    def _leaf(self, ident: str) -> int:
        i = self.task(ident)
        item = self.built.items[i]
        if item.tasks:
            raise ImpactInvalidChange(
                f"{ident} is a summary task: slip one of its subtasks "
                f"({', '.join(child.id for child in item.tasks[:3])}...)",
                location=Location(entity=ident),
            )
        if self.schedule.network.actual_finish[i] != NO_TIME:
            raise ImpactInvalidChange(
                f"{ident} is done (it has an actual finish): it cannot slip",
                location=Location(entity=ident),
            )
        return i

    def _task_slip(self, change: TaskSlip) -> None:
        i = self._leaf(change.task)
        minutes = self.minutes(change.slip, i)
        self.lengthen(i, minutes)
        self.descriptions.append(f"{change.task} slips {days_text(self.days(minutes, i))}")

    def _project_slip(self, change: ProjectSlip) -> None:
        ids = [p.id for p in self.program.projects]
        if change.project not in ids:
            raise ImpactUnknownReference(
                f"no project {change.project!r} in the plan{did_you_mean(change.project, ids)}",
                location=Location(entity=change.project),
            )
        p = ids.index(change.project)
        net = self.schedule.network
        current = self.schedule.result
        cal = self.tables.kernel_args()
        moved = 0
        for i in np.flatnonzero(self.built.project_of == p).tolist():
            if self.built.items[i].tasks or net.actual_start[i] != NO_TIME:
                continue
            if net.actual_finish[i] != NO_TIME:
                continue
            c = int(net.calendar[i])
            shifted = work_before(c, current.early_start[i], *cal) + self.minutes(change.slip, i)
            net.floor[i] = max(int(net.floor[i]), int(start_of(c, shifted, *cal)))
            self.origins.add(i)
            moved += 1
        self.schedule = IncrementalSchedule(net)  # many floors changed: one full run
        slip = change.slip if isinstance(change.slip, Duration) else Duration(change.slip, "d")
        amount = days_text(slip.amount) if slip.unit == "d" else str(slip)
        self.descriptions.append(
            f"project {change.project} slips {amount} ({count_text(moved, 'task')} not started)"
        )

    def _link_change(self, change: LinkChange) -> None:
        p, s = self.task(change.predecessor), self.task(change.successor)
        net = self.schedule.network
        finish_node = self.built.finish_node.get(p, p)
        candidates = np.flatnonzero(
            (net.link_succ == s) & ((net.link_pred == p) | (net.link_pred == finish_node))
        )
        link = int(candidates[0]) if candidates.size else None
        names = ("FS", "SS", "FF", "SF")
        arrow = f"{change.predecessor} → {change.successor}"
        if change.type is not None and change.type.upper() not in LINK_CODES:
            raise ImpactInvalidChange(f"unknown link type {change.type!r}; use FS, SS, FF or SF")
        kind = change.type.upper() if change.type else None
        if change.remove:
            if link is None:
                raise ImpactUnknownReference(f"there is no link {arrow} to remove")
            self.schedule.remove_link(link)
            self.descriptions.append(f"link {arrow} removed")
        elif link is None or (
            change.lag is not None and self._elapsed(change.lag) != bool(net.link_elapsed[link])
        ):
            if link is not None:  # elapsed and working lags differ in kind: replace the link
                kind = kind or names[int(net.link_type[link])]
                self.schedule.remove_link(link)
            self._add_link(p, s, kind or "FS", change, arrow)
        else:
            if kind is not None:
                self.schedule.set_link_type(link, LINK_CODES[kind])
            if change.lag is not None:
                pred = int(net.link_pred[link])
                self.schedule.set_lag(link, self._lag_minutes(change.lag, pred, s))
            current = self.schedule.network
            self.origins.add(int(current.link_pred[link]))  # the chain starts at the link
            text = names[int(current.link_type[link])] + self._lag_text(change.lag)
            self.descriptions.append(f"link {arrow} becomes {text}")
        self.origins.add(s)

    def _elapsed(self, lag: Amount) -> bool:
        """Whether a lag is wall-clock time: written so, or on the 24-hour lag calendar."""
        written = isinstance(lag, Duration) and lag.elapsed
        return written or self.program.scheduling.lag_calendar == "24h"

    def _counted_on(self, pred: int, successor: int) -> int:
        """The calendar the lag of a link ``pred -> successor`` counts on (the program's
        ``scheduling.lag_calendar``, as the build chose for the plan's own links)."""
        net = self.schedule.network
        chosen = lag_calendars(
            self.program.scheduling.lag_calendar,
            np.array([pred], dtype=np.int64),
            np.array([successor], dtype=np.int64),
            net.calendar,
            self.built.program_calendar,
        )
        return int(chosen[0]) if chosen.size else int(net.calendar[successor])

    def _lag_minutes(self, lag: Amount, pred: int, successor: int) -> int:
        amount = lag if isinstance(lag, Duration) else Duration(float(lag), "d")
        if self._elapsed(lag):
            return round(amount.amount * Duration.MINUTES_PER_ELAPSED[amount.unit])
        per_day = int(self.tables.minutes_per_day[self._counted_on(pred, successor)])
        return round(amount.working_minutes(hours_per_day=per_day / 60))

    @staticmethod
    def _lag_text(lag: Amount | None) -> str:
        if lag is None:
            return ""
        amount = lag if isinstance(lag, Duration) else Duration(float(lag), "d")
        return "" if amount.is_zero else amount.signed()

    def _add_link(self, p: int, s: int, kind: str, change: LinkChange, arrow: str) -> None:
        items = self.built.items
        if items[s].tasks and kind in ("FF", "SF"):
            raise ImpactInvalidChange(f"an {kind} link cannot go into the summary {items[s].id}")
        if items[p].tasks and kind in ("SS", "SF"):
            raise ImpactInvalidChange(f"an {kind} link cannot leave the summary {items[p].id}")
        pred = self.built.finish_node.get(p, p) if kind in ("FS", "FF") else p
        lag = change.lag if change.lag is not None else 0.0
        try:
            self.schedule.add_link(
                pred,
                s,
                LINK_CODES[kind],
                self._lag_minutes(lag, pred, s),
                elapsed=self._elapsed(lag),
                lag_calendar=self._counted_on(pred, s),
            )
        except ScheduleCycle:
            raise ImpactInvalidChange(f"the link {arrow} would close a dependency cycle") from None
        self.origins.add(pred)  # the chain starts at the new link
        self.descriptions.append(f"link {arrow} added ({kind}{self._lag_text(lag)})")

    def _resource_leaves(self, change: ResourceLeaves) -> None:
        people = {r.id: r for r in self.program.resources}
        if change.resource not in people:
            raise ImpactUnknownReference(
                f"no resource {change.resource!r} in the plan"
                f"{did_you_mean(change.resource, people)}",
                location=Location(entity=change.resource),
            )
        kinds = {r.id: r.kind for r in self.program.resources}
        net = self.schedule.network
        current = self.schedule.result
        leaving = self.tables.to_minutes(change.leaving)
        cal = self.tables.kernel_args()
        extras: list[tuple[int, int]] = []
        for i, item in enumerate(self.built.items):
            mine = sum(a.units for a in item.resources if a.resource == change.resource)
            if item.tasks or mine <= 0 or net.actual_finish[i] != NO_TIME:
                continue
            if current.early_finish[i] <= leaving:
                continue  # finished before they leave
            staff = sum(
                a.units
                for a in item.resources
                if a.resource is None or kinds[a.resource] == "person"
            )
            c = int(net.calendar[i])
            later = int(work_before(c, current.early_finish[i], *cal)) - int(
                work_before(c, max(int(current.early_start[i]), leaving), *cal)
            )
            if staff - mine > 1e-9:  # the others do the leaver's share of what is left
                extras.append((i, round(later * mine / (staff - mine))))
            else:
                self.unstaffed.append(item.id)
                extras.append((i, self.minutes(change.replacement, i)))
        for i, extra in extras:
            self.lengthen(i, extra)
            if item_note := self._stretch_note(i, extra):
                self.notes.append(item_note)
        self.descriptions.append(
            f"{change.resource} leaves on {change.leaving.isoformat()} "
            f"({count_text(len(extras), 'task')} affected)"
        )

    def _stretch_note(self, i: int, extra: int) -> str:
        ident = self.built.ids[i]
        how = "unstaffed" if ident in self.unstaffed else "the others take over"
        return f"{ident}: {how}, +{days_text(self.days(extra, i))}"


__all__ = [
    "BenefitImpact",
    "Change",
    "ImpactInvalidChange",
    "ImpactResult",
    "ImpactUnknownReference",
    "LinkChange",
    "MilestoneImpact",
    "ObjectiveImpact",
    "ProjectImpact",
    "ProjectSlip",
    "ResourceLeaves",
    "TaskImpact",
    "TaskSlip",
    "impact",
]
