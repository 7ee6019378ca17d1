"""Monte Carlo under resource limits (``simulate --leveled``, issue 12 point 8).

A generated program (``benchmarks.plans.program_data``: 10 projects of 100 tasks, about two
links per task, three-point estimates of 0.75–1.75 × 1–10 days, each task on one of 20
people) simulated with 10,000 iterations, each decoded by the leveler's serial SGS under
the people's capacities. Target: ≤ 10 s.

In the same run, the baselines:

* the plain simulation of the same plan (links only): what leveling adds;
* a naive reference: a Python loop over iterations that draws durations with numpy and
  calls the leveler's own decoder (``leveling_kernels.decode``, one compiled call per
  iteration, as ``LevelingProblem.replay`` does), on fewer iterations, scaled;
* the whole process, ``progman simulate PLAN --leveled --iterations 10000 --json`` (plan
  read, leveling, simulation, output), against the plain command.

``PROGMAN_BENCH_MCL_TASKS=1000`` and ``PROGMAN_BENCH_MCL_PEOPLE=20`` change the program.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.plans import program_data, write_plan
from benchmarks.timing import best_of
from progman.domain import Program
from progman.engine.build import build_network
from progman.engine.leveling import level
from progman.engine.leveling_kernels import decode
from progman.engine.leveling_problem import LevelingProblem
from progman.engine.montecarlo import available_cores
from progman.engine.network import _adjacency, schedule_network
from progman.engine.simulation import simulate
from progman.planfile.loader import validate_plan_data

ITERATIONS = 10_000
TARGET_SECONDS = 10.0
NAIVE_ITERATIONS = 300
PER_PROJECT = 100


def naive_setup(plan: Program) -> tuple[Any, ...]:
    """What the naive loop needs: the leveled list, the leveling problem, the estimates."""
    built = build_network(plan)
    net = built.network
    order = level(plan).order
    problem = LevelingProblem(plan, built, schedule_network(net), _adjacency(net))
    mpd = net.calendars.minutes_per_day[net.calendar]
    low, mode, high = np.zeros(net.size), np.zeros(net.size), np.zeros(net.size)
    for i, item in enumerate(built.items):
        if item.estimate is not None and not item.tasks:
            hours = float(mpd[i]) / 60
            estimate = item.estimate
            low[i], mode[i], high[i] = (
                float(x.working_minutes(hours_per_day=hours))
                for x in (estimate.optimistic, estimate.most_likely, estimate.pessimistic)
            )
    return net, order, problem, low, mode, high


def naive(setup: tuple[Any, ...], iterations: int, seed: int = 0) -> np.ndarray:
    """Program finishes by the straightforward loop: numpy draws, one decode per iteration."""
    net, order, problem, low, mode, high = setup
    uncertain = high > low
    rng = np.random.default_rng(seed)
    finishes = np.empty(iterations, dtype=np.int64)
    n = net.size
    start, finish, unresolved = (np.empty(n, np.int64), np.empty(n, np.int64), np.zeros(n, bool))
    arrays = list(problem.arrays())
    tasks = list(arrays[1])
    for it in range(iterations):
        duration = net.duration.copy()
        duration[uncertain] = np.rint(
            rng.triangular(low[uncertain], mode[uncertain], high[uncertain])
        ).astype(np.int64)
        tasks[0] = duration
        arrays[1] = tuple(tasks)
        decode(order, start, finish, unresolved, tuple(arrays))
        finishes[it] = finish.max()
    return finishes


def cpu_time(action: Callable[[], object]) -> float:
    """CPU seconds of ``action`` in this process, every thread's."""
    started = time.process_time()
    action()
    return time.process_time() - started


