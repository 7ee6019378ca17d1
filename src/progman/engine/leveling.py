"""``level(program)``: resource leveling of a whole program, in plan terms.

Leveling delays work so that no person or material is loaded beyond its capacity on any
day, across every project, keeping every link (all four types, lags), calendar,
constraint and the progress as of the status date. It is the RCPSP search of
:mod:`progman.engine.rcpsp` carried over to a program's network:

* an **activity list** (an order of the tasks that respects the links) is decoded by the
  **serial schedule generation scheme** (:func:`~progman.engine.leveling_kernels.decode`):
  each task at its CPM early start given the tasks already placed, moved to the next
  working day of its calendar while a day of its span would exceed a capacity;
* every decoded schedule gets a **forward–backward improvement**
  (:func:`~progman.engine.leveling_kernels.justify`): right-justified by a backward
  serial SGS, then its list by right-justified start decoded forward again, kept when
  better;
* the lists of the priority rules **LST, LFT and GRPW** start the search, then
  **regret-biased random samples** and a **genetic algorithm** (two-point crossover,
  neighbour-swap mutation, elitist selection) improve it until the schedule budget is
  spent (derived from ``time_limit``, so a seed reproduces the result; the wall clock is
  only a safety net). Without a ``time_limit`` it scales with the program
  (:func:`default_time_limit`): a small program answers in a blink, a large one searches
  longer;
* **priorities**: a task's class is its project's priority, then its own (``priority``,
  else its parent's, else 500); every list puts higher classes first (a predecessor
  inherits the class of what waits for it), and the objective is the sum of the finishes
  of the milestones, the projects and the program, each weighted ``2^((project priority
  - 500) / 100 + (task priority - 500) / 200)``: the more important the work, the less
  it is delayed. The program's end weighs as much as all of them together, so the
  finish of the whole program is never traded for a little gain elsewhere. (Program
  priority ranks programs against each other; a plan is one program.)

What leveling does not move, it reports: tasks done or in progress, tasks with a
must-start/finish-on date, tasks of priority 1000 (MS Project's "do not level"), and tasks
that need more of a resource than it ever has. ALAP tasks with people are leveled as soon
as possible. Assignments to a role still to be staffed, and cost resources, load nobody.

The result's schedule is a CPM schedule whose tasks start no earlier than their leveled
dates (P6's leveled dates): floats are those of the leveled network.
"""

from __future__ import annotations

import dataclasses
import math
import time
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np

from progman.domain import Program, WorkItem
from progman.engine import kernels
from progman.engine.build import BuiltNetwork, build_network
from progman.engine.calendars import ELAPSED_RULE, MINUTES_PER_DAY, build_tables, work_before
from progman.engine.leveling_kernels import (
    add_load,
    decode,
    evolve,
    inherited_priority,
    scored,
)
from progman.engine.load import (
    OverAllocation,
    analyse_load,
    resource_capacity,
    resource_rules,
)
from progman.engine.network import _adjacency, schedule_network
from progman.engine.random_stream import random_state
from progman.engine.rcpsp import (
    REGRET_ALPHA,
    SAFETY_SHARE,
    STALL_GENERATIONS,
    _priority_list,
)
from progman.engine.schedule import Schedule, describe
from progman.engine.scheduled import ensure_valid

#: Task placements per second of ``time_limit`` that make the (deterministic) budget.
PLACEMENTS_PER_SECOND = 250_000
#: At most this many schedules per second of ``time_limit`` (small plans: fixed costs).
SCHEDULES_PER_SECOND = 25_000
#: The default time limit: this much search per network node, within the bounds below
#: (about 250 schedules for programs from 100 to 10,000 tasks).
SECONDS_PER_TASK = 0.001
MIN_TIME_LIMIT = 0.1
MAX_TIME_LIMIT = 10.0
POPULATION = 16
MUTATION = 0.05
DEFAULT_PRIORITY = 500
DO_NOT_LEVEL = 1000
WEIGHT_SCALE = 1024  # weights are integers: 2^x * WEIGHT_SCALE


