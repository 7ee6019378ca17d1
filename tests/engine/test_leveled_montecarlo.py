"""Monte Carlo under resource limits (``simulate --leveled``): each iteration decoded by the
leveler's serial SGS with the leveled list, so work that shares a person never overlaps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import progman
from progman.domain import Program
from progman.engine.build import build_network
from progman.engine.leveled_montecarlo import LeveledScheduler, leveled_scheduler
from progman.engine.leveling import level
from progman.engine.leveling_kernels import decode
from progman.engine.leveling_profile import add_load
from progman.engine.montecarlo import Uncertainty, simulate_network
from progman.samples import sample_plan_path

TWO_TASKS = """\
program: Two tasks, one person
key: TWO
start: 2027-01-04
resources:
  - {id: ann, name: Ann, capacity: 1.0, rate: 80}
projects:
  - id: P
    name: P
    tasks:
      - {id: P.a, name: A, estimate: [3d, 5d, 10d], resources: {ann: 1.0}}
      - {id: P.b, name: B, estimate: [3d, 5d, 10d], resources: {ann: 1.0}}
      - {id: P.done, name: Done, milestone: true, depends: [P.a, P.b]}
"""


@pytest.fixture
def two_tasks(tmp_path: Path) -> Program:
    path = tmp_path / "two.yaml"
    path.write_text(TWO_TASKS, encoding="utf-8")
    return progman.load_plan(path)


def crowded_plan(tmp_path: Path, tasks: int = 60, seed: int = 5) -> Program:
    """Chains of work for three people: one part-time, one whose capacity drops for a
    while, one on vacation; every task with a three-point estimate."""
    rng = np.random.default_rng(seed)
    lines = [
        "program: Crowded",
        "key: CRW",
        "start: 2027-01-04",
        "resources:",
        "  - {id: ann, name: Ann, capacity: 1.0,"
        " availability: [{start: 2027-02-01, capacity: 0.75}]}",
        "  - {id: bob, name: Bob, capacity: 0.5}",
        "  - {id: cy, name: Cy, capacity: 1.0,"
        " vacations: [{start: 2027-02-15, finish: 2027-02-26}]}",
        "projects:",
        "  - id: P",
        "    name: P",
        "    tasks:",
    ]
    people = {"ann": 0.5, "bob": 0.5, "cy": 1.0}
    for t in range(tasks):
        days = int(rng.integers(1, 6))
        who = list(people)[int(rng.integers(0, 3))]
        depends = sorted({f"P.t{int(rng.integers(0, t))}" for _ in range(2)}) if t > 3 else []
        links = f", depends: [{', '.join(depends)}]" if depends else ""
        lines.append(
            f"      - {{id: P.t{t}, name: T{t}, estimate: [{days}d, {days + 1}d, {2 * days + 2}d],"
            f" resources: {{{who}: {people[who]}}}{links}}}"
        )
    path = tmp_path / "crowded.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return progman.load_plan(path)


def scheduler_of(plan: Program) -> tuple[LeveledScheduler, np.ndarray]:
    """The leveled scheduler of ``plan`` with every task spread 0.8–2× its duration."""
    built = build_network(plan)
    planned = built.network.duration.astype(np.float64)
    unc = Uncertainty.three_point(planned * 0.8, planned, planned * 2.0)
    return leveled_scheduler(plan, built, unc), planned


def sampled(planned: np.ndarray, iterations: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    factor = rng.uniform(0.8, 2.0, (planned.shape[0], iterations))
    return np.rint(planned[:, None] * factor).astype(np.int64)


def test_two_tasks_for_one_person_finish_later_leveled_than_plain(two_tasks):
    plain = progman.simulate(two_tasks, iterations=2000, seed=1)
    leveled = progman.simulate(two_tasks, iterations=2000, seed=1, leveled=True)
    assert leveled.leveled and not plain.leveled
    assert leveled.deterministic is not None and plain.deterministic is not None
    assert leveled.finish["p50"] >= leveled.deterministic > plain.deterministic
    assert leveled.deterministic == level(two_tasks).schedule.finish  # progman level's date
    assert leveled.finish["p50"] > plain.finish["p80"]  # they cannot overlap any more
    # the chance of the leveled date is counted among the leveled iterations
    tables = build_network(two_tasks).network.calendars
    finishes = tables.to_datetimes(leveled.engine.finish)
    share = float(np.mean([moment <= leveled.deterministic for moment in finishes]))
    assert leveled.deterministic_probability == round(share, 4)
    assert leveled.to_json()["leveled"] is True and plain.to_json()["leveled"] is False


def test_in_no_iteration_do_the_two_tasks_overlap(two_tasks):
    scheduler, planned = scheduler_of(two_tasks)
    n, iterations = planned.shape[0], 300
    start = np.empty((n, iterations), dtype=np.int64)
    finish = np.empty((n, iterations), dtype=np.int64)
    durations = sampled(planned, iterations)
    scheduler(durations, start, finish, scheduler.scratch())
    a, b = 0, 1
    apart = (finish[a] <= start[b]) | (finish[b] <= start[a])
    assert apart.all()
    assert (finish[[a, b]] > start[[a, b]]).all()


def test_no_iteration_loads_anyone_beyond_capacity(tmp_path):
    plan = crowded_plan(tmp_path)
    scheduler, planned = scheduler_of(plan)
    n, iterations = planned.shape[0], 60
    start = np.empty((n, iterations), dtype=np.int64)
    finish = np.empty((n, iterations), dtype=np.int64)
    scheduler(sampled(planned, iterations, seed=3), start, finish, scheduler.scratch())
    problem = scheduler.shared
    calendar, d_ptr, d_res, d_units = problem[1][1], problem[7], problem[8], problem[9]
    capacity, cal, rcal = problem[10], problem[15], problem[21]
    crowded = 0
    for it in range(iterations):
        usage = np.zeros_like(capacity)
        for i in range(n):
            add_load(i, start[i, it], finish[i, it], 1.0, calendar, d_ptr, d_res, d_units,
                     usage, cal, rcal)  # fmt: skip
        assert (usage <= capacity + 1e-9).all(), f"iteration {it} over capacity"
        crowded += int(np.isclose(usage, capacity).sum())
    assert crowded > 0  # people were fully used: the capacities did bind


@pytest.mark.parametrize("which", ["sample", "crowded"])
def test_each_iteration_places_every_task_as_one_decoding_of_its_durations(which, tmp_path):
    if which == "sample":  # calendars, vacations, progress, links
        plan = progman.load_plan(sample_plan_path())
    else:  # busy people: long scans over full days
        plan = crowded_plan(tmp_path, tasks=120)
    scheduler, planned = scheduler_of(plan)
    n, iterations = planned.shape[0], 20
    durations = sampled(planned, iterations, seed=9)
    start = np.empty((n, iterations), dtype=np.int64)
    finish = np.empty((n, iterations), dtype=np.int64)
    scratch = scheduler.scratch()
    scheduler(durations, start, finish, scratch)
    problem, _ = scratch
    if which == "sample":
        assert (scheduler.remaining >= 0).any()  # the sample has work in progress
    own_start, own_finish, unresolved = (
        np.empty(n, np.int64),
        np.empty(n, np.int64),
        np.zeros(n, bool),
    )
    for it in range(iterations):
        arrays = list(problem)
        tasks = list(arrays[1])
        tasks[0] = durations[:, it].copy()
        # a started task's rest scales with its sample, as in the plain simulation
        rest, whole = scheduler.remaining, scheduler.planned
        scaled = (rest * tasks[0] + whole // 2) // np.maximum(whole, 1)
        tasks[8] = np.where((rest >= 0) & (whole > 0), scaled, rest)
        arrays[1] = tuple(tasks)
        decode(scheduler.order, own_start, own_finish, unresolved, tuple(arrays))
        assert np.array_equal(own_start, start[:, it]), it
        assert np.array_equal(own_finish, finish[:, it]), it


def test_the_planned_durations_give_the_leveled_plan(tmp_path):
    plan = crowded_plan(tmp_path)
    scheduler, _ = scheduler_of(plan)
    _, finish = scheduler.planned_dates()
    tables = build_network(plan).network.calendars
    assert tables.to_datetimes(np.array([finish.max()]))[0] == level(plan).schedule.finish


def test_the_same_seed_gives_the_same_result_on_any_number_of_threads(tmp_path):
    plan = crowded_plan(tmp_path, tasks=30)
    first = progman.simulate(plan, iterations=400, seed=4, leveled=True)
    again = progman.simulate(plan, iterations=400, seed=4, leveled=True)
    assert first.to_json() == again.to_json()
    other = progman.simulate(plan, iterations=400, seed=5, leveled=True)
    assert not np.array_equal(other.engine.finish, first.engine.finish)
    built = build_network(plan)
    planned = built.network.duration.astype(np.float64)
    unc = Uncertainty.three_point(planned * 0.8, planned, planned * 2.0)
    scheduler = leveled_scheduler(plan, built, unc)
    runs = [
        simulate_network(
            built.network,
            unc,
            iterations=500,
            seed=2,
            chunk_size=100,
            threads=threads,
            scheduler=scheduler,
        )
        for threads in (1, 2)
    ]
    assert np.array_equal(runs[0].finish, runs[1].finish)
    assert np.array_equal(runs[0].criticality, runs[1].criticality)


def test_a_plan_without_people_simulates_the_same_leveled_or_not(contract_plan):
    plan = progman.load_plan(contract_plan)
    for item in plan.work_items():
        item.resources = []
    plain = progman.simulate(plan, iterations=300, seed=1)
    leveled = progman.simulate(plan, iterations=300, seed=1, leveled=True)
    assert leveled.finish == plain.finish and leveled.deterministic == plain.deterministic
    assert leveled.criticality == plain.criticality
