"""Monte Carlo simulation: against the deterministic schedule and analytic moments."""

from __future__ import annotations

import numpy as np
import pytest

import progman
from progman.domain import Program
from progman.engine import sampling
from progman.engine.montecarlo import Uncertainty, simulate_network
from progman.engine.network import Network, ScheduleOutOfRange
from progman.samples import sample_plan_path


def chain(durations: list[int]) -> Network:
    n = len(durations)
    return Network.from_arrays(
        np.array(durations), np.arange(n - 1, dtype=np.int64), np.arange(1, n, dtype=np.int64)
    )


def test_zero_width_estimates_give_the_deterministic_schedule_of_the_sample_plan():
    plan = progman.load_plan(sample_plan_path())
    for item in plan.work_items():
        if item.estimate is not None:
            item.estimate.optimistic = item.estimate.most_likely
            item.estimate.pessimistic = item.estimate.most_likely
        item.deadline = None  # a missed deadline caps late dates there, not here (criticality)
    plan.risks = []
    deterministic = progman.schedule(plan)
    result = progman.simulate(plan, iterations=200, seed=3)
    assert set(result.finish.values()) == {deterministic.finish}
    for ident, forecast in result.milestones.items():
        assert forecast.p50 == forecast.p95 == deterministic.task(ident).finish
    for task in deterministic.tasks:
        if not task.summary:
            assert result.criticality[task.id] == (1.0 if task.critical else 0.0), task.id


def test_chain_of_triangulars_has_the_analytic_mean_and_variance():
    low, mode, high = (
        np.array([1000, 2000, 500]),
        np.array([3000, 2500, 900]),
        np.array([8000, 6000, 4000]),
    )
    unc = Uncertainty.three_point(low, mode, high)
    result = simulate_network(chain(high.tolist()), unc, iterations=20_000, seed=11)
    mean = ((low + mode + high) / 3).sum()
    variance = ((low**2 + mode**2 + high**2 - low * mode - low * high - mode * high) / 18).sum()
    assert result.finish.mean() == pytest.approx(mean, rel=0.01)
    assert result.finish.var() == pytest.approx(variance, rel=0.05)


def test_pert_beta_mean_is_a_plus_4m_plus_b_over_6():
    low, mode, high = np.array([1000.0]), np.array([2000.0]), np.array([9000.0])
    unc = Uncertainty.three_point(low, mode, high, sampling.PERT)
    result = simulate_network(chain([9000]), unc, iterations=20_000, seed=2)
    assert result.finish.mean() == pytest.approx((1000 + 4 * 2000 + 9000) / 6, rel=0.01)
    assert result.finish.min() >= 1000
    assert result.finish.max() <= 9000


def test_a_certain_risk_always_shifts_the_finish_by_its_impact():
    net = chain([10, 20, 30])
    plain = Uncertainty.three_point(np.zeros(3), np.zeros(3), np.zeros(3))
    risky = Uncertainty(
        task=plain.task,
        low=plain.low,
        mode=plain.mode,
        high=plain.high,
        kind=plain.kind,
        risk_probability=np.array([1.0]),
        risk_pointer=np.array([0, 1]),
        risk_task=np.array([1]),
        risk_minutes=np.array([7]),
        risk_cost=np.array([100.0]),
    )
    result = simulate_network(net, risky, iterations=300, seed=0)
    assert set(result.finish.tolist()) == {60 + 7}
    assert set(result.cost.tolist()) == {100.0}
    assert result.risk_frequency.tolist() == [1.0]


def test_every_task_of_a_single_chain_is_always_critical():
    unc = Uncertainty.three_point(np.full(4, 10), np.full(4, 20), np.full(4, 50))
    result = simulate_network(chain([20] * 4), unc, iterations=1000, seed=4)
    assert result.criticality.tolist() == [1.0] * 4


