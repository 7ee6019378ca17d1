# ruff: noqa: PLR0917 - the chunk runner and its kernels take many positional arrays
"""Monte Carlo schedule simulation over a :class:`Network`: arrays in, arrays out, seeded.

Each iteration draws every uncertain duration (:mod:`progman.engine.sampling`), fires risk
events, and schedules the network; many iterations are scheduled at once, by the passes
of :mod:`progman.engine.montecarlo_passes` (arrays ``[task, iteration]``). What each
chunk records and the sensitivity are :mod:`progman.engine.montecarlo_stats`'s.

Randomness: iterations come in blocks of :data:`BLOCK` with their own stream
(``SeedSequence(seed, spawn_key=(block,))``), drawn in a fixed order (uniforms for the
durations, then risk events, then copula normals). A chunk is a whole number of blocks, so
the same seed gives the same result whatever the chunk size.

Simplifications against the deterministic schedule: ALAP tasks are scheduled as soon as
possible; criticality means total float ≤ 0 against the iteration's own program end and
the tasks' "no later than" and "must" dates, but not their deadlines (a deadline missed in
most iterations would otherwise make everything before it critical). A started task's
remaining work scales with its sampled duration (``remaining × sampled / planned``); done
tasks keep their actuals.
"""

from __future__ import annotations

import mmap
import os
import queue
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from progman.engine import sampling
from progman.engine.montecarlo_passes import backward_chunk, end_in_work, forward_chunk
from progman.engine.montecarlo_stats import (
    group_members,
    latest_finishes,
    quantile_scores,
    rank_correlations,
)
from progman.engine.network import Network, ScheduleOutOfRange, _adjacency

BLOCK = 100  # iterations per random stream: the unit of reproducibility
CHUNK_CELLS = 1 << 20  # tasks × iterations per chunk: 7 int64 arrays of this size per thread
MAX_CHUNK = 2000


@dataclass(frozen=True)
class Uncertainty:
    """What varies between iterations, for the tasks and risks of a network.

    Durations are working minutes of each task's calendar, like ``Network.duration``.
    """

    task: np.ndarray  # int64[u] uncertain tasks (low < high)
    low: np.ndarray  # float64[u] optimistic
    mode: np.ndarray  # float64[u] most likely
    high: np.ndarray  # float64[u] pessimistic
    kind: np.ndarray  # int8[u] sampling.TRIANGULAR or sampling.PERT
    risk_probability: np.ndarray = field(default_factory=lambda: np.zeros(0))  # float64[r]
    risk_pointer: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    risk_task: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    risk_minutes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    risk_cost: np.ndarray = field(default_factory=lambda: np.zeros(0))  # float64[r]
    group: np.ndarray | None = None  # int64[u] correlation group of each task, -1 none
    group_rho: np.ndarray | None = None  # float64[g] in [0, 1)
    cost_per_minute: np.ndarray | None = None  # float64[n] cost of a minute of its duration
    fixed_cost: float = 0.0

    @classmethod
    def three_point(
        cls,
        low: np.ndarray,
        mode: np.ndarray,
        high: np.ndarray,
        kind: np.ndarray | int = sampling.TRIANGULAR,
    ) -> Uncertainty:
        """Every task of a network with an estimate; tasks with ``low == high`` stay fixed."""
        low, mode, high = (np.asarray(x, dtype=np.float64) for x in (low, mode, high))
        kinds = np.broadcast_to(np.asarray(kind, dtype=np.int8), low.shape)
        task = np.flatnonzero(high > low).astype(np.int64)
        return cls(task, low[task], mode[task], high[task], kinds[task].copy())

    @property
    def risk_count(self) -> int:
        return int(self.risk_probability.shape[0])


@dataclass(frozen=True)
class SimulationResult:
    """Per-iteration finishes (wall minutes), criticality and sensitivity of a simulation."""

    iterations: int
    seed: int
    finish: np.ndarray  # int64[iterations]: the program end of each iteration
    watched_finish: np.ndarray  # int64[w, iterations]: finishes of the watched tasks
    group_finish: np.ndarray  # int64[g, iterations]: latest finish of each task group
    criticality: np.ndarray  # float64[n]: share of iterations with total float <= 0
    task_sensitivity: np.ndarray  # float64[u]: Spearman(duration quantile, finish)
    risk_sensitivity: np.ndarray  # float64[r]: Spearman(fired, finish)
    risk_frequency: np.ndarray  # float64[r]: share of iterations in which the risk fired
    cost: np.ndarray  # float64[iterations]


