"""The order the CPM passes walk a network in: topological, and in plan order where the
links allow (memory order for the passes); results do not depend on it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from tests.engine.generators import RESULT_ARRAYS, dags

from progman.engine import network


def _order(net: network.Network) -> tuple[np.ndarray, int]:
    links_in = network._incoming(net)
    return network.plan_order(net.size, links_in[0], links_in[1])


@settings(max_examples=200, deadline=None)
@given(dag=dags())
def test_every_task_comes_after_its_predecessors_and_results_equal_kahn_s(dag):
    net = dag.network()
    order, count = _order(net)
    assert count == net.size and sorted(order.tolist()) == list(range(net.size))
    position = np.empty(net.size, dtype=np.int64)
    position[order] = np.arange(net.size)
    assert bool(np.all(position[net.link_pred] < position[net.link_succ]))
    kahn = network._adjacency(net)
    local = network._adjacency(net, in_plan_order=True)
    assert local.order.tolist() == order.tolist()
    states = []
    for adjacency in (kahn, local):
        state = network._fresh_state(net.size)
        end = network._run(
            net,
            adjacency,
            state,
            forward_dirty=np.ones(net.size, dtype=bool),
            start_position=0,
            backward_dirty=None,
        )
        states.append((end, {name: state[name].tolist() for name in RESULT_ARRAYS}))
    assert states[0] == states[1]


def test_plan_order_is_kept_and_a_task_waits_only_for_its_own_predecessors():
    # 0 <- 3 (a later task), and 1, 2 in plan order: 3 comes just before 0
    net = network.Network.from_arrays(
        np.ones(4, dtype=np.int64), np.array([3, 0, 1]), np.array([0, 1, 2])
    )
    assert _order(net)[0].tolist() == [3, 0, 1, 2]


def test_a_deep_chain_backwards_needs_no_recursion():
    n = 200_000  # task k waits for task k + 1: the whole chain before task 0
    net = network.Network.from_arrays(
        np.ones(n, dtype=np.int64), np.arange(1, n), np.arange(0, n - 1)
    )
    order, count = _order(net)
    assert count == n and order.tolist() == list(range(n - 1, -1, -1))


def test_a_cycle_is_reported_with_its_tasks():
    net = network.Network.from_arrays(
        np.ones(4, dtype=np.int64), np.array([0, 1, 2, 3]), np.array([1, 2, 1, 0])
    )
    assert _order(net)[1] < 4
    with pytest.raises(network.ScheduleCycle) as raised:
        network.schedule_network(net)
    cycle = raised.value.cycle
    assert cycle[0] == cycle[-1] and set(cycle) == {1, 2}
