"""A program's network as a leveling problem: what each task asks of whom, what each
resource has (the capacity model of :mod:`progman.engine.capacity`, which the load
analysis reads too), what may not move and why, and the priorities and weights of the
objective. :mod:`progman.engine.leveling` searches it; the compiled decoding is
:mod:`progman.engine.leveling_kernels`.

* **Demand**: each leaf task's assignments to people and materials (a role or skill still
  to be staffed, and cost resources, load nobody).
* **Fixed work** (``reasons``): done, in progress, must start/finish on a date, priority
  1000. Where its links cannot move it, its load is reserved before anything is placed;
  where they can (``anchored``: it and everything before it), every decoding places it
  first, where its links put it, so that no other work is placed over it.
* **Oversized work** (``oversized``, ``fills``): a task that needs more of someone than
  they ever have is leveled as taking all of their time: nothing else of theirs runs
  beside it, and it is reported as over-allocating them by itself.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from progman.domain import Program, WorkItem
from progman.engine import kernels
from progman.engine.build import BuiltNetwork
from progman.engine.calendars import MINUTES_PER_DAY
from progman.engine.capacity import capacity_model
from progman.engine.genetic import REGRET_ALPHA, priority_list
from progman.engine.leveling_kernels import decode, inherited_priority
from progman.engine.leveling_profile import add_load

DEFAULT_PRIORITY = 500
DO_NOT_LEVEL = 1000
WEIGHT_SCALE = 1024  # weights are integers: 2^x * WEIGHT_SCALE
EPSILON = 1e-9


@dataclass(frozen=True)
class Block:
    """``resource`` is not available to ``project`` from ``first`` to ``last`` (inclusive):
    lent to another project, say (see :mod:`progman.engine.moves`)."""

    resource: str
    project: str
    first: date
    last: date


def _weight(project_priority: int, task_priority: int) -> int:
    exponent = (project_priority - DEFAULT_PRIORITY) / 100 + (
        task_priority - DEFAULT_PRIORITY
    ) / 200
    return max(1, round(math.pow(2.0, exponent) * WEIGHT_SCALE))


class LevelingProblem:
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
        self.pool = pool
        self.model = capacity_model(program, pool, tables.origin, days)  # as load.py's
        self.capacity = self.model.capacity
        self.rcal = self.model.kernel_args()
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

        # what leveling must not move, and why; what needs more than its people ever have
        self.reasons: dict[int, str] = {}
        self.oversized: dict[int, str] = {}
        self.fills = np.zeros(n, dtype=bool)
        peak = self.model.peak()
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
            for k in range(ptr[i], ptr[i + 1]):
                r = int(self.d_res[k])
                if self.d_units[k] > peak[r] + EPSILON:
                    self.oversized[i] = (
                        f"needs {self.d_units[k]:g} of {pool[r].id}, whose capacity is at "
                        f"most {peak[r]:g}"
                    )
                    self.fills[i] = i not in self.reasons  # it takes all they have
                    break
        self.fixed = np.zeros(n, dtype=bool)
        self.fixed[list(self.reasons)] = True
        self.anchored = self._anchored(built, adj)
        # fixed work its links cannot move holds its load from the start; the rest is
        # placed first in every decoding, where its links put it (anchored)
        self.reserved_start = first.early_start.copy()
        self.reserved_finish = first.early_finish.copy()
        calendar = net.calendar
        cal = tables.kernel_args()
        for task in np.flatnonzero(self.fixed & ~self.anchored).tolist():
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
                self.rcal,
            )
        self.reserved_usage = self.usage.copy()
        self.filled = np.zeros(n, dtype=bool)  # per decoding (see decode)
        self.cause = np.full((n, 4), -1, dtype=np.int64)

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

    def _anchored(self, built: BuiltNetwork, adj: Any) -> np.ndarray:
        """Fixed work that its links may still move (not done, not pinned by a must-start
        or must-finish date, with predecessors), and everything before it."""
        net = built.network
        pinned = (net.actual_finish != kernels.NO_TIME) | np.isin(
            net.constraint_type, (kernels.MSO, kernels.MFO)
        )
        in_ptr, in_pred = adj.links_in[0], adj.links_in[1]
        has_links = np.diff(in_ptr) > 0
        anchored = np.zeros(net.size, dtype=bool)
        stack = np.flatnonzero(self.fixed & ~pinned & has_links).tolist()
        anchored[stack] = True
        while stack:
            i = stack.pop()
            for p in in_pred[in_ptr[i] : in_ptr[i + 1]].tolist():
                if not anchored[p]:
                    anchored[p] = True
                    stack.append(p)
        return anchored

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
        priority_list(prio, out_ptr, out_succ, self.indegree, randomised, REGRET_ALPHA, out, stream)

    # ------------------------------------------------------------------ decoding
    def arrays(self, loaded: bool = True) -> tuple[Any, ...]:
        """Everything :func:`~progman.engine.leveling_kernels.decode` reads and the scratch
        it writes, in its order; without ``loaded``, no task has a demand (the
        unconstrained schedule)."""
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
            self.rcal,
            self.fills,
            self.anchored,
            np.int64(self.anchored.sum()),
            self.filled,
            self.cause,
            np.empty(self.net.size, dtype=np.int64),  # decode's sequence, anchored first
        )

    # ------------------------------------------------------------------ results
    def unconstrained(self) -> tuple[int, np.ndarray]:
        """The objective and the starts without capacities: no schedule does better."""
        n = self.net.size
        start, finish = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
        value = decode(self.adj.order, start, finish, np.zeros(n, bool), self.arrays(False))
        return int(value), start

    def replay(self, order: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Decode ``order`` once more (the search keeps only the best starts): its starts,
        finishes and unresolved tasks, with the pieces of split work in ``self.split``, the
        work that fills its people in ``self.filled`` and what held each task up in
        ``self.cause``."""
        n = self.net.size
        start, finish = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
        unresolved = np.zeros(n, dtype=bool)
        decode(order, start, finish, unresolved, self.arrays())
        return start, finish, unresolved

    def segments(self, i: int) -> list[tuple[int, int]]:
        """The pieces of task ``i`` when leveling split it (else empty)."""
        _, seg_ptr, seg_from, seg_to, seg_count = self.split
        if seg_count[i] < 2:
            return []
        first = int(seg_ptr[i])
        return [(int(seg_from[k]), int(seg_to[k])) for k in range(first, first + int(seg_count[i]))]

    def leveled_network(self, start: np.ndarray, finish: np.ndarray) -> Any:
        """The network whose tasks leveling held up (:meth:`held_up`, after
        :meth:`replay`) start no earlier than it placed them; split work lasts from its
        first piece to its last. The others start where their links put them, as they did
        in the decoding, and keep their links as their drivers."""
        net = self.net
        floor = np.where(self.held_up(), np.maximum(start, net.floor), net.floor)
        duration = net.duration.copy()
        split = np.flatnonzero(self.split[4] > 1)
        if split.size:
            tables, c = net.calendars, net.calendar[split]
            duration[split] = tables.work_before_many(c, finish[split]) - tables.work_before_many(
                c, start[split]
            )
        return dataclasses.replace(
            net, floor=floor, duration=duration, constraint_type=self.constraint_type
        )

    def held_up(self) -> np.ndarray:
        """Tasks the last decoding placed later than their links alone would, for want of
        a resource (the floor it raised, or the days split work paused on)."""
        leveled = (np.diff(self.d_ptr) > 0) & ~self.fixed
        held: np.ndarray = leveled & (
            (self.work_floor != self.base_floor) | (self.cause[:, 0] >= 0)
        )
        return held


__all__ = ["DEFAULT_PRIORITY", "DO_NOT_LEVEL", "Block", "LevelingProblem"]
