# ruff: noqa: PLR0917 - numba kernels: positional arrays
"""Resource-constrained project scheduling (RCPSP): the core of resource leveling.

A pure function over arrays: :func:`solve` takes an :class:`RcpspInstance` (jobs with
integer durations, finish-start precedences, constant per-period demands of renewable
resources with constant capacities) and returns start times that respect every
precedence and never exceed a capacity in any period.

Algorithm (see ALGORITHMS.md, "Resource leveling (RCPSP)"):

* **activity lists** (precedence-feasible orders of the jobs) decoded by the **serial
  schedule generation scheme** over a resource-usage profile ``usage[time, resource]``,
  compiled with numba;
* every decoded schedule is improved by **forward–backward improvement** (double
  justification: right-justify in order of decreasing finish, then left-justify in order
  of increasing start, repeated while the makespan shrinks); the justified order replaces
  the individual's list (Lamarckian);
* the **parallel schedule generation scheme** (non-delay, Kolisch 1996) as a second
  decoder for the start: a decision time advances over the finish times, and at each one
  the eligible jobs start in priority order while they fit. The order in which it starts
  the jobs is a precedence-feasible activity list (sorted by start) that the serial SGS
  decodes to the same schedule, so it joins the population like any list;
* the initial population holds the serial-SGS lists of the priority rules **LFT, LST,
  MTS, GRPW**, the parallel-SGS lists of the same rules, ``PARALLEL_SAMPLES``
  regret-biased random parallel-SGS lists, and **regret-biased random samples** (serial)
  on LFT for the rest — all improved by forward–backward improvement. On PSPLIB the
  parallel lists neither helped nor hurt measurably (J60 within ±0.05 %: the search
  after them dominates); a single parallel LFT pass beats a single serial one (all 480
  J30: 4.4 % against 5.6 % above the optimum; J60: 17.5 % against 18.1 % above the
  critical path);
* the **genetic search** of :mod:`progman.engine.genetic` (Hartmann 1998), shared with
  plan leveling: crossover, mutation, elitist selection of distinct lists and restarts
  (regret-biased on LFT; without them, three times the budget gained nothing on J60;
  a restart here resamples the whole population, see :data:`RESTART_KEEP`),
  each list scored by :func:`scored` (serial SGS and forward–backward improvement).

It stops when a schedule reaches the lower bound (the larger of the critical path and the
resource-work bound), when the **schedule budget** is spent, or, as a safety net only,
when the wall clock passes ``time_limit``. The budget is derived from the time limit and
the size, not measured: ``PLACEMENTS_PER_SECOND × time_limit / jobs`` schedules (a
schedule places every job once), so the same seed and the same time limit give the same
result on any machine fast enough to spend the budget in time (this 2-core machine: at most
≈ 0.8 s per J30/J60 instance at ``time_limit=1``; ``schedules=`` fixes the budget outright).
Schedules are numbered by SGS passes, so the result does not depend on timing unless the
safety net fires.
Every SGS pass (forward, backward or parallel) counts as one generated schedule.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from progman.engine import genetic
from progman.engine.arrays import copy_into, stable_argsort
from progman.engine.genetic import REGRET_ALPHA, SAFETY_SHARE, pick, priority_list
from progman.engine.jit import kernel
from progman.engine.kernels import topological_order
from progman.engine.random_stream import random_state

I64 = NDArray[np.int64]

#: Job placements per second of ``time_limit`` that make the (deterministic) budget.
PLACEMENTS_PER_SECOND = 8_000_000
POPULATION = 40
#: Regret-biased parallel-SGS samples in the initial population (besides one per rule).
PARALLEL_SAMPLES = 4
#: Lists a restart of the genetic search keeps: none. The best schedule is kept outside
#: the population (``best_start``); a best list left in the new population soon takes it
#: over and leads the search back to where it stalled (kept 1 or 4: worse on J60).
RESTART_KEEP = 0


class RcpspInvalid(ValueError):
    """The instance cannot be scheduled (a cycle, a demand above capacity, bad shapes)."""


@dataclass(frozen=True)
class RcpspInstance:
    """Jobs ``0..n-1`` with durations, finish-start successors and renewable demands.

    ``succ_ptr``/``succ`` are the successor lists in CSR form (job ``j``'s successors are
    ``succ[succ_ptr[j]:succ_ptr[j+1]]``). ``jobs`` are the user's job numbers (PSPLIB: 1..n).
    """

    durations: I64
    succ_ptr: I64
    succ: I64
    demand: I64  # [n, k]
    capacity: I64  # [k]
    jobs: I64
    name: str = ""

    @property
    def n(self) -> int:
        return int(self.durations.shape[0])

    @property
    def resources(self) -> int:
        return int(self.capacity.shape[0])

    def successors(self, job: int) -> list[int]:
        """Indices of the successors of job index ``job``."""
        return [int(s) for s in self.succ[self.succ_ptr[job] : self.succ_ptr[job + 1]]]

    @classmethod
    def from_edges(
        cls,
        durations: object,
        edges: list[tuple[int, int]],
        demand: object,
        capacity: object,
        jobs: object | None = None,
        name: str = "",
    ) -> RcpspInstance:
        """Build from ``(pred, succ)`` index pairs; checked by :meth:`validate`."""
        dur = np.asarray(durations, dtype=np.int64).reshape(-1)
        n = dur.shape[0]
        cap = np.asarray(capacity, dtype=np.int64).reshape(-1)
        dem = np.asarray(demand, dtype=np.int64).reshape(n, cap.shape[0])
        edge_array = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
        order = np.lexsort((edge_array[:, 1], edge_array[:, 0]))
        edge_array = edge_array[order]
        ptr = np.zeros(n + 1, dtype=np.int64)
        np.add.at(ptr, edge_array[:, 0] + 1, 1)
        ptr = np.cumsum(ptr).astype(np.int64)
        job_numbers = (
            np.arange(1, n + 1, dtype=np.int64)
            if jobs is None
            else np.asarray(jobs, dtype=np.int64).reshape(-1)
        )
        instance = cls(dur, ptr, edge_array[:, 1].copy(), dem, cap, job_numbers, name)
        instance.validate()
        return instance

    def validate(self) -> None:
        """Raise :class:`RcpspInvalid` if the instance cannot be scheduled."""
        n = self.n
        if self.demand.shape != (n, self.resources) or self.jobs.shape != (n,):
            raise RcpspInvalid("durations, demands and job numbers disagree on the job count")
        if self.succ.size and (self.succ.min() < 0 or self.succ.max() >= n):
            raise RcpspInvalid("a successor index is out of range")
        if (self.durations < 0).any() or (self.demand < 0).any() or (self.capacity < 0).any():
            raise RcpspInvalid("durations, demands and capacities must be ≥ 0")
        over = np.nonzero((self.demand > self.capacity[None, :]) & (self.durations > 0)[:, None])
        if over[0].size:
            job, res = int(over[0][0]), int(over[1][0])
            raise RcpspInvalid(
                f"job {self.jobs[job]} needs {self.demand[job, res]} of resource R{res + 1}, "
                f"whose capacity is {self.capacity[res]}: it can never be scheduled"
            )
        _, count = topological_order(n, self.succ_ptr, self.succ)
        if count < n:
            raise RcpspInvalid("the precedence relations contain a cycle")


@dataclass(frozen=True)
class RcpspSolution:
    start: I64
    makespan: int
    schedules_generated: int
    seconds: float
    lower_bound: int = 0
    finish: I64 = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


# --------------------------------------------------------------------------- kernels


@kernel
def serial_sgs(order, dur, p_ptr, p_idx, demand, cap, usage, start):  # type: ignore[no-untyped-def]
    """Serial SGS: each job of ``order`` at its earliest precedence- and resource-feasible
    start. ``usage`` must be zero on entry (rows ≥ sum of durations); it is zero on exit.
    Returns the makespan."""
    n = order.shape[0]
    k = cap.shape[0]
    horizon = 0
    for pos in range(n):
        j = order[pos]
        es = 0
        for e in range(p_ptr[j], p_ptr[j + 1]):
            i = p_idx[e]
            f = start[i] + dur[i]
            es = max(es, f)
        d = dur[j]
        t = es
        if d > 0:
            tau = t
            while tau < t + d:
                ok = True
                for r in range(k):
                    if usage[tau, r] + demand[j, r] > cap[r]:
                        ok = False
                        break
                if ok:
                    tau += 1
                else:
                    t = tau + 1
                    tau = t
            for tau in range(t, t + d):
                for r in range(k):
                    usage[tau, r] += demand[j, r]
        start[j] = t
        horizon = max(horizon, t + d)
    for tau in range(horizon):
        for r in range(k):
            usage[tau, r] = 0
    return horizon


@kernel
def _improve(order, dur, p_ptr, p_idx, s_ptr, s_idx, demand, cap, usage, start, counter):  # type: ignore[no-untyped-def]
    """Decode ``order`` (serial SGS) and apply forward–backward improvement until the
    makespan stops shrinking. ``order`` becomes the list of the best schedule, sorted by
    start; ``start`` its start times. Returns the makespan."""
    n = order.shape[0]
    best = serial_sgs(order, dur, p_ptr, p_idx, demand, cap, usage, start)
    counter[0] += 1
    key = np.empty(n, dtype=np.int64)
    back = np.empty(n, dtype=np.int64)
    rstart = np.empty(n, dtype=np.int64)
    trial = np.empty(n, dtype=np.int64)
    tstart = np.empty(n, dtype=np.int64)
    while True:
        # right-justify: decreasing finish, ties keep the list's order reversed
        for pos in range(n):
            j = order[pos]
            key[pos] = -((start[j] + dur[j]) * n + pos)
        idx = stable_argsort(key)
        for q in range(n):
            back[q] = order[idx[q]]
        span = serial_sgs(back, dur, s_ptr, s_idx, demand, cap, usage, rstart)
        counter[0] += 1
        # left-justify: increasing (mirrored) start, ties: later in the backward list first
        for q in range(n):
            j = back[q]
            key[q] = (span - rstart[j] - dur[j]) * n + (n - 1 - q)
        idx = stable_argsort(key)
        for q in range(n):
            trial[q] = back[idx[q]]
        made = serial_sgs(trial, dur, p_ptr, p_idx, demand, cap, usage, tstart)
        counter[0] += 1
        if made < best:
            best = made
            copy_into(order, trial)
            copy_into(start, tstart)
        else:
            # keep the left-justified list anyway when it is as good (it is sorted by start)
            if made == best:
                copy_into(order, trial)
                copy_into(start, tstart)
            return best


class RcpspContext(NamedTuple):
    """What :func:`scored` decodes a list with (the genetic search's context): durations,
    predecessor and successor lists (CSR), demands, capacities, the zeroed usage profile,
    and the scratch and best start times."""

    dur: I64
    p_ptr: I64
    p_idx: I64
    s_ptr: I64
    s_idx: I64
    demand: I64
    cap: I64
    usage: I64
    start: I64
    best_start: I64


@genetic.scorer(RcpspContext)
@kernel
def scored(order, context, best, counter):  # type: ignore[no-untyped-def]
    """The makespan of ``order`` after forward–backward improvement (``order`` becomes the
    improved list); the best schedule so far goes to ``context.best_start``. What the
    genetic search scores a list by."""
    c = context
    made = _improve(
        order, c.dur, c.p_ptr, c.p_idx, c.s_ptr, c.s_idx, c.demand, c.cap, c.usage, c.start,
        counter,
    )  # fmt: skip
    if made < best[0]:
        best[0] = made
        copy_into(c.best_start, c.start)
    return made


@kernel
def parallel_sgs(  # type: ignore[no-untyped-def]
    prio, dur, p_ptr, s_ptr, s_idx, demand, cap, usage, start, order, randomised, alpha, stream
):
    """Parallel SGS (non-delay, Kolisch 1996): a decision time ``t`` advances over the
    finish times of the scheduled jobs; at each ``t`` the eligible jobs (unscheduled, every
    predecessor finished by ``t``) are taken in priority order (highest ``prio``, ties:
    lowest index; with ``randomised`` a regret-biased random pick as in
    :func:`~progman.engine.genetic.priority_list`) and each starts at ``t`` if it fits over
    ``[t, t + d)``. A zero-duration job starts when it becomes eligible, and its
    successors may start at the same ``t``. ``order`` receives the jobs in the order they
    were started (by start, then pick): a precedence-feasible list that the serial SGS
    decodes to the same schedule.
    ``usage`` must be zero on entry (rows ≥ sum of durations); it is zero on exit. Returns
    the makespan."""
    n = dur.shape[0]
    k = cap.shape[0]
    remaining = np.empty(n, dtype=np.int64)  # unscheduled predecessors
    ready = np.zeros(n, dtype=np.int64)  # latest finish of the scheduled predecessors
    pool = np.empty(n, dtype=np.int64)  # every predecessor scheduled, not yet eligible
    eligible = np.empty(n, dtype=np.int64)  # eligible at t, not yet tried at t
    active = np.empty(n, dtype=np.int64)  # started, finishing after t
    weights = np.empty(n, dtype=np.float64)
    n_pool = 0
    for j in range(n):
        remaining[j] = p_ptr[j + 1] - p_ptr[j]
        if remaining[j] == 0:
            pool[n_pool] = j
            n_pool += 1
    n_active = 0
    done = 0
    horizon = 0
    t = 0
    while done < n:
        # the eligible set at t: pool jobs whose predecessors have all finished
        count = 0
        q = 0
        while q < n_pool:
            j = pool[q]
            if ready[j] <= t:
                eligible[count] = j
                count += 1
                n_pool -= 1
                pool[q] = pool[n_pool]
            else:
                q += 1
        while count > 0:
            chosen = pick(prio, eligible, count, weights, randomised, alpha, stream)
            j = eligible[chosen]
            count -= 1
            eligible[chosen] = eligible[count]
            d = dur[j]
            fits = True
            for tau in range(t, t + d):
                for r in range(k):
                    if usage[tau, r] + demand[j, r] > cap[r]:
                        fits = False
                        break
                if not fits:
                    break
            if not fits:
                pool[n_pool] = j  # usage at t only grows: retry at the next decision time
                n_pool += 1
                continue
            for tau in range(t, t + d):
                for r in range(k):
                    usage[tau, r] += demand[j, r]
            start[j] = t
            order[done] = j
            done += 1
            f = t + d
            horizon = max(horizon, f)
            if d > 0:
                active[n_active] = j
                n_active += 1
            for e in range(s_ptr[j], s_ptr[j + 1]):
                s = s_idx[e]
                ready[s] = max(ready[s], f)
                remaining[s] -= 1
                if remaining[s] == 0:
                    if ready[s] <= t:  # after a zero-duration job: eligible now
                        eligible[count] = s
                        count += 1
                    else:
                        pool[n_pool] = s
                        n_pool += 1
        if done == n:
            break
        # the next decision time: the earliest finish after t
        nxt = -1
        for a in range(n_active):
            f = start[active[a]] + dur[active[a]]
            if nxt < 0 or f < nxt:
                nxt = f
        if nxt < 0:  # nothing running (cannot happen for a valid instance): next release
            for q in range(n_pool):
                if nxt < 0 or ready[pool[q]] < nxt:
                    nxt = ready[pool[q]]
        t = nxt
        a = 0
        while a < n_active:
            if start[active[a]] + dur[active[a]] <= t:
                n_active -= 1
                active[a] = active[n_active]
            else:
                a += 1
    for tau in range(horizon):
        for r in range(k):
            usage[tau, r] = 0
    return horizon


# --------------------------------------------------------------------------- driver


def predecessors(instance: RcpspInstance) -> tuple[I64, I64]:
    """Predecessor lists (CSR) from the successor lists."""
    n = instance.n
    owners = np.repeat(np.arange(n, dtype=np.int64), np.diff(instance.succ_ptr))
    order = np.lexsort((owners, instance.succ))
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.add.at(ptr, instance.succ + 1, 1)
    return np.cumsum(ptr).astype(np.int64), owners[order].astype(np.int64)


def critical_path(instance: RcpspInstance) -> tuple[I64, I64, int]:
    """Earliest starts, latest finishes (against the critical path) and its length."""
    n = instance.n
    dur = instance.durations
    order, _ = topological_order(n, instance.succ_ptr, instance.succ)
    es = np.zeros(n, dtype=np.int64)
    for j in order:
        for s in instance.succ[instance.succ_ptr[j] : instance.succ_ptr[j + 1]]:
            es[s] = max(es[s], es[j] + dur[j])
    length = int((es + dur).max()) if n else 0
    lf = np.full(n, length, dtype=np.int64)
    for j in order[::-1]:
        for s in instance.succ[instance.succ_ptr[j] : instance.succ_ptr[j + 1]]:
            lf[j] = min(lf[j], lf[s] - dur[s])
    return es, lf, length


def lower_bound(instance: RcpspInstance) -> int:
    """max(critical path, per-resource ceil(total work / capacity))."""
    bound = critical_path(instance)[2]
    work = (instance.durations[:, None] * instance.demand).sum(axis=0)
    for r in range(instance.resources):
        if instance.capacity[r] > 0:
            bound = max(bound, int(-(-work[r] // instance.capacity[r])))
    return bound


def priority_rules(instance: RcpspInstance, lf: I64) -> list[NDArray[np.float64]]:
    """LFT, LST, MTS, GRPW as "higher is better" scores."""
    n = instance.n
    dur = instance.durations
    order, _ = topological_order(n, instance.succ_ptr, instance.succ)
    reach = [0] * n  # bitsets of all (transitive) successors
    for j in order[::-1]:
        bits = 0
        for s in instance.succ[instance.succ_ptr[j] : instance.succ_ptr[j + 1]]:
            bits |= reach[s] | (1 << int(s))
        reach[j] = bits
    mts = np.array([bin(b).count("1") for b in reach], dtype=np.float64)
    grpw = dur.astype(np.float64).copy()
    for j in range(n):
        grpw[j] += dur[instance.succ[instance.succ_ptr[j] : instance.succ_ptr[j + 1]]].sum()
    return [-lf.astype(np.float64), -(lf - dur).astype(np.float64), mts, grpw]


def solve(
    instance: RcpspInstance,
    time_limit: float = 1.0,
    seed: int = 0,
    schedules: int | None = None,
) -> RcpspSolution:
    """Start times of a feasible, short schedule; reproducible for ``seed`` and ``time_limit``.

    ``schedules`` replaces the budget derived from ``time_limit`` (which still bounds the
    wall clock): the same seed and budget give the same schedule on any machine.

    >>> inst = RcpspInstance.from_edges([0, 3, 2, 2, 0], [(0, 1), (0, 2), (0, 3), (1, 4),
    ...     (2, 4), (3, 4)], [[0], [2], [1], [1], [0]], [2])
    >>> solve(inst, time_limit=0.05).makespan
    4
    """
    clock = time.perf_counter()
    n = instance.n
    dur = instance.durations
    demand = np.ascontiguousarray(instance.demand)
    cap = instance.capacity
    s_ptr, s_idx = instance.succ_ptr, instance.succ
    p_ptr, p_idx = predecessors(instance)
    bound = lower_bound(instance)
    budget = max(1, int(PLACEMENTS_PER_SECOND * time_limit / max(1, n)))
    if schedules is not None:
        budget = max(1, schedules)
    usage = np.zeros((int(dur.sum()) + 1, max(1, instance.resources)), dtype=np.int64)
    if instance.resources == 0:
        demand = np.zeros((n, 1), dtype=np.int64)
        cap = np.zeros(1, dtype=np.int64)
    _, lf, _ = critical_path(instance)
    indegree = np.diff(p_ptr).astype(np.int64)
    counter = np.zeros(1, dtype=np.int64)
    start = np.zeros(n, dtype=np.int64)
    best_start = np.zeros(n, dtype=np.int64)
    best = np.array([np.iinfo(np.int64).max], dtype=np.int64)
    stream = random_state(seed)
    context = RcpspContext(dur, p_ptr, p_idx, s_ptr, s_idx, demand, cap, usage, start, best_start)
    pop = np.empty((POPULATION, n), dtype=np.int64)
    fit = np.empty(POPULATION, dtype=np.int64)
    rules = priority_rules(instance, lf)
    for i in range(POPULATION):
        # serial lists of the rules, parallel-SGS lists of the rules, parallel samples,
        # then serial samples (the random ones regret-biased on LFT)
        slot = i - len(rules)
        if i < len(rules) or slot >= len(rules) + PARALLEL_SAMPLES:
            rule = rules[i] if i < len(rules) else rules[0]
            priority_list(
                rule, s_ptr, s_idx, indegree, i >= len(rules), REGRET_ALPHA, pop[i], stream
            )
        else:
            rule = rules[slot] if slot < len(rules) else rules[0]
            parallel_sgs(
                rule,
                dur,
                p_ptr,
                s_ptr,
                s_idx,
                demand,
                cap,
                usage,
                start,
                pop[i],
                slot >= len(rules),
                REGRET_ALPHA,
                stream,
            )
            counter[0] += 1
        fit[i] = scored(pop[i], context, best, counter)
        if best[0] <= bound:
            break
    genetic.evolve(
        pop,
        fit,
        context,
        (s_ptr, s_idx),
        rules[0],
        indegree,
        best,
        counter,
        np.zeros(1, dtype=np.int64),
        stream,
        budget=budget,
        bound=bound,
        # the safety net on a slow machine; the budget normally stops first
        out_of_time=lambda: time.perf_counter() - clock > time_limit * SAFETY_SHARE,
        keep=RESTART_KEEP,
    )
    makespan = int(best[0])
    return RcpspSolution(
        start=best_start.copy(),
        makespan=makespan,
        schedules_generated=int(counter[0]),
        seconds=time.perf_counter() - clock,
        lower_bound=bound,
        finish=best_start + dur,
    )