def test_the_longer_parallel_branch_is_critical_more_often():
    # start(0) -> a(1) -> end(3), start -> b(2) -> end; a is longer on average
    net = Network.from_arrays(
        np.array([0, 100, 80, 0]), np.array([0, 0, 1, 2]), np.array([1, 2, 3, 3])
    )
    low, mode, high = (
        np.array([0, 60, 50, 0]),
        np.array([0, 100, 80, 0]),
        np.array([0, 160, 150, 0]),
    )
    result = simulate_network(net, Uncertainty.three_point(low, mode, high), iterations=5000)
    assert result.criticality[0] == result.criticality[3] == 1.0
    assert result.criticality[1] > result.criticality[2] > 0.05
    assert result.criticality[1] + result.criticality[2] >= 1.0  # ties: both critical
    task_rank = dict(zip(result_tasks := [1, 2], result.task_sensitivity, strict=True))
    assert task_rank[1] > task_rank[2] > 0, result_tasks


def random_layered(n: int) -> tuple[Network, Uncertainty]:
    rng = np.random.default_rng(5)
    pred = np.concatenate([rng.integers(0, i, 2) for i in range(1, n)])
    succ = np.repeat(np.arange(1, n), 2)
    key = np.unique(succ * n + pred)
    mode = rng.integers(10, 100, n)
    net = Network.from_arrays(mode, key % n, key // n)
    kind = rng.integers(0, 2, n).astype(np.int8)
    unc = Uncertainty.three_point(mode * 0.8, mode, mode * 1.6, kind)
    return net, unc


@pytest.mark.parametrize("chunk_size", [100, 300, 1000, 2500])
def test_the_same_seed_gives_the_same_result_whatever_the_chunk_size(chunk_size):
    net, unc = random_layered(60)
    base = simulate_network(net, unc, iterations=1250, seed=9, chunk_size=500)
    other = simulate_network(net, unc, iterations=1250, seed=9, chunk_size=chunk_size)
    assert np.array_equal(base.finish, other.finish)
    assert np.array_equal(base.criticality, other.criticality)
    assert np.allclose(base.task_sensitivity, other.task_sensitivity)


@pytest.mark.parametrize("threads", [2, 3])
def test_chunks_on_several_threads_give_what_one_thread_gives(threads):
    net, unc = random_layered(60)
    alone = simulate_network(net, unc, iterations=1250, seed=4, chunk_size=200, threads=1)
    done: list[int] = []
    shared = simulate_network(
        net, unc, iterations=1250, seed=4, chunk_size=200, threads=threads, progress=done.append
    )
    for field in ("finish", "watched_finish", "group_finish", "criticality", "cost"):
        assert np.array_equal(getattr(alone, field), getattr(shared, field)), field
    assert np.array_equal(alone.task_sensitivity, shared.task_sensitivity)
    assert done == [200, 400, 600, 800, 1000, 1200, 1250]  # in order, whatever finished first


def test_an_error_in_one_chunk_stops_the_threads_and_reaches_the_caller():
    unc = Uncertainty.three_point(np.array([10]), np.array([20]), np.array([10**6]))
    with pytest.raises(ScheduleOutOfRange):
        simulate_network(chain([20]), unc, iterations=1000, chunk_size=100, threads=2)


def test_a_sample_past_the_calendar_tables_is_an_error():
    unc = Uncertainty.three_point(np.array([10]), np.array([20]), np.array([10**6]))
    with pytest.raises(ScheduleOutOfRange):
        simulate_network(chain([20]), unc, iterations=100)


def test_different_seeds_differ():
    net, unc = random_layered(60)
    one = simulate_network(net, unc, iterations=500, seed=1)
    two = simulate_network(net, unc, iterations=500, seed=2)
    assert not np.array_equal(one.finish, two.finish)


def test_correlation_widens_the_spread_of_a_sum():
    n = 20
    low, mode, high = np.full(n, 50.0), np.full(n, 100.0), np.full(n, 200.0)
    free = Uncertainty.three_point(low, mode, high)
    tied = Uncertainty(
        free.task, free.low, free.mode, free.high, free.kind,
        group=np.zeros(n, dtype=np.int64), group_rho=np.array([0.8]),
    )  # fmt: skip
    spread_free = simulate_network(chain([200] * n), free, iterations=4000).finish.std()
    spread_tied = simulate_network(chain([200] * n), tied, iterations=4000).finish.std()
    assert spread_tied > 2 * spread_free


def test_plan_simulation_has_the_json_shape_of_the_spec():
    plan = progman.load_plan(sample_plan_path())
    result = progman.simulate(plan, iterations=300, seed=5).to_json()
    assert {"iterations", "seed", "finish", "milestones", "criticality", "sensitivity"} <= set(
        result
    )
    assert set(result["finish"]) == {"p10", "p50", "p80", "p95"}
    live = result["milestones"]["WEB.launch"]
    assert set(live) == {"p50", "p80", "p95", "deadline", "probability_on_time"}
    assert 0.0 <= live["probability_on_time"] <= 1.0
    assert live["p50"] <= live["p80"] <= live["p95"]
    assert all(set(entry) >= {"id", "correlation"} for entry in result["sensitivity"])
    magnitudes = [abs(entry["correlation"]) for entry in result["sensitivity"]]
    assert magnitudes == sorted(magnitudes, reverse=True)
    assert result["cost"]["p50"] > 0


def test_the_plan_chooses_pert_for_tasks_that_do_not_choose():
    """tri(0, 1, 10) days has median ~3.3 days; PERT-beta(0, 1, 10) ~2.0: the plan default
    applies to a task without its own distribution, and a task's own choice wins."""
    plan = {
        "program": "Skewed", "key": "SKW", "start": "2027-03-01",
        "projects": [{"id": "P", "name": "P", "tasks": [
            {"id": "A", "name": "a", "estimate": ["0d", "1d", "10d"]},
            {"id": "B", "name": "b", "estimate": ["0d", "1d", "10d"], "distribution": "triangular"},
        ]}],
    }  # fmt: skip
    default = progman.simulate(Program.model_validate(plan), iterations=4000, seed=3)
    pert = progman.simulate(
        Program.model_validate({**plan, "distribution": "pert"}), iterations=4000, seed=3
    )
    a_default = default.to_json()["criticality"]["A"]
    a_pert = pert.to_json()["criticality"]["A"]
    assert a_default == pytest.approx(0.5, abs=0.05)  # two like tasks: each longest half the time
    assert a_pert < 0.35  # PERT's A is shorter than B's triangular most of the time


def test_the_plan_correlates_tagged_estimates():
    """Two parallel tasks tagged 'vendor' at 0.95 finish together: their maximum is far
    less spread out upward than for independent tasks, so the P95 finish is earlier."""
    tasks = [
        {"id": f"T{k}", "name": "t", "estimate": ["1d", "5d", "20d"], "tags": ["vendor"]}
        for k in range(6)
    ]
    plan = {"program": "Vendor", "key": "VEN", "start": "2027-03-01",
            "projects": [{"id": "P", "name": "P", "tasks": tasks}]}  # fmt: skip
    independent = progman.simulate(Program.model_validate(plan), iterations=3000, seed=2)
    together = progman.simulate(
        Program.model_validate({**plan, "correlation": {"vendor": 0.95}}), iterations=3000, seed=2
    )
    assert together.to_json()["finish"]["p50"] < independent.to_json()["finish"]["p50"]


def test_a_project_deadline_gets_its_probability_of_being_met():
    """P takes 5 to 8 days from Monday 1st: it always finishes after Thursday 4th, never
    after Thursday 11th."""
    plan = {
        "program": "Deadlines", "key": "PDL", "start": "2027-03-01",
        "projects": [
            {"id": "P", "name": "P", "deadline": "2027-03-04",
             "tasks": [{"id": "A", "name": "a", "estimate": ["5d", "6d", "8d"]}]},
            {"id": "Q", "name": "Q", "deadline": "2027-03-11",
             "tasks": [{"id": "B", "name": "b", "estimate": ["5d", "6d", "8d"]}]},
        ],
    }  # fmt: skip
    result = progman.simulate(Program.model_validate(plan), iterations=200, seed=1)
    assert str(result.projects["P"].deadline) == "2027-03-04"
    assert result.projects["P"].probability_on_time == 0.0
    assert result.projects["Q"].probability_on_time == 1.0
