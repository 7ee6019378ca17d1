"""Monte Carlo simulation on random layered networks, against a per-iteration loop (SPEC §6).

For each size: ``simulate_network`` with criticality and sensitivity (best of 3 after a
warm-up that loads or compiles the kernels), its peak memory (tracemalloc: numpy arrays
included) and the process's resident peak; then the baseline in the same run: a plain
loop over iterations, each drawing its durations with ``rng.triangular`` and running the
compiled CPM passes of ``progman.engine.kernels`` (forward, backward, float ≤ 0 counted).
The baseline runs on fewer iterations and is scaled linearly to the full count.

Networks: ``benchmarks.cpm.layered_network`` (durations 1–20 hours, ~2 links per task),
every task triangular ``(0.8·d, d, 1.6·d)``.
``PROGMAN_BENCH_MC_SIZES=1000`` limits the sizes (e.g. for a quick run).
"""

from __future__ import annotations

import os
import resource
import time

import numpy as np

from benchmarks.cpm import layered_network
from benchmarks.timing import best_of, peak_memory_mb
from progman.engine import kernels
from progman.engine.montecarlo import Uncertainty, simulate_network
from progman.engine.network import Network, _adjacency

ITERATIONS = 10_000
TARGETS = {1_000: 0.3, 10_000: 3.0}  # seconds
TARGET_MB = 1024.0
BASELINE_ITERATIONS = {1_000: 1_000, 10_000: 200}


def problem(tasks: int) -> tuple[Network, Uncertainty]:
    layered = layered_network(tasks, seed=1)
    hours = layered.duration * 60
    net = Network.from_arrays(hours * 2, layered.pred, layered.succ)  # room for pessimism
    net = Network(**{**vars(net), "duration": hours})
    return net, Uncertainty.three_point(hours * 0.8, hours, hours * 1.6)


def baseline(net: Network, unc: Uncertainty, iterations: int, seed: int = 0) -> np.ndarray:
    """Criticality counts by the straightforward loop: one CPM run per iteration."""
    adj = _adjacency(net)
    cal = net.calendars.kernel_args()
    rng = np.random.default_rng(seed)
    n = net.size
    counts = np.zeros(n, dtype=np.int64)
    state = {k: np.empty(n, dtype=np.int64) for k in ("es", "ef", "ls", "lf", "tf", "ff", "dr")}
    for _ in range(iterations):
        duration = np.rint(rng.triangular(unc.low, unc.mode, unc.high)).astype(np.int64)
        tasks = (
            duration, net.calendar, net.floor, net.constraint_type, net.constraint_time,
            net.deadline, net.actual_start, net.actual_finish, net.remaining,
        )  # fmt: skip
        kernels.forward_pass(
            adj.order, 0, np.ones(n, dtype=bool), adj.links_in, adj.links_out, tasks,
            np.int64(net.status_time), state["es"], state["ef"], state["dr"], cal,
        )  # fmt: skip
        end = np.int64(state["ef"].max())
        kernels.backward_pass(
            adj.order, np.ones(n, dtype=bool), adj.links_in, adj.links_out, tasks, state["es"],
            state["ef"], end, state["ls"], state["lf"], state["tf"], state["ff"], cal,
        )  # fmt: skip
        counts += state["tf"] <= 0
    return counts


def run(tasks: int) -> None:
    net, unc = problem(tasks)
    simulate_network(net, unc, iterations=200)  # warm-up: load or compile the kernels
    seconds, result = best_of(3, lambda: simulate_network(net, unc, iterations=ITERATIONS))
    traced = peak_memory_mb(lambda: simulate_network(net, unc, iterations=ITERATIONS))
    resident = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sensitivity_off, _ = best_of(
        1, lambda: simulate_network(net, unc, iterations=ITERATIONS, sensitivity=False)
    )
    few = BASELINE_ITERATIONS[tasks]
    baseline(net, unc, 5)  # warm-up
    start = time.perf_counter()
    baseline(net, unc, few)
    base = (time.perf_counter() - start) * ITERATIONS / few
    target = TARGETS[tasks]
    critical = float((result.criticality > 0.5).mean())
    print(
        f"montecarlo {tasks:>6,} tasks x {ITERATIONS:,} iterations: {seconds:.3f} s "
        f"(target <= {target:g} s: {'ok' if seconds <= target else 'MISSED'}), "
        f"without sensitivity {sensitivity_off:.3f} s; "
        f"peak {traced:.0f} MB traced, {resident:.0f} MB resident so far "
        f"(target <= {TARGET_MB:g} MB: {'ok' if max(traced, resident) <= TARGET_MB else 'MISSED'})"
    )
    print(
        f"  baseline per-iteration CPM loop: {base:.2f} s (measured on {few:,} iterations, "
        f"scaled); ratio {base / seconds:.1f}x; tasks critical in >50% of iterations: "
        f"{critical:.1%}; P50 finish {np.median(result.finish):.0f} min"
    )


def main() -> None:
    sizes = os.environ.get("PROGMAN_BENCH_MC_SIZES")
    for tasks in [int(s) for s in sizes.split(",")] if sizes else TARGETS:
        run(tasks)


if __name__ == "__main__":
    main()
