"""Invariants of the scheduling engine, on random networks and random programs (SPEC §7).

Array level (``Network.from_arrays``: the elapsed calendar, integer time): every link holds,
checked here from the result arrays; the early dates are the least dates that keep every
link; floats are non-negative and consistent; the driving chain explains the finish; the
finish equals networkx's longest path; incremental re-scheduling equals a full pass.
Plan level (``progman.schedule``): links hold in working time unless listed as conflicts,
summaries roll up, tasks start on working moments and never before the program start.
"""

from __future__ import annotations

import dataclasses

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.engine.generators import (
    Dag,
    check_incremental,
    check_plan_links,
    check_roll_up,
    check_working_moments,
    constrained,
    dags,
    edits,
    plan_data,
    reference_cpm,
    start_needed,
)

from progman.domain import Program
from progman.engine import kernels
from progman.engine.build import build_network
from progman.engine.kernels import FF, FS, NO_TIME, SS
from progman.engine.network import (
    CpmResult,
    IncrementalSchedule,
    Network,
    ScheduleCycle,
    schedule_network,
)

# -- properties of the full pass ----------------------------------------------------------------

SETTINGS = settings(max_examples=200, deadline=None)


def assert_links_hold(dag: Dag, result: CpmResult) -> None:
    """Each link type's inequality, straight from the result arrays."""
    es, ef = result.early_start.tolist(), result.early_finish.tolist()
    for link in range(len(dag.pred)):
        p, s, kind, lag = dag.pred[link], dag.succ[link], dag.kind[link], dag.lag[link]
        if kind == FS:
            assert es[s] >= ef[p] + lag, f"FS link {link}: {p} -> {s}"
        elif kind == SS:
            assert es[s] >= es[p] + lag, f"SS link {link}: {p} -> {s}"
        elif kind == FF:
            assert ef[s] >= ef[p] + lag, f"FF link {link}: {p} -> {s}"
        else:
            assert ef[s] >= es[p] + lag, f"SF link {link}: {p} -> {s}"


@SETTINGS
@given(dag=dags())
def test_every_link_holds_and_every_task_starts_as_early_as_its_links_allow(dag):
    result = schedule_network(dag.network())
    assert_links_hold(dag, result)
    es, ef = result.early_start, result.early_finish
    assert (es >= 0).all(), "nothing starts before the start of the network"
    assert (ef - es == np.array(dag.duration)).all(), "elapsed time: finish = start + duration"
    # the least such dates: each start is 0 or made tight by one of its links
    reference = reference_cpm(dag)
    assert es.tolist() == reference.early_start
    assert result.finish == reference.finish == int(ef.max())


@SETTINGS
@given(dag=dags())
def test_late_dates_and_floats_of_an_unconstrained_network(dag):
    result = schedule_network(dag.network())
    ls, lf = result.late_start, result.late_finish
    es, ef = result.early_start, result.early_finish
    total, free = result.total_float, result.free_float
    assert (ls >= es).all() and (lf >= ef).all()
    assert (total >= 0).all(), "no constraints: total float is never negative"
    assert (free >= 0).all() and (free <= total).all()
    assert (total == lf - ef).all() and (lf - ls == np.array(dag.duration)).all()
    assert (total == 0).any(), "something is critical"
    assert (lf <= result.finish).all()
    reference = reference_cpm(dag)
    assert lf.tolist() == reference.late_finish
    assert ls.tolist() == reference.late_start
    assert free.tolist() == reference.free_float


def driving_chain(result: CpmResult, pred: list[int]) -> tuple[list[int], list[int]]:
    """Tasks and links from the start of the network to the task that finishes last."""
    task = int(np.flatnonzero(result.early_finish == result.finish)[0])
    tasks, links = [task], []
    while result.driver[task] >= 0:
        link = int(result.driver[task])
        links.append(link)
        task = pred[link]
        tasks.append(task)
        assert len(tasks) <= result.early_start.shape[0], "the drivers loop"
    return tasks[::-1], links[::-1]


