"""apply_changes: each change kind, copy-on-write, and clear errors naming the change."""

from __future__ import annotations

from typing import Any

import pytest

from progman.domain import ChangeItem, Duration, Program
from progman.domain.scenarios import Scenario, apply_changes
from progman.errors import PlanInvalid


def plan(**extra: Any) -> Program:
    return Program.model_validate(
        {
            "program": "Small",
            "key": "SML",
            "start": "2027-03-01",
            "resources": [
                {"id": "ann", "name": "Ann", "rate": 100},
                {"id": "bob", "name": "Bob", "rate": 80},
            ],
            "projects": [
                {
                    "id": "P",
                    "name": "P",
                    "tasks": [
                        {"id": "A", "name": "A", "duration": "2d", "resources": {"ann": 1.0}},
                        {
                            "id": "S",
                            "name": "Summary",
                            "tasks": [
                                {"id": "B", "name": "B", "duration": "4d", "depends": ["A"]},
                                {"id": "C", "name": "C", "duration": "1d", "depends": ["A"]},
                            ],
                        },
                        {"id": "M", "name": "Done", "milestone": True, "depends": ["B", "C"]},
                    ],
                },
                {"id": "Q", "name": "Q", "tasks": [{"id": "Q1", "name": "Q1", "duration": "3d"}]},
            ],
            "risks": [{"id": "R1", "title": "Late", "probability": 0.3, "affects": ["C"]}],
            **extra,
        }
    )


def change(op: str, target: str, field: str | None = None, value: Any = None) -> ChangeItem:
    return ChangeItem.model_validate({"op": op, "target": target, "field": field, "value": value})


def problems(base: Program, *changes: ChangeItem) -> list[str]:
    with pytest.raises(PlanInvalid) as caught:
        apply_changes(base, changes)
    return [str(p) for p in caught.value.problems]


# -- set ------------------------------------------------------------------------------------


def test_set_parses_the_value_like_a_plan_file():
    variant = apply_changes(plan(), [change("set", "B", "duration", "12d")])
    assert variant.task_index()["B"].duration == Duration(12, "d")


@pytest.mark.parametrize(
    ("target", "field", "value", "read"),
    [
        ("C", "depends", ["B"], lambda p: [d.task for d in p.task_index()["C"].depends]),
        ("C", "constraint", "SNET 2027-03-10", lambda p: p.task_index()["C"].constraint.type),
        (
            "C",
            "estimate",
            ["1d", "2d", "4d"],
            lambda p: str(p.task_index()["C"].estimate.pessimistic),
        ),
        ("P", "start", "2027-03-08", lambda p: p.projects[0].start.isoformat()),
        ("Q", "priority", 900, lambda p: p.projects[1].priority),
        ("ann", "capacity", 0.5, lambda p: p.resources[0].capacity),
        ("R1", "probability", 0.8, lambda p: p.risks[0].probability),
        ("SML", "start", "2027-04-01", lambda p: p.start.isoformat()),
    ],
)
def test_set_changes_any_kind_of_entity(target, field, value, read):
    variant = apply_changes(plan(), [change("set", target, field, value)])
    expected = {
        "depends": ["B"],
        "constraint": "snet",
        "estimate": "4d",
        "start": value,
        "priority": 900,
        "capacity": 0.5,
        "probability": 0.8,
    }[field]
    assert read(variant) == expected


def test_set_on_a_summary_keeps_its_children():
    variant = apply_changes(plan(), [change("set", "S", "name", "Build")])
    summary = variant.task_index()["S"]
    assert summary.name == "Build"
    assert [t.id for t in summary.tasks] == ["B", "C"]


# -- add ------------------------------------------------------------------------------------


def test_add_a_work_item_under_a_project_and_under_a_summary():
    variant = apply_changes(
        plan(),
        [
            change(
                "add", "Q", value={"id": "Q2", "name": "Q2", "duration": "2d", "depends": ["Q1"]}
            ),
            change("add", "S", value={"id": "D", "name": "D", "duration": "1d"}),
        ],
    )
    assert [t.id for t in variant.projects[1].tasks] == ["Q1", "Q2"]
    assert [t.id for t in variant.task_index()["S"].tasks] == ["B", "C", "D"]


def test_add_a_dependency_with_type_and_lag():
    variant = apply_changes(
        plan(), [change("add", "Q1", "depends", {"task": "M", "type": "SS", "lag": "2d"})]
    )
    (link,) = variant.task_index()["Q1"].depends
    assert (link.task, link.type, str(link.lag)) == ("M", "SS", "2d")


