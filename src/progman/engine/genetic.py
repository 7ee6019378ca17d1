# ruff: noqa: PLR0917 - numba kernels: positional arrays
"""The genetic search over activity lists, one for the RCPSP solver and plan leveling.

An **activity list** is an order of the jobs that respects precedence; a problem's
decoder (the serial schedule generation scheme of :mod:`progman.engine.rcpsp` or of
:mod:`progman.engine.leveling_kernels`) turns it into a schedule and a fitness (lower is
better). The search here knows nothing of the decoder: it breeds lists (Hartmann 1998:
random pairing, two-point crossover that keeps precedence feasibility, adjacent-swap
mutation of unrelated jobs), keeps the best ``population`` distinct lists of parents and
children (elitist ranking), and after ``STALL_GENERATIONS`` generations without a better
population best resamples every list but the ``keep`` best (plan leveling keeps one, the
RCPSP solver none), regret-biased on a priority rule — a restart that keeps the search
from settling. It stops when the schedule budget is spent or a schedule reaches the lower
bound; :func:`evolve` asks the caller's wall-clock
safety net between chunks of generations.

The decoder is chosen by the type of the problem's **context**, a ``NamedTuple`` of its
arrays: a problem registers the kernel that scores a list for its context class with
:func:`scorer`, and :func:`generations` calls ``score``, which numba resolves at
compile time to a direct call of that kernel (``numba.extending.intrinsic``, in
:mod:`progman.engine.genetic_score`, imported only once the engine uses numba). So the loop
is written once, compiled once per problem with its decoder, and cached like every kernel.
(Passing the scoring kernel as an argument would do the same, but numba types a kernel
argument by its address, so another process would never find the compiled loop in the
cache; an ``overload`` would compile a wrapper around the decoder, seconds of compile for
nothing.)

Every random draw of a run comes from its own stream (:mod:`progman.engine.random_stream`),
in a fixed order, and the decoders draw nothing: a seed and a budget fix the result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from progman.engine import jit
from progman.engine.arrays import copy_into, stable_argsort
from progman.engine.jit import kernel
from progman.engine.random_stream import below, permutation, uniform

#: Probability that mutation swaps a pair of neighbours (unless one must precede).
MUTATION = 0.05
#: Exponent of the regret-biased sampling: weights ``(prio - lowest + 1) ** alpha``.
REGRET_ALPHA = 1.0
#: Generations without a better best before the population restarts (all but the best).
STALL_GENERATIONS = 15
#: The wall-clock safety net stops at this share of the time limit, leaving room for the
#: last generations in flight and the answer, so a run stays inside its limit.
SAFETY_SHARE = 0.95
#: The generations run in this many chunks of the budget, the safety net checked between.
CHUNKS = 50


#: The scoring kernel of each context class (see :func:`scorer`).
SCORERS: dict[type, Any] = {}

#: ``score(order, context, best, counter)`` as :func:`generations` calls it: the intrinsic
#: of :mod:`progman.engine.genetic_score`, set when the engine switches to numba (until
#: then the ahead-of-time module runs the compiled search, and numba is not imported).
score: Any = None


def _with_numba() -> None:
    from progman.engine import genetic_score  # noqa: PLC0415 - numba: only now

    global score  # noqa: PLW0603 - resolved by numba from this module's globals
    score = genetic_score.score


jit.when_numba(_with_numba)


def scorer(context_class: type) -> Callable[[Any], Any]:
    """Register the decorated kernel ``(order, context, best, counter) -> fitness`` as what
    ``score`` calls for the contexts of ``context_class`` (a ``NamedTuple``)."""

    def register(kernel_: Any) -> Any:
        SCORERS[context_class] = kernel_
        return kernel_

    return register


# --------------------------------------------------------------------------- lists


@kernel(inline=True)
def pick(prio, eligible, count, weights, randomised, alpha, stream):  # type: ignore[no-untyped-def]
    """Position in ``eligible[:count]`` of the job to schedule next: the highest ``prio``
    (ties: lowest index), or with ``randomised`` a regret-biased random pick (weights
    ``(prio - lowest + 1) ** alpha``) drawn from ``stream``."""
    chosen = 0
    if randomised:
        low = prio[eligible[0]]
        for e in range(1, count):
            low = min(low, prio[eligible[e]])
        total = 0.0
        for e in range(count):
            w = (prio[eligible[e]] - low + 1.0) ** alpha
            weights[e] = w
            total += w
        x = uniform(stream) * total
        chosen = count - 1
        for e in range(count):
            x -= weights[e]
            if x < 0.0:
                chosen = e
                break
    else:
        for e in range(1, count):
            a = eligible[e]
            b = eligible[chosen]
            if prio[a] > prio[b] or (prio[a] == prio[b] and a < b):
                chosen = e
    return chosen


@kernel
def priority_list(prio, s_ptr, s_idx, indegree, randomised, alpha, out, stream):  # type: ignore[no-untyped-def]
    """A precedence-feasible list into ``out``: repeatedly the eligible job with the
    highest ``prio`` (ties: lowest index), or with ``randomised`` a regret-biased random
    pick. ``s_ptr``/``s_idx``: the successor lists (CSR); ``indegree``: predecessors per
    job."""
    n = prio.shape[0]
    remaining = indegree.copy()
    eligible = np.empty(n, dtype=np.int64)
    weights = np.empty(n, dtype=np.float64)
    count = 0
    for j in range(n):
        if remaining[j] == 0:
            eligible[count] = j
            count += 1
    for pos in range(n):
        chosen = pick(prio, eligible, count, weights, randomised, alpha, stream)
        j = eligible[chosen]
        out[pos] = j
        count -= 1
        eligible[chosen] = eligible[count]
        for e in range(s_ptr[j], s_ptr[j + 1]):
            s = s_idx[e]
            remaining[s] -= 1
            if remaining[s] == 0:
                eligible[count] = s
                count += 1


# --------------------------------------------------------------------------- operators


@kernel
def crossover(first, second, q1, q2, child, taken):  # type: ignore[no-untyped-def]
    """Hartmann's two-point crossover of activity lists: ``first[:q1]``, then ``second``'s
    next jobs up to position ``q2``, then the rest in ``first``'s order; the child respects
    precedence when both parents do."""
    n = first.shape[0]
    taken[:] = False
    for i in range(q1):
        child[i] = first[i]
        taken[first[i]] = True
    pos = q1
    for i in range(n):
        if pos >= q2:
            break
        a = second[i]
        if not taken[a]:
            child[pos] = a
            taken[a] = True
            pos += 1
    for i in range(n):
        a = first[i]
        if not taken[a]:
            child[pos] = a
            taken[a] = True
            pos += 1


@kernel
def mutate(child, mutation, s_ptr, s_idx, stream):  # type: ignore[no-untyped-def]
    """Swap each pair of neighbours with probability ``mutation`` unless the first is a
    direct predecessor of the second."""
    for i in range(child.shape[0] - 1):
        if uniform(stream) < mutation and not _is_direct_pred(child[i], child[i + 1], s_ptr, s_idx):
            child[i], child[i + 1] = child[i + 1], child[i]


@kernel
def _is_direct_pred(a, b, s_ptr, s_idx):  # type: ignore[no-untyped-def]
    found = False
    for e in range(s_ptr[a], s_ptr[a + 1]):
        if s_idx[e] == b:
            found = True
            break
    return found


@kernel
def select(pop, fit, children, cfit):  # type: ignore[no-untyped-def]
    """Elitist ranking: the best ``len(pop)`` of parents and children become ``pop``
    (ties: parents first, then in their order), distinct lists first — a duplicate of a
    better list waits for the places nobody else takes, keeping the population diverse."""
    size = pop.shape[0]
    n = pop.shape[1]
    merged = np.empty((2 * size, n), dtype=np.int64)
    merged_fit = np.empty(2 * size, dtype=np.int64)
    waiting = np.zeros(2 * size, dtype=np.bool_)
    for i in range(size):
        copy_into(merged[i], pop[i])
        copy_into(merged[size + i], children[i])
        merged_fit[i] = fit[i]
        merged_fit[size + i] = cfit[i]
    idx = stable_argsort(merged_fit)
    kept = 0
    for q in range(2 * size):
        cand = idx[q]
        duplicate = False
        for p in range(kept):
            if fit[p] == merged_fit[cand]:
                same = True
                for i in range(n):
                    if pop[p, i] != merged[cand, i]:
                        same = False
                        break
                if same:
                    duplicate = True
                    break
        waiting[q] = duplicate
        if not duplicate:
            copy_into(pop[kept], merged[cand])
            fit[kept] = merged_fit[cand]
            kept += 1
            if kept == size:
                break
    q = 0
    while kept < size:
        if waiting[q]:
            copy_into(pop[kept], merged[idx[q]])
            fit[kept] = merged_fit[idx[q]]
            kept += 1
        q += 1


# --------------------------------------------------------------------------- the search


@kernel
def generations(  # type: ignore[no-untyped-def]
    pop,
    fit,
    children,
    cfit,
    context,
    s_ptr,
    s_idx,
    restart_prio,
    indegree,
    best,
    counter,
    stall,
    stream,
    budget,
    bound,
    keep,
):
    """Run generations until ``counter[0] >= budget`` or ``best[0] <= bound``.

    ``pop``/``children``: [P, n] lists (P even), ``fit``/``cfit`` their fitness;
    ``context`` the problem's (it selects ``score``); ``s_ptr``/``s_idx`` the successor
    lists; ``restart_prio`` the rule the restarts sample on; ``stall`` the generations
    since the population best last improved (carried between calls); a restart resamples
    every list but the ``keep`` best."""
    size = pop.shape[0]
    n = pop.shape[1]
    taken = np.zeros(n, dtype=np.bool_)
    while counter[0] < budget and best[0] > bound:
        if stall[0] >= STALL_GENERATIONS:
            # restart: keep the best list, resample the rest (regret-biased on the rule)
            stall[0] = 0
            for k in range(keep, size):
                priority_list(
                    restart_prio, s_ptr, s_idx, indegree, True, REGRET_ALPHA, pop[k], stream
                )
                fit[k] = score(pop[k], context, best, counter)
        before = fit[0]
        pairing = permutation(stream, size)
        for c in range(0, size - 1, 2):
            for side in range(2):
                first = pop[pairing[c + side]]
                second = pop[pairing[c + 1 - side]]
                q1 = below(stream, n + 1)
                q2 = below(stream, n + 1)
                if q1 > q2:
                    q1, q2 = q2, q1
                child = children[c + side]
                crossover(first, second, q1, q2, child, taken)
                mutate(child, MUTATION, s_ptr, s_idx, stream)
                cfit[c + side] = score(child, context, best, counter)
        select(pop, fit, children, cfit)
        stall[0] = stall[0] + 1 if fit[0] >= before else 0


I64 = NDArray[np.int64]


def evolve(
    pop: I64,
    fit: I64,
    context: tuple[Any, ...],
    successors: tuple[I64, I64],
    restart_prio: NDArray[np.float64],
    indegree: I64,
    best: I64,
    counter: I64,
    stall: I64,
    stream: NDArray[np.uint64],
    *,
    budget: int,
    bound: int,
    out_of_time: Callable[[], bool] | None = None,
    progress: Callable[[int], None] | None = None,
    keep: int = 1,
) -> None:
    """Improve the scored population ``pop``/``fit`` by :func:`generations` until the
    budget is spent, a schedule reaches ``bound``, or ``out_of_time()`` says the caller's
    clock has run out (the safety net on a machine too slow to spend the budget in time).
    Runs in :data:`CHUNKS` calls, the clock asked between them and ``progress`` told the
    schedules generated so far; at least one, so a call with the budget already spent
    loads the compiled loop and does nothing else."""
    children, cfit = np.empty_like(pop), np.empty_like(fit)
    chunk = max(1, budget // CHUNKS)
    while True:
        if out_of_time is not None and out_of_time():
            break
        generations(
            pop,
            fit,
            children,
            cfit,
            context,
            successors[0],
            successors[1],
            restart_prio,
            indegree,
            best,
            counter,
            stall,
            stream,
            min(budget, int(counter[0]) + chunk),
            bound,
            int(keep),
        )
        if progress is not None:
            progress(int(counter[0]))
        if counter[0] >= budget or best[0] <= bound:
            break
