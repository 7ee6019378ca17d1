"""apply_changes on the registers and strategy: objectives with their key results,
benefits, risks and stakeholders are set, added and removed like the other kinds, and an
id two kinds share is reached by ``kind:id``."""

from __future__ import annotations

from typing import Any

import pytest

from progman.domain import ChangeItem, Program
from progman.domain.entity_index import entity_named, target_for
from progman.domain.scenarios import apply_changes
from progman.errors import PlanInvalid


def plan(**extra: Any) -> Program:
    return Program.model_validate(
        {
            "program": "Small",
            "key": "SML",
            "start": "2027-03-01",
            "resources": [{"id": "ann", "name": "Ann"}],
            "objectives": [
                {
                    "id": "O1",
                    "title": "Grow",
                    "key_results": [{"id": "KR1", "title": "Revenue", "target": 10}],
                },
                {"id": "O2", "title": "Keep"},
            ],
            "benefits": [{"id": "B1", "title": "Uplift", "objective": "O1"}],
            "projects": [
                {
                    "id": "P",
                    "name": "P",
                    "objectives": {"O1": 0.5},
                    "tasks": [{"id": "A", "name": "A", "duration": "2d"}],
                }
            ],
            "risks": [{"id": "R1", "title": "Late", "probability": 0.3}],
            "stakeholders": [
                {"id": "ann", "name": "Ann (the sponsor)"},
                {"id": "sam", "name": "Sam"},
            ],
            **extra,
        }
    )


def change(op: str, target: str, field: str | None = None, value: Any = None) -> ChangeItem:
    return ChangeItem.model_validate({"op": op, "target": target, "field": field, "value": value})


def problems(base: Program, *changes: ChangeItem) -> list[str]:
    with pytest.raises(PlanInvalid) as caught:
        apply_changes(base, changes)
    return [str(p) for p in caught.value.problems]


def test_set_a_field_of_each_register_kind():
    variant = apply_changes(
        plan(),
        [
            change("set", "O1", "perspective", "financial"),
            change("set", "KR1", "target", 12),
            change("set", "sam", "influence", 4),
            change("set", "B1", "objective", "O2"),
        ],
    )
    assert variant.objectives[0].perspective == "financial"
    assert variant.objectives[0].key_results[0].target == 12
    assert variant.stakeholders[1].influence == 4
    assert variant.benefits[0].objective == "O2"


def test_set_on_an_objective_keeps_its_key_results():
    variant = apply_changes(plan(), [change("set", "O1", "title", "Grow fast")])
    assert variant.objectives[0].title == "Grow fast"
    assert [kr.id for kr in variant.objectives[0].key_results] == ["KR1"]


def test_key_results_are_changed_by_add_and_remove_not_set():
    (message,) = problems(plan(), change("set", "O1", "key_results", []))
    assert "use 'add' and 'remove' to change the key_results" in message


def test_add_an_objective_a_stakeholder_and_a_key_result():
    variant = apply_changes(
        plan(),
        [
            change("add", "SML", "objectives", {"id": "O3", "title": "Learn"}),
            change("add", "SML", "stakeholders", {"id": "kim", "name": "Kim", "interest": 5}),
            change("add", "O3", "key_results", {"id": "KR3", "title": "Courses", "target": 4}),
        ],
    )
    assert [o.id for o in variant.objectives] == ["O1", "O2", "O3"]
    assert variant.objectives[2].key_results[0].id == "KR3"
    assert variant.stakeholders[-1].interest == 5


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (change("add", "O1", "tasks", {"id": "KR9", "title": "x", "target": 1}), "'key_results'"),
        (change("add", "KR1", value={"id": "KR9", "title": "x", "target": 1}), "under their"),
        (change("add", "O1", value={"id": "KR1", "title": "dup", "target": 1}), "duplicate key"),
        (change("add", "O1", value={"id": "KR9", "title": "no target"}), "target"),
        (change("add", "SML", "stakeholders", {"id": "x", "name": "X", "interest": 9}), "5"),
    ],
)
def test_adds_that_cannot_apply(item, expected):
    (message,) = problems(plan(), item)
    assert expected in message


def test_remove_drops_each_kind_and_an_objective_with_its_key_results():
    base = plan()
    variant = apply_changes(
        base,
        [
            change("remove", "KR1"),
            change("remove", "R1"),
            change("remove", "sam"),
            change("remove", "O2"),
        ],
    )
    assert variant.objectives[0].key_results == [] and [o.id for o in variant.objectives] == ["O1"]
    assert variant.risks == [] and [s.id for s in variant.stakeholders] == ["ann"]
    assert len(base.objectives[0].key_results) == 1 and len(base.risks) == 1  # copy-on-write
    gone = apply_changes(base, [change("remove", "B1")])
    assert gone.benefits == [] and len(base.benefits) == 1


def test_removing_what_is_still_referred_to_is_named():
    found = problems(plan(), change("remove", "O1"))
    assert any(
        "objective of benefit B1" in f and f.startswith("changes[0]: remove O1") for f in found
    )
    assert any("objectives of project P" in f for f in found)


def test_an_id_two_kinds_share_reaches_the_older_kind_bare_and_the_other_qualified():
    base = plan()
    assert entity_named(base, "ann") == ("resource", "ann")
    assert entity_named(base, "stakeholder:ann") == ("stakeholder", "ann")
    assert target_for(base, "stakeholder", "ann") == "stakeholder:ann"
    assert target_for(base, "stakeholder", "sam") == "sam"
    assert target_for(base, "resource", "ann") == "ann"
    variant = apply_changes(base, [change("set", "stakeholder:ann", "influence", 5)])
    assert variant.stakeholders[0].influence == 5 and variant.resources[0].name == "Ann"
    renamed = apply_changes(base, [change("set", "ann", "name", "Ann B.")])
    assert renamed.resources[0].name == "Ann B." and renamed.stakeholders[0].name.startswith(
        "Ann ("
    )


def test_a_qualified_target_of_no_entity_is_unknown():
    (message,) = problems(plan(), change("set", "risk:R9", "title", "x"))
    assert "no task, project, resource, risk, benefit, objective, key result or stakeholder" in (
        message
    )
