"""The typed decode of a JSON plan agrees with the usual parse and the gate: it takes a
plan only when the gate over ``orjson``'s data takes it and gives the same columns, and
any plan it does not take is read (and reported) exactly as before."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from progman.cli.main import main
from progman.engine.network import ScheduleCycle
from progman.planfile import columnar
from progman.planfile.columnar import ColumnarPlan, load_plan_columns, simple_columns
from progman.planfile.columnar_decode import decode_simple_json
from progman.planfile.source import load_document, quotes_in
from progman.services.scheduling import schedule_program

from .test_columnar import MUTATIONS, simple_plan, simple_plans, task, through_columns

#: mutations the typed decode leaves to the usual parse although the gate takes them
#: (a field written with its default value: the typed decode cannot tell it from none)
WRITTEN_DEFAULTS = {
    "an explicit null duration": lambda plan: task(plan, 0, 1).update(duration=None),
    "empty depends": lambda plan: task(plan, 0, 0).update(depends=[]),
    "milestone false": lambda plan: task(plan, 0, 1).update(milestone=False),
}


#: the typed shape's fields and their defaults
DEFAULTS = {"duration": None, "estimate": None, "depends": [], "milestone": False, "resources": {}}


def of_typed_shape(data: dict[str, Any]) -> bool:
    """No subtasks, and no task field written with its default value."""
    tasks = [t for p in data["projects"] for t in p.get("tasks", [])]
    return all(
        "tasks" not in t and all(t[k] != v for k, v in DEFAULTS.items() if k in t) for t in tasks
    )


#: a plan of one task, its fields but the id left to fill in
ONE_TASK = '{"program": "X", "projects": [{"id": "P", "tasks": [{"id": "A", %s}]}]}'


def write(tmp_path: Path, data: dict[str, Any], name: str = "plan.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=1))
    return path


def typed(path: Path) -> ColumnarPlan | None:
    """The typed decode's plan, None if it did not take it."""
    found = columnar._typed_json(path, sealed=False)
    return found if isinstance(found, ColumnarPlan) else None


def assert_same_columns(path: Path, data: dict[str, Any]) -> bool:
    """The typed decode of ``path`` (the text of ``data``) against the gate over ``data``;
    True when the typed decode took it."""
    plan = typed(path)
    gate = simple_columns(copy.deepcopy(data))
    if plan is None:
        return False
    assert isinstance(gate, ColumnarPlan), f"typed took what the gate refuses: {gate}"
    assert list(plan.table.ids) == list(gate.table.ids)
    assert list(plan.table.names) == list(gate.table.names)
    assert plan.table.duration == gate.table.duration
    assert plan.table.estimate == gate.table.estimate
    assert list(plan.table.milestone) == list(gate.table.milestone)
    assert plan.table.links.pred.tolist() == gate.table.links.pred.tolist()
    assert plan.table.links.counts.tolist() == gate.table.links.counts.tolist()
    assert plan.shell.model_dump() == gate.shell.model_dump()
    assert plan.ordered == gate.ordered
    got, expected = through_columns(plan), through_columns(gate)
    if isinstance(got, ScheduleCycle):  # the kernel's: the usual path reports it
        assert isinstance(expected, ScheduleCycle) and str(got) == str(expected)
        return False
    assert got == expected
    return True


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_the_typed_decode_takes_what_the_gate_takes(tmp_path, name):
    change, taken = MUTATIONS[name]
    data = simple_plan()
    change(data)
    assert assert_same_columns(write(tmp_path, data), data) is (taken and of_typed_shape(data))


@pytest.mark.parametrize("name", list(WRITTEN_DEFAULTS))
def test_a_default_written_out_goes_to_the_gate_over_parsed_data(tmp_path, name):
    data = simple_plan()
    WRITTEN_DEFAULTS[name](data)
    path = write(tmp_path, data)
    assert typed(path) is None
    plan = load_plan_columns(path)
    assert isinstance(plan, ColumnarPlan) and plan.source == data  # the parsed data


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(simple_plans())
def test_generated_plans_take_the_typed_decode(tmp_path_factory, data):
    path = write(tmp_path_factory.mktemp("drawn"), data)
    assert assert_same_columns(path, data) is of_typed_shape(data)


def test_a_repeated_key_is_left_to_the_usual_parse(tmp_path):
    text = json.dumps(simple_plan())
    # the first task's id written twice: orjson and msgspec both keep the last one
    path = tmp_path / "plan.json"
    path.write_text(text.replace('{"id": "P0.T0",', '{"id": "P0.T0", "id": "P0.T99",', 1))
    assert decode_simple_json(path.read_bytes()) is None
    code = main(["schedule", str(path), "--json"])
    assert code == 1


