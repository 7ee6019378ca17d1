"""Scheduling rules as textbook cases: ``cases/*.yaml``, each a small plan with its answer.

Every case was computed by hand on a Mon–Fri, 08:00–16:00 calendar (2027-03-01 is a
Monday). A case holds ``description``, the ``plan``, optional ``status_date``,
``near_critical_days`` and ``strict`` (passed to :func:`progman.schedule`), and ``expect``:
either ``error: {type, code, message}`` or any of ``finish``, ``critical_path``,
``projects``, ``conflicts``, ``missed_deadlines``, ``warnings`` and ``tasks`` (id -> the
keys of ``Schedule.to_json()`` to check). Only the keys given are compared, and a failing
case lists every difference with the file and the task it concerns.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

import progman
from progman.domain import Program
from progman.engine.network import Network, ScheduleCycle, schedule_network
from progman.errors import PlanInvalid, ProgmanError
from progman.planfile import validate_plan_data

CASES = Path(__file__).with_name("cases")
CASE_KEYS = {"description", "plan", "status_date", "near_critical_days", "strict", "expect"}
EXPECT_KEYS = {
    "error",
    "finish",
    "critical_path",
    "projects",
    "conflicts",
    "missed_deadlines",
    "warnings",
    "tasks",
}
TASK_KEYS = {
    "start",
    "finish",
    "late_start",
    "late_finish",
    "total_float",
    "free_float",
    "critical",
    "near_critical",
    "complete",
    "driving_predecessor",
}
FLOAT_TOLERANCE_DAYS = 1e-3


def case_files() -> list[Path]:
    return sorted(CASES.glob("*.yaml"))


def read_case(path: Path) -> dict[str, Any]:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    unknown = set(case) - CASE_KEYS
    assert not unknown, f"{path.name}: unknown case keys {sorted(unknown)}"
    assert case.get("description"), f"{path.name}: a case says what it shows in 'description'"
    unknown = set(case["expect"]) - EXPECT_KEYS
    assert not unknown, f"{path.name}: unknown expect keys {sorted(unknown)}"
    for task, keys in case["expect"].get("tasks", {}).items():
        unknown = set(keys) - TASK_KEYS
        assert not unknown, f"{path.name}: task {task}: unknown keys {sorted(unknown)}"
    return case


def as_text(value: Any) -> Any:
    """Dates in a case file read as YAML dates; the schedule speaks ISO text to the minute."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return value


def same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, float | int) and not isinstance(expected, bool):
        return isinstance(actual, float | int) and abs(expected - actual) <= FLOAT_TOLERANCE_DAYS
    return bool(as_text(expected) == actual)


def differences(case: dict[str, Any], result: dict[str, Any]) -> list[str]:
    """Every expected key that the schedule does not match, as ``where: key: ...`` lines."""
    expect = case["expect"]
    found = []

    def check(where: str, key: str, expected: Any, actual: Any) -> None:
        if not same(expected, actual):
            found.append(f"{where}: {key}: expected {as_text(expected)!r}, got {actual!r}")

    for key in ("finish", "critical_path", "missed_deadlines"):
        if key in expect:
            check("program", key, expect[key], result[key])
    for project, keys in expect.get("projects", {}).items():
        for key, value in keys.items():
            check(f"project {project}", key, value, result["projects"][project][key])
    if "conflicts" in expect:
        actual = [
            {key: conflict[key] for key in ("predecessor", "successor", "link", "days_short")}
            for conflict in result["conflicts"]
        ]
        if len(actual) != len(expect["conflicts"]) or not all(
            all(same(v, a[k]) for k, v in e.items())
            for e, a in zip(expect["conflicts"], actual, strict=True)
        ):
            found.append(f"program: conflicts: expected {expect['conflicts']}, got {actual}")
    if "warnings" in expect:  # each expected text is part of one warning, in order
        actual = result["warnings"]
        if len(actual) != len(expect["warnings"]) or not all(
            text in warning for text, warning in zip(expect["warnings"], actual, strict=True)
        ):
            found.append(f"program: warnings: expected {expect['warnings']}, got {actual}")
    tasks = {task["id"]: task for task in result["tasks"]}
    for ident, keys in expect.get("tasks", {}).items():
        if ident not in tasks:
            found.append(f"task {ident}: not in the schedule")
            continue
        for key, value in keys.items():
            check(f"task {ident}", key, value, tasks[ident][key])
    return found


def schedule_case(case: dict[str, Any], program: Program) -> progman.Schedule:
    options: dict[str, Any] = {"strict": case.get("strict", False)}
    if "status_date" in case:
        options["status_date"] = case["status_date"]
    if "near_critical_days" in case:
        options["near_critical_days"] = case["near_critical_days"]
    return progman.schedule(program, **options)


@pytest.mark.parametrize("path", case_files(), ids=[p.stem for p in case_files()])
def test_case(path: Path) -> None:
    case = read_case(path)
    expected_error = case["expect"].get("error")
    if expected_error:
        with pytest.raises(ProgmanError) as raised:
            schedule_case(case, validate_plan_data(case["plan"]))
        error = raised.value
        assert type(error).__name__ == expected_error["type"], f"{path.name}: {error!r}"
        codes = {error.code, *(problem.code for problem in error.problems)}
        assert expected_error["code"] in codes, f"{path.name}: codes {codes}"
        assert expected_error.get("message", "") in str(error), f"{path.name}: {error}"
        return
    result = schedule_case(case, validate_plan_data(case["plan"])).to_json()
    found = differences(case, result)
    assert not found, f"{path.name} ({case['description']}):\n  " + "\n  ".join(found)


def test_there_are_enough_cases() -> None:
    assert len(case_files()) >= 30


def test_a_cycle_that_skips_the_loader_is_named_by_schedule() -> None:
    """A Program built in Python skipped the loader: ``schedule`` checks it and names the cycle."""
    case = read_case(CASES / "cycle_rejected_by_loader.yaml")
    program = Program.model_validate(case["plan"])
    with pytest.raises(PlanInvalid) as raised:
        progman.schedule(program)
    [problem] = raised.value.problems
    assert problem.code == "plan.cycle"
    assert "B -> C -> D -> B" in problem.message
    assert str(problem.location) == "projects[0].tasks[1].depends[1]"


def test_a_cycle_in_arrays_is_reported_with_its_task_indexes() -> None:
    """0 -> 1 -> 2 -> 3 -> 1: the cycle is 1, 2, 3 and back, and task 0 is not part of it."""
    net = Network.from_arrays(
        np.array([1, 2, 3, 4]), pred=np.array([0, 1, 2, 3]), succ=np.array([1, 2, 3, 1])
    )
    with pytest.raises(ScheduleCycle) as raised:
        schedule_network(net)
    cycle = raised.value.cycle
    assert cycle[0] == cycle[-1]
    assert sorted(cycle[:-1]) == [1, 2, 3]
    assert raised.value.code == "schedule.cycle"
