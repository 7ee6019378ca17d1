"""The positions of a large YAML plan's tasks found from a piece of the text are those of
the whole document's composition; rapidyaml's data of a broken YAML plan is libyaml's."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest
import yaml
from tests.planfile.test_broken import BROKEN
from tests.planfile.test_columnar import MUTATIONS, simple_plan

from progman.errors import PlanInvalid
from progman.planfile import load_plan, yaml_places
from progman.planfile.columnar import load_plan_columns
from progman.planfile.source import _yaml_places, load_document
from progman.planfile.yaml_fast import simple_yaml_data
from progman.planfile.yaml_places import task_places

STYLES: dict[str, Any] = {
    "block": {"default_flow_style": False},
    "flow entries": {"default_flow_style": None},
    "narrow": {"default_flow_style": False, "width": 20},
}


def spots_of(data: dict[str, Any], rng: random.Random, count: int = 30) -> list[Any]:
    """Paths into tasks (fields, list items, missing fields, keys), chosen at random."""
    spots = []
    for _ in range(count):
        p = rng.randrange(len(data["projects"]))
        tasks = data["projects"][p]["tasks"]
        t = rng.randrange(len(tasks))
        task = tasks[t]
        field = rng.choice([*task, "nothere"]) if isinstance(task, dict) else "id"
        rest: tuple[Any, ...] = (field,)
        if isinstance(task, dict) and isinstance(task.get(field), list) and rng.random() < 0.5:
            rest += (rng.randrange(len(task[field]) + 1),)
        spots.append((("projects", p, "tasks", t, *rest[: rng.randint(0, 2)]), rng.random() < 0.3))
    return spots


@pytest.fixture
def any_size(monkeypatch):
    monkeypatch.setattr(yaml_places, "LARGE_TEXT", 0)


@pytest.mark.parametrize("style", list(STYLES))
@pytest.mark.parametrize("seed", range(6))
def test_task_places_are_the_whole_documents(any_size, style, seed):
    rng = random.Random(seed)
    data = simple_plan(projects=3, tasks=20, seed=seed)
    for name in rng.sample(list(BROKEN), 3):
        BROKEN[name](data)
    text = yaml.safe_dump(data, sort_keys=False, **STYLES[style])
    spots = spots_of(data, rng)
    found = task_places(text.encode(), "plan.yaml", spots)
    mappings = all(isinstance(data[path[0]][path[1]][path[2]][path[3]], dict) for path, _ in spots)
    if style != "flow entries" and mappings:  # a task written as text: the whole document
        assert found is not None
    if found is not None:
        assert found == _yaml_places(text, "plan.yaml", spots)


AWKWARD = [
    # (what, text of a project's two tasks)
    ("a comment at the left", "  - id: A\n# note\n    name: x\n  - id: B\n    name: y\n"),
    ("a dash on its own line", "  -\n    id: A\n    name: x\n  - id: B\n    name: y\n"),
    ("a block scalar", "  - id: A\n    name: |\n      two\n      lines\n  - id: B\n    name: y\n"),
    ("a quoted key", '  - "id": A\n    name: x\n  - id: B\n    name: y\n'),
    ("a text at the left", '  - id: A\n    name: "x\ny"\n  - id: B\n    name: y\n'),
    ("a flow entry", "  - {id: A, name: x}\n  - id: B\n    name: y\n"),
    ("an anchor", "  - id: A\n    name: &n x\n  - id: B\n    name: *n\n"),
]


@pytest.mark.parametrize("what, tasks", AWKWARD, ids=[a for a, _ in AWKWARD])
def test_awkward_entries_are_placed_as_the_whole_document_or_not_at_all(any_size, what, tasks):
    text = "program: P\nkey: K\nstart: 2027-01-04\nprojects:\n- id: X\n  name: X\n  tasks:\n"
    text += tasks
    spots = [
        (("projects", 0, "tasks", t, *rest), key)
        for t in (0, 1)
        for rest in ((), ("name",), ("id",), ("nothere",))
        for key in (False, True)
    ]
    found = task_places(text.encode(), "plan.yaml", spots)
    if found is not None:
        assert found == _yaml_places(text, "plan.yaml", spots)


def test_a_spot_outside_the_tasks_composes_the_whole_document(any_size):
    text = yaml.safe_dump(simple_plan())
    assert task_places(text.encode(), "plan.yaml", [(("start",), False)]) is None
    crlf = text.replace("\n", "\r\n").encode()
    assert task_places(crlf, "p.yaml", [(("projects", 0), False)]) is None


def test_a_broken_yaml_file_through_rapidyaml_says_what_the_usual_loader_says(
    any_size, tmp_path, monkeypatch
):
    data = simple_plan(projects=3, tasks=30, seed=3)
    for name, change in BROKEN.items():
        if name != "a task that is a number":  # its place: the whole document's
            change(data)
    plan = tmp_path / "plan.yaml"
    plan.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    placed: list[Any] = []
    real = yaml_places.task_places

    def spy(*arguments: Any) -> Any:
        placed.append(real(*arguments))
        return placed[-1]

    monkeypatch.setattr(yaml_places, "task_places", spy)
    with pytest.raises(PlanInvalid) as fast:
        load_plan_columns(plan)
    assert placed and placed[0] is not None  # the entries' own lines, from rapidyaml's tree
    with pytest.raises(PlanInvalid) as usual:
        load_plan(plan)
    assert [str(p) for p in fast.value.problems] == [str(p) for p in usual.value.problems]


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_rapidyamls_data_of_a_plan_is_libyamls(name):
    data = simple_plan()
    MUTATIONS[name][0](data)
    text = yaml.safe_dump(copy.deepcopy(data), sort_keys=False)
    got = simple_yaml_data(text.encode(), "plan.yaml")
    if got is not None:
        assert got[0] == load_document(text, "plan.yaml")


@pytest.mark.parametrize(
    "text",
    [
        "  - id: A\n    name: x\n    name: y\n",  # a repeated key
        "  - id: A\n    name: True\n",  # a text to rapidyaml, true to the usual read
        "  - id: A\n    name: x\n    duration: 1e3\n",  # a number to rapidyaml only
        "  - id: A\n    name: x\n    nmae: ~\n",
    ],
)
def test_rapidyamls_data_is_refused_when_not_surely_libyamls(text):
    head = "program: P\nkey: K\nstart: 2027-01-04\nprojects:\n- id: X\n  name: X\n  tasks:\n"
    assert simple_yaml_data((head + text).encode(), "plan.yaml") is None