def test_escaped_quotes_are_counted_as_text(tmp_path):
    data = simple_plan()
    task(data, 1, 2)["name"] = 'The "quoted" one \\ with a backslash'
    path = write(tmp_path, data)
    plan = typed(path)
    assert plan is not None and plan.table.names[32] == task(data, 1, 2)["name"]
    repeated = path.read_text().replace('"name": "The', '"name": "x", "name": "The', 1)
    assert decode_simple_json(repeated.encode()) is None
    assert quotes_in('"a\\"b" "c\\\\"') == quotes_in(b'"x" "y"') == 4


def test_the_typed_plan_parses_its_text_only_when_asked(tmp_path):
    data = simple_plan()
    plan = typed(write(tmp_path, data))
    assert plan is not None and callable(plan.source)
    assert plan.data == data
    assert plan.data is plan.data  # parsed once
    assert plan.program().model_dump() == simple_columns(data).program().model_dump()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text",
    [
        ONE_TASK % '"name": "A", "colour": 1',
        ONE_TASK % '"name": 5',
        ONE_TASK % '"name": "A", "depends": "B"',
        ONE_TASK % '"name": "A",',
        '{"program": "X", "projects": {"id": "P"}}',
        '["not", "a", "plan"]',
        '{"program": "X"}',
    ],
)
def test_a_plan_of_another_shape_is_reported_as_without_the_typed_decode(
    tmp_path, capsys, monkeypatch, text
):
    path = tmp_path / "plan.json"
    path.write_text(text)
    assert decode_simple_json(text.encode()) is None
    code = main(["schedule", str(path), "--json"])
    first = capsys.readouterr()
    monkeypatch.setattr(columnar, "_typed_json", lambda *args: None)
    again = main(["schedule", str(path), "--json"])
    assert (code, first) == (again, capsys.readouterr())
    assert code != 0 and first.out == "" and str(path) in first.err


def test_schedule_json_of_a_typed_plan_is_the_usual(tmp_path, capsys, monkeypatch):
    path = write(tmp_path, simple_plan())
    plan = load_plan_columns(path, sealed=True)
    assert isinstance(plan, ColumnarPlan) and callable(plan.source)  # typed
    assert main(["schedule", str(path), "--json"]) == 0
    out = capsys.readouterr().out
    assert b"".join(schedule_program(plan).json_parts()) + b"\n" == out.encode()
    monkeypatch.setattr(columnar, "_typed_json", lambda *args: None)
    assert main(["schedule", str(path), "--json"]) == 0
    assert capsys.readouterr().out == out


def test_a_plan_the_gate_refuses_after_the_typed_decode_is_not_gated_again(
    tmp_path, capsys, monkeypatch
):
    data = simple_plan()
    MUTATIONS["a typo in depends"][0](data)
    path = write(tmp_path, data)
    assert decode_simple_json(path.read_bytes()) is not None
    assert isinstance(columnar._typed_json(path, sealed=False), str)
    gated: list[int] = []
    real = columnar.simple_columns
    monkeypatch.setattr(
        columnar, "simple_columns", lambda *a, **k: gated.append(1) or real(*a, **k)
    )
    code = main(["schedule", str(path), "--json"])
    first = capsys.readouterr()
    assert gated == []
    monkeypatch.setattr(columnar, "_typed_json", lambda *args: None)
    assert main(["schedule", str(path), "--json"]) == code == 1
    assert capsys.readouterr() == first
    assert gated == [1]
    assert "unknown task 'P0.T1O' in depends" in first.err


def test_a_file_with_a_byte_order_mark_takes_the_gate_over_parsed_data(tmp_path):
    data = simple_plan()
    path = tmp_path / "plan.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(data).encode())
    assert typed(path) is None
    plan = load_plan_columns(path)
    assert isinstance(plan, ColumnarPlan) and plan.source == data


