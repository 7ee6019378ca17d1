# ruff: noqa: PLR0917 - numba kernels: positional arrays
"""Monte Carlo under resource limits: each iteration's sampled durations decoded by the
serial schedule generation scheme with the leveled priority list.

The plain simulation (:mod:`progman.engine.montecarlo`) schedules each iteration by its
links alone, so two tasks that need the same person all day may run side by side, and
its percentiles can fall before the leveled plan's own finish. Here the plan is leveled
once (:func:`progman.engine.leveling.level`: its best activity list), and every iteration
is placed by the leveler's serial SGS (:func:`progman.engine.leveling_kernels.decode`)
with that list, under the same capacities (:mod:`progman.engine.capacity`: calendars,
availability periods, vacations): a task waits while a day of its span would exceed a
capacity, so conflicts count. The list is not searched again per iteration: this is how
the plan plays out if its leveled priorities are kept while durations vary.

Criticality is then the total float of the leveled dates (the plain simulation's backward
pass over them): like the float of a leveled schedule, it follows links, not the person a
task waits for.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from progman.domain import Program
from progman.engine.build import BuiltNetwork
from progman.engine.capacity import capacity_model
from progman.engine.jit import kernel
from progman.engine.leveling import level
from progman.engine.leveling_kernels import decode
from progman.engine.leveling_problem import LevelingProblem
from progman.engine.montecarlo import Uncertainty
from progman.engine.network import _adjacency, schedule_network

#: Iterations per chunk: a leveled iteration costs far more than a plain one, so chunks
#: smaller than the plain simulation's share the threads evenly (and report progress).
CHUNK = 500

# positions in LevelingProblem.arrays() (the unpacking at the top of decode)
_TASKS, _CAPACITY, _USAGE, _RESERVED, _BLOCKED, _SPLIT = 1, 10, 11, 12, 13, 14
_PROJECT_FINISH, _RCAL, _FILLED, _CAUSE, _SEQUENCE = 20, 21, 25, 26, 27
# positions in Network.task_arrays(): what an iteration or a decoding changes
_DURATION, _FLOOR, _REMAINING = 0, 2, 8


@kernel(refcounts=False)
def decode_chunk(  # type: ignore[no-untyped-def]
    order, duration, planned, remaining, early_start, early_finish, problem, start, finish,
    unresolved,
):  # fmt: skip
    """For each iteration (column) of ``duration[task, iteration]``: decode ``order`` with
    those durations under the capacities of ``problem``; its dates go to the column of
    ``early_start`` and ``early_finish``. A started task's remaining work scales with its
    sample (``remaining × sampled / planned``), as in the plain simulation. ``problem``'s
    task arrays are this worker's own: the durations are written into them."""
    tasks = problem[1]
    work = tasks[0]
    left = tasks[8]
    n = order.shape[0]
    for it in range(duration.shape[1]):
        for i in range(n):
            d = duration[i, it]
            work[i] = d
            if remaining[i] >= 0 and planned[i] > 0:
                left[i] = (remaining[i] * d + planned[i] // 2) // planned[i]
        decode(order, start, finish, unresolved, problem)
        for i in range(n):
            early_start[i, it] = start[i]
            early_finish[i, it] = finish[i]


class LeveledScheduler:
    """A :class:`~progman.engine.montecarlo.ChunkScheduler` that places each iteration with
    the leveled activity list ``order`` under the capacities of ``problem``.

    The capacity grid and the slots of interruptible work are widened for the longest
    durations ``unc`` can draw (pessimistic estimates plus every delaying risk), so that an
    unlucky iteration still finds room on the grid instead of being left unleveled.
    """

    def __init__(self, problem: LevelingProblem, order: np.ndarray, unc: Uncertainty) -> None:
        net = problem.net
        n = net.size
        self.order = np.ascontiguousarray(order, dtype=np.int64)
        self.planned = net.duration
        self.remaining = net.remaining
        longest = net.duration.astype(np.float64)
        np.maximum.at(longest, unc.task, np.ceil(unc.high))
        if unc.risk_task.shape[0]:
            np.add.at(longest, unc.risk_task, np.maximum(unc.risk_minutes, 0).astype(np.float64))
        longest_minutes = longest.astype(np.int64)
        per_day = np.maximum(net.calendars.minutes_per_day[net.calendar], 1)
        # each extra working day may cost up to a calendar week of a part-time person
        extra_days = -(-(longest_minutes - net.duration) // per_day) * 7
        days = problem.capacity.shape[1]
        wanted = min(net.calendars.days, days + int(extra_days.sum()))
        arrays = list(problem.arrays())
        if wanted > days:
            model = capacity_model(problem.program, problem.pool, net.calendars.origin, wanted)
            pad = ((0, 0), (0, wanted - days))
            arrays[_CAPACITY] = model.capacity
            arrays[_RCAL] = model.kernel_args()
            arrays[_RESERVED] = np.pad(problem.reserved_usage, pad)
            arrays[_BLOCKED] = np.pad(problem.blocked, pad, constant_values=-1)
        interruptible = problem.split[0]
        slots = np.where(interruptible, longest_minutes // per_day + 2, 0)
        self.seg_ptr = np.concatenate([[0], np.cumsum(slots)]).astype(np.int64)
        self.shared = arrays
        self.n = n

    def scratch(self) -> Any:
        """One worker's copy of everything :func:`decode` writes."""
        arrays = list(self.shared)
        tasks = list(arrays[_TASKS])
        for k in (_DURATION, _FLOOR, _REMAINING):
            tasks[k] = tasks[k].copy()
        arrays[_TASKS] = tuple(tasks)
        arrays[_USAGE] = arrays[_RESERVED].copy()
        total = int(self.seg_ptr[-1])
        arrays[_SPLIT] = (
            arrays[_SPLIT][0],
            self.seg_ptr,
            np.zeros(total, dtype=np.int64),
            np.zeros(total, dtype=np.int64),
            np.zeros(self.n, dtype=np.int64),
        )
        arrays[_PROJECT_FINISH] = np.empty_like(arrays[_PROJECT_FINISH])
        arrays[_FILLED] = np.zeros(self.n, dtype=bool)
        arrays[_CAUSE] = np.full((self.n, 4), -1, dtype=np.int64)
        arrays[_SEQUENCE] = np.empty(self.n, dtype=np.int64)
        dates = (np.empty(self.n, np.int64), np.empty(self.n, np.int64), np.zeros(self.n, bool))
        return tuple(arrays), dates

    def __call__(
        self, duration: np.ndarray, early_start: np.ndarray, early_finish: np.ndarray, scratch: Any
    ) -> None:
        problem, (start, finish, unresolved) = scratch
        decode_chunk(
            self.order, duration, self.planned, self.remaining, early_start, early_finish,
            problem, start, finish, unresolved,
        )  # fmt: skip

    def planned_dates(self) -> tuple[np.ndarray, np.ndarray]:
        """The leveled dates with every duration as planned (the deterministic plan)."""
        start = np.empty((self.n, 1), dtype=np.int64)
        finish = np.empty((self.n, 1), dtype=np.int64)
        self(self.planned[:, None].copy(), start, finish, self.scratch())
        return start[:, 0], finish[:, 0]


def leveled_scheduler(
    program: Program,
    built: BuiltNetwork,
    unc: Uncertainty,
    *,
    status_date: date | None = None,
    seed: int = 0,
) -> LeveledScheduler:
    """Level ``program`` once (as ``progman level`` does with this seed and its default
    search) and keep its best activity list for the iterations on ``built``'s network
    (built with the same ``status_date``)."""
    net = built.network
    leveled = level(program, seed=seed, status_date=status_date)
    problem = LevelingProblem(program, built, schedule_network(net), _adjacency(net))
    return LeveledScheduler(problem, leveled.order, unc)


__all__ = ["CHUNK", "LeveledScheduler", "decode_chunk", "leveled_scheduler"]
