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
  **regret-biased random samples** and the **genetic search** of
  :mod:`progman.engine.genetic` (the RCPSP solver's: two-point crossover, neighbour-swap
  mutation, elitist selection of distinct lists, restarts) improve it until the schedule
  budget is spent (derived from ``time_limit``, so a seed reproduces the result; the wall
  clock is only a safety net). Without a ``time_limit`` it scales with the program
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
must-start/finish-on date and tasks of priority 1000 (MS Project's "do not level"); their
links still move them, and they are then placed before the work around them. A task that
needs more of a resource than it ever has is leveled as taking all of that resource's
time, and reported as over-allocating it by itself. ALAP tasks with people are leveled as
soon as possible. Assignments to a role still to be staffed, and cost resources, load
nobody. Capacity over time is :mod:`progman.engine.capacity`'s, the load analysis's.

The problem (demand, capacity, what may not move, weights) is
:mod:`progman.engine.leveling_problem`; what moved and why, in words,
:mod:`progman.engine.leveling_report`. The result's schedule is a CPM schedule whose tasks
start no earlier than their leveled dates (P6's leveled dates): floats are those of the
leveled network.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np

from progman.collector import collector_paused
from progman.domain import Program
from progman.engine import genetic
from progman.engine import leveling_report as report
from progman.engine.build import build_network
from progman.engine.calendars import ELAPSED_RULE, MINUTES_PER_DAY, build_tables
from progman.engine.capacity import resource_rules
from progman.engine.leveling_kernels import LevelingContext, as_given, scored
from progman.engine.leveling_problem import Block, LevelingProblem
from progman.engine.leveling_report import Cause, Delay, Unleveled
from progman.engine.load import OverAllocation, analyse_load
from progman.engine.network import _adjacency, schedule_network
from progman.engine.random_stream import random_state
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


@dataclass(frozen=True)
class LevelResult:
    """A leveled program: its schedule, what moved and why, and anything still over
    capacity with the reason leveling could not fix it (``remaining_reasons``, one per
    ``over_allocations`` entry). ``oversized``: work that needs more of someone than they
    have, leveled as taking all of their time."""

    program: str
    schedule: Schedule
    before: Schedule
    makespan: float  # working days of the program calendar from its start to its finish
    makespan_before: float
    delays: tuple[Delay, ...]  # in working days of the program calendar, with their causes
    unleveled: tuple[Unleveled, ...]
    over_allocations: tuple[OverAllocation, ...]
    schedules_generated: int
    seconds: float
    seed: int
    order: np.ndarray = dataclasses.field(repr=False, compare=False)  # the best list
    oversized: tuple[Unleveled, ...] = ()
    remaining_reasons: tuple[str, ...] = ()

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
                {
                    "id": t.id,
                    "start": stamp(t.start),
                    "finish": stamp(t.finish),
                    # work leveling split: its pieces (the load between them is none)
                    **(
                        {"segments": [[stamp(a), stamp(b)] for a, b in t.segments]}
                        if t.segments
                        else {}
                    ),
                }
                for t in self.schedule.tasks
            ],
            "delays": [
                {
                    "id": d.id,
                    "project": d.project,
                    "before": stamp(d.before),
                    "after": stamp(d.after),
                    "days": d.days,
                    "cause": None if d.cause is None else d.cause.to_json(),
                }
                for d in self.delays
            ],
            "unleveled": [{"id": u.id, "reason": u.reason} for u in self.unleveled],
            "oversized": [{"id": u.id, "reason": u.reason} for u in self.oversized],
            "over_allocations": [
                {
                    "resource": o.resource,
                    "start": o.start.isoformat(),
                    "finish": o.finish.isoformat(),
                    "peak_load": round(o.peak_load, 4),
                    "tasks": [t for t, _, _ in o.tasks],
                    "why": why,
                }
                for o, why in zip(self.over_allocations, self.reasons(), strict=True)
            ],
        }

    def reasons(self) -> tuple[str, ...]:
        """Why each over-allocation left could not be fixed (aligned with them)."""
        if len(self.remaining_reasons) == len(self.over_allocations):
            return self.remaining_reasons
        return ("",) * len(self.over_allocations)