def test_an_unreadable_or_too_large_file_is_reported_by_the_usual_read(
    tmp_path, capsys, monkeypatch
):
    path = write(tmp_path, simple_plan())
    monkeypatch.setenv("PROGMAN_MAX_PLAN_MB", "0")
    assert typed(path) is None
    assert main(["schedule", str(path), "--json"]) == 1
    assert "over the limit" in capsys.readouterr().err
    monkeypatch.delenv("PROGMAN_MAX_PLAN_MB")

    def unreadable(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", unreadable)
    assert columnar._typed_json(path, sealed=False) is None


#: pieces of JSON an edit may insert: keys, values, escapes, separators
PIECES = (
    '"id": "P0.T1", ',
    '"name": "x", ',
    '"duration": null, ',
    '"depends": [], ',
    '"milestone": true, ',
    '"tasks": [], ',
    '"colour": 1, ',
    '"resources": {"ana": 1}, ',
    "\\u0041",
    '\\"',
    "\\\\",
    ",",
    '"',
    "]",
    "}",
    "\ufeff",
    "é",
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(PIECES), st.booleans()), max_size=3)
)
def test_an_edited_text_is_read_typed_only_as_the_usual_parse_reads_it(tmp_path_factory, edits):
    """Random edits of a plan's text: whatever the typed decode takes, the usual parse
    takes too (no repeated key), and the gate over its data gives the same columns."""
    text = json.dumps(simple_plan(projects=2, tasks=6))
    for spot, piece, replace in edits:
        at = spot % len(text)
        text = text[:at] + piece + text[at + (len(piece) if replace else 0) :]
    path = tmp_path_factory.mktemp("edited") / "plan.json"
    path.write_text(text, encoding="utf-8")
    if decode_simple_json(path.read_bytes()) is None:
        return
    data = load_document(text, str(path))  # the usual parse: raises on a repeated key
    assert_same_columns(path, data)  # what the typed decode takes, the gate takes alike


def test_a_key_written_with_escapes_is_read_as_its_text(tmp_path):
    """A field beyond the plain ones is read from the decoded tasks, whatever escapes its
    key is written with."""
    data = simple_plan()
    task(data, 0, 3).pop("duration", None)
    task(data, 0, 3).pop("estimate", None)
    task(data, 0, 3)["milestone"] = True
    text = json.dumps(data).replace('"milestone"', '"mileston\\u0065"')
    assert '"milestone"' not in text
    path = tmp_path / "plan.json"
    path.write_text(text)
    decoded = decode_simple_json(path.read_bytes())
    assert decoded is not None and decoded[2].milestone[3] is True
    plan = load_plan_columns(path)
    assert isinstance(plan, ColumnarPlan) and plan.table.milestone[3] is True


def test_a_plain_key_written_with_escapes_goes_the_usual_way(tmp_path):
    """A plain field's column is its default when its key is nowhere in the text as
    written: escaped there, the count of strings finds it, and the usual parse reads it."""
    data = simple_plan()
    for k, entry in enumerate(data["projects"][0]["tasks"]):
        entry.pop("duration", None)
        entry.pop("estimate", None)
        entry["milestone"] = True
        if k == 3:
            entry.pop("milestone")
            entry["duration"] = "2d"
    assert decode_simple_json(json.dumps(data).encode()) is not None
    text = json.dumps(data).replace('"duration"', '"duratio\\u006e"')
    assert '"duration"' not in text
    path = tmp_path / "plan.json"
    path.write_text(text)
    assert decode_simple_json(path.read_bytes()) is None
    plan = load_plan_columns(path)
    assert isinstance(plan, ColumnarPlan) and str(plan.table.duration[3]) == "2d"


def test_projects_of_plain_tasks_beside_projects_of_richer_ones(tmp_path):
    """A project whose tasks have only the plain fields is read as plain tasks, one with a
    milestone, an estimate or people (here only in its last task) as full tasks: the
    columns are the gate's either way, each task's own values in file order."""
    data = simple_plan(projects=4, tasks=12)
    data["resources"] = [{"id": "ana", "name": "Ana"}]
    for p in (0, 2):  # plain
        for entry in data["projects"][p]["tasks"]:
            for name in ("milestone", "estimate"):
                entry.pop(name, None)
            entry.setdefault("duration", "1d")
    for p in (1, 3):  # plain but for the last task
        for entry in data["projects"][p]["tasks"][:-1]:
            for name in ("milestone", "estimate"):
                entry.pop(name, None)
            entry.setdefault("duration", "2d")
    task(data, 1, 11).update(milestone=True, estimate=None)
    task(data, 1, 11).pop("duration", None)
    task(data, 1, 11).pop("estimate")
    task(data, 3, 11).update(estimate=["1d", "2d", "3d"], resources={"ana": 0.5})
    task(data, 3, 11).pop("duration", None)
    task(data, 3, 11).pop("milestone", None)
    path = write(tmp_path, data)
    assert assert_same_columns(path, data)
    plan = typed(path)
    assert plan is not None
    last = len(plan.table) - 1
    assert plan.table.milestone[23] is True and plan.table.milestone.count(True) == 1
    assert str(plan.table.estimate[last].most_likely) == "2d"
    assert plan.table.estimate.count(None) == last
    assert plan.table.resources is not None and plan.table.resources[last][0].resource == "ana"
