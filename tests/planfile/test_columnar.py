"""The columnar path agrees with the object path: it only ever accepts what the object path
accepts, gives the same schedule byte for byte, and is really taken by simple plans.

The object path (``validate_plan_data`` + ``schedule``) is the reference: every plan below,
a corpus of mutations of one simple plan and Hypothesis-generated simple plans, goes
through both.
"""

from __future__ import annotations

import copy
import json
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from progman.cli.main import main
from progman.domain.checked import is_checked, is_sealed
from progman.engine import columnar as engine_columnar
from progman.engine.network import ScheduleCycle
from progman.engine.schedule import schedule
from progman.errors import PlanInvalid
from progman.planfile import loader, validate_plan_data
from progman.planfile.columnar import ColumnarPlan, load_plan_columns, simple_columns
from progman.services.scheduling import schedule_program

DURATIONS = ("1d", "2d", "3d", "5d", "8h", "1w", "0d", "2.5d")
#: what follows a predecessor's id in a link: its type and lag
KINDS = ("", "", "", " SS", " FF+1d", " SF-2h", "+3d", " FS-1d", " SS+0.5w")


def simple_plan(projects: int = 3, tasks: int = 30, seed: int = 1) -> dict[str, Any]:
    """A plan of simple tasks: links to earlier tasks of the project, a few to other
    projects' tasks (some later in the file), milestones and estimates."""
    rng = random.Random(seed)
    plan: dict[str, Any] = {"program": "Columns", "key": "COL", "start": "2027-01-04"}
    plan["projects"] = []
    for p in range(projects):
        entries = []
        for t in range(tasks):
            task: dict[str, Any] = {"id": f"P{p}.T{t}", "name": f"Task {t} of {p}"}
            if t % 11 == 10:
                task["milestone"] = True
            elif t % 7 == 3:
                task["estimate"] = ["1d", "2d", "4d"]
            else:
                task["duration"] = rng.choice(DURATIONS)
            if t:
                task["depends"] = sorted({f"P{p}.T{rng.randrange(t)}" for _ in range(2)})
            entries.append(task)
        plan["projects"].append({"id": f"P{p}", "name": f"Project {p}", "tasks": entries})
    # a link to a task later in the file: the links are not all in file order
    plan["projects"][0]["tasks"][5]["depends"].append(f"P{projects - 1}.T2")
    return plan


def task(plan: dict[str, Any], p: int, t: int) -> dict[str, Any]:
    found: dict[str, Any] = plan["projects"][p]["tasks"][t]
    return found


def _set(p: int, t: int, **fields: Any) -> Callable[[dict[str, Any]], None]:
    return lambda plan: task(plan, p, t).update(fields)


def _link(p: int, t: int, text: Any) -> Callable[[dict[str, Any]], None]:
    return lambda plan: task(plan, p, t).setdefault("depends", []).append(text)


def _without(p: int, t: int, name: str) -> Callable[[dict[str, Any]], None]:
    return lambda plan: task(plan, p, t).pop(name, None)


