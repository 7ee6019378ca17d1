"""Generated programs for the end-to-end benchmarks, written as real plan files.

The shape follows issue 10's measurements: ``projects`` projects of ``per_project`` tasks,
about two predecessors per task (95 % among the 50 tasks before it in its project, 5 % an
earlier-numbered task of another project, so no chain of projects builds up), durations of
1–10 working days.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import yaml

WINDOW = 50  # predecessors are drawn among this many tasks before a task in its project
CROSS_SHARE = 0.05


def program_data(
    projects: int = 100,
    per_project: int = 1_000,
    *,
    seed: int = 11,
    people: int = 0,
    estimates: bool = False,
) -> dict[str, Any]:
    """A plan as plain data; ``people`` > 0 assigns each task one of that many people, and
    ``estimates`` gives each task a three-point estimate around its duration."""
    rng = random.Random(seed)
    data: dict[str, Any] = {"program": "Generated", "key": "GEN", "start": "2027-01-04"}
    if people:
        data["resources"] = [{"id": f"r{i}", "name": f"Person {i}"} for i in range(people)]
    data["projects"] = []
    for p in range(projects):
        tasks = []
        for t in range(per_project):
            days = rng.randint(1, 10)
            task: dict[str, Any] = {"id": f"P{p}.T{t}", "name": f"Task {t} of project {p}"}
            if estimates:
                task["estimate"] = [f"{days * 0.75:g}d", f"{days}d", f"{days * 1.75:g}d"]
            else:
                task["duration"] = f"{days}d"
            depends: set[str] = set()
            for _ in range(2):
                if t == 0:
                    break
                if projects > 1 and rng.random() < CROSS_SHARE:  # an earlier task elsewhere
                    other = (p + 1 + rng.randrange(projects - 1)) % projects
                    depends.add(f"P{other}.T{rng.randrange(t)}")
                else:
                    depends.add(f"P{p}.T{rng.randrange(max(0, t - WINDOW), t)}")
            if depends:
                task["depends"] = sorted(depends)
            if people:
                task["resources"] = {f"r{rng.randrange(people)}": 1.0}
            tasks.append(task)
        data["projects"].append({"id": f"P{p}", "name": f"Project {p}", "tasks": tasks})
    return data


def write_plan(data: dict[str, Any], path: Path) -> Path:
    """Write ``data`` as JSON or YAML by the file's suffix."""
    if path.suffix == ".json":
        path.write_text(json.dumps(data), encoding="utf-8")
    else:
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        path.write_text(yaml.dump(data, Dumper=dumper, sort_keys=False), encoding="utf-8")
    return path


#: What a Python user would write to get the longest path of the same plan with networkx.
NETWORKX_SCRIPT = """
import json, sys
import networkx as nx
data = json.load(open(sys.argv[1]))
graph = nx.DiGraph()
for project in data["projects"]:
    for task in project["tasks"]:
        days = float((task.get("duration") or task["estimate"][1]).rstrip("d"))  # working days
        graph.add_node(task["id"], days=days)
        for pred in task.get("depends", []):
            graph.add_edge(pred, task["id"])
for u, v in graph.edges:
    graph.edges[u, v]["weight"] = graph.nodes[u]["days"]
path = nx.dag_longest_path(graph, weight="weight")
print(len(path), sum(graph.nodes[n]["days"] for n in path))
"""
