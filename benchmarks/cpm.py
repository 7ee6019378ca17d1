"""CPM forward + backward pass on random layered networks, against networkx (SPEC §6).

For each size: progman's ``schedule_network`` (best of 3 after a warm-up run that loads or
compiles the kernels), its peak memory, and networkx on the same network: building the
DiGraph, then ``dag_longest_path_length`` (weights: predecessor duration on each link, the
task's own duration into a sink). Both must find the same finish. Then the incremental
target: one duration change re-scheduled in a 20,000-task program, against a full pass.

``PROGMAN_BENCH_SIZES=1000,10000`` limits the sizes (e.g. for a quick run).
"""

from __future__ import annotations

import gc
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

import networkx as nx
import numpy as np
import yaml

from benchmarks.plan_load import generate_plan_text
from benchmarks.timing import best_of, peak_memory_mb
from progman.engine.build import build_network
from progman.engine.network import IncrementalSchedule, Network, schedule_network
from progman.planfile import validate_plan_data

SIZES = (1_000, 10_000, 100_000, 1_000_000)
LINKS_PER_TASK = 2
LAYERS_BACK = 3  # a task's predecessors come from the few layers before it
TARGET_SECONDS_1M = 0.5
TARGET_RATIO_1M = 30.0
TARGET_MB_1M = 300.0
INCREMENTAL_TASKS = 20_000
INCREMENTAL_CHANGES = 50
TARGET_INCREMENTAL_MS = 50.0


@dataclass(frozen=True)
class LayeredNetwork:
    duration: np.ndarray  # int64[n]
    pred: np.ndarray  # int64[m], links sorted by successor
    succ: np.ndarray  # int64[m]

    def network(self) -> Network:
        return Network.from_arrays(self.duration, self.pred, self.succ)


