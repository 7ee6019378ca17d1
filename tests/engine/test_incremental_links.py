"""Incremental re-scheduling after link edits equals a full run; a cycle changes nothing."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from progman.engine import IncrementalSchedule, Network, ScheduleCycle, schedule_network

FIELDS = ("early_start", "early_finish", "late_start", "late_finish", "total_float", "free_float")


def random_network(rng: np.random.Generator, n: int = 30) -> Network:
    pairs = sorted({(int(a), int(b)) for a, b in rng.integers(0, n, (2 * n, 2)) if a < b})
    pred = np.array([p for p, _ in pairs], dtype=np.int64)
    succ = np.array([s for _, s in pairs], dtype=np.int64)
    return Network.from_arrays(
        rng.integers(0, 9, n),
        pred,
        succ,
        rng.integers(0, 4, len(pairs)),
        rng.integers(-3, 5, len(pairs)),
    )


def assert_same_as_full(schedule: IncrementalSchedule) -> None:
    full = schedule_network(schedule.network)
    got = schedule.result
    for name in FIELDS:
        np.testing.assert_array_equal(getattr(got, name), getattr(full, name), err_msg=name)
    assert got.finish == full.finish


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_link_edits_match_a_full_run(seed):
    rng = np.random.default_rng(seed)
    schedule = IncrementalSchedule(random_network(rng))
    n = schedule.network.size
    for _ in range(6):
        action = int(rng.integers(0, 3))
        links = schedule.network.link_pred.size
        if action == 0:
            a, b = sorted(int(x) for x in rng.integers(0, n, 2))
            if a == b:
                continue
            schedule.add_link(a, b, int(rng.integers(0, 4)), int(rng.integers(-2, 4)))
        elif action == 1 and links:
            schedule.remove_link(int(rng.integers(0, links)))
        elif links:
            schedule.set_link_type(int(rng.integers(0, links)), int(rng.integers(0, 4)))
        assert_same_as_full(schedule)


def test_a_link_closing_a_cycle_is_refused_and_changes_nothing():
    schedule = IncrementalSchedule(
        Network.from_arrays(np.array([2, 3, 4, 1]), np.array([0, 1, 1]), np.array([1, 2, 3]))
    )
    before = schedule.result
    with pytest.raises(ScheduleCycle) as caught:
        schedule.add_link(2, 0)
    cycle = caught.value.cycle
    assert cycle[0] == cycle[-1] and set(cycle) == {0, 1, 2}
    assert schedule.network.link_pred.size == 3
    for name in FIELDS:
        np.testing.assert_array_equal(getattr(schedule.result, name), getattr(before, name))


def test_cycle_with_tasks_downstream_of_it_is_named():
    net = Network.from_arrays(
        np.ones(4, dtype=np.int64), np.array([0, 1, 2, 1]), np.array([1, 2, 1, 3])
    )
    with pytest.raises(ScheduleCycle) as caught:
        schedule_network(net)
    assert sorted(set(caught.value.cycle)) == [1, 2]
