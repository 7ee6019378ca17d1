"""The fast reading path keeps every rule of plan syntax, and problems are still placed exactly.

Plans are parsed without positions (orjson, libyaml); positions are found by reading the
text again only when there are problems. These tests pin the scalar rules, duplicate
keys, alias bombs, and that a large broken plan reports every problem at the same
file:line:col whatever its form: YAML, JSON or a folder.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from progman.errors import PlanInvalid
from progman.planfile import load_plan, validate_plan_data
from progman.planfile.source import DocumentError, load_document, parse_document


def test_yaml_scalars_follow_the_plan_rules():
    text = (
        "a: no\nb: yes\nc: 12:30\nd: 2027-01-04\ne: 2027-1-4\nf: 0x1F\ng: 1_000\n"
        "h: ~\ni: 010\nj: 1e5\nk: 1.5e+3\nl: True\nm: FALSE\nn: 'no'\no: !!str 5\n"
        "1: int key\ntrue: bool key\n2027-01-04: date key\n1.5: float key\nnull: null key\n"
    )
    assert load_document(text, "plan.yaml") == {
        "a": "no",
        "b": "yes",
        "c": "12:30",
        "d": date(2027, 1, 4),
        "e": "2027-1-4",
        "f": 31,
        "g": 1000,
        "h": None,
        "i": 10,
        "j": "1e5",
        "k": 1500.0,
        "l": True,
        "m": False,
        "n": "no",
        "o": "5",
        "1": "int key",
        "true": "bool key",
        "2027-01-04": "date key",
        "1.5": "float key",
        "null": "null key",
    }


def test_yaml_merge_keys_and_aliases():
    text = "base: &b {x: 1, y: [1, 2]}\nother: {<<: *b, z: 3}\nlist: [*b, *b]\n"
    data = load_document(text, "plan.yaml")
    assert data["other"] == {"x": 1, "y": [1, 2], "z": 3}
    assert data["list"] == [{"x": 1, "y": [1, 2]}] * 2


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("a: 1\nb: 2\na: 3\n", 3, "key 'a' appears twice"),
        ("x: {<<: {a: 1}, a: 2}\n", 1, "key 'a' appears twice"),
        ("? [a, b]\n: 1\n", 1, "a mapping key must be a plain value"),
        ("a: !!binary 'not base64!'\n", 1, "cannot read value"),
        ("a: !custom 1\n", 1, "cannot read value"),
        ("a: 1\nb:\n  <<: text\n", 3, "a merge key (<<) takes a mapping"),
        ("a: 1\nb: {<<: [1, 2]}\n", 2, "a merge key (<<) takes a mapping"),
    ],
)
def test_yaml_document_errors_say_where(text, where, message):
    with pytest.raises(DocumentError) as caught:
        load_document(text, "plan.yaml")
    assert caught.value.problem.location.line == where
    assert message in caught.value.problem.message


def test_alias_bomb_is_refused_and_a_star_in_text_is_harmless():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    with pytest.raises(DocumentError, match="expands to more than"):
        load_document("\n".join(lines), "plan.yaml")
    assert load_document("a: R&D *2\nb: '&x *y'\n", "plan.yaml") == {"a": "R&D *2", "b": "&x *y"}


@pytest.mark.parametrize(
    "text",
    [
        '{"a": "say \\"hi\\": now", "b": ":x", "c\\\\": "\\\\", "d": ""}',
        '{"a": "\\u0022:", "b": {"c": [1, {"": 2}]}}',
        '{\n  "a" : 1 ,\n  "b"\t:\n  [ "x" ]\n}',
    ],
)
def test_json_without_repeated_keys_is_read_as_json(text):
    assert load_document(text, "plan.json") == json.loads(text)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ('{"program": "x",\n "program": "y"}', 2, 2),
        ('{"a": {"b": 1, "c": "\\"", "b": 2}}', 1, 27),
        ('{"a": "\\u0022", "a": 1}', 1, 17),
    ],
)
def test_json_repeated_key_is_an_error_at_its_place(text, line, column):
    with pytest.raises(DocumentError) as caught:
        load_document(text, "plan.json")
    problem = caught.value.problem
    assert problem.code == "plan.duplicate_key" and "appears twice" in problem.message
    assert (problem.location.line, problem.location.column) == (line, column)


def test_json_numbers_are_json_numbers():
    assert load_document('{"a": 1e5, "b": -0.5, "c": 12}', "plan.json") == {
        "a": 100000.0,
        "b": -0.5,
        "c": 12,
    }


def test_parse_document_locates_on_demand():
    data, places = parse_document("a:\n  b: [1, 2]\n", "x.yaml")
    assert data == {"a": {"b": [1, 2]}}
    first, key, missing = places.locate_all(
        [(("a", "b", 1), False), (("a", "b"), True), (("a", "zz"), False)]
    )
    assert (first.line, first.column) == (2, 10)
    assert (key.line, key.column) == (2, 3)
    assert (missing.line, missing.column) == (2, 3)


# -- a large broken plan: every problem, placed the same way in every form ----------------

PROJECTS, TASKS = 20, 500  # 10,000 tasks


def _broken_plan() -> dict[str, Any]:
    """A generated plan with five problems of different kinds in different projects."""
    projects = []
    for p in range(PROJECTS):
        tasks: list[dict[str, Any]] = []
        for t in range(TASKS):
            task: dict[str, Any] = {"id": f"P{p}.T{t}", "name": f"Task {t}", "duration": "3d"}
            depends = [f"P{p}.T{t - k}" for k in (1, 2) if t - k >= 0]
            if t % 20 == 0 and p:
                depends.append(f"P{p - 1}.T{t + 5}")
            if depends:
                task["depends"] = depends
            tasks.append(task)
        projects.append({"id": f"P{p}", "name": f"Project {p}", "tasks": tasks})
    projects[3]["tasks"][400]["depends"].append("P3.T9999x")  # unknown task
    projects[7]["tasks"][10]["nmae"] = projects[7]["tasks"][10].pop("name")  # unknown field
    projects[12]["tasks"][499]["duration"] = "30x"  # invalid duration
    projects[15]["tasks"] += [{"id": "P15.dup", "name": "Twice"} for _ in "ab"]  # duplicate id
    projects[19]["tasks"][0]["depends"] = ["P19.T1"]  # cycle P19.T0 -> P19.T1 -> P19.T0
    return {"program": "Broken", "key": "BRK", "start": "2027-01-04", "projects": projects}


# (message fragment, where it points in YAML, in JSON, which occurrence of that text)
EXPECTED = [
    ("unknown task 'P3.T9999x' in depends of P3.T400", "P3.T9999x", '"P3.T9999x"', 1),
    ("unknown field 'nmae' (in 'P7.T10'); did you mean 'name'?", "nmae", '"nmae"', 1),
    ("missing required field 'name' (in 'P7.T10')", "id: P7.T10\n", '{"id": "P7.T10"', 1),
    ("invalid duration '30x'", "30x", '"30x"', 1),
    ("duplicate task id 'P15.dup'", "P15.dup", '"P15.dup"', 2),
    ("dependency cycle: P19.T0 -> P19.T1 -> P19.T0", "P19.T1", '"P19.T1"', 1),
]


def _place(text: str, needle: str, occurrence: int) -> tuple[int, int]:
    """Line and column of the start of a piece of text, found by plain search."""
    at = -1
    for _ in range(occurrence):
        at = text.index(needle, at + 1)
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


def _yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False)


def _write_folder(folder: Path, data: dict[str, Any]) -> None:
    folder.mkdir()
    head = {k: v for k, v in data.items() if k != "projects"}
    (folder / "program.yaml").write_text(_yaml(head))
    for p, project in enumerate(data["projects"]):
        if p % 2:  # a file holding a single project, as JSON
            (folder / f"p{p:02}.json").write_text(json.dumps(project))
        else:
            (folder / f"p{p:02}.yaml").write_text(_yaml({"projects": [project]}))


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("broken")
    data = _broken_plan()
    (root / "plan.yaml").write_text(_yaml(data))
    (root / "plan.json").write_text(json.dumps(data))
    _write_folder(root / "folder", data)
    return {"yaml": root / "plan.yaml", "json": root / "plan.json", "folder": root / "folder"}


def _file_of(folder: Path, needles: tuple[str, str], occurrence: int) -> Path:
    for path in sorted(folder.iterdir()):
        if path.read_text().count(needles[path.suffix == ".json"]) >= occurrence:
            return path
    raise AssertionError(needles)


@pytest.mark.parametrize("form", ["yaml", "json", "folder"])
def test_large_broken_plan_reports_every_problem_at_its_place(broken, form):
    with pytest.raises(PlanInvalid) as caught:
        load_plan(broken[form])
    problems = caught.value.problems
    assert len(problems) == len(EXPECTED), [str(p) for p in problems]
    for fragment, in_yaml, in_json, occurrence in EXPECTED:
        [problem] = [p for p in problems if fragment in p.message]
        path = broken[form]
        if form == "folder":
            path = _file_of(path, (in_yaml, in_json), occurrence)
        needle = in_json if path.suffix == ".json" else in_yaml
        line, column = _place(path.read_text(), needle, occurrence)
        assert problem.location.file == str(path)
        assert (problem.location.line, problem.location.column) == (line, column), fragment
    assert problems == sorted(
        problems, key=lambda p: (p.location.file, p.location.line, p.location.column)
    )


def test_every_form_of_a_large_plan_gives_the_same_program(broken, tmp_path):
    data = _broken_plan()
    projects = data["projects"]
    projects[3]["tasks"][400]["depends"].pop()
    projects[7]["tasks"][10]["name"] = projects[7]["tasks"][10].pop("nmae")
    projects[12]["tasks"][499]["duration"] = "3d"
    del projects[15]["tasks"][-2:]
    projects[19]["tasks"][0].pop("depends")
    (tmp_path / "plan.yaml").write_text(_yaml(data))
    (tmp_path / "plan.json").write_text(json.dumps(data, indent=1))
    _write_folder(tmp_path / "folder", data)
    programs = [load_plan(tmp_path / name) for name in ("plan.yaml", "plan.json", "folder")]
    assert programs[0] == programs[1] == programs[2]
    assert sum(1 for _ in programs[0].work_items()) == PROJECTS * TASKS


def test_reporting_problems_leaves_the_data_as_it_was():
    data = _broken_plan()
    before = copy.deepcopy(data)
    with pytest.raises(PlanInvalid) as caught:
        validate_plan_data(data)
    assert len(caught.value.problems) == len(EXPECTED)
    assert data == before