@dataclass(frozen=True)
class Delay:
    """A task leveling moved, and by how much (working days of its calendar)."""

    id: str
    project: str
    before: datetime
    after: datetime
    days: float


@dataclass(frozen=True)
class Unleveled:
    """A task leveling left where the CPM put it, and why."""

    id: str
    reason: str


@dataclass(frozen=True)
class Block:
    """``resource`` is not available to ``project`` from ``first`` to ``last`` (inclusive):
    lent to another project, say (see :mod:`progman.engine.moves`)."""

    resource: str
    project: str
    first: date
    last: date


@dataclass(frozen=True)
class LevelResult:
    """A leveled program: its schedule, what moved, and anything still over capacity."""

    program: str
    schedule: Schedule
    before: Schedule
    makespan: float  # working days of the program calendar from its start to its finish
    makespan_before: float
    delays: tuple[Delay, ...]
    unleveled: tuple[Unleveled, ...]
    over_allocations: tuple[OverAllocation, ...]
    schedules_generated: int
    seconds: float
    seed: int
    order: np.ndarray = dataclasses.field(repr=False, compare=False)  # the best list

    @property
    def feasible(self) -> bool:
        """No resource is loaded beyond its capacity on any day."""
        return not self.over_allocations

    def to_json(self, source: str | None = None) -> dict[str, Any]:
        """The SPEC §5 ``level --json`` object (plus what moved and what could not)."""

        def stamp(moment: datetime) -> str:
            return moment.isoformat(timespec="minutes")

        return {
            "input": source,
            "program": self.program,
            "makespan": round(self.makespan, 3),
            "makespan_before": round(self.makespan_before, 3),
            "unit": "days",
            "finish": stamp(self.schedule.finish),
            "finish_before": stamp(self.before.finish),
            "feasible": self.feasible,
            "seconds": round(self.seconds, 4),
            "schedules": self.schedules_generated,
            "seed": self.seed,
            "projects": {
                pid: {
                    "finish": info["finish"],
                    "finish_before": self.before.projects[pid]["finish"],
                }
                for pid, info in self.schedule.projects.items()
            },
            "tasks": [
                {"id": t.id, "start": stamp(t.start), "finish": stamp(t.finish)}
                for t in self.schedule.tasks
            ],
            "delays": [
                {
                    "id": d.id,
                    "project": d.project,
                    "before": stamp(d.before),
                    "after": stamp(d.after),
                    "days": d.days,
                }
                for d in self.delays
            ],
            "unleveled": [{"id": u.id, "reason": u.reason} for u in self.unleveled],
            "over_allocations": [
                {
                    "resource": o.resource,
                    "start": o.start.isoformat(),
                    "finish": o.finish.isoformat(),
                    "peak_load": round(o.peak_load, 4),
                    "tasks": [t for t, _, _ in o.tasks],
                }
                for o in self.over_allocations
            ],
        }


def level(
    program: Program,
    *,
    time_limit: float | None = None,
    seed: int = 0,
    status_date: date | None = None,
    schedules: int | None = None,
    blocks: tuple[Block, ...] = (),
    order: np.ndarray | None = None,
) -> LevelResult:
    """Level the program's resources; the same seed and time limit give the same result.

    ``time_limit`` (seconds of search; default :func:`default_time_limit` of the network)
    sets the search budget; ``schedules`` fixes it outright. The wall clock stops the
    search at the time limit only on a machine too slow to spend the budget.
    ``blocks`` keep resources from projects for a while; ``order`` (the ``order`` of an
    earlier result on the same network) starts the search, and with ``schedules=1`` is
    the only list decoded: the earlier leveling's priorities under new conditions.
    """
    clock = time.perf_counter()
    ensure_valid(program)
    status = status_date or program.status_date
    built = build_network(program, status)
    net = built.network
    adj = _adjacency(net)
    first = schedule_network(net)
    before = describe(program, built, first, status=status)
    problem = _Problem(program, built, first, adj, blocks)
    if order is not None and order.shape != (net.size,):
        raise ValueError("order comes from a leveling of another network")
    search = _Search(problem, seed)
    limit = default_time_limit(net.size) if time_limit is None else time_limit
    budget = schedules or schedule_budget(net.size, limit)
    search.run(budget, None if schedules else limit * SAFETY_SHARE, order)

    best_start, best_finish = problem.replay(search.best_order)
    leveled = problem.leveled_network(best_start, best_finish)
    result = schedule_network(leveled)
    after_built = dataclasses.replace(built, network=leveled)
    after = _with_leveling(
        describe(program, after_built, result, status=status), problem, best_start
    )
    remaining = tuple(  # periods wholly before the status date are history
        o
        for o in analyse_load(program, after, built=after_built).over_allocations
        if status is None or o.finish >= status
    )
    return LevelResult(
        program=program.key,
        schedule=after,
        before=before,
        makespan=problem.working_days(result.finish),
        makespan_before=problem.working_days(first.finish),
        delays=problem.delays(before, after),
        unleveled=problem.unleveled(search.best_unresolved),
        over_allocations=remaining,
        schedules_generated=search.count,
        order=search.best_order.copy(),
        seconds=time.perf_counter() - clock,
        seed=seed,
    )


