"""Leveling of plans (``progman.level``): PSPLIB instances imported as plans, and large
generated programs.

* **J30 as plans**: instances of ``../shared/data/psplib/j30`` imported with
  ``instance_to_program`` (one day per period) and leveled through the plan path
  (calendars, dates, the weighted objective) at the default time limit; the mean
  deviation of the makespan in days from the optimum (``bounds.csv``). Baseline in the
  same run: the first priority rule's single pass (``schedules=1``), which is what a
  priority-driven leveler such as P6's or MS Project's does.
* **Generated programs** (``benchmarks.impact.impact_plan``: ~2 links per task, 100
  people, one person per task): seconds, schedules and the finish before and after
  leveling, against the single rule pass.

``PROGMAN_BENCH_PLAN_J30=30`` sets how many J30 instances (spread over the set).
"""

from __future__ import annotations

import csv
import os
import time
from datetime import date
from pathlib import Path

from benchmarks.impact import impact_plan
from progman.engine.leveling import level
from progman.io.psplib import instance_to_program, read_psplib

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "psplib"
SIZES = (2_000, 20_000)


def j30_as_plans(count: int) -> None:
    folder = DATA / "j30"
    if not folder.is_dir():
        print(f"plan leveling: PSPLIB data not found at {folder}; J30 part skipped")
        return
    with (folder / "bounds.csv").open() as handle:
        optimum = {row["instance"]: int(row["best_known"]) for row in csv.DictReader(handle)}
    files = sorted(folder.glob("*.sm"))
    step = max(1, len(files) // count)
    picked = files[::step][:count]
    searched, single, seconds, optimal = [], [], [], 0
    for file in picked:
        plan = instance_to_program(read_psplib(file), date(2027, 1, 4))
        best = optimum[file.stem]
        started = time.perf_counter()
        result = level(plan, time_limit=1.0)
        seconds.append(time.perf_counter() - started)
        rule = level(plan, schedules=1)
        searched.append(100.0 * (result.makespan - best) / best)
        single.append(100.0 * (rule.makespan - best) / best)
        optimal += result.makespan == best
    mean = sum(searched) / len(searched)
    base = sum(single) / len(single)
    print(
        f"plan leveling, J30 as plans ({len(picked)}): mean deviation from optimum "
        f"{mean:.2f} % (max {max(searched):.2f} %), {optimal}/{len(picked)} optimal, "
        f"{sum(seconds) / len(seconds):.2f} s mean / {max(seconds):.2f} s max per plan; "
        f"single rule pass {base:.2f} %"
    )


def generated(tasks: int) -> None:
    plan = impact_plan(tasks, max(5, tasks // 400))
    started = time.perf_counter()
    rule = level(plan, schedules=1)
    rule_seconds = time.perf_counter() - started
    started = time.perf_counter()
    result = level(plan, time_limit=5.0)
    seconds = time.perf_counter() - started
    print(
        f"plan leveling, {tasks:,} tasks: {seconds:.2f} s, {result.schedules_generated:,} "
        f"schedules; finish {result.makespan_before:g} -> {result.makespan:g} working days "
        f"(single rule pass {rule.makespan:g} in {rule_seconds:.2f} s); "
        f"feasible {result.feasible}"
    )


def main() -> None:
    j30_as_plans(int(os.environ.get("PROGMAN_BENCH_PLAN_J30", "30")))
    for tasks in SIZES:
        generated(tasks)
