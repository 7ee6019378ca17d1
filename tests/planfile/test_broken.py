"""A broken plan's problems found by checking only its suspect tasks are exactly the usual
loader's: same messages (did-you-mean, cycle paths, placeholders of bad ids), same
file:line:col, same order, same count.

The reference is ``validate_plan_data`` on the whole plan; every mutation of the columnar
gate's corpus, and random mixes of them, goes through both.
"""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import pytest
from tests.planfile.test_columnar import MUTATIONS, simple_plan

from progman.errors import PlanInvalid
from progman.planfile import validate_plan_data
from progman.planfile.broken import excerpt_problems
from progman.planfile.source import TextLocator

#: mutations of the corpus that the excerpt cannot judge (it answers None): subtasks, an
#: id that reads as a link with a lag
UNJUDGED = {
    "an id that reads as a lag",
    "subtasks",
    "a summary task",
    "a summary task deeper",
    "a milestone under a summary",
    "a subtask linked outside",
    "a task linked to a subtask",
    "a subtask linked to its summary",
    "a summary linked to its subtask",
    "a summary with a milestone flag",
    "a subtask with a taken id",
    "an FF link into a summary",
    "an SS link from a summary",
    "an SS link into a summary",
    "a lag on a link into a summary",
    "a benefit naming a subtask",
    "a cycle through a summary",
    "subtasks that are text",
    "no subtasks",
}


def usual(data: dict[str, Any], places: TextLocator) -> list[str]:
    """The usual loader's problems, as the CLI prints them (empty: the plan is right)."""
    try:
        validate_plan_data(copy.deepcopy(data), places)
    except PlanInvalid as refused:
        return [str(problem) for problem in refused.problems]
    return []


def by_excerpt(data: dict[str, Any], places: TextLocator) -> list[str] | None:
    found = excerpt_problems(copy.deepcopy(data), places)
    return None if found is None else [str(problem) for problem in found]


def located(data: dict[str, Any], style: str) -> TextLocator:
    if style == "json":
        return TextLocator("plan.json", json.dumps(data, indent=1))
    import yaml  # noqa: PLC0415

    return TextLocator("plan.yaml", yaml.safe_dump(data, sort_keys=False, width=60))


def assert_same(data: dict[str, Any], style: str = "json") -> bool:
    """Both ways agree on ``data``; True when the excerpt judged it."""
    places = located(data, style)
    got = by_excerpt(data, places)
    if got is None:
        return False
    assert got == usual(data, places)
    return True


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_each_mutation_reports_as_the_usual_loader(name):
    change, _ = MUTATIONS[name]
    data = simple_plan()
    change(data)
    judged = assert_same(data)
    assert judged is (name not in UNJUDGED)


@pytest.mark.parametrize("seed", range(40))
def test_mixed_mistakes_report_as_the_usual_loader(seed):
    rng = random.Random(seed)
    names = [n for n in MUTATIONS if n not in UNJUDGED]
    data = simple_plan(projects=4, tasks=25, seed=seed)
    chosen = rng.sample(names, rng.randint(2, 6))
    for name in chosen:
        try:
            MUTATIONS[name][0](data)
        except (AttributeError, TypeError, KeyError):  # an earlier one changed its place
            continue
    assert assert_same(data, rng.choice(["json", "yaml"])), chosen


BROKEN: dict[str, Any] = {
    "a typo with a did-you-mean": lambda d: d["projects"][1]["tasks"][7]["depends"].append(
        "P1.T3x"
    ),
    "a bad duration": lambda d: d["projects"][2]["tasks"][4].update(duration="5q"),
    "a wrong type": lambda d: d["projects"][0]["tasks"][9].update(name=["x"], milestone="no"),
    "a cycle across projects": lambda d: (
        d["projects"][0]["tasks"][3]["depends"].append("P2.T20"),
        d["projects"][2]["tasks"][1].setdefault("depends", []).append("P0.T10"),
    ),
    "an unknown field": lambda d: d["projects"][1]["tasks"][2].update(nmae="x"),
    "a duplicate id": lambda d: d["projects"][2]["tasks"][6].update(id="P0.T6"),
    "an id that is not valid, linked": lambda d: (
        d["projects"][1]["tasks"][2].update(id="P1 T2", depends=["P0.T404"]),
    ),
    "an id with spaces around, repeated": lambda d: d["projects"][1]["tasks"][2].update(
        id=" P1.T5"
    ),
    "a task that is a number": lambda d: d["projects"][1]["tasks"].insert(3, 7),
}