def level(
    program: Program,
    *,
    time_limit: float | None = None,
    seed: int = 0,
    status_date: date | None = None,
    schedules: int | None = None,
    blocks: tuple[Block, ...] = (),
    order: np.ndarray | None = None,
    progress: Callable[[float], None] | None = None,
) -> LevelResult:
    """Level the program's resources; the same seed and time limit give the same result.
    ``progress`` is told the share of the search done (0 to 1) as it goes.

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
    problem = LevelingProblem(program, built, first, adj, blocks)
    if order is not None and order.shape != (net.size,):
        raise ValueError("order comes from a leveling of another network")
    search = _Search(problem, seed)
    limit = default_time_limit(net.size) if time_limit is None else time_limit
    budget = schedules or schedule_budget(net.size, limit)
    search.run(budget, None if schedules else limit * genetic.SAFETY_SHARE, order, progress)

    best_start, best_finish, unresolved = problem.replay(search.best_order)
    leveled = problem.leveled_network(best_start, best_finish)
    result = schedule_network(leveled)
    after_built = dataclasses.replace(built, network=leveled)
    after = _with_leveling(describe(program, after_built, result, status=status), problem)
    remaining = tuple(  # periods wholly before the status date are history
        o
        for o in analyse_load(program, after, built=after_built).over_allocations
        if status is None or o.finish >= status
    )
    with collector_paused():  # many small acyclic objects: no collections walking the plan
        unleveled = report.unleveled(problem, unresolved)
        oversized = report.oversized(problem, unresolved)
        delays = report.delays(problem, before, after, (result.early_start, result.early_finish))
        reasons = report.remaining_reasons(problem, remaining, unleveled, oversized)
    return LevelResult(
        program=program.key,
        schedule=after,
        before=before,
        makespan=_working_days(problem, result.finish),
        makespan_before=_working_days(problem, first.finish),
        delays=delays,
        unleveled=unleveled,
        over_allocations=remaining,
        schedules_generated=search.count,
        order=search.best_order.copy(),
        seconds=time.perf_counter() - clock,
        seed=seed,
        oversized=oversized,
        remaining_reasons=reasons,
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
    # numpy, not the work_before kernel: one moment is not worth loading a kernel for
    worked = own.work_before_many(np.ones(1, dtype=np.int64), np.array([minutes]))[0]
    return float(worked) / float(own.minutes_per_day[1])


def _working_days(problem: LevelingProblem, moment: int) -> float:
    """Working days of the program's calendar from the program start to ``moment``."""
    when = problem.net.calendars.to_datetimes(np.array([moment]))[0]
    return working_days(problem.program, when)


def _with_leveling(schedule: Schedule, problem: LevelingProblem) -> Schedule:
    """Name leveling as the driver of tasks it delayed beyond their links, and give split
    work its pieces."""
    delayed = problem.held_up()
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


class _Search:
    """Priority rules, regret-biased sampling and a genetic algorithm over activity lists."""

    def __init__(self, problem: LevelingProblem, seed: int) -> None:
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

    def run(
        self,
        budget: int,
        seconds: float | None,
        first: np.ndarray | None = None,
        progress: Callable[[float], None] | None = None,
    ) -> None:
        """Search until the budget is spent, ``seconds`` of search have passed (the safety
        net, counted from when the kernels are loaded) or nothing is delayed; ``first`` (an
        activity list) is the first member of the population; ``progress`` is told the
        share of the budget spent as the search goes."""
        problem, n = self.problem, self.n
        arrays = problem.arrays()
        bound = problem.bound
        rules = problem.rule_scores()
        pop = np.empty((POPULATION, n), dtype=np.int64)
        fit = np.empty(POPULATION, dtype=np.int64)
        context = LevelingContext(arrays, self.state)

        def generations(target: int, deadline: float | None = None) -> None:
            def out_of_time() -> bool:  # safety net on a slow machine; the budget stops first
                return deadline is not None and time.perf_counter() > deadline

            genetic.evolve(
                pop,
                fit,
                context,
                (problem.adj.links_out[0], problem.adj.links_out[1]),
                rules[0],  # the restarts sample on LST
                problem.indegree,
                self.best,
                self.counter,
                self.state[5],
                self.stream,
                budget=target,
                bound=bound,
                out_of_time=out_of_time,
                progress=None if progress is None else lambda done: progress(min(done / budget, 1)),
            )

        deadline = None
        for k in range(POPULATION):
            if k == 0 and first is not None:
                pop[k] = first
            else:
                problem.list_of(rules[k % len(rules)], k >= len(rules), pop[k], self.stream)
            # a given list alone is decoded as it is (a move compared under the same list)
            alone = k == 0 and first is not None and budget <= 1
            fit[k] = (as_given if alone else scored)(pop[k], context, self.best, self.counter)
            if k == 0 and seconds is not None:
                # loading the kernels (a fresh process pays it) is not search time: the
                # first schedule has loaded decoding, a call that spends nothing the rest
                generations(self.count)
                deadline = time.perf_counter() + seconds
            if self.count >= budget or (deadline is not None and time.perf_counter() > deadline):
                return  # a large program on a short limit: the best rule's schedule
        generations(budget, deadline)


__all__ = [
    "Block",
    "Cause",
    "Delay",
    "LevelResult",
    "Unleveled",
    "default_time_limit",
    "level",
    "schedule_budget",
    "working_days",
]