def whole_process(path: Path, leveled: bool) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, every thread) of one ``progman simulate``."""
    program = Path(sys.executable).with_name("progman")  # the console script beside python
    command = [str(program), "simulate", str(path), "--json"]
    command += ["--iterations", str(ITERATIONS)] + (["--leveled"] if leveled else [])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0 or '"p50"' not in done.stdout:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu


def main() -> None:
    tasks = int(os.environ.get("PROGMAN_BENCH_MCL_TASKS", "1000"))
    people = int(os.environ.get("PROGMAN_BENCH_MCL_PEOPLE", "20"))
    data = program_data(
        max(1, tasks // PER_PROJECT), min(tasks, PER_PROJECT), people=people, estimates=True
    )
    plan = validate_plan_data(data)
    simulate(plan, 200, leveled=True)  # warm-up: load or compile the kernels
    plain_seconds, plain = best_of(3, lambda: simulate(plan, ITERATIONS))
    plain_cpu = cpu_time(lambda: simulate(plan, ITERATIONS))
    seconds, leveled = best_of(3, lambda: simulate(plan, ITERATIONS, leveled=True))
    leveled_cpu = cpu_time(lambda: simulate(plan, ITERATIONS, leveled=True))
    started = time.perf_counter()
    leveling = level(plan)
    level_seconds = time.perf_counter() - started
    setup = naive_setup(plan)
    naive(setup, 5)  # warm-up
    started, cpu = time.perf_counter(), time.process_time()
    naive(setup, NAIVE_ITERATIONS)
    scale = ITERATIONS / NAIVE_ITERATIONS
    naive_seconds = (time.perf_counter() - started) * scale
    naive_cpu = (time.process_time() - cpu) * scale
    verdict = "ok" if seconds <= TARGET_SECONDS else "MISSED"
    print(
        f"montecarlo leveled: {tasks:,} tasks, {people} people x {ITERATIONS:,} iterations: "
        f"{seconds:.2f} s (target <= {TARGET_SECONDS:g} s: {verdict}; leveling the plan once "
        f"{level_seconds:.2f} s of it), {leveled_cpu:.2f} s of CPU on {available_cores()} cores "
        f"(load average {os.getloadavg()[0]:.1f}: the machine is shared, CPU time is the "
        f"steadier figure); plain simulation {plain_seconds:.2f} s, {plain_cpu:.2f} s of CPU "
        f"(leveled/plain {seconds / plain_seconds:.1f}x wall, {leveled_cpu / plain_cpu:.1f}x CPU)"
    )
    print(
        f"  naive loop (numpy draws, one decode call per iteration, one thread): "
        f"{naive_seconds:.1f} s, {naive_cpu:.1f} s of CPU (measured on {NAIVE_ITERATIONS} "
        f"iterations, scaled); naive/ours {naive_seconds / seconds:.1f}x wall, "
        f"{naive_cpu / leveled_cpu:.1f}x CPU"
    )
    print(
        f"  P50 finish plain {plain.finish['p50']:%Y-%m-%d}, "
        f"leveled {leveled.finish['p50']:%Y-%m-%d}; "
        f"planned finish plain {plain.deterministic:%Y-%m-%d} "
        f"({plain.deterministic_probability:.1%} of iterations), leveled "
        f"{leveled.deterministic:%Y-%m-%d} ({leveled.deterministic_probability:.1%}); "
        f"progman level {leveling.schedule.finish:%Y-%m-%d}"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = write_plan(data, Path(folder) / "big.json")
        whole_plain, whole_plain_cpu = whole_process(path, leveled=False)
        whole, whole_cpu = whole_process(path, leveled=True)
    print(
        f"  whole process, progman simulate big.json --leveled --iterations {ITERATIONS:,}: "
        f"{whole:.2f} s, {whole_cpu:.2f} s of CPU (target <= {TARGET_SECONDS:g} s: "
        f"{'ok' if whole <= TARGET_SECONDS else 'MISSED'}); without --leveled {whole_plain:.2f} s, "
        f"{whole_plain_cpu:.2f} s of CPU"
    )


if __name__ == "__main__":
    main()
