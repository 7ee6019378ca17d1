"""Slip impact on a 20,000-task program (SPEC §6: ≤ 200 ms), against two full schedules.

The plan is ``plan_load``'s generated program (50 projects, ~2 links per task) with a
milestone closing each project and one benefit per five projects. The slipped task sits in
the first tenth of the network, so its delay can travel far. Timed as medians of several
runs: a question asked of a prepared ``ImpactAnalysis`` (the program checked, built and
scheduled once, as a server or a session holds it: incremental re-schedule and comparison)
— the SPEC target; and the one-shot ``impact(program, change)``, which also checks and
builds. The baseline is two full ``progman.schedule`` calls (before and after) in the same
run, which is what a naive "schedule twice and diff" would cost at the least.
"""

from __future__ import annotations

import statistics
import time

import yaml

import progman
from benchmarks.plan_load import generate_plan_text
from progman.domain import Program
from progman.engine.impact import ImpactAnalysis, TaskSlip, impact
from progman.planfile import validate_plan_data

TASKS = 20_000
PROJECTS = 50
RUNS = 7
TARGET_MS = 200.0


def impact_plan(tasks: int = TASKS, projects: int = PROJECTS) -> Program:
    """The generated program plus a closing milestone per project, benefits and objectives."""
    data = yaml.safe_load(generate_plan_text(tasks, projects))
    data["objectives"] = [{"id": f"O{k}", "title": f"Objective {k}"} for k in range(5)]
    for p, project in enumerate(data["projects"]):
        last = project["tasks"][-1]["id"]
        project["tasks"].append(
            {"id": f"P{p}.done", "name": "Done", "milestone": True, "depends": [last]}
        )
        project["objectives"] = {f"O{p % 5}": 0.5}
    data["benefits"] = [
        {
            "id": f"B{k}",
            "title": f"Benefit {k}",
            "objective": f"O{k % 5}",
            "depends_on": [f"P{p}.done" for p in range(5 * k, 5 * k + 5)],
        }
        for k in range(projects // 5)
    ]
    return validate_plan_data(data)


def _median_ms(action: object, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    program = impact_plan()
    schedule = progman.schedule(program)  # warm-up: kernels loaded
    leaves = [t for t in schedule.tasks if not t.milestone]
    tenth = leaves[: len(leaves) // 10]
    slipped = min(tenth, key=lambda t: (t.total_float, t.id))  # a critical task early on
    change = TaskSlip(slipped.id, 10)
    analysis = ImpactAnalysis(program)
    result = analysis.impact(change)
    assert result.to_json() == impact(program, change).to_json()
    ours = _median_ms(lambda: analysis.impact(change), RUNS)
    one_shot = _median_ms(lambda: impact(program, change), RUNS)
    baseline = _median_ms(lambda: (progman.schedule(program), progman.schedule(program)), RUNS)
    verdict = "ok" if ours <= TARGET_MS else "over target"
    print(
        f"impact: {len(leaves)} tasks, {slipped.id} slips 10d -> {len(result.tasks)} tasks, "
        f"{len(result.milestones)} milestones, {len(result.projects)} projects, "
        f"{len(result.benefits)} benefits move; question on a prepared analysis {ours:.0f} ms "
        f"(median of {RUNS}, target {TARGET_MS:.0f} ms: {verdict}); one-shot impact() "
        f"{one_shot:.0f} ms; two full schedules {baseline:.0f} ms, ratio {baseline / ours:.1f}x"
    )


if __name__ == "__main__":
    main()