def test_add_a_resource_to_the_program():
    variant = apply_changes(
        plan(), [change("add", "SML", "resources", {"id": "cat", "name": "Cat", "rate": 90})]
    )
    assert [r.id for r in variant.resources] == ["ann", "bob", "cat"]


# -- remove ---------------------------------------------------------------------------------


def test_remove_a_work_item_drops_the_links_and_mentions_of_it():
    variant = apply_changes(plan(), [change("remove", "C")])
    assert "C" not in variant.task_index()
    assert [d.task for d in variant.task_index()["M"].depends] == ["B"]
    assert variant.risks[0].affects == []


def test_remove_a_summary_removes_its_children_and_their_links():
    variant = apply_changes(plan(), [change("remove", "S")])
    assert set(variant.task_index()) == {"A", "M", "Q1"}
    assert variant.task_index()["M"].depends == []


def test_remove_a_resource_drops_its_assignments():
    variant = apply_changes(plan(), [change("remove", "ann")])
    assert [r.id for r in variant.resources] == ["bob"]
    assert variant.task_index()["A"].resources == []


# -- copy-on-write --------------------------------------------------------------------------


def test_the_base_program_is_never_changed():
    base = plan()
    before = base.model_dump(mode="json")
    apply_changes(
        base,
        [
            change("set", "B", "duration", "12d"),
            change("add", "S", value={"id": "D", "name": "D", "duration": "1d"}),
            change("add", "Q1", "depends", {"task": "A"}),
            change("remove", "C"),
            change("remove", "ann"),
            change("set", "SML", "start", "2027-04-01"),
        ],
    )
    assert base.model_dump(mode="json") == before


def test_untouched_entities_are_shared_not_copied():
    base = plan()
    variant = apply_changes(base, [change("set", "Q1", "duration", "5d")])
    assert variant.projects[0] is base.projects[0]
    assert variant.resources[0] is base.resources[0]
    assert variant.projects[1] is not base.projects[1]


def test_changes_apply_in_order():
    variant = apply_changes(
        plan(),
        [change("set", "B", "duration", "5d"), change("set", "B", "duration", "6d")],
    )
    assert variant.task_index()["B"].duration == Duration(6, "d")


# -- errors ---------------------------------------------------------------------------------


def test_unknown_target_says_did_you_mean():
    assert problems(plan(), change("set", "Q11", "duration", "1d")) == [
        "changes[0]: set Q11.duration: no task, project, resource, risk, benefit, objective, "
        "key result or stakeholder 'Q11' in program SML; did you mean 'Q1'?"
    ]


def test_unknown_field_says_did_you_mean():
    (message,) = problems(plan(), change("set", "B", "duraton", "1d"))
    assert message.endswith("a task has no field 'duraton'; did you mean 'duration'?")


def test_invalid_value_names_the_change():
    (message,) = problems(
        plan(),
        change("set", "B", "duration", "1x"),
    )
    assert message.startswith("changes[0]: set B.duration: invalid duration '1x'")


def test_every_bad_change_is_reported():
    found = problems(
        plan(),
        change("set", "B", "duration", "1d"),
        change("set", "Z", "duration", "1d"),
        change("set", "B", "priority", 5000),
    )
    assert [f.split(":")[0] for f in found] == ["changes[1]", "changes[2]"]


def test_a_change_that_makes_a_cycle_is_named():
    (message,) = problems(
        plan(), change("set", "B", "duration", "3d"), change("set", "A", "depends", ["M"])
    )
    assert message.startswith("changes[1]: set A.depends: dependency cycle")


def test_a_link_to_an_unknown_task_is_named():
    (message,) = problems(plan(), change("add", "Q1", "depends", {"task": "X9"}))
    assert message.startswith("changes[0]: add Q1.depends: unknown task 'X9'")


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (change("set", "B", "id", "B2"), "cannot set id of task"),
        (change("set", "S", "tasks", []), "use 'add' and 'remove'"),
        (change("remove", "SML"), "only work items, resources, risks, benefits, objectives"),
        (change("add", "ann", value={"id": "X", "name": "X"}), "work items are added under"),
        (change("add", "P", "depends", {"task": "A"}), "only tasks have links"),
        (change("add", "SML", "sprints", {"id": "X"}), "add under the program needs"),
        (change("add", "Q", value={"id": "A", "name": "dup"}), "duplicate task id 'A'"),
    ],
)
def test_changes_that_cannot_apply(item, expected):
    (message,) = problems(plan(), item)
    assert expected in message


def test_scenario_holds_its_changes():
    scenario = Scenario(
        id="late-b",
        name="B takes longer",
        base="SML",
        changes=[change("set", "B", "duration", "9d")],
    )
    variant = apply_changes(plan(), scenario.changes)
    assert variant.task_index()["B"].duration == Duration(9, "d")
