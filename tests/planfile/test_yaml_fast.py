"""The fast read of YAML plans (rapidyaml) against the usual one (PyYAML and its builder).

Whatever the fast read takes, the usual read takes too and gives the same data, and
``schedule --json`` writes the same bytes; whatever the usual read refuses, the fast read
refuses (the usual read then reports it, the same messages). Plain simple plans do take
the fast read, so it is not always falling back.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from progman.cli.main import main
from progman.planfile import columnar, yaml_fast
from progman.planfile.columnar import ColumnarPlan
from progman.planfile.columnar_decode import fields_of_dicts
from progman.planfile.source import DocumentError, load_document
from progman.planfile.yaml_fast import decode_simple_yaml

from .test_columnar import simple_plan, simple_plans, task
from .test_columnar_decode import of_typed_shape

#: texts the two YAML readers may type differently when written plain
AWKWARD = (
    "yes", "no", "on", "off", "y", "n", "True", "TRUE", "false", "null", "Null", "~", "",
    "2027-01-04", "2027-1-4", "2027-01-04 10:00:00", "1:30", "190:20:30", "0x1F", "0o17",
    "017", "0b101", "1_000", "1e3", "1.5e+3", "1.", ".5", "+1", "-2", ".inf", "-.Inf",
    ".NaN", "=", "<<", "- a", "a: b", "a:b", "# c", "a #b", "'q'", '"dq"', "back\\slash",
    "multi\nline", "two\n\nparagraphs", "trailing\n", " lead", "tail ", "Café ✓", "日本",
    "&a", "*a", "!tag", "@x", "%x", "?x", "[1, 2]", "{a: 1}", ",", "a, b", "| x", "> y",
    "\t", "tab\there", "P0.T1", "--- x", "...",
)  # fmt: skip


def typed(value: Any) -> Any:
    """``value`` with the type of every leaf kept (True == 1, date != its text)."""
    if isinstance(value, dict):
        return {k: typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    return (type(value).__name__, value)


def dump(data: dict[str, Any], **style: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, **style)


def write(folder: Path, text: str, name: str = "plan.yaml") -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8"))
    return path


def same_as_usual(path: Path) -> bool:
    """Checks the fast read of ``path`` against the usual read; True when it took it."""
    raw = path.read_bytes()
    fast = decode_simple_yaml(raw, str(path))
    try:
        usual = load_document(raw.decode("utf-8-sig"), str(path))
    except (DocumentError, UnicodeDecodeError, AttributeError, yaml.YAMLError):
        # AttributeError and YAMLError escape the usual read (a date-like text PyYAML
        # cannot construct, a merge key of a text; seen in the edits below): it fails,
        # so must the fast one
        assert fast is None, "the fast read took what the usual read refuses"
        return False
    if fast is None:
        return False
    head, counts, fields = fast
    projects = usual["projects"]
    shells = [{**p, "tasks": []} if "tasks" in p else p for p in projects]
    assert typed(head) == typed({**usual, "projects": shells})
    assert counts == [len(p.get("tasks", [])) for p in projects]
    expected = fields_of_dicts([t for p in projects for t in p.get("tasks", [])], {})
    for name in ("ids", "names", "durations", "estimates", "depends", "milestone"):
        assert typed(getattr(fields, name)) == typed(getattr(expected, name)), name
    assert fields.resources == expected.resources
    return True


def schedule(path: Path, capfd: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["schedule", str(path), "--json"])
    out, err = capfd.readouterr()
    return code, out, err


def same_schedule(path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: Any) -> bool:
    """``schedule --json`` of ``path`` writes the same with and without the fast read
    (output, messages, exit code); True when the fast read was taken."""
    taken: list[bool] = []
    real = yaml_fast.decode_simple_yaml

    def spy(raw: bytes, file: str) -> Any:
        found = real(raw, file)
        taken.append(found is not None)
        return found

    with monkeypatch.context() as patch:
        patch.setattr(yaml_fast, "decode_simple_yaml", spy)
        fast = schedule(path, capfd)
    with monkeypatch.context() as patch:
        patch.setattr(yaml_fast, "decode_simple_yaml", lambda raw, file: None)
        usual = schedule(path, capfd)
    assert fast == usual
    return taken == [True]


STYLES = st.fixed_dictionaries(
    {
        "default_flow_style": st.sampled_from([False, False, True, None, None]),
        "default_style": st.sampled_from([None, None, None, '"', "'"]),
        "allow_unicode": st.booleans(),
        "width": st.sampled_from([80, 12, 1000]),
    }
)


@st.composite
def awkward_plans(draw: st.DrawFn) -> dict[str, Any]:
    """Simple plans with a few awkward names (one that the usual read would not take as a
    text sends the whole plan the usual way), resources, a start as a date or a text."""
    plan = draw(simple_plans())
    texts = st.sampled_from(AWKWARD) | st.text(max_size=8)
    entries = [t for p in plan["projects"] for t in p["tasks"]]
    for entry in entries:
        if entry.get("depends") == [] and draw(st.integers(0, 9)):
            del entry["depends"]  # written out, a default sends the plan the usual way
        if "milestone" not in entry and draw(st.integers(0, 5)) == 0:
            entry["resources"] = {"ana": draw(st.sampled_from([1, 0.5, 2.0, 1e3]))}
    if entries:
        for _ in range(draw(st.integers(0, 2))):
            draw(st.sampled_from(entries))["name"] = draw(texts)
    if draw(st.booleans()):
        plan["projects"][0]["name"] = draw(texts)
    if draw(st.booleans()):
        plan["projects"][0]["deadline"] = datetime.date(2027, 12, 1)
    plan["start"] = draw(st.sampled_from(["2027-03-01", datetime.date(2027, 3, 1)]))
    if draw(st.booleans()):
        plan["description"] = draw(texts)
    if any("resources" in t for t in entries):
        plan["resources"] = [{"id": "ana", "name": "Ana"}]
    return plan


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(awkward_plans(), STYLES)
def test_a_generated_plan_reads_as_the_usual_read_reads_it(tmp_path_factory, data, style):
    path = write(tmp_path_factory.mktemp("drawn"), dump(data, **style))
    same_as_usual(path)


@settings(
    max_examples=25,
    deadline=None,
    # capfd is read out after each run, monkeypatch undone: nothing carries over
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(awkward_plans(), STYLES)
def test_a_generated_plan_schedules_as_before(tmp_path_factory, capfd, monkeypatch, data, style):
    path = write(tmp_path_factory.mktemp("drawn"), dump(data, **style))
    took = same_schedule(path, capfd, monkeypatch)
    assert took == same_as_usual(path)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(simple_plans(), st.sampled_from([False, None]))
def test_plain_simple_plans_take_the_fast_read(tmp_path_factory, data, flow):
    """As JSON plans do the typed decode: but for a default written out (``depends: []``).
    Block style, or lists of texts in flow style (``depends: [A, B]``): a flow collection
    over several lines goes the usual way."""
    path = write(tmp_path_factory.mktemp("drawn"), dump(data, default_flow_style=flow))
    assert same_as_usual(path) is of_typed_shape(data)


def test_a_plan_taken_fast_schedules_byte_for_byte_as_before(tmp_path, capfd, monkeypatch):
    data = simple_plan()
    data["start"] = datetime.date(2027, 1, 4)  # written plain: a date to the usual read
    task(data, 0, 4)["name"] = "Cost: 'high' # not a comment"
    task(data, 1, 2)["name"] = "yes"
    path = write(tmp_path, dump(data))
    assert same_as_usual(path)
    assert same_schedule(path, capfd, monkeypatch)
    plan = columnar.load_plan_columns(path)
    assert isinstance(plan, ColumnarPlan) and plan.shell.start == datetime.date(2027, 1, 4)
    assert plan.data == load_document(path.read_text(), str(path))  # the usual read


#: YAML the usual read types or refuses otherwise than rapidyaml: each goes the usual way
FALLBACKS = {
    "a plain yes as a name is a text to both": None,
    "a plain True as a name (a boolean to the usual read)": ("name: Task 0 of 0", "name: True"),
    "a null written ~": ("name: Task 0 of 0", "name: ~"),
    "a number with underscores": ("name: Task 0 of 0", "name: 1_000"),
    "a hexadecimal number": ("name: Task 0 of 0", "name: 0x1F"),
    "a date as an id": ("id: P0.T0\n", "id: 2027-01-04\n"),
    "a repeated task key": ("  - id: P0.T1\n", "  - id: P0.T1\n    id: P0.T77\n"),
    "a repeated header key": ("key: COL\n", "key: COL\nkey: DUP\n"),
    "a tab": ("name: Task 0 of 0", "name:\tTask 0 of 0"),
    "an anchor and an alias": ("duration: 5d", "duration: &d 5d"),
    "a tag": ("name: Task 0 of 0", "name: !!str Task 0 of 0"),
    "a merge key": ("key: COL\n", "<<: {key: COL}\n"),
    "two documents": ("key: COL\n", "key: COL\n---\nx: 1\n"),
    "a carriage return": ("key: COL\n", "key: COL\r\n"),
    "a byte order mark": ("program:", "\ufeffprogram:"),
    "a next-line character": ("name: Task 0 of 0", "name: Task\x850"),
    "a number with an exponent": (
        "name: Task 1 of 0",
        "name: Task 1 of 0\n    resources: {ana: 1e3}",
    ),
    "an unclosed quote": ("name: Task 0 of 0", "name: 'Task 0 of 0"),
    "a bad indentation": ("    name: Task 0 of 0", "     name: Task 0 of 0"),
    "two colons": ("name: Task 0 of 0", "name: Task: 0: of 0"),
    "an unclosed flow list": ("key: COL\n", "key: [COL\n"),
    "a complex key": ("key: COL\n", "? key\n: COL\n"),
}


@pytest.mark.parametrize("name", list(FALLBACKS))
def test_a_plan_the_readers_may_read_otherwise_goes_the_usual_way(
    tmp_path, capfd, monkeypatch, name
):
    data = simple_plan()
    data["resources"] = [{"id": "ana", "name": "Ana"}]
    if name.startswith("a plain yes"):
        task(data, 0, 0)["name"] = "yes"
    text = dump(data)
    edit = FALLBACKS[name]
    if edit is not None:
        old, new = edit
        assert old in text
        text = text.replace(old, new, 1)
    path = write(tmp_path, text)
    took = same_as_usual(path)
    assert took is (edit is None)
    assert same_schedule(path, capfd, monkeypatch) is took


#: pieces of YAML an edit may insert
PIECES = (
    "\n", "\n  ", "\n- ", ": ", "- ", "'", '"', "#", "&a ", "*a", "!!str ", "<<: ", "---\n",
    "\t", "\r", "\ufeff", "[", "]", "{", "}", ",", "|\n", ">-\n", "? ", "~", "yes", "1e3",
    "1_0", "2027-01-04", "\\", "é", "  id: P0.T1\n", "    name: x\n", "milestone: true\n",
)  # fmt: skip


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(PIECES), st.booleans()), max_size=3),
    STYLES,
)
def test_an_edited_text_is_taken_only_as_the_usual_read_reads_it(tmp_path_factory, edits, style):
    """Random edits of a plan's text (many no longer YAML, or no longer a plan): what the
    fast read takes, the usual read takes and reads the same."""
    data = simple_plan(projects=2, tasks=6)
    data["start"] = datetime.date(2027, 1, 4)
    text = dump(data, **style)
    for spot, piece, replace in edits:
        at = spot % len(text)
        text = text[:at] + piece + text[at + (len(piece) if replace else 0) :]
    same_as_usual(write(tmp_path_factory.mktemp("edited"), text))


def test_a_syntax_error_is_reported_as_before_and_nothing_else(tmp_path, capfd, monkeypatch):
    text = dump(simple_plan()).replace("name: Task 0 of 0", "name: Task: 0: of 0", 1)
    path = write(tmp_path, text)
    assert not same_schedule(path, capfd, monkeypatch)  # rapidyaml's own message hidden
    code, out, err = schedule(path, capfd)
    assert code == 1 and out == "" and f"{path}:" in err and "ERROR" not in err


def test_a_folder_of_yaml_files_schedules_as_before(tmp_path, capfd, monkeypatch):
    data = simple_plan(projects=2)
    write(tmp_path, dump({k: v for k, v in data.items() if k != "projects"}), "program.yaml")
    for project in data["projects"]:
        write(tmp_path, dump({"projects": [project]}), f"{project['id']}.yaml")
    assert not same_schedule(tmp_path, capfd, monkeypatch)  # a folder: the usual read