def _both(*changes: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def change(plan: dict[str, Any]) -> None:
        for one in changes:
            one(plan)

    return change


def _top(**fields: Any) -> Callable[[dict[str, Any]], None]:
    return lambda plan: plan.update(fields)


def _leaf(ident: str, duration: str) -> dict[str, Any]:
    return {"id": ident, "name": f"Sub {ident}", "duration": duration}


def _sub(plan: dict[str, Any], k: int) -> dict[str, Any]:
    """Subtask ``k`` of the summary :func:`_summary` makes."""
    found: dict[str, Any] = task(plan, 0, 4)["tasks"][k]
    return found


def _summary() -> Callable[[dict[str, Any]], None]:
    """P0.T4 becomes a summary of two subtasks, the second after the first."""

    def change(plan: dict[str, Any]) -> None:
        entry = task(plan, 0, 4)
        entry.pop("duration", None)
        second = {**_leaf("P0.T4b", "1d"), "depends": ["P0.T4a"]}
        entry["tasks"] = [_leaf("P0.T4a", "2d"), second]

    return change


def _deeper(plan: dict[str, Any]) -> None:
    """The second subtask of :func:`_summary` becomes a summary itself."""
    second = _sub(plan, 1)
    second.pop("duration")
    second["tasks"] = [_leaf("P0.T4bx", "1d"), _leaf("P0.T4by", "3d")]


def _risk(affects: Any) -> Callable[[dict[str, Any]], None]:
    return _top(risks=[{"id": "R1", "title": "x", "probability": 0.5, "affects": affects}])


def _people() -> Callable[[dict[str, Any]], None]:
    """Two people (one away a week, one on a four-day week) and a material resource."""
    return _top(
        calendars={"short": {"workdays": ["mon", "tue", "wed", "thu"], "hours_per_day": 8}},
        resources=[
            {
                "id": "ana",
                "name": "Ana",
                "vacations": [{"start": "2027-01-11", "finish": "2027-01-15"}],
            },
            {"id": "ben", "name": "Ben", "calendar": "short"},
            {"id": "rig", "name": "Test rig", "kind": "material"},
        ],
    )


def _everyone(**fields: Any) -> Callable[[dict[str, Any]], None]:
    def change(plan: dict[str, Any]) -> None:
        for project in plan["projects"]:
            for entry in project["tasks"]:
                entry.update(fields)

    return change


#: name -> (change, whether the gate must take it)
MUTATIONS: dict[str, tuple[Callable[[dict[str, Any]], None], bool]] = {
    "valid": (lambda plan: None, True),
    "a typo in depends": (_link(0, 9, "P0.T1O"), False),
    "a duplicate id": (_set(1, 3, id="P0.T4"), False),
    "a task written twice": (
        lambda plan: plan["projects"][1]["tasks"].append(dict(task(plan, 0, 4))),
        False,
    ),
    "a self link": (_link(0, 12, "P0.T12"), False),
    "a cycle": (_both(_link(0, 2, "P0.T3"), _link(0, 3, "P0.T2")), False),
    "a cycle across projects": (_link(2, 2, "P0.T5"), False),
    "a bad duration": (_set(0, 4, duration="3x"), False),
    "a negative duration": (_set(0, 4, duration="-2d"), False),
    "a numeric duration": (_set(0, 4, duration=3), False),
    "no duration": (_without(0, 4, "duration"), True),
    "a null duration": (_set(0, 4, duration=None), True),
    "an elapsed duration": (_set(0, 4, duration="3ed"), True),
    "a milestone with a duration": (_set(0, 4, milestone=True), False),
    "a milestone with a zero duration": (_set(0, 4, milestone=True, duration="0d"), False),
    "a null milestone": (_set(0, 4, milestone=None), False),
    "a milestone as text": (_set(0, 4, milestone="yes"), False),
    "an unknown field": (_set(0, 4, colour="red"), False),
    "a name with spaces around": (_set(0, 4, name=" x "), False),
    "a name that is not ASCII": (_set(0, 4, name="Café"), False),
    "a name that is a number": (_set(0, 4, name=5), False),
    "no name": (_without(0, 4, "name"), False),
    "an empty name": (_set(0, 4, name=""), True),
    "a typed link": (_link(0, 9, "P0.T1 SS+2d"), True),
    "a link with a lag": (_link(0, 9, "P0.T1+2d"), True),
    "a link with a negative lag": (_link(0, 9, "P0.T1 FF-1d"), True),
    "a link with no lag written": (_link(0, 9, "P0.T1 SF+0h"), True),
    "a link with an elapsed lag": (_link(2, 9, "P0.T1 +2ed"), True),
    "a link typed in lower case": (_link(0, 9, "P0.T1 ss"), True),
    "a typed link to a typo": (_link(0, 9, "P0.T1O SS"), False),
    "a link of an unknown type": (_link(0, 9, "P0.T1 XX"), False),
    "a typed self link": (_link(0, 9, "P0.T9 SS"), False),
    "an FF link into a summary": (_both(_summary(), _link(0, 4, "P0.T1 FF")), False),
    "an SS link from a summary": (_both(_summary(), _link(0, 9, "P0.T4 SS")), False),
    "an SS link into a summary": (_both(_summary(), _link(0, 4, "P0.T1 SS")), False),
    "a lag on a link into a summary": (_both(_summary(), _link(0, 4, "P0.T1+1d")), True),
    "a link as a mapping": (_link(0, 9, {"task": "P0.T1"}), False),
    "a null depends": (_set(0, 9, depends=None), False),
    "a depends that is text": (_set(0, 9, depends="P0.T1"), False),
    "a duplicated link": (_link(0, 9, "P0.T1"), True),
    "an id that reads as a lag": (
        _both(_set(0, 1, id="P0-1d"), _set(0, 2, depends=["P0-1d"])),
        False,
    ),
    "an estimate out of order": (
        _both(_without(0, 6, "duration"), _set(0, 6, estimate=["5d", "3d", "8d"])),
        False,
    ),
    "an estimate of two": (
        _both(_without(0, 6, "duration"), _set(0, 6, estimate=["2d", "3d"])),
        False,
    ),
    "an estimate in mixed units": (
        _both(_without(0, 6, "duration"), _set(0, 6, estimate=["8h", "2d", "1w"])),
        True,
    ),
    "a duration and an estimate": (_set(0, 6, estimate=["1d", "2d", "30d"]), True),
    "a bad id": (_set(0, 4, id="has space"), False),
    "an id too long": (_set(0, 4, id="X" * 121), False),
    "a task that is text": (lambda plan: plan["projects"][0]["tasks"].append("oops"), False),
    "subtasks": (_set(0, 4, tasks=[{"id": "P0.T4a", "name": "Sub", "duration": "1d"}]), False),
    "a summary task": (_summary(), True),
    "a summary task deeper": (_both(_summary(), _deeper), True),
    "a milestone under a summary": (
        _both(_summary(), lambda plan: _sub(plan, 1).update(milestone=True, duration=None)),
        True,
    ),
    "a subtask linked outside": (
        _both(_summary(), lambda plan: _sub(plan, 0).update(depends=["P1.T3", "P0.T2"])),
        True,
    ),
    "a task linked to a subtask": (_both(_summary(), _link(0, 9, "P0.T4b")), True),
    "a subtask linked to its summary": (
        _both(_summary(), lambda plan: _sub(plan, 0).update(depends=["P0.T4"])),
        False,
    ),
    "a summary linked to its subtask": (_both(_summary(), _link(0, 4, "P0.T4b")), False),
    "a summary with a milestone flag": (_both(_summary(), _set(0, 4, milestone=False)), False),
    "a subtask with a taken id": (
        _both(_summary(), lambda plan: _sub(plan, 0).update(id="P0.T1")),
        False,
    ),
    "subtasks that are text": (_set(0, 4, tasks="P0.T4a"), False),
    "no subtasks": (_set(0, 4, tasks=[]), True),
    "a cycle through a summary": (
        _both(
            _summary(), _link(1, 2, "P0.T4"), lambda plan: _sub(plan, 0).update(depends=["P1.T2"])
        ),
        False,
    ),
    "people the plan does not have": (_set(0, 4, resources={"ana": 1.0}), False),
    "people": (_both(_people(), _set(0, 4, resources={"ana": 1.0, "ben": 0.5})), True),
    "people on every task": (_both(_people(), _everyone(resources={"ana": 1, "rig": 2})), True),
    "people and no one": (_both(_people(), _set(0, 4, resources={})), True),
    "a person unknown": (_both(_people(), _set(0, 4, resources={"ann": 1.0})), False),
    "units over the limit": (_both(_people(), _set(0, 4, resources={"ana": 150})), False),
    "units as text": (_both(_people(), _set(0, 4, resources={"ana": "1"})), False),
    "units as true": (_both(_people(), _set(0, 4, resources={"ana": True})), False),
    "people in the long form": (
        _both(_people(), _set(0, 4, resources=[{"resource": "ana", "units": 1.0}])),
        False,
    ),
    "units and work": (
        _both(_people(), _set(0, 4, resources={"ana": {"units": 1.0, "work": "2d"}})),
        False,
    ),
    "null people": (_both(_people(), _set(0, 4, resources=None)), False),
    "a risk naming a task": (_risk(["P0.T1", "P2.T5"]), True),
    "a risk naming a typo": (_risk(["P0.T1O"]), False),
    "a risk naming a task with a space": (_risk([" P0.T1"]), False),
    "a risk naming a task as text": (_risk("P0.T1"), False),
    "a risk naming no task": (_top(risks=[{"id": "R1", "title": "x", "probability": 0.5}]), True),
    "a benefit naming a task": (
        _top(benefits=[{"id": "B1", "title": "b", "depends_on": ["P0.T1"]}]),
        True,
    ),
    "a benefit naming a subtask": (
        _both(_summary(), _top(benefits=[{"id": "B1", "title": "b", "depends_on": ["P0.T4b"]}])),
        True,
    ),
    "a benefit naming a project": (
        _top(benefits=[{"id": "B1", "title": "b", "depends_on": ["P0"]}]),
        False,
    ),
    "an unknown program calendar": (_top(calendar="office"), False),
    "an unknown program field": (_top(colour="red"), False),
    "a project without tasks": (
        lambda plan: plan["projects"].append({"id": "E", "name": "Empty"}),
        True,
    ),
    "a project deadline": (lambda plan: plan["projects"][1].update(deadline="2027-02-01"), True),
    "a status date": (_top(status_date="2027-01-20"), True),
}


def through_object_path(data: dict[str, Any]) -> bytes | PlanInvalid | ScheduleCycle:
    """The schedule JSON the usual path gives, or its refusal (a cycle that only the
    summaries' structure closes is the schedule's error, not the check's)."""
    try:
        program = validate_plan_data(copy.deepcopy(data))
    except PlanInvalid as refused:
        return refused
    try:
        return b"".join(schedule(program).json_parts())
    except ScheduleCycle as cycle:
        return cycle


def through_columns(plan: ColumnarPlan) -> bytes | ScheduleCycle:
    """The schedule JSON of the columns alone (no fallback), or the kernel's cycle."""
    try:
        result = engine_columnar.schedule_columns(plan.shell, plan.table, plan.work_items())
    except ScheduleCycle as cycle:
        return cycle
    return b"".join(result.json_parts())


def assert_agree(data: dict[str, Any]) -> bool:
    """Both paths on ``data``; True when the gate took it and its schedule stood."""
    expected = through_object_path(data)
    gate = simple_columns(copy.deepcopy(data))
    if isinstance(gate, str):
        return False
    got = through_columns(gate)
    if isinstance(got, ScheduleCycle):  # the kernel's proof: the usual path reports it
        if isinstance(expected, PlanInvalid):
            assert [p.code for p in expected.problems] == ["plan.cycle"]
            assert not gate.ordered
        else:
            assert isinstance(expected, ScheduleCycle)
        return False
    assert isinstance(expected, bytes), f"the gate took a plan refused: {expected}"
    assert got == expected
    return True


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_the_gate_takes_only_what_the_object_path_accepts(name):
    change, taken = MUTATIONS[name]
    data = simple_plan()
    change(data)
    assert assert_agree(data) is taken, simple_columns(copy.deepcopy(data))


def test_the_gate_never_changes_the_data():
    data = simple_plan()
    MUTATIONS["a typo in depends"][0](data)
    before = copy.deepcopy(data)
    assert isinstance(simple_columns(data), str)
    assert data == before
    valid = simple_plan()
    kept = copy.deepcopy(valid)
    assert isinstance(simple_columns(valid), ColumnarPlan)
    assert valid == kept


def test_the_whole_program_is_the_loaders():
    data = simple_plan()
    plan = simple_columns(copy.deepcopy(data))
    assert isinstance(plan, ColumnarPlan)
    assert plan.program().model_dump() == validate_plan_data(data).model_dump()
    assert plan.program() is plan.program()  # made once
    items = plan.work_items()
    assert [item.id for item in items] == list(plan.table.ids)
    assert plan.shell.projects[0].tasks == []  # the shell holds no task


def test_a_plan_linked_forward_only_is_not_checked_again(monkeypatch):
    data = simple_plan()
    task(data, 0, 5)["depends"].pop()  # the one link to a later task
    plan = simple_columns(copy.deepcopy(data), sealed=True)
    assert isinstance(plan, ColumnarPlan) and plan.ordered
    checks: list[int] = []
    real = loader.check_program
    monkeypatch.setattr(loader, "check_program", lambda p: checks.append(1) or real(p))
    program = plan.program()
    assert checks == []
    assert is_checked(program) and is_sealed(program)
    assert program.model_dump() == validate_plan_data(copy.deepcopy(data)).model_dump()
    assert checks == [1]  # the usual loader, for comparison


def test_a_cycle_found_by_the_kernel_is_reported_by_the_object_path():
    data = simple_plan()
    MUTATIONS["a cycle"][0](data)
    plan = simple_columns(copy.deepcopy(data))
    assert isinstance(plan, ColumnarPlan)
    with pytest.raises(PlanInvalid) as refused:
        schedule_program(plan)
    assert "dependency cycle" in str(refused.value)


@st.composite
def simple_plans(draw: st.DrawFn) -> dict[str, Any]:
    """Simple plans of any shape: 1-4 projects, 0-25 tasks each, links backward and some
    forward (acyclic: a forward link only from the first task of a project to a task of
    the last project, whose tasks link only within it)."""
    count = draw(st.integers(1, 4))
    sizes = draw(st.lists(st.integers(0, 25), min_size=count, max_size=count))
    ids = [[f"P{p}.T{t}" for t in range(size)] for p, size in enumerate(sizes)]
    earlier: list[str] = []
    projects = []
    for p, size in enumerate(sizes):
        tasks = []
        for t in range(size):
            entry: dict[str, Any] = {"id": ids[p][t], "name": f"Task {p} {t}"}
            kind = draw(st.sampled_from(("duration", "estimate", "milestone", "none")))
            if kind == "duration":
                entry["duration"] = draw(st.sampled_from(DURATIONS))
            elif kind == "estimate":
                low = draw(st.integers(0, 3))
                entry["estimate"] = [f"{low}d", f"{low + 1}d", f"{low + 4}d"]
            elif kind == "milestone":
                entry["milestone"] = True
            pool = earlier if p < count - 1 else ids[p][:t]  # the last: its own only
            if pool:
                links = draw(st.lists(st.tuples(st.sampled_from(pool), st.sampled_from(KINDS))))
                entry["depends"] = [pred + kind for pred, kind in links[:3]]
            if t == 0 and p < count - 1 and ids[-1]:
                entry.setdefault("depends", []).append(draw(st.sampled_from(ids[-1])))
            tasks.append(entry)
            earlier.append(ids[p][t])
        projects.append({"id": f"P{p}", "name": f"Project {p}", "tasks": tasks})
    return {"program": "Drawn", "key": "DRW", "start": "2027-03-01", "projects": projects}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(simple_plans())
def test_generated_simple_plans_take_the_gate_with_the_same_schedule(data):
    assert assert_agree(data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32), st.sampled_from(sorted(MUTATIONS)))