def percentiles(values: np.ndarray, levels: tuple[int, ...]) -> np.ndarray:
    """Sampled values (not interpolations) at the given percentiles, along the last axis."""
    return np.asarray(np.percentile(values, levels, axis=-1, method="inverted_cdf"))


@dataclass
class _Chunk:
    """Work arrays of one chunk, reused from chunk to chunk by one worker."""

    duration: np.ndarray
    early_start: np.ndarray
    early_finish: np.ndarray
    late_start: np.ndarray
    late_finish: np.ndarray
    start_work: np.ndarray  # late starts in working minutes (backward_chunk)
    uniforms: np.ndarray  # float32[width, u]: the chunk's draws
    critical_count: np.ndarray  # int64[n]: this worker's iterations with total float <= 0
    scratch: Any = None  # the forward scheduler's own work arrays for this worker
    planned: bool = False  # whether ``duration`` holds the planned durations of fixed tasks

    @classmethod
    def allocate(cls, n: int, width: int, uncertain: int, scratch: Any = None) -> _Chunk:
        def dates() -> np.ndarray:
            return work_array((n, width), np.int64)

        return cls(
            dates(),
            dates(),
            dates(),
            dates(),
            dates(),
            dates(),
            work_array((width, uncertain), np.float32),
            np.zeros(n, dtype=np.int64),
            scratch,
        )

    def narrowed(self, width: int) -> _Chunk:
        """Arrays for a chunk of ``width`` iterations: these, or new ones for a narrower
        (last) chunk, contiguous like these so that the kernels have one specialisation
        (every array is written before it is read); the same criticality counts."""
        if width == self.duration.shape[1]:
            return self
        narrow = _Chunk.allocate(
            self.duration.shape[0], width, self.uniforms.shape[1], self.scratch
        )
        narrow.critical_count = self.critical_count
        return narrow


class ChunkScheduler(Protocol):
    """The forward pass of a chunk: early dates ``[task, iteration]`` for sampled
    durations. The plain one is the CPM's (:class:`CpmScheduler`); a leveled one places
    each iteration under the resource capacities
    (:mod:`progman.engine.leveled_montecarlo`)."""

    def scratch(self) -> Any:
        """Work arrays of one worker thread, reused from chunk to chunk."""

    def __call__(
        self, duration: np.ndarray, early_start: np.ndarray, early_finish: np.ndarray, scratch: Any
    ) -> None:
        """Write the early dates of ``duration[task, iteration]``."""


class CpmScheduler:
    """Links, calendars, constraints and progress, without resources."""

    def __init__(self, net: Network) -> None:
        self.net = net
        self.adj = _adjacency(net)
        self.tasks = net.task_arrays()
        self.cal = net.calendars.kernel_args()

    def scratch(self) -> Any:
        return [None]  # the early finishes in working minutes, made at the first chunk

    def __call__(
        self, duration: np.ndarray, early_start: np.ndarray, early_finish: np.ndarray, scratch: Any
    ) -> None:
        if scratch[0] is None or scratch[0].shape[1] < duration.shape[1]:
            scratch[0] = work_array(duration.shape, np.int64)
        forward_chunk(
            self.adj.order, self.adj.links_in, self.tasks, np.int64(self.net.status_time),
            duration, early_start, early_finish, scratch[0], self.cal,
        )  # fmt: skip


def work_array(shape: tuple[int, int], dtype: type[np.generic]) -> np.ndarray:
    """A large work array in plain pages of the operating system (zeroed).

    numpy asks Linux for transparent huge pages for its large arrays; where memory is
    fragmented, the kernel then compacts memory synchronously at the first touch, which
    cost up to seconds per simulation here, against a steady millisecond or so per
    megabyte for plain pages (touched by the worker threads, in parallel).
    """
    count = shape[0] * shape[1]
    pages = mmap.mmap(-1, max(count * np.dtype(dtype).itemsize, 1))
    return np.frombuffer(pages, dtype=dtype, count=count).reshape(shape)


