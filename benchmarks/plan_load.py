"""Loading a 20,000-task plan: progman's validated load against a bare PyYAML parse.

The baseline (``yaml.load`` with the C loader) only parses; progman also keeps every
position, validates every field and checks every reference and cycle.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import yaml

from benchmarks.timing import best_of
from progman.planfile import dumps_plan, load_plan, validate_plan_data

TASKS = 20_000
PROJECTS = 50


def generate_plan_text(tasks: int = TASKS, projects: int = PROJECTS, seed: int = 7) -> str:
    """A program of ``projects`` projects with ``tasks`` tasks and ~2 links per task."""
    rng = random.Random(seed)
    per_project = tasks // projects
    data: dict[str, object] = {
        "program": "Benchmark",
        "key": "BEN",
        "start": "2027-01-04",
        "resources": [{"id": f"r{i}", "name": f"Person {i}"} for i in range(100)],
        "projects": [],
    }
    ids: list[str] = []
    for p in range(projects):
        items = []
        for t in range(per_project):
            ident = f"P{p}.T{t}"
            task: dict[str, object] = {
                "id": ident,
                "name": f"Task {t}",
                "estimate": ["2d", "4d", "9d"],
                "resources": {f"r{rng.randrange(100)}": 1.0},
            }
            if ids:
                preds = {rng.choice(ids[-500:]) for _ in range(2)}
                task["depends"] = sorted(preds)
            items.append(task)
            ids.append(ident)
        data["projects"].append({"id": f"P{p}", "name": f"Project {p}", "tasks": items})  # type: ignore[attr-defined]
    program = validate_plan_data(yaml.safe_load(yaml.safe_dump(data)))
    return dumps_plan(program)


def main() -> None:
    text = generate_plan_text()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.yaml"
        path.write_text(text)
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        baseline, _ = best_of(3, lambda: yaml.load(path.read_text(), Loader=loader))
        ours, program = best_of(3, lambda: load_plan(path))
    tasks = sum(1 for _ in program.work_items())
    print(
        f"plan_load: {tasks} tasks, {len(text) / 2**20:.1f} MiB YAML: progman.load_plan "
        f"{ours:.2f} s, PyYAML parse only {baseline:.2f} s, ratio {ours / baseline:.1f}x"
    )
