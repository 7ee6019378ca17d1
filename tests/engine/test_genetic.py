"""The one genetic search (engine/genetic.py): its generations keep the best list, never
end worse than the priority rule they start from, are seeded, and serve both the RCPSP
solver and plan leveling."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.engine.test_rcpsp import check_feasible, instances

import progman
from progman.engine import genetic, rcpsp
from progman.engine.leveling_kernels import LevelingContext
from progman.engine.random_stream import random_state
from progman.engine.rcpsp import RcpspContext, RcpspInstance
from progman.samples import sample_plan_path

SIZE = 6


def _search(inst: RcpspInstance, seed: int) -> dict[str, np.ndarray]:
    """A population of LFT-sampled lists on ``inst``, scored, before any generation."""
    n = inst.n
    p_ptr, p_idx = rcpsp.predecessors(inst)
    usage = np.zeros((int(inst.durations.sum()) + 1, inst.resources), dtype=np.int64)
    context = RcpspContext(
        inst.durations, p_ptr, p_idx, inst.succ_ptr, inst.succ, inst.demand, inst.capacity,
        usage, np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64),
    )  # fmt: skip
    lft = rcpsp.priority_rules(inst, rcpsp.critical_path(inst)[1])[0]
    indegree = np.diff(p_ptr).astype(np.int64)
    stream = random_state(seed)
    pop = np.empty((SIZE, n), dtype=np.int64)
    fit = np.empty(SIZE, dtype=np.int64)
    best = np.array([np.iinfo(np.int64).max], dtype=np.int64)
    counter = np.zeros(1, dtype=np.int64)
    for k in range(SIZE):  # the rule's own list first, then samples on it
        genetic.priority_list(lft, inst.succ_ptr, inst.succ, indegree, k > 0, 1.0, pop[k], stream)
        fit[k] = rcpsp.scored(pop[k], context, best, counter)
    return {
        "pop": pop, "fit": fit, "context": context, "lft": lft, "indegree": indegree,
        "best": best, "counter": counter, "stall": np.zeros(1, dtype=np.int64),
        "stream": stream, "rule": fit[0].copy(),
    }  # fmt: skip


def _generations(inst: RcpspInstance, search: dict[str, np.ndarray], budget: int) -> None:
    s = search
    genetic.generations(
        s["pop"], s["fit"], np.empty_like(s["pop"]), np.empty_like(s["fit"]), s["context"],
        inst.succ_ptr, inst.succ, s["lft"], s["indegree"], s["best"], s["counter"],
        s["stall"], s["stream"], budget, 0, 1,
    )  # fmt: skip


def _precedence_feasible(inst: RcpspInstance, order: np.ndarray) -> bool:
    position = np.empty(inst.n, dtype=np.int64)
    position[order] = np.arange(inst.n)
    return all(position[s] > position[j] for j in range(inst.n) for s in inst.successors(j))


@settings(max_examples=40, deadline=None)
@given(instances().filter(lambda inst: inst.n >= 2), st.integers(0, 50))
def test_generations_keep_the_best_and_never_end_worse_than_the_rule(inst, seed):
    search = _search(inst, seed)
    best_before = int(search["fit"].min())
    schedules = 0
    for _ in range(4):  # chunks, as evolve calls them: elitism holds across calls
        schedules += 200
        _generations(inst, search, schedules)
        fit = search["fit"]
        assert int(fit[0]) == int(fit.min()) <= best_before  # the best list is kept first
        best_before = int(fit[0])
    assert int(search["best"][0]) == best_before <= int(search["rule"])
    for order in search["pop"]:  # crossover and mutation keep every list feasible
        assert sorted(order.tolist()) == list(range(inst.n))
        assert _precedence_feasible(inst, order)
    start = search["context"].best_start
    check_feasible(inst, start)
    assert int((start + inst.durations).max()) == int(search["best"][0])


def test_generations_are_seeded():
    rng = np.random.default_rng(3)
    n = 20
    edges = [(i, j) for j in range(1, n) for i in rng.choice(j, size=min(j, 2), replace=False)]
    durations, demand = rng.integers(1, 8, n), rng.integers(0, 5, (n, 2))
    inst = RcpspInstance.from_edges(durations, edges, demand, [6, 6])
    runs = []
    for seed in (4, 4, 5):
        search = _search(inst, seed)
        _generations(inst, search, 3000)
        runs.append((search["pop"].copy(), search["fit"].copy(), int(search["counter"][0])))
    assert np.array_equal(runs[0][0], runs[1][0]) and runs[0][2] == runs[1][2]
    assert not np.array_equal(runs[0][0], runs[2][0])


def test_selection_ranks_parents_and_children_distinct_lists_first():
    pop = np.array([[0, 1, 2], [1, 0, 2], [2, 1, 0], [0, 2, 1]], dtype=np.int64)
    fit = np.array([5, 7, 9, 9], dtype=np.int64)
    children = np.array([[0, 1, 2], [0, 1, 2], [2, 0, 1], [1, 2, 0]], dtype=np.int64)
    cfit = np.array([5, 5, 6, 9], dtype=np.int64)
    genetic.select(pop, fit, children, cfit)
    # ties keep parents first; the two copies of the best list wait behind the others
    assert fit.tolist() == [5, 6, 7, 9]
    assert pop.tolist() == [[0, 1, 2], [2, 0, 1], [1, 0, 2], [2, 1, 0]]
    crowded = np.array([[0, 1, 2]] * 4, dtype=np.int64)
    same_fit = np.array([3, 3, 3, 3], dtype=np.int64)
    genetic.select(crowded, same_fit, crowded.copy(), same_fit.copy())
    assert crowded.tolist() == [[0, 1, 2]] * 4  # only copies: they fill the places


def test_the_rcpsp_solver_and_plan_leveling_run_the_same_generations():
    inst = RcpspInstance.from_edges([2, 2, 2], [], [[2], [2], [2]], [3])  # optimum 6 > bound
    rcpsp.solve(inst, time_limit=60.0, schedules=300)
    progman.level(progman.load_plan(sample_plan_path()), schedules=300, time_limit=60.0)
    contexts = {signature[4].instance_class for signature in genetic.generations.signatures}
    assert contexts == {RcpspContext, LevelingContext}


@settings(max_examples=25, deadline=None)
@given(instances().filter(lambda inst: inst.n >= 2), st.integers(0, 50))
def test_restarts_that_keep_no_list_keep_the_best_schedule(inst, seed):
    """The RCPSP solver's restarts resample the whole population (keep 0): the population
    best may get worse, the best schedule found never does, and it stays feasible."""
    search = _search(inst, seed)
    s = search
    best_before = int(s["best"][0])
    schedules = 0
    for _ in range(4):
        schedules += 300
        s["stall"][0] = genetic.STALL_GENERATIONS  # a restart at the start of each chunk
        genetic.generations(
            s["pop"], s["fit"], np.empty_like(s["pop"]), np.empty_like(s["fit"]),
            s["context"], inst.succ_ptr, inst.succ, s["lft"], s["indegree"], s["best"],
            s["counter"], s["stall"], s["stream"], schedules, 0, 0,
        )  # fmt: skip
        assert int(s["best"][0]) <= best_before
        best_before = int(s["best"][0])
    for order in s["pop"]:
        assert sorted(order.tolist()) == list(range(inst.n))
        assert _precedence_feasible(inst, order)
    start = s["context"].best_start
    check_feasible(inst, start)
    assert int((start + inst.durations).max()) == best_before <= int(s["fit"].min())