def test_mutations_of_other_plans_agree(seed, name):
    change, taken = MUTATIONS[name]
    data = simple_plan(seed=seed)
    change(data)
    assert assert_agree(data) is taken


# -- files, folders and the command line --------------------------------------------------


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many schedules the columns gave (without falling back)."""
    done: list[int] = []
    real = engine_columnar.schedule_columns

    def spy(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        done.append(len(args[1]))
        return result

    monkeypatch.setattr(engine_columnar, "schedule_columns", spy)
    return done


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_schedule_json_and_csv_take_the_columns(tmp_path, capsys, counted):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(simple_plan()))
    code, out, _ = run(capsys, "schedule", str(path), "--json")
    assert code == 0
    assert counted == [90]
    expected = through_object_path(simple_plan())
    assert out.encode() == expected + b"\n"
    code, out, _ = run(capsys, "schedule", str(path), "--csv", "--project", "P1")
    assert code == 0
    assert counted == [90, 90]
    lines = out.splitlines()
    assert len(lines) == 31 and all(",P1," in line for line in lines[1:])


def test_a_yaml_plan_and_a_folder_take_the_columns(tmp_path, counted):
    yaml = pytest.importorskip("yaml")
    data = simple_plan()
    (tmp_path / "plan.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    folder = tmp_path / "folder"
    folder.mkdir()
    head = {k: v for k, v in data.items() if k != "projects"}
    (folder / "program.yaml").write_text(yaml.safe_dump(head, sort_keys=False))
    for project in data["projects"]:
        (folder / f"{project['id']}.json").write_text(json.dumps(project))
    expected = through_object_path(data)
    for source in (tmp_path / "plan.yaml", folder):
        plan = load_plan_columns(source, sealed=True)
        assert isinstance(plan, ColumnarPlan)
        assert b"".join(schedule_program(plan).json_parts()) == expected
    assert counted == [90, 90]


def test_a_plan_the_gate_refuses_is_reported_as_always(tmp_path, capsys, counted):
    data = simple_plan()
    MUTATIONS["a typo in depends"][0](data)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data, indent=1))
    code, out, err = run(capsys, "schedule", str(path), "--json")
    _, _, table_err = run(capsys, "schedule", str(path))  # the table: the usual path only
    assert code == 1 and out == ""
    assert err == table_err
    assert re.search(rf"{re.escape(str(path))}:\d+:\d+: unknown task 'P0.T1O' in depends", err)
    assert "did you mean" in err
    assert counted == []


def test_a_cycle_is_reported_with_its_place_and_path(tmp_path, capsys, counted):
    data = simple_plan()
    MUTATIONS["a cycle"][0](data)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data, indent=1))
    code, out, err = run(capsys, "schedule", str(path), "--json")
    _, _, table_err = run(capsys, "schedule", str(path))  # the table: the usual path only
    assert code == 1 and out == ""
    assert err == table_err
    assert "dependency cycle: " in err and f"{path}:" in err
    assert counted == []


def test_a_missing_project_is_a_usage_error(tmp_path, capsys):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(simple_plan()))
    code, _, err = run(capsys, "schedule", str(path), "--json", "--project", "P9")
    assert code == 2
    assert "no project 'P9' in the plan" in err


def test_the_table_and_leveled_schedules_stay_on_the_object_path(tmp_path, capsys, counted):
    path = Path(tmp_path / "plan.json")
    path.write_text(json.dumps(simple_plan()))
    code, out, _ = run(capsys, "schedule", str(path))
    assert code == 0 and "P0.T1" in out
    assert counted == []


def test_durations_of_every_unit_on_a_short_day_agree():
    """Minutes of every unit, elapsed ones, on a program calendar of 6-hour days, and a
    task without any length (warned of) come out of the columns as the object path has
    them."""
    data = simple_plan(projects=2, tasks=24)
    data["calendars"] = {"short": {"hours_per_day": 6}}
    data["calendar"] = "short"
    texts = ["90m", "7h", "1.5d", "2w", "1mo", "3ed", "5eh", "1ew", "0d", "2d"]
    for k, entry in enumerate(data["projects"][1]["tasks"]):
        entry.pop("estimate", None)
        entry.pop("milestone", None)
        entry["duration"] = texts[k % len(texts)]
    for entry in data["projects"][0]["tasks"]:
        entry.pop("estimate", None)
    task(data, 0, 3).pop("duration", None)  # no length at all: a warning
    assert assert_agree(data)
    plan = simple_columns(copy.deepcopy(data))
    assert isinstance(plan, ColumnarPlan)
    result = engine_columnar.schedule_columns(plan.shell, plan.table, plan.work_items())
    assert any("P0.T3 has no duration" in w for w in result.warnings)
