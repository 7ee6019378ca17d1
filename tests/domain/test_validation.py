"""Whole-program checks: unique ids, resolving references, cycles, dates."""

import copy
from datetime import date

import pytest

from progman.domain import Program
from progman.domain.plan_warnings import plan_warnings
from progman.domain.validation import check_program

BASE = {
    "program": "P",
    "key": "P",
    "start": date(2027, 1, 4),
    "calendars": {"std": {}},
    "calendar": "std",
    "objectives": [{"id": "O1", "title": "o"}],
    "resources": [{"id": "alice", "name": "Alice"}],
    "projects": [
        {
            "id": "A",
            "name": "a",
            "objectives": {"O1": 1.0},
            "tasks": [
                {"id": "A.1", "name": "one", "duration": "2d", "resources": {"alice": 1.0}},
                {"id": "A.2", "name": "two", "duration": "2d", "depends": ["A.1"]},
                {
                    "id": "A.sum",
                    "name": "summary",
                    "tasks": [{"id": "A.sum.1", "name": "child", "duration": "1d"}],
                },
            ],
        },
        {
            "id": "B",
            "name": "b",
            "tasks": [
                {"id": "B.1", "name": "b one", "duration": "3d", "depends": ["A.2 SS+1d"]},
            ],
        },
    ],
    "benefits": [{"id": "BEN", "title": "b", "objective": "O1", "depends_on": ["B.1"]}],
    "risks": [{"id": "R1", "title": "r", "probability": 0.5, "affects": ["A.1"]}],
}


def findings(mutate):
    data = copy.deepcopy(BASE)
    mutate(data)
    return check_program(Program.model_validate(data))


def test_consistent_program_has_no_findings():
    assert findings(lambda d: None) == []


def test_unknown_task_with_suggestion_and_path():
    def mutate(d):
        d["projects"][1]["tasks"][0]["depends"] = ["A.3"]

    [finding] = findings(mutate)
    assert finding.code == "plan.unknown_reference"
    assert finding.path == ("projects", 1, "tasks", 0, "depends", 0)
    assert "unknown task 'A.3' in depends of B.1" in finding.message
    assert "did you mean" in finding.message


def test_every_kind_of_reference_is_checked():
    def mutate(d):
        d["calendar"] = "office"
        d["projects"][0]["objectives"] = {"O2": 0.5}
        d["projects"][0]["tasks"][0]["resources"] = {"alicia": 1.0}
        d["benefits"][0]["objective"] = "O9"
        d["benefits"][0]["depends_on"] = ["B.2"]
        d["risks"][0]["affects"] = ["A.9"]
        d["risks"][0]["project"] = "C"

    codes = [(f.code, f.path) for f in findings(mutate)]
    assert len(codes) == 7
    assert all(code == "plan.unknown_reference" for code, _ in codes)
    assert ("plan.unknown_reference", ("projects", 0, "tasks", 0, "resources", "alicia")) in codes


def test_duplicate_ids_across_projects():
    def mutate(d):
        d["projects"][1]["tasks"][0]["id"] = "A.1"

    duplicate, dangling = findings(mutate)
    assert duplicate.code == "plan.duplicate_id"
    assert "first defined at projects[0].tasks[0]" in duplicate.message
    assert dangling.code == "plan.unknown_reference"  # the benefit's B.1 is gone now
    assert dangling.path == ("benefits", 0, "depends_on", 0)


def test_cycle_reports_whole_path_once():
    def mutate(d):
        d["projects"][0]["tasks"][0]["depends"] = ["B.1"]

    [finding] = findings(mutate)
    assert finding.code == "plan.cycle"
    assert "A.1 -> A.2 -> B.1 -> A.1" in finding.message


def test_self_dependency():
    def mutate(d):
        d["projects"][0]["tasks"][0]["depends"] = ["A.1"]

    [finding] = findings(mutate)
    assert finding.message == "task A.1 depends on itself"


def test_link_between_summary_and_its_subtask():
    def mutate(d):
        d["projects"][0]["tasks"][2]["tasks"][0]["depends"] = ["A.sum"]

    [finding] = findings(mutate)
    assert finding.code == "plan.invalid_link"


def test_actuals_after_status_date_are_a_warning_not_an_error():
    """A file saved before its status date was moved on holds them: kept, with a warning."""

    def mutate(d):
        d["status_date"] = date(2027, 2, 1)
        d["projects"][0]["tasks"][0]["actual_start"] = date(2027, 3, 1)

    assert findings(mutate) == []
    data = copy.deepcopy(BASE)
    mutate(data)
    [warning] = [
        w for w in plan_warnings(Program.model_validate(data)) if w.code != "plan.early_date"
    ]
    assert warning.code == "plan.future_actual"
    assert warning.path == ("projects", 0, "tasks", 0, "actual_start")
    assert "actual_start 2027-03-01 is after the status date 2027-02-01; kept as recorded" in (
        warning.message
    )


@pytest.mark.parametrize("size", [2_000, 200_000])
def test_long_chain_has_no_recursion_problem(size):
    tasks = [
        {"id": f"T{i}", "name": "t", "duration": "1d", **({"depends": [f"T{i - 1}"]} if i else {})}
        for i in range(size)
    ]
    tasks[0]["depends"] = [f"T{size - 1}"]
    program = Program.model_validate(
        {
            "program": "P",
            "key": "P",
            "start": date(2027, 1, 4),
            "projects": [{"id": "A", "name": "a", "tasks": tasks}],
        }
    )
    [finding] = check_program(program)
    assert finding.code == "plan.cycle"
    assert finding.message.count("->") == size


def test_a_change_request_may_target_whatever_a_change_reaches():
    targets = ["O1", "objective:O1", "P", "std", "calendar:std", "alice", "resource:alice"]

    def mutate(d):
        d["stakeholders"] = [{"id": "sam", "name": "Sam"}]
        d["objectives"][0]["key_results"] = [{"id": "KR1", "title": "k", "target": 1.0}]
        d["change_requests"] = [
            {
                "id": "CR1",
                "title": "c",
                "changes": [
                    {"target": target, "field": "name", "value": "x"}
                    for target in [*targets, "KR1", "key_result:KR1", "stakeholder:sam", "A.1"]
                ]
                + [{"target": "stakeholder:nobody", "field": "name", "value": "x"}],
            }
        ]

    [finding] = findings(mutate)
    assert finding.code == "plan.unknown_reference"
    assert "stakeholder:nobody" in finding.message