def layered_network(tasks: int, seed: int = 0) -> LayeredNetwork:
    """``tasks`` tasks in layers of about sqrt(tasks), ~2 finish-to-start links per task.

    Tasks are numbered layer by layer (a plan's order); each task after the first layer
    draws its predecessors from the ``LAYERS_BACK`` layers before its own. Duplicate links
    are dropped; links come sorted by successor.
    """
    rng = np.random.default_rng(seed)
    width = max(1, round(tasks**0.5))
    duration = rng.integers(1, 21, size=tasks, dtype=np.int64)
    layer = np.arange(tasks, dtype=np.int64) // width
    succ = np.repeat(np.arange(width, tasks, dtype=np.int64), LINKS_PER_TASK)
    first = np.maximum(layer[succ] - LAYERS_BACK, 0) * width  # first task of the window
    span = layer[succ] * width - first  # tasks in the layers before the successor's
    pred = first + (rng.random(succ.shape[0]) * span).astype(np.int64)
    key = np.unique(succ * tasks + pred)  # sorted by successor, then predecessor
    return LayeredNetwork(duration, key % tasks, key // tasks)


def networkx_graph(layered: LayeredNetwork) -> nx.DiGraph:
    """Tasks as nodes; a link weighs its predecessor's duration; sinks lead to ``"end"``."""
    graph = nx.DiGraph()
    duration = layered.duration
    weights = duration[layered.pred].tolist()
    graph.add_weighted_edges_from(
        zip(layered.pred.tolist(), layered.succ.tolist(), weights, strict=True)
    )
    has_successor = np.zeros(duration.shape[0], dtype=bool)
    has_successor[layered.pred] = True
    sinks = np.flatnonzero(~has_successor)
    ends = zip(sinks.tolist(), ["end"] * sinks.size, duration[sinks].tolist(), strict=True)
    graph.add_weighted_edges_from(ends)
    return graph


def peak_resident_mb(tasks: int) -> float:
    """Growth of the resident set's peak during one pass, measured in a fresh process (MiB).

    tracemalloc sees numpy's allocations but not those made inside the compiled kernels
    (numba's allocator); the resident set sees both. The child process has malloc return
    every large block to the system when freed, so the peak reflects live memory only.
    NaN where /proc does not tell.
    """
    if not os.path.exists("/proc/self/clear_refs"):
        return float("nan")
    env = {**os.environ, "MALLOC_MMAP_THRESHOLD_": "65536", "MALLOC_TRIM_THRESHOLD_": "0"}
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.cpm", "--resident", str(tasks)],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip())


def _resident_child(tasks: int) -> None:
    net = layered_network(tasks).network()
    schedule_network(net)  # kernels loaded
    gc.collect()
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")  # the peak (VmHWM) restarts from the current resident set
    before = _status_kib("VmRSS")
    schedule_network(net)
    print((_status_kib("VmHWM") - before) / 1024)


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def _sizes() -> tuple[int, ...]:
    text = os.environ.get("PROGMAN_BENCH_SIZES", "").replace("_", "")
    return tuple(int(part) for part in text.split(",") if part.strip()) or SIZES


def bench_size(tasks: int) -> None:
    layered = layered_network(tasks)
    net = layered.network()
    schedule_network(net)  # warm-up: kernels loaded (compiled on the very first run)
    ours, result = best_of(3, lambda: schedule_network(net))
    traced = peak_memory_mb(lambda: schedule_network(net))
    resident = peak_resident_mb(tasks)
    build_time, path_time, length = _networkx(layered, repeat=3 if tasks <= 100_000 else 1)
    assert result.finish == length, f"progman finish {result.finish} != networkx {length}"
    links = layered.pred.shape[0]
    line = (
        f"cpm: {tasks:>9,} tasks {links:>9,} links: progman {ours * 1e3:8.1f} ms, "
        f"peak {traced:6.1f} MiB traced / {resident:6.1f} MiB resident; networkx build "
        f"{build_time * 1e3:8.0f} ms + path {path_time * 1e3:8.1f} ms; ratio path/progman "
        f"{path_time / ours:6.1f}x"
    )
    if tasks == 1_000_000:
        line += (
            f"  [targets: <= {TARGET_SECONDS_1M} s, >= {TARGET_RATIO_1M:g}x, "
            f"<= {TARGET_MB_1M:g} MB]"
        )
    print(line, flush=True)


def _networkx(layered: LayeredNetwork, repeat: int) -> tuple[float, float, int]:
    """Seconds to build the graph, seconds for the longest path, and its length."""
    gc.collect()
    build_time, graph = best_of(repeat, lambda: networkx_graph(layered))
    path_time, length = best_of(repeat, lambda: nx.dag_longest_path_length(graph))
    return build_time, path_time, int(length)


def bench_incremental(tasks: int = INCREMENTAL_TASKS, seed: int = 3) -> None:
    """One duration change in a generated program: ``set_duration`` against a full pass."""
    program = validate_plan_data(yaml.safe_load(generate_plan_text(tasks)))
    built = build_network(program)
    net = built.network
    full, _ = best_of(3, lambda: schedule_network(net))
    incremental = IncrementalSchedule(net)
    rng = np.random.default_rng(seed)
    times = []
    for task in rng.choice(built.item_count, size=INCREMENTAL_CHANGES, replace=False).tolist():
        minutes = int(rng.integers(1, 20)) * 240  # half a day to ten days
        start = time.perf_counter()
        incremental.set_duration(task, minutes)
        times.append(time.perf_counter() - start)
    check = schedule_network(incremental.network)  # the edited network, in full
    assert np.array_equal(incremental.result.late_finish, check.late_finish)
    assert incremental.result.finish == check.finish
    median = statistics.median(times)
    print(
        f"cpm incremental: {net.size:,} nodes ({built.item_count:,} tasks), one duration "
        f"change: median {median * 1e3:.2f} ms (max {max(times) * 1e3:.2f} ms) over "
        f"{INCREMENTAL_CHANGES} changes; full pass {full * 1e3:.2f} ms; ratio full/one "
        f"change {full / median:.1f}x  [target: <= {TARGET_INCREMENTAL_MS:g} ms]",
        flush=True,
    )


def main() -> None:
    for tasks in _sizes():
        bench_size(tasks)
    bench_incremental()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--resident"]:  # the child of peak_resident_mb
        _resident_child(int(sys.argv[2]))