@SETTINGS
@given(dag=dags())
def test_the_driving_chain_explains_the_finish(dag):
    result = schedule_network(dag.network())
    tasks, links = driving_chain(result, dag.pred)
    es, ef = result.early_start.tolist(), result.early_finish.tolist()
    first = tasks[0]
    assert result.driver[first] == kernels.DRIVER_NONE
    assert es[first] == min(es) == 0
    # walk the chain forward from its first start, using only durations, types and lags
    chain_es, chain_ef = list(es), list(ef)  # only chain entries are read and rewritten
    chain_es[first], chain_ef[first] = 0, dag.duration[first]
    for task, link in zip(tasks[1:], links, strict=True):
        chain_es[task] = start_needed(dag, link, chain_es, chain_ef)
        chain_ef[task] = chain_es[task] + dag.duration[task]
        assert chain_es[task] == es[task], "a driving link is tight"
    length = chain_ef[tasks[-1]] - chain_es[first]
    assert length == result.finish - min(es)
    assert (result.total_float[tasks] == 0).all(), "the driving chain is critical"


def networkx_length(dag: Dag) -> int:
    graph = nx.DiGraph()
    graph.add_node("source")
    for i, d in enumerate(dag.duration):
        graph.add_edge("source", i, weight=0)
        graph.add_edge(i, "sink", weight=d)
    for p, s, lag in zip(dag.pred, dag.succ, dag.lag, strict=True):
        weight = dag.duration[p] + lag
        if not graph.has_edge(p, s) or graph[p][s]["weight"] < weight:
            graph.add_edge(p, s, weight=weight)
    return int(nx.dag_longest_path_length(graph, weight="weight"))


@SETTINGS
@given(dag=dags(max_tasks=40, kinds=(FS,), lags=st.integers(0, 20)))
def test_finish_equals_the_networkx_longest_path(dag):
    assert schedule_network(dag.network()).finish == networkx_length(dag)


# -- incremental equals full ----------------------------------------------------------------------


@SETTINGS
@given(data=st.data(), dag=dags())
def test_incremental_equals_full_on_random_networks(data, dag):
    check_incremental(dag.network(), data.draw(edits(dag.size, len(dag.pred))))


@SETTINGS
@given(data=st.data(), dag=dags())
def test_incremental_equals_full_with_constraints_and_deadlines(data, dag):
    net = data.draw(constrained(dag.network()))
    check_incremental(net, data.draw(edits(dag.size, len(dag.pred))))


def test_incremental_revisits_tasks_the_old_end_capped():
    """Regression: Design 10d; Prototype 2d (Design SS); Vendor 7d; Integration 3d (after
    both). Integration grows to 5d: the end moves but Integration's late start does not;
    Design's late finish, capped by the end, must follow it (float 2, not 0)."""
    net = Network.from_arrays(
        np.array([10, 2, 7, 3]),
        pred=np.array([0, 1, 2]),
        succ=np.array([1, 3, 3]),
        link_type=np.array([SS, FS, FS]),
    )
    check_incremental(net, [("duration", 3, 5)])
    incremental = IncrementalSchedule(net)
    incremental.set_duration(3, 5)
    assert incremental.result.total_float.tolist() == [2, 5, 0, 0]


def test_incremental_when_the_end_shrinks_under_a_capped_task():
    """Regression: 0 (1) -> 1 (0) -> 2 (0, deadline 0), FS then FS-1; task 0 shrinks to 0."""
    net = Network.from_arrays(
        np.array([1, 0, 0]), pred=np.array([0, 1]), succ=np.array([1, 2]), lag=np.array([0, -1])
    )
    net = dataclasses.replace(net, deadline=np.array([NO_TIME, NO_TIME, 0], dtype=np.int64))
    check_incremental(net, [("duration", 0, 0)])


