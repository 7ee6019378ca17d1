"""Resource leveling on PSPLIB J30 and J60 (SPEC §6).

For each instance: ``progman.engine.rcpsp.solve`` at the default time limit (1 s) and
seed 0; the deviation of its makespan from the optimum (J30, ``bounds.csv``) and from the
critical-path lower bound (J60: the unconstrained longest path, computed here), the
number of instances at the best known makespan, mean and max seconds per instance, and
schedules generated. The baseline in the same run is the LFT priority rule alone (one
serial SGS pass, and one parallel SGS pass), to show what the search adds.

``PROGMAN_BENCH_PSPLIB_COUNT=60`` limits the instances per set (spread over the set);
``PROGMAN_BENCH_PSPLIB_SETS=j30`` chooses the sets; ``PROGMAN_BENCH_TIME_LIMIT`` the limit;
``PROGMAN_BENCH_SEED`` the seed (default 0).

``PROGMAN_BENCH_SCHEDULES=budget`` measures search quality on a loaded machine: every
instance gets the schedule budget the time limit gives (``rcpsp.PLACEMENTS_PER_SECOND ×
limit / jobs``, what a quiet machine spends in time) with the wall-clock safety net off,
so the result depends on the seed and the code only; an integer fixes the budget instead.
With a time limit alone, the line counts the instances whose search the safety net cut
short (``cut short``): on a loaded machine, their results depend on the load.
"""

from __future__ import annotations

import csv
import math
import os
import time
from pathlib import Path

import numpy as np

from progman.engine import rcpsp
from progman.engine.genetic import priority_list
from progman.engine.random_stream import random_state
from progman.io.psplib import read_psplib

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "psplib"
TARGETS = {"j30": 0.1, "j60": 11.5}  # mean % deviation


def cpm_length(inst: rcpsp.RcpspInstance) -> int:
    """Unconstrained longest path (the critical-path lower bound)."""
    n = inst.n
    es = np.zeros(n, dtype=np.int64)
    for j in range(n):  # PSPLIB numbers jobs topologically
        for s in inst.successors(j):
            assert s > j, "PSPLIB jobs are numbered topologically"
            es[s] = max(es[s], es[j] + inst.durations[j])
    return int((es + inst.durations).max())


def lft_once(inst: rcpsp.RcpspInstance) -> tuple[int, int]:
    """One serial and one parallel SGS pass on LFT (baseline): the two makespans."""
    _, lf, _ = rcpsp.critical_path(inst)
    prio = -lf.astype(np.float64)
    p_ptr, p_idx = rcpsp.predecessors(inst)
    order = np.empty(inst.n, dtype=np.int64)
    stream = random_state(0)  # not drawn from: both passes are deterministic here
    indegree = np.diff(p_ptr)
    priority_list(prio, inst.succ_ptr, inst.succ, indegree, False, 1.0, order, stream)
    usage = np.zeros((int(inst.durations.sum()) + 1, inst.resources), dtype=np.int64)
    start = np.zeros(inst.n, dtype=np.int64)
    serial = rcpsp.serial_sgs(
        order, inst.durations, p_ptr, p_idx, inst.demand, inst.capacity, usage, start
    )
    parallel = rcpsp.parallel_sgs(
        prio,
        inst.durations,
        p_ptr,
        inst.succ_ptr,
        inst.succ,
        inst.demand,
        inst.capacity,
        usage,
        start,
        order,
        False,
        1.0,
        stream,
    )
    return int(serial), int(parallel)


#: The time limit that stands for "no wall clock" when the budget is fixed.
NO_CLOCK = 1e6


def budget_of(inst: rcpsp.RcpspInstance, fixed: str | None, time_limit: float) -> int | None:
    """The fixed schedule budget asked for by ``PROGMAN_BENCH_SCHEDULES`` (None: none)."""
    if not fixed:
        return None
    if fixed == "budget":
        return max(1, int(rcpsp.PLACEMENTS_PER_SECOND * time_limit / max(1, inst.n)))
    return int(fixed)