def chunk_width(tasks: int, chunk_size: int | None = None) -> int:
    """Iterations per chunk: a whole number of blocks, about :data:`CHUNK_CELLS` cells."""
    wanted = chunk_size if chunk_size is not None else min(MAX_CHUNK, CHUNK_CELLS // max(tasks, 1))
    return max(BLOCK, -(-wanted // BLOCK) * BLOCK)


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _block_draws(
    seed: int, block: int, unc: Uncertainty, rows: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Uniforms, risk events and copula normals of one block, always in this order."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(block,))))
    uniforms = rng.random((rows, unc.task.shape[0]), dtype=np.float32)
    fired = rng.random((rows, unc.risk_count)) < unc.risk_probability
    factor = noise = None
    if unc.group is not None and unc.group_rho is not None and unc.group_rho.shape[0]:
        factor = rng.standard_normal((rows, unc.group_rho.shape[0]), dtype=np.float32)
        noise = rng.standard_normal((rows, int((unc.group >= 0).sum())), dtype=np.float32)
    return uniforms, fired, factor, noise


@dataclass
class _Results:
    """What the chunks write, each into its own columns."""

    finish: np.ndarray  # int64[iterations]
    watched: np.ndarray  # int64[w, iterations]
    group_finish: np.ndarray  # int64[g, iterations]
    cost: np.ndarray  # float64[iterations]
    quantile: np.ndarray  # uint16[iterations, u], or empty without sensitivity
    fired: np.ndarray  # bool[iterations, r]


def simulate_network(
    net: Network,
    unc: Uncertainty,
    *,
    iterations: int = 10_000,
    seed: int = 0,
    watch: np.ndarray | None = None,
    groups: list[np.ndarray] | None = None,
    chunk_size: int | None = None,
    sensitivity: bool = True,
    progress: Callable[[int], None] | None = None,
    threads: int | None = None,
    scheduler: ChunkScheduler | None = None,
) -> SimulationResult:
    """Simulate ``iterations`` schedules of ``net`` under ``unc``.

    ``watch``: tasks whose finish is kept per iteration (milestones, deadlines); ``groups``:
    task sets whose latest finish is kept per iteration (projects). ``progress`` is called
    with the number of iterations done after each chunk. Chunks run on ``threads`` threads
    (default: one per core; the kernels release the GIL); each chunk draws from its own
    blocks' streams, so the result does not depend on how many. ``scheduler`` places each
    iteration's tasks (default: :class:`CpmScheduler`, no resources); criticality is the
    total float of those dates against each iteration's end.
    """
    if iterations < 1:
        raise ValueError("iterations must be at least 1")
    n = net.size
    watch = np.zeros(0, dtype=np.int64) if watch is None else np.asarray(watch, np.int64)
    groups = groups or []
    if any(members.shape[0] == 0 for members in groups):
        raise ValueError("every group needs a member")
    width = min(chunk_width(n, chunk_size), -(-iterations // BLOCK) * BLOCK)
    starts = range(0, iterations, width)
    workers = max(1, min(threads or available_cores(), len(starts)))
    scheduler = scheduler or CpmScheduler(net)
    spare: queue.SimpleQueue[_Chunk] = queue.SimpleQueue()
    for _ in range(workers):
        spare.put(_Chunk.allocate(n, width, unc.task.shape[0], scheduler.scratch()))
    out = _Results(
        finish=np.empty(iterations, dtype=np.int64),
        watched=np.empty((watch.shape[0], iterations), dtype=np.int64),
        group_finish=np.empty((len(groups), iterations), dtype=np.int64),
        cost=np.full(iterations, unc.fixed_cost, dtype=np.float64),
        quantile=work_array((iterations, unc.task.shape[0]) if sensitivity else (0, 0), np.uint16),
        fired=np.empty((iterations, unc.risk_count), dtype=bool),
    )
    run = _ChunkRun(net, unc, seed, watch, groups, sensitivity, out, scheduler)

    def one(first: int) -> int:
        work = spare.get()
        try:
            return run(first, work.narrowed(min(width, iterations - first)))
        finally:
            spare.put(work)

    def report(last: int) -> None:
        if progress is not None:
            progress(last)

    if workers == 1:
        for first in starts:
            report(one(first))
    else:
        with ThreadPoolExecutor(workers, thread_name_prefix="progman-simulation") as pool:
            futures = [pool.submit(one, first) for first in starts]
            try:
                for future in futures:  # in order: progress only grows
                    report(future.result())
            except BaseException:  # an error or an interrupt: start no further chunk
                for future in futures:
                    future.cancel()
                raise
    counts = np.zeros(n, dtype=np.int64)
    while not spare.empty():
        counts += spare.get().critical_count
    return SimulationResult(
        iterations=iterations,
        seed=seed,
        finish=out.finish,
        watched_finish=out.watched,
        group_finish=out.group_finish,
        criticality=counts / iterations,
        task_sensitivity=rank_correlations(out.quantile, out.finish)
        if sensitivity
        else np.zeros(unc.task.shape[0]),
        risk_sensitivity=rank_correlations(out.fired.astype(np.uint16), out.finish),
        risk_frequency=out.fired.mean(axis=0) if iterations else np.zeros(unc.risk_count),
        cost=out.cost,
    )


class _ChunkRun:
    """Draw, schedule forwards and backwards, and record one chunk of iterations."""

    def __init__(
        self,
        net: Network,
        unc: Uncertainty,
        seed: int,
        watch: np.ndarray,
        groups: list[np.ndarray],
        sensitivity: bool,
        out: _Results,
        scheduler: ChunkScheduler,
    ) -> None:
        self.net, self.unc, self.seed, self.watch = net, unc, seed, watch
        self.groups = group_members(groups) if groups else None
        # rows a risk adds to that no draw rewrites: set back to planned before each chunk
        self.risk_rows = np.setdiff1d(unc.risk_task, unc.task).astype(np.int64)
        self.sensitivity, self.out, self.scheduler = sensitivity, out, scheduler
        self.adj = _adjacency(net)
        self.tasks = net.task_arrays()
        self.cal = net.calendars.kernel_args()
        self.tables, self.table_row = _pert_tables(unc)
        self.correlated = np.zeros(0, dtype=np.int64)
        if unc.group is not None:
            self.correlated = np.flatnonzero(unc.group >= 0).astype(np.int64)

    def __call__(self, first: int, chunk: _Chunk) -> int:
        """Iterations ``first`` onwards, as many as ``chunk`` holds; returns the last + 1."""
        net, unc, adj, out = self.net, self.unc, self.adj, self.out
        rows = int(chunk.duration.shape[1])
        fired = np.empty((rows, unc.risk_count), dtype=bool)
        for offset in range(0, rows, BLOCK):
            size = min(BLOCK, rows - offset)
            u, hit, factor, noise = _block_draws(self.seed, (first + offset) // BLOCK, unc, BLOCK)
            if factor is not None and noise is not None and unc.group is not None:
                sampling.copula_uniforms(
                    factor, noise, unc.group[self.correlated], unc.group_rho, self.correlated, u
                )
            chunk.uniforms[offset : offset + size] = u[:size]
            fired[offset : offset + size] = hit[:size]
        if chunk.planned:  # fixed tasks keep their rows; only the risks' additions go
            chunk.duration[self.risk_rows] = net.duration[self.risk_rows, None]
        else:
            chunk.duration[:] = net.duration[:, None]
            chunk.planned = True
        sampling.sample_durations(
            chunk.uniforms, unc.task, unc.low, unc.mode, unc.high, unc.kind, self.table_row,
            self.tables, chunk.duration,
        )  # fmt: skip
        if unc.risk_count:
            sampling.apply_risks(
                fired, unc.risk_pointer, unc.risk_task, unc.risk_minutes, chunk.duration
            )
        self.scheduler(chunk.duration, chunk.early_start, chunk.early_finish, chunk.scratch)
        end = chunk.early_finish.max(axis=0) if net.size else np.zeros(rows, dtype=np.int64)
        end_work = np.empty((net.calendars.count, rows), dtype=np.int64)
        end_in_work(end, self.cal, end_work)
        backward_chunk(
            adj.order, adj.links_out, self.tasks, chunk.duration, chunk.early_start,
            chunk.early_finish, end_work, chunk.late_start, chunk.late_finish,
            chunk.start_work, chunk.critical_count, self.cal,
        )  # fmt: skip
        if rows and int(end.max()) >= net.calendars.horizon:
            raise ScheduleOutOfRange(
                "a simulated schedule runs past the end of the calendar tables "
                f"({net.calendars.days} days from {net.calendars.origin}); check for absurd "
                "pessimistic estimates or risk impacts"
            )
        last = first + rows
        out.finish[first:last] = end
        out.watched[:, first:last] = chunk.early_finish[self.watch]
        if self.groups:
            latest_finishes(chunk.early_finish, *self.groups, np.int64(first), out.group_finish)
        if unc.cost_per_minute is not None:
            out.cost[first:last] += unc.cost_per_minute @ chunk.duration
        if unc.risk_count:
            out.cost[first:last] += fired @ unc.risk_cost
        out.fired[first:last] = fired
        if self.sensitivity:  # uint16 quantile score, for rank correlation
            quantile_scores(chunk.uniforms, out.quantile[first:last])
        return last


def _pert_tables(unc: Uncertainty) -> tuple[np.ndarray, np.ndarray]:
    is_pert = unc.kind == sampling.PERT
    rows = np.zeros(unc.task.shape[0], dtype=np.int64)
    if not is_pert.any():
        return np.zeros((1, 2)), rows
    alpha, beta = sampling.pert_shape(unc.low[is_pert], unc.mode[is_pert], unc.high[is_pert])
    tables, rows[is_pert] = sampling.pert_tables(alpha, beta)
    return tables, rows
