"""One validation pass: a loaded plan is not checked again, a changed or new program is."""

from __future__ import annotations

import json
from datetime import date

import pytest

from progman.domain import Program
from progman.domain import checked as checked_module
from progman.domain.checked import check_once, is_checked
from progman.domain.work import Assignment, Dependency, WorkItem
from progman.engine.scheduled import ensure_valid
from progman.errors import PlanInvalid
from progman.planfile import load_plan, validate_plan_data

PLAN = {
    "program": "Once",
    "key": "ONCE",
    "start": "2027-01-04",
    "status_date": "2027-02-01",
    "calendars": {"std": {}},
    "resources": [{"id": "alice", "name": "Alice"}],
    "sprints": [
        {"id": "S1", "name": "One", "project": "API", "start": "2027-01-04", "finish": "2027-01-15"}
    ],
    "projects": [
        {
            "id": "API",
            "name": "Backend",
            "tasks": [
                {"id": "API.a", "name": "A", "duration": "2d", "resources": {"alice": 1.0}},
                {"id": "API.b", "name": "B", "duration": "2d", "depends": ["API.a"]},
                {"id": "API.c", "name": "C", "tasks": [{"id": "API.c1", "name": "C1"}]},
            ],
        }
    ],
}


@pytest.fixture
def counted(monkeypatch):
    """Count the calls of check_program made through check_once."""
    calls = []
    real = checked_module.check_program

    def counting(program):
        calls.append(program)
        return real(program)

    monkeypatch.setattr(checked_module, "check_program", counting)
    return calls


@pytest.fixture
def program() -> Program:
    return validate_plan_data(PLAN)


def test_a_loaded_plan_is_checked_once(sample_plan, counted):
    loaded = load_plan(sample_plan)
    assert is_checked(loaded)
    ensure_valid(loaded)
    ensure_valid(loaded)
    assert counted == []


def test_a_program_built_by_hand_is_checked_then_trusted(counted):
    built = Program.model_validate(PLAN)
    assert not is_checked(built)
    ensure_valid(built)
    ensure_valid(built)
    assert counted == [built]
    assert is_checked(built)


def _set(obj, name, value):
    setattr(obj, name, value)


MUTATIONS = {
    "task id": lambda p: _set(p.projects[0].tasks[0], "id", "API.z"),
    "new link": lambda p: p.projects[0].tasks[0].depends.append(Dependency(task="API.b")),
    "link target": lambda p: _set(p.projects[0].tasks[1].depends[0], "task", "API.c"),
    "link type": lambda p: _set(p.projects[0].tasks[1].depends[0], "type", "SS"),
    "link moved": lambda p: (
        p.projects[0].tasks[2].depends.append(p.projects[0].tasks[1].depends.pop())
    ),
    "assignment": lambda p: _set(p.projects[0].tasks[0].resources[0], "resource", "bob"),
    "new assignment": lambda p: p.projects[0].tasks[1].resources.append(Assignment(resource="bob")),
    "task calendar": lambda p: _set(p.projects[0].tasks[0], "calendar", "night"),
    "task sprint": lambda p: _set(p.projects[0].tasks[0], "sprint", "S9"),
    "actual start": lambda p: _set(p.projects[0].tasks[0], "actual_start", date(2030, 1, 1)),
    "subtask": lambda p: p.projects[0].tasks[2].tasks.append(WorkItem(id="API.a", name="x")),
    "subtask id": lambda p: _set(p.projects[0].tasks[2].tasks[0], "id", "API.a"),
    "task removed": lambda p: p.projects[0].tasks.pop(0),
    "project calendar": lambda p: _set(p.projects[0], "calendar", "night"),
    "project id": lambda p: _set(p.projects[0], "id", "WEB"),
    "status date": lambda p: _set(p, "status_date", date(2027, 1, 5)),
    "calendar removed": lambda p: p.calendars.clear(),
    "resource id": lambda p: _set(p.resources[0], "id", "bob"),
    "sprint removed": lambda p: p.sprints.clear(),
}


@pytest.mark.parametrize("change", MUTATIONS, ids=list(MUTATIONS))
def test_a_changed_program_is_checked_again(program, counted, change):
    assert is_checked(program)
    MUTATIONS[change](program)
    assert not is_checked(program)
    check_once(program)
    assert counted == [program]


def test_a_change_that_breaks_the_program_is_refused(program):
    program.projects[0].tasks[1].depends.append(Dependency(task="API.nope"))
    with pytest.raises(PlanInvalid, match=r"unknown task 'API\.nope'"):
        ensure_valid(program)


def test_an_equal_copy_is_a_new_object_and_is_checked(program, counted):
    copy = program.model_copy(deep=True)
    assert copy == program and not is_checked(copy)
    check_once(copy)
    assert counted == [copy]


@pytest.fixture
def digests(monkeypatch):
    """Count the digests taken of programs (each a pass over every work item)."""
    calls = []
    real = checked_module._digest

    def counting(program):
        calls.append(program)
        return real(program)

    monkeypatch.setattr(checked_module, "_digest", counting)
    return calls


def test_a_plan_loaded_sealed_is_trusted_without_a_digest(sample_plan, counted, digests):
    loaded = load_plan(sample_plan, sealed=True)
    assert checked_module.is_sealed(loaded)
    ensure_valid(loaded)
    assert counted == [] and digests == []


def test_a_plan_loaded_unsealed_is_not_sealed(sample_plan, digests):
    loaded = load_plan(sample_plan)
    assert not checked_module.is_sealed(loaded)
    assert digests == [loaded]  # its mark: a later change in place is noticed


def test_progman_schedule_checks_its_plan_once_and_takes_no_digest(
    sample_plan, counted, digests, capsys
):
    from progman.cli.main import main  # noqa: PLC0415

    assert main(["schedule", str(sample_plan), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["tasks"]
    assert counted == [] and digests == []