def test_incremental_leaves_the_callers_network_alone():
    net = Network.from_arrays(np.array([3, 2]), np.array([0]), np.array([1]))
    incremental = IncrementalSchedule(net)
    incremental.set_duration(0, 10)
    incremental.set_lag(0, 4)
    assert net.duration.tolist() == [3, 2] and net.link_lag.tolist() == [0]
    assert incremental.result.finish == 16


# -- size: no recursion, no quadratic walk ---------------------------------------------------------

BIG = 200_000


def test_a_deep_chain_of_200k_tasks():
    n = BIG
    duration = np.ones(n, dtype=np.int64)
    # numbered backwards, so the engine has to find the order itself
    pred, succ = np.arange(n - 1, 0, -1), np.arange(n - 2, -1, -1)
    result = schedule_network(Network.from_arrays(duration, pred, succ))
    assert result.finish == n
    assert result.early_start[0] == n - 1 and result.early_start[n - 1] == 0
    assert (result.total_float == 0).all()
    incremental = IncrementalSchedule(Network.from_arrays(duration, pred, succ))
    incremental.set_duration(n - 1, 5)  # the first task: everything moves
    assert incremental.result.finish == n + 4
    assert incremental.result.early_start[0] == n + 3


def test_a_wide_fan_of_200k_tasks():
    n = BIG
    rng = np.random.default_rng(1)
    duration = rng.integers(0, 100, size=n)
    duration[0] = 5
    fan_out = (np.zeros(n - 1, dtype=np.int64), np.arange(1, n))
    result = schedule_network(Network.from_arrays(duration, *fan_out))
    assert result.finish == 5 + int(duration[1:].max())
    assert (result.early_start[1:] == 5).all()
    fan_in = (np.arange(1, n), np.zeros(n - 1, dtype=np.int64))
    duration[0] = 1
    result = schedule_network(Network.from_arrays(duration, *fan_in))
    assert result.finish == int(duration[1:].max()) + 1
    assert result.driver[0] == int(np.argmax(duration[1:]))  # the link from the longest


def test_a_cycle_through_200k_tasks_is_reported_not_recursed():
    n = BIG
    pred, succ = np.arange(n), (np.arange(n) + 1) % n
    with pytest.raises(ScheduleCycle) as error:
        schedule_network(Network.from_arrays(np.ones(n, dtype=np.int64), pred, succ))
    assert len(error.value.cycle) == n + 1
    assert error.value.cycle[0] == error.value.cycle[-1]


# -- plan level ----------------------------------------------------------------------------------

PLAN_SETTINGS = settings(max_examples=80, deadline=None)


@PLAN_SETTINGS
@given(data=plan_data())
def test_plan_links_hold_in_working_time_unless_listed_as_conflicts(data):
    check_plan_links(data)


@PLAN_SETTINGS
@given(data=plan_data())
def test_summaries_roll_up_their_children(data):
    check_roll_up(data)


@PLAN_SETTINGS
@given(data=plan_data())
def test_tasks_start_and_finish_on_working_moments_never_before_the_start(data):
    check_working_moments(data)


@PLAN_SETTINGS
@given(data=st.data(), plan=plan_data())
def test_incremental_equals_full_on_programs(data, plan):
    """Calendars, constraints, deadlines, summaries: as the program's own network has them."""
    program = Program.model_validate(plan)
    built = build_network(program)
    leaves = [i for i, item in enumerate(built.items) if not item.tasks]
    plan_links = sum(len(item.depends) for item in built.items)
    day = st.sampled_from([0, 60, 240, 480, 960, 2400])
    duration_edit = st.tuples(st.just("duration"), st.sampled_from(leaves), day)
    lag_edit = st.tuples(
        st.just("lag"), st.integers(0, max(plan_links - 1, 0)), st.sampled_from([-480, 0, 240])
    )
    kinds = st.one_of(duration_edit, lag_edit) if plan_links else duration_edit
    check_incremental(built.network, data.draw(st.lists(kinds, min_size=1, max_size=6)))