def run_set(
    name: str, count: int | None, time_limit: float, fixed: str | None = None, seed: int = 0
) -> None:
    folder = DATA / name
    with (folder / "bounds.csv").open() as f:
        bounds = {
            r["instance"]: (int(r["lower_bound"]), int(r["best_known"])) for r in csv.DictReader(f)
        }
    names = sorted(bounds)
    if count is not None and count < len(names):
        step = len(names) / count
        names = [names[int(i * step)] for i in range(count)]
    for _ in range(2):  # compile / load every kernel (the first run stops before the GA)
        rcpsp.solve(read_psplib(folder / f"{names[0]}.sm"), time_limit=0.05)
    devs, base_devs, parallel_devs, seconds, schedules = [], [], [], [], []
    at_best = cut_short = 0
    for inst_name in names:
        inst = read_psplib(folder / f"{inst_name}.sm")
        reference = bounds[inst_name][1] if name == "j30" else cpm_length(inst)
        budget = budget_of(inst, fixed, time_limit)
        started = time.perf_counter()
        if budget is None:
            solution = rcpsp.solve(inst, time_limit=time_limit, seed=seed)
            full = max(1, int(rcpsp.PLACEMENTS_PER_SECOND * time_limit / max(1, inst.n)))
            cut_short += (
                solution.schedules_generated < full and solution.makespan > solution.lower_bound
            )
        else:
            solution = rcpsp.solve(inst, time_limit=NO_CLOCK, seed=seed, schedules=budget)
        seconds.append(time.perf_counter() - started)
        schedules.append(solution.schedules_generated)
        devs.append(100.0 * (solution.makespan - reference) / reference)
        serial, parallel = lft_once(inst)
        base_devs.append(100.0 * (serial - reference) / reference)
        parallel_devs.append(100.0 * (parallel - reference) / reference)
        at_best += solution.makespan <= bounds[inst_name][1]
    versus = "optimum" if name == "j30" else "critical-path lower bound"
    target = TARGETS.get(name)
    mean = float(np.mean(devs))
    verdict = "" if target is None else (" OK" if mean <= target else " MISSED")
    if fixed is None:
        how = f"time limit {time_limit:g} s, cut short {cut_short}"
    else:
        how = f"fixed budget of {time_limit:g} s" if fixed == "budget" else f"fixed budget {fixed}"
    print(
        f"leveling {name.upper()} ({len(names)} instances, {how}, seed {seed}, "
        f"load {os.getloadavg()[0]:.1f}): "
        f"deviation from {versus} mean {mean:.2f} % (target ≤ {target} %{verdict}), "
        f"max {max(devs):.2f} %; at best known {at_best}/{len(names)}; "
        f"seconds per instance mean {np.mean(seconds):.3f}, max {max(seconds):.3f}; "
        f"schedules mean {np.mean(schedules):,.0f}; "
        f"baseline LFT single pass mean {np.mean(base_devs):.2f} % (serial SGS), "
        f"{np.mean(parallel_devs):.2f} % (parallel SGS)"
    )


def main() -> None:
    count_env = os.environ.get("PROGMAN_BENCH_PSPLIB_COUNT")
    count = int(count_env) if count_env else None
    sets = os.environ.get("PROGMAN_BENCH_PSPLIB_SETS", "j30,j60").split(",")
    time_limit = float(os.environ.get("PROGMAN_BENCH_TIME_LIMIT", "1.0"))
    fixed = os.environ.get("PROGMAN_BENCH_SCHEDULES") or None
    seed_text = os.environ.get("PROGMAN_BENCH_SEED", "0")
    if not seed_text.isdigit():
        raise SystemExit(f"PROGMAN_BENCH_SEED={seed_text!r}: give a whole number ≥ 0")
    seed = int(seed_text)
    if fixed not in (None, "budget") and not (fixed.isdigit() and int(fixed) > 0):
        raise SystemExit(
            f"PROGMAN_BENCH_SCHEDULES={fixed!r}: give 'budget' or a positive whole number"
        )
    if not math.isfinite(time_limit) or time_limit <= 0:
        raise SystemExit(f"PROGMAN_BENCH_TIME_LIMIT={time_limit}: give a positive number")
    if not DATA.exists():
        print(f"leveling: no PSPLIB data at {DATA}; skipped")
        return
    for name in sets:
        run_set(name.strip(), count, time_limit, fixed, seed)


if __name__ == "__main__":
    main()