def default_time_limit(size: int) -> float:
    """Seconds of search when none is asked for: 1 ms per task of the network, at least
    0.1 s and at most 10 s, so a 100-task program answers at once and a large one searches
    longer (about 250 schedules for 100 to 10,000 tasks, see :func:`schedule_budget`)."""
    return min(MAX_TIME_LIMIT, max(MIN_TIME_LIMIT, SECONDS_PER_TASK * size))


def schedule_budget(size: int, time_limit: float) -> int:
    """The deterministic search budget of ``time_limit`` seconds on a network of ``size``
    tasks: ``min(25,000, 250,000 / size)`` schedules per second, at least a population."""
    rate = min(SCHEDULES_PER_SECOND, PLACEMENTS_PER_SECOND / max(1, size))
    return max(POPULATION, int(rate * time_limit))


def working_days(program: Program, moment: datetime) -> float:
    """Working days of the program's calendar from the program start to ``moment``."""
    origin = program.start
    minutes = int((moment - datetime.combine(origin, datetime.min.time())).total_seconds() // 60)
    if minutes <= 0:
        return 0.0
    rule = resource_rules(program, [])[0]
    own = build_tables([ELAPSED_RULE, rule], origin, minutes // MINUTES_PER_DAY + 2)
    worked = work_before(1, minutes, *own.kernel_args())
    return float(worked) / float(own.minutes_per_day[1])


def _with_leveling(schedule: Schedule, problem: _Problem, start: np.ndarray) -> Schedule:
    """Name leveling as the driver of tasks it delayed beyond their links, and give split
    work its pieces."""
    delayed = problem.delayed_by_leveling(start)
    to_datetimes = problem.net.calendars.to_datetimes
    tasks = []
    for i, entry in enumerate(schedule.tasks):
        changes: dict[str, Any] = {}
        if delayed[i] and entry.driving_predecessor in ("start", "status date"):
            changes["driving_predecessor"] = "leveling"
        pieces = problem.segments(i)
        if pieces:
            moments = to_datetimes(np.array(pieces, dtype=np.int64).reshape(-1))
            changes["segments"] = tuple(zip(moments[::2], moments[1::2], strict=True))
        tasks.append(dataclasses.replace(entry, **changes) if changes else entry)
    return dataclasses.replace(schedule, tasks=tuple(tasks))


def _weight(project_priority: int, task_priority: int) -> int:
    exponent = (project_priority - DEFAULT_PRIORITY) / 100 + (
        task_priority - DEFAULT_PRIORITY
    ) / 200
    return max(1, round(math.pow(2.0, exponent) * WEIGHT_SCALE))


class _Problem:
    """The program's network with its resource demand, capacity grid and weights."""

    def __init__(
        self,
        program: Program,
        built: BuiltNetwork,
        first: Any,
        adj: Any,
        blocks: tuple[Block, ...] = (),
    ) -> None:
        self.program = program
        self.built = built
        net = built.network
        self.net = net
        self.adj = adj
        self.first = first
        n = net.size
        n_items = built.item_count
        tables = net.calendars

        # resource demand per network node (leaf tasks that take time)
        pool = [r for r in program.resources if r.kind != "cost"]
        row_of = {r.id: k for k, r in enumerate(pool)}
        ptr = np.zeros(n + 1, dtype=np.int64)
        res: list[int] = []
        units: list[float] = []
        for i, item in enumerate(built.items):
            if not item.tasks and not item.milestone:
                for a in item.resources:
                    if a.resource in row_of and a.units > 0:
                        res.append(row_of[a.resource])
                        units.append(a.units)
            ptr[i + 1] = len(res)
        ptr[n_items + 1 :] = len(res)
        self.d_ptr, self.d_res = ptr, np.array(res, dtype=np.int64)
        self.d_units = np.array(units, dtype=np.float64)

        # the capacity grid: days of the network's tables, as far as leveling can reach
        # (every leveled task after the other, and a year for gaps in people's capacity)
        demand_days = np.diff(ptr) > 0
        span_days = (first.early_finish - first.early_start) // MINUTES_PER_DAY + 1
        reach = int(first.finish // MINUTES_PER_DAY) + int(span_days[demand_days].sum()) + 366
        days = min(tables.days, max(reach, 1))
        own = resource_rules(program, pool)[1:]
        works = build_tables([ELAPSED_RULE, *own], tables.origin, days).working[1:]
        self.capacity = np.ascontiguousarray(resource_capacity(pool, works, tables.origin))
        self.usage = np.zeros_like(self.capacity)
        self.blocked = np.full(self.capacity.shape, -1, dtype=np.int64)
        project_index = {p.id: k for k, p in enumerate(program.projects)}
        for block in blocks:
            lo = max(0, (block.first - tables.origin).days)
            hi = max(lo, (block.last - tables.origin).days + 1)
            self.blocked[row_of[block.resource], lo:hi] = project_index[block.project]

        # interruptible work may pause: slots for its pieces (at most one per working day)
        interruptible = np.zeros(n, dtype=bool)
        for i, item in enumerate(built.items):
            interruptible[i] = item.interruptible and demand_days[i]
        slots = np.where(interruptible, net.duration // tables.minutes_per_day[net.calendar] + 2, 0)
        seg_ptr = np.concatenate([[0], np.cumsum(slots)]).astype(np.int64)
        total = int(seg_ptr[-1])
        self.split = (
            interruptible,
            seg_ptr,
            np.zeros(total, dtype=np.int64),
            np.zeros(total, dtype=np.int64),
            np.zeros(n, dtype=np.int64),
        )

        # what leveling must not move, and why
        self.reasons: dict[int, str] = {}
        peak = self.capacity.max(axis=1, initial=0.0) if pool else np.zeros(0)
        ctype = net.constraint_type
        for i, item in enumerate(built.items):
            if not demand_days[i]:
                continue
            if net.actual_finish[i] != kernels.NO_TIME:
                self.reasons[i] = ""  # done: history, not worth a line
            elif net.actual_start[i] != kernels.NO_TIME:
                self.reasons[i] = "in progress"
            elif item.constraint is not None and ctype[i] in (kernels.MSO, kernels.MFO):
                side = "start" if ctype[i] == kernels.MSO else "finish"
                self.reasons[i] = f"must {side} on {item.constraint.date}"
            elif self._own_priority(i) >= DO_NOT_LEVEL:
                self.reasons[i] = "priority 1000 (do not level)"
            else:
                for k in range(ptr[i], ptr[i + 1]):
                    r = int(self.d_res[k])
                    if self.d_units[k] > peak[r] + 1e-9:
                        self.reasons[i] = (
                            f"needs {self.d_units[k]:g} of {pool[r].id}, whose capacity is "
                            f"at most {peak[r]:g}"
                        )
                        break
        self.fixed = np.zeros(n, dtype=bool)
        self.fixed[list(self.reasons)] = True
        self.reserved_start = first.early_start.copy()
        self.reserved_finish = first.early_finish.copy()
        calendar = net.calendar
        cal = tables.kernel_args()
        for task in np.flatnonzero(self.fixed).tolist():
            add_load(
                task,
                first.early_start[task],
                first.early_finish[task],
                1.0,
                calendar,
                self.d_ptr,
                self.d_res,
                self.d_units,
                self.usage,
                cal,
            )

        self.reserved_usage = self.usage.copy()

        # ALAP work with people is leveled as soon as possible
        self.constraint_type = ctype.copy()
        self.constraint_type[(ctype == kernels.ALAP) & demand_days] = kernels.ASAP
        self.base_floor = net.floor.copy()
        self.work_floor = net.floor.copy()
        self.tasks = (
            net.duration,
            net.calendar,
            self.work_floor,
            self.constraint_type,
            net.constraint_time,
            net.deadline,
            net.actual_start,
            net.actual_finish,
            net.remaining,
        )

        # priorities: classes for the lists, weights for the objective
        projects = program.projects
        node_item = np.arange(n)
        for summary, finish_node in built.finish_node.items():
            node_item[finish_node] = summary
        self.project_of = built.project_of[node_item].astype(np.int64)
        task_priority = np.array([self._own_priority(int(k)) for k in node_item], dtype=np.int64)
        project_priority = np.array([p.priority for p in projects], dtype=np.int64)[self.project_of]
        own_class = (project_priority * (DO_NOT_LEVEL + 1) + task_priority).astype(np.float64)
        out_ptr, out_succ = adj.links_out[0], adj.links_out[1]
        self.priority_class = inherited_priority(adj.order, own_class, out_ptr, out_succ)
        self.weight = np.zeros(n, dtype=np.int64)
        for i, item in enumerate(built.items):
            if item.milestone:
                self.weight[i] = _weight(int(project_priority[i]), int(task_priority[i]))
        self.project_weight = np.array(
            [_weight(p.priority, DEFAULT_PRIORITY) for p in projects], dtype=np.int64
        )
        # the program's end weighs as much as all milestones and projects together
        others = int(self.weight.sum()) + int(self.project_weight.sum())
        self.program_weight = np.int64(max(_weight(program.priority, DEFAULT_PRIORITY), others))
        self.indegree = np.bincount(net.link_succ, minlength=n).astype(np.int64)
        self.bound, self.free_start = self.unconstrained()

    def _own_priority(self, i: int) -> int:
        """A task's priority, else its nearest summary's, else the default."""
        built = self.built
        while i >= 0:
            item: WorkItem = built.items[i]
            if item.priority is not None:
                return item.priority
            i = int(built.parent_of[i])
        return DEFAULT_PRIORITY

    # ------------------------------------------------------------------ lists
    def rule_scores(self) -> list[np.ndarray]:
        """LST, LFT and GRPW as "higher is better", each under the priority classes."""
        first = self.first
        days = float(MINUTES_PER_DAY)
        span = float(max(1, first.finish)) / days + 1.0
        lst = -(first.late_start / days)
        lft = -(first.late_finish / days)
        dur = (first.early_finish - first.early_start) / days
        out_ptr, out_succ = self.adj.links_out[0], self.adj.links_out[1]
        owner = np.repeat(np.arange(dur.size), np.diff(out_ptr))
        grpw = dur + np.bincount(owner, weights=dur[out_succ], minlength=dur.size)
        scale = 4.0 * span + 4.0 * float(grpw.max(initial=0.0)) + 1.0
        return [self.priority_class * scale + score for score in (lst, lft, grpw)]

    def list_of(
        self, prio: np.ndarray, randomised: bool, out: np.ndarray, stream: np.ndarray
    ) -> None:
        """A link-respecting order by ``prio`` (highest first), or a regret-biased sample
        drawn from ``stream``."""
        out_ptr, out_succ = self.adj.links_out[0], self.adj.links_out[1]
        _priority_list(
            prio, out_ptr, out_succ, self.indegree, randomised, REGRET_ALPHA, out, stream
        )

    # ------------------------------------------------------------------ decoding
    def arrays(self, loaded: bool = True) -> tuple[Any, ...]:
        """Everything :func:`~progman.engine.leveling_kernels.decode` reads, in its order;
        without ``loaded``, no task has a demand (the unconstrained schedule)."""
        net = self.net
        return (
            self.adj.links_in,
            self.tasks,
            self.base_floor,
            np.int64(net.status_time),
            self.fixed,
            self.reserved_start,
            self.reserved_finish,
            self.d_ptr if loaded else np.zeros_like(self.d_ptr),
            self.d_res,
            self.d_units,
            self.capacity,
            self.usage,
            self.reserved_usage,
            self.blocked,
            self.split,
            net.calendars.kernel_args(),
            self.weight,
            self.project_of,
            self.project_weight,
            self.program_weight,
            np.empty(max(1, len(self.program.projects)), dtype=np.int64),
        )

    # ------------------------------------------------------------------ results
    def unconstrained(self) -> tuple[int, np.ndarray]:
        """The objective and the starts without capacities: no schedule does better."""
        n = self.net.size
        start, finish = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
        value = decode(self.adj.order, start, finish, np.zeros(n, bool), self.arrays(False))
        return int(value), start

    def replay(self, order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Decode ``order`` once more (the search keeps only the best starts): its starts
        and finishes, with the pieces of split work in ``self.split``."""
        n = self.net.size
        start, finish = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
        decode(order, start, finish, np.zeros(n, dtype=bool), self.arrays())
        return start, finish

    def segments(self, i: int) -> list[tuple[int, int]]:
        """The pieces of task ``i`` when leveling split it (else empty)."""
        _, seg_ptr, seg_from, seg_to, seg_count = self.split
        if seg_count[i] < 2:
            return []
        first = int(seg_ptr[i])
        return [(int(seg_from[k]), int(seg_to[k])) for k in range(first, first + int(seg_count[i]))]

    def leveled_network(self, start: np.ndarray, finish: np.ndarray) -> Any:
        """The network whose leveled tasks start no earlier than leveling placed them; split
        work lasts from its first piece to its last."""
        net = self.net
        leveled = (np.diff(self.d_ptr) > 0) & ~self.fixed
        floor = np.where(leveled, np.maximum(start, net.floor), net.floor)
        duration = net.duration.copy()
        cal = net.calendars.kernel_args()
        for i in np.flatnonzero(self.split[4] > 1).tolist():
            c = int(net.calendar[i])
            worked = work_before(c, finish[i], *cal) - work_before(c, start[i], *cal)
            duration[i] = worked
        return dataclasses.replace(
            net, floor=floor, duration=duration, constraint_type=self.constraint_type
        )

    def delayed_by_leveling(self, start: np.ndarray) -> np.ndarray:
        """Tasks that start later than their links alone would let them."""
        moved: np.ndarray = (start > self.free_start) & (np.diff(self.d_ptr) > 0) & ~self.fixed
        return moved

    def working_days(self, moment: int) -> float:
        """Working days of the program's calendar from the program start to ``moment``."""
        when = self.net.calendars.to_datetimes(np.array([moment]))[0]
        return working_days(self.program, when)

    def delays(self, before: Schedule, after: Schedule) -> tuple[Delay, ...]:
        tables = self.net.calendars
        out = []
        for i, (b, a) in enumerate(zip(before.tasks, after.tasks, strict=True)):
            if a.start <= b.start or a.summary:
                continue
            c = int(self.net.calendar[i])
            mpd = float(tables.minutes_per_day[c])
            shift = _working_minutes(tables, c, b.start, a.start)
            out.append(Delay(a.id, a.project, b.start, a.start, round(shift / mpd, 3)))
        out.sort(key=lambda d: (-d.days, d.id))
        return tuple(out)

    def unleveled(self, unresolved: np.ndarray) -> tuple[Unleveled, ...]:
        ids = self.built.ids
        found = [Unleveled(ids[i], why) for i, why in sorted(self.reasons.items()) if why]
        found += [
            Unleveled(ids[int(i)], "no room before the end of the calendar")
            for i in np.flatnonzero(unresolved[: self.built.item_count])
        ]
        return tuple(found)


def _working_minutes(tables: Any, c: int, a: datetime, b: datetime) -> int:
    cal = tables.kernel_args()
    ta, tb = tables.to_minutes(a), tables.to_minutes(b)
    return int(work_before(c, tb, *cal) - work_before(c, ta, *cal))


class _Search:
    """Priority rules, regret-biased sampling and a genetic algorithm over activity lists."""

    def __init__(self, problem: _Problem, seed: int) -> None:
        self.problem = problem
        n = problem.net.size
        self.n = n
        # the lists' sampling and the genetic operators draw from this run's own stream
        self.stream = random_state(seed)
        self.counter = np.zeros(1, dtype=np.int64)
        self.best = np.array([np.iinfo(np.int64).max], dtype=np.int64)
        self.best_start = problem.first.early_start.copy()
        self.best_unresolved = np.zeros(n, dtype=bool)
        self.best_order = problem.adj.order.copy()
        self.state = (
            np.empty(n, dtype=np.int64),
            np.empty(n, dtype=np.int64),
            np.zeros(n, dtype=bool),
            self.best_start,
            self.best_unresolved,
            np.zeros(1, dtype=np.int64),
            self.best_order,
            # forward–backward improvement: links by predecessor, and its scratch arrays
            problem.adj.links_out,
            problem.indegree,
            np.empty(n, dtype=np.int64),
            np.empty(n, dtype=np.int64),
            np.empty(n, dtype=np.int64),
            np.empty(n, dtype=np.float64),
            self.stream,
        )

    @property
    def count(self) -> int:
        return int(self.counter[0])

    def run(self, budget: int, seconds: float | None, first: np.ndarray | None = None) -> None:
        """Search until the budget is spent, ``seconds`` of search have passed (the safety
        net, counted from when the kernels are loaded) or nothing is delayed; ``first`` (an
        activity list) is the first member of the population."""
        problem, n = self.problem, self.n
        arrays = problem.arrays()
        bound = problem.bound
        rules = problem.rule_scores()
        out_ptr, out_succ = problem.adj.links_out[0], problem.adj.links_out[1]
        pop = np.empty((POPULATION, n), dtype=np.int64)
        fit = np.empty(POPULATION, dtype=np.int64)
        children, cfit = np.empty_like(pop), np.empty_like(fit)

        def generations(target: int) -> None:
            evolve(
                pop,
                fit,
                children,
                cfit,
                out_ptr,
                out_succ,
                rules[0],
                problem.indegree,
                arrays,
                self.state,
                self.best,
                self.counter,
                target,
                bound,
                MUTATION,
                REGRET_ALPHA,
                STALL_GENERATIONS,
            )

        deadline = None
        for k in range(POPULATION):
            if k == 0 and first is not None:
                pop[k] = first
            else:
                problem.list_of(rules[k % len(rules)], k >= len(rules), pop[k], self.stream)
            # a given list alone is decoded as it is (a move compared under the same list)
            improve = not (k == 0 and first is not None and budget <= 1)
            fit[k] = scored(pop[k], arrays, self.state, self.best, self.counter, improve)
            if k == 0 and seconds is not None:
                # loading the kernels (a fresh process pays it) is not search time: the
                # first schedule has loaded decoding, a call that spends nothing the rest
                generations(self.count)
                deadline = time.perf_counter() + seconds
            if self.count >= budget or (deadline is not None and time.perf_counter() > deadline):
                return  # a large program on a short limit: the best rule's schedule
        chunk = max(1, budget // 50)
        while self.count < budget and self.best[0] > bound:
            if deadline is not None and time.perf_counter() > deadline:
                break  # safety net on a slow machine; the budget normally stops first
            generations(min(budget, self.count + chunk))


__all__ = [
    "Block",
    "Delay",
    "LevelResult",
    "Unleveled",
    "default_time_limit",
    "level",
    "schedule_budget",
    "working_days",
]
