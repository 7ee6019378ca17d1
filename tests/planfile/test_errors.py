"""Bad plans give every problem at once, each at its file:line:column, and never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from progman.errors import InputNotFound, PlanInvalid
from progman.planfile import load_plan

GOOD = """\
program: Demo
key: DEMO
start: 2027-03-01
calendar: std
calendars:
  std: {workdays: [mon, tue, wed, thu, fri], hours_per_day: 8}
resources:
  - {id: alice, name: Alice, capacity: 1.0}
projects:
  - id: API
    name: Backend
    tasks:
      - {id: API.auth, name: Auth service, duration: 10d, resources: {alice: 1.0}}
      - {id: API.ready, name: API ready, milestone: true, depends: [API.auth]}
  - id: MOB
    name: Mobile
    tasks:
      - {id: MOB.build, name: Build app, duration: 30d, depends: ["API.auth SS+5d"]}
"""


def write(tmp_path: Path, text: str, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(PlanInvalid) as caught:
        load_plan(path)
    return [str(p) for p in caught.value.problems]


def test_good_plan_loads(tmp_path):
    program = load_plan(write(tmp_path, GOOD))
    assert [p.id for p in program.projects] == ["API", "MOB"]


def test_unknown_reference_points_at_the_dependency(tmp_path):
    text = GOOD.replace('"API.auth SS+5d"', '"API.atuh SS+5d"')
    column = text.splitlines()[17].index('"API.atuh') + 1
    path = write(tmp_path, text)
    assert problems(path) == [
        f"{path}:18:{column}: unknown task 'API.atuh' in depends of MOB.build; "
        "did you mean 'API.auth'?"
    ]


def test_all_problems_are_reported_at_once_in_reading_order(tmp_path):
    text = (
        GOOD.replace("name: Auth service", "nmae: Auth service")
        .replace("duration: 30d", "duration: 30x")
        .replace("depends: [API.auth]}", "depends: [API.auht]}")
        .replace("capacity: 1.0", "capacity: -1")
    )
    found = problems(write(tmp_path, text))
    assert len(found) == 5, found
    lines = [int(p.split(":")[1]) for p in found]
    assert lines == sorted(lines)
    joined = "\n".join(found)
    assert ":8:" in joined and "capacity" in joined
    assert ":13:" in joined and "unknown field 'nmae'" in joined and "did you mean 'name'" in joined
    assert "missing required field 'name'" in joined
    assert ":14:" in joined and "unknown task 'API.auht'" in joined
    assert ":18:" in joined and "invalid duration '30x'" in joined


def test_cycle_names_every_task_on_it(tmp_path):
    text = GOOD.replace(
        "{id: API.auth, name: Auth service, duration: 10d,",
        "{id: API.auth, name: Auth service, duration: 10d, depends: [MOB.build],",
    )
    [problem] = problems(write(tmp_path, text))
    assert "dependency cycle: API.auth -> MOB.build -> API.auth" in problem


def test_duplicate_id_and_duplicate_key(tmp_path):
    text = GOOD.replace("id: API.ready", "id: API.auth")
    [problem] = problems(write(tmp_path, text))
    assert ":14:" in problem and "duplicate task id 'API.auth'" in problem
    text = GOOD.replace("key: DEMO\n", "key: DEMO\nkey: OTHER\n")
    [problem] = problems(write(tmp_path, text))
    assert ":3:1: key 'key' appears twice" in problem


def test_unknown_top_level_key_suggests(tmp_path):
    [problem] = problems(write(tmp_path, GOOD + "risk:\n  - {id: R1}\n"))
    assert "unknown field 'risk'" in problem and "did you mean 'risks'" in problem
    assert ":19:1:" in problem


def test_wrong_types_say_which_field(tmp_path):
    text = GOOD.replace("start: 2027-03-01", "start: soon").replace("priority", "x")
    [problem] = problems(write(tmp_path, text))
    assert problem.startswith(f"{tmp_path / 'plan.yaml'}:3:8: start")


def test_malformed_yaml_has_position(tmp_path):
    [problem] = problems(write(tmp_path, GOOD.replace("name: Backend", "name: [Backend")))
    assert "invalid YAML" in problem and ":12:" in problem
    assert "flow sequence started at line 11, column 11" in problem


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        ("  - id: MOB\n", "\t- id: MOB\n", 15),  # a tab where the list starts
        ("    name: Mobile\n", "\tname: Mobile\n", 16),  # a tab before a key
    ],
)
def test_a_tab_is_named_as_a_tab(tmp_path, old, new, line):
    path = write(tmp_path, GOOD.replace(old, new))
    [problem] = problems(path)
    assert (
        problem
        == f"{path}:{line}:1: a tab character; indent with spaces (YAML does not allow tabs there)"
    )


def test_malformed_json_has_position(tmp_path):
    [problem] = problems(write(tmp_path, '{"program": "x",\n "key": }', "plan.json"))
    assert problem.startswith(f"{tmp_path / 'plan.json'}:2:9: invalid JSON")


def test_json_plan_loads(tmp_path):
    data = yaml.safe_load(GOOD)
    path = write(tmp_path, json.dumps(data, default=str, indent=1), "plan.json")
    assert load_plan(path).key == "DEMO"


def test_not_a_mapping_empty_and_not_utf8(tmp_path):
    assert "a plan is a mapping" in problems(write(tmp_path, "- just\n- a list\n"))[0]
    assert "the file is empty" in problems(write(tmp_path, ""))[0]
    path = tmp_path / "latin1.yaml"
    path.write_bytes("program: Caf\xe9\n".encode("latin-1"))
    assert "not UTF-8" in problems(path)[0]


def test_missing_file():
    with pytest.raises(InputNotFound, match="no such plan file"):
        load_plan("/nonexistent/plan.yaml")


def test_fifty_megabyte_file_is_refused_without_reading_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PROGMAN_MAX_PLAN_MB", "32")
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.write(GOOD.encode())
        handle.write(b"#" * (50 * 2**20))
    [problem] = problems(path)
    assert "over the limit of 32 MiB" in problem and "PROGMAN_MAX_PLAN_MB" in problem


def test_alias_bomb_is_refused(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    [problem] = problems(write(tmp_path, "\n".join(lines) + "\n"))
    assert "expands to more than" in problem


def test_yaml_one_one_surprises_stay_text(tmp_path):
    text = GOOD.replace("name: Backend", "name: no").replace("name: Mobile", "name: 12:30")
    program = load_plan(write(tmp_path, text))
    assert [p.name for p in program.projects] == ["no", "12:30"]


def test_deeply_nested_document(tmp_path):
    text = "program: " + "[" * 5000 + "]" * 5000 + "\n"
    found = problems(write(tmp_path, text))
    assert found  # a clear problem, not a crash