def test_a_mistake_in_the_header_too():
    data = simple_plan(projects=3, tasks=30, seed=3)
    data["start"] = "2027-13-01"
    data["projects"][0]["tasks"][9]["duration"] = "x"
    places = located(data, "json")
    got = by_excerpt(data, places)
    assert got == usual(data, places)
    assert got is not None and len(got) == 2


@pytest.mark.parametrize("name", list(BROKEN))
def test_each_kind_of_the_brief_is_judged(name):
    data = simple_plan(projects=3, tasks=30, seed=3)
    BROKEN[name](data)
    places = located(data, "json")
    got = by_excerpt(data, places)
    assert got is not None and got == usual(data, places)
    assert got  # every one of these is a problem


def test_a_right_plan_has_no_problems_and_nothing_suspect():
    data = simple_plan()
    assert by_excerpt(data, located(data, "json")) == []


def test_every_kind_at_once_with_positions():
    data = simple_plan(projects=3, tasks=30, seed=3)
    for change in BROKEN.values():
        change(data)
    places = located(data, "json")
    got = by_excerpt(data, places)
    assert got == usual(data, places)
    assert got is not None and len(got) >= len(BROKEN)
    assert all(line.startswith("plan.json:") for line in got)
    assert any("did you mean 'P1.T3'" in line for line in got)
    assert any("dependency cycle: " in line for line in got)


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_schedule_of_a_broken_file_says_what_validate_says(capsys, tmp_path, suffix):
    """End to end: ``schedule --json`` (the columnar gate, then the excerpt) prints exactly
    what ``validate`` (the usual loader on the whole plan) prints, with the same status."""
    import yaml  # noqa: PLC0415

    from progman.cli.main import main  # noqa: PLC0415

    data = simple_plan(projects=3, tasks=30, seed=3)
    for change in BROKEN.values():
        change(data)
    plan = tmp_path / f"plan{suffix}"
    text = json.dumps(data, indent=2) if suffix == ".json" else yaml.safe_dump(data)
    plan.write_text(text, encoding="utf-8")
    assert excerpt_problems(copy.deepcopy(data), TextLocator(str(plan), text))
    said = []
    for command in (["schedule", str(plan), "--json"], ["validate", str(plan)]):
        code = main(command)
        out, err = capsys.readouterr()
        said.append((code, err))
        assert out == ""
    assert said[0] == said[1]
    assert said[0][0] == 1 and f"{plan}:" in said[0][1] and "Traceback" not in said[0][1]


@pytest.mark.parametrize("levels", [0, 1, 3])
def test_cycles_in_a_plan_written_bottom_up_step_by_step_too(monkeypatch, levels):
    """Long chains of backward links: the tasks on no cycle are taken a level at a time,
    then (past the limit of levels) step by step; the same cycles are reported."""
    from progman.planfile import broken  # noqa: PLC0415

    monkeypatch.setattr(broken, "_MAX_LEVELS", levels)
    data = simple_plan(projects=2, tasks=20, seed=5)
    for project in data["projects"]:  # each task after the one it depends on: bottom up
        project["tasks"].reverse()
    tasks = data["projects"][1]["tasks"]
    tasks[3].setdefault("depends", []).append(tasks[15]["id"])  # and two cycles
    tasks[9]["depends"] = [*tasks[9].get("depends", []), tasks[2]["id"], "P0.T7"]
    data["projects"][0]["tasks"][12]["depends"].append(tasks[9]["id"])
    assert assert_same(data)
    assert any("dependency cycle" in line for line in usual(data, located(data, "json")))
