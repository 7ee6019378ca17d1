"""compare(): the current plan and a variant side by side, with baseline deltas."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from progman.domain import ChangeItem, Program
from progman.domain.scenarios import apply_changes
from progman.engine.compare import compare
from progman.engine.cost import planned_cost
from progman.errors import NotFound

# A (2d) -> B (4d) -> M; A -> C (1d) -> M. A-B-M is critical, C has 3 days of float.
# Mon 2027-03-01 start: A Mon-Tue, B Wed-Mon, M on Mon 2027-03-08 16:00.


def plan(**extra: Any) -> Program:
    return Program.model_validate(
        {
            "program": "Small",
            "key": "SML",
            "start": "2027-03-01",
            "resources": [{"id": "ann", "name": "Ann", "rate": 100, "cost_per_use": 10}],
            "projects": [
                {
                    "id": "P",
                    "name": "Build",
                    "tasks": [
                        {"id": "A", "name": "A", "duration": "2d", "resources": {"ann": 0.5}},
                        {"id": "B", "name": "B", "duration": "4d", "depends": ["A"]},
                        {
                            "id": "C",
                            "name": "C",
                            "duration": "1d",
                            "depends": ["A"],
                            "fixed_cost": 500,
                        },
                        {
                            "id": "M",
                            "name": "Done",
                            "milestone": True,
                            "depends": ["B", "C"],
                            "deadline": "2027-03-10",
                        },
                    ],
                },
                {
                    "id": "Q",
                    "name": "Other",
                    "tasks": [{"id": "Q1", "name": "Q1", "duration": "3d"}],
                },
            ],
            **extra,
        }
    )


def longer(task: str, duration: str) -> list[ChangeItem]:
    return [ChangeItem(op="set", target=task, field="duration", value=duration)]


def test_a_longer_critical_task_delays_the_finish_by_exactly_that():
    base = plan()
    result = compare(base, apply_changes(base, longer("B", "7d")))
    assert result.finish.delta_working_days == 3
    assert result.finish.delta_days == 3  # Mon 03-08 -> Thu 03-11
    milestone = result.milestones[0]
    assert (milestone.id, milestone.delta_working_days) == ("M", 3)
    assert (milestone.current_met, milestone.scenario_met) == (True, False)
    assert [(p.id, p.delta_working_days) for p in result.projects] == [("P", 3), ("Q", 0)]


def test_a_longer_task_with_float_does_not_move_the_finish():
    base = plan()
    result = compare(base, apply_changes(base, longer("C", "3d")))
    assert result.finish.delta_days == 0
    assert result.milestones[0].delta_days == 0
    assert result.critical_entering == ()


def test_a_task_longer_than_its_float_moves_the_finish_by_the_rest_and_becomes_critical():
    base = plan()
    result = compare(base, apply_changes(base, longer("C", "6d")))  # 3 days of float
    assert result.finish.delta_working_days == 2
    assert result.critical_entering == ("C",)
    assert result.critical_leaving == ("B",)


def test_working_days_skip_the_weekend():
    base = plan()
    result = compare(base, apply_changes(base, longer("B", "9d")))  # Mon 03-08 -> Mon 03-15
    assert (result.finish.delta_working_days, result.finish.delta_days) == (5, 7)


def test_added_and_removed_work_items_are_listed():
    base = plan()
    variant = apply_changes(
        base,
        [
            ChangeItem(op="remove", target="C"),
            ChangeItem(op="add", target="Q", value={"id": "Q2", "name": "Q2", "duration": "1d"}),
        ],
    )
    result = compare(base, variant)
    assert (result.added, result.removed) == (("Q2",), ("C",))


def baselined() -> Program:
    frozen = {"start": "2027-03-01", "duration": "1d"}
    return plan(
        baselines=[
            {
                "id": "BL1",
                "created": "2027-02-01",
                "tasks": {
                    "A": {**frozen, "finish": "2027-03-02", "cost": 800},
                    "M": {**frozen, "finish": "2027-03-05"},
                    "Q1": {**frozen, "finish": "2027-03-03"},
                },
            },
            {
                "id": "BL2",
                "created": "2027-02-15",
                "tasks": {
                    "M": {**frozen, "finish": "2027-03-08"},
                    "Q1": {**frozen, "finish": "2027-03-03"},
                },
            },
        ]
    )


def test_the_latest_baseline_is_the_default():
    base = baselined()
    result = compare(base, apply_changes(base, longer("B", "7d")))
    assert result.baseline_id == "BL2"
    assert result.finish.baseline == date(2027, 3, 8)
    assert result.finish.baseline_delta_days == 3


def test_deltas_against_a_chosen_baseline():
    base = baselined()
    result = compare(base, apply_changes(base, longer("B", "7d")), baseline_id="BL1")
    (milestone,) = result.milestones
    assert milestone.baseline == date(2027, 3, 5)
    assert milestone.baseline_delta_days == 6  # Fri 03-05 -> Thu 03-11
    assert [(p.id, p.baseline_delta_days) for p in result.projects] == [("P", 6), ("Q", 0)]
    assert result.cost.baseline == 800


def test_without_baselines_the_baseline_columns_are_empty():
    result = compare(plan(), plan())
    assert result.baseline_id is None
    assert result.finish.baseline is None
    assert result.finish.baseline_delta_days is None
    assert result.cost.baseline is None


def test_an_unknown_baseline_says_did_you_mean():
    with pytest.raises(NotFound, match="no baseline 'BL3'; did you mean 'BL2'"):
        compare(baselined(), baselined(), baseline_id="BL3")


def test_cost_is_fixed_costs_plus_rate_times_hours():
    # A: Ann half time for 2 days of 8 h = 8 h at 100, plus 10 per use; C: 500 fixed
    assert planned_cost(plan()) == 810 + 500
    base = plan()
    result = compare(base, apply_changes(base, longer("A", "4d")))
    assert (result.cost.current, result.cost.scenario, result.cost.delta) == (1310, 2110, 800)


def test_the_comparison_as_json():
    base = baselined()
    data = compare(base, apply_changes(base, longer("B", "7d"))).to_json()
    assert data["finish"]["current"] == "2027-03-08T16:00"
    assert data["finish"]["scenario"] == "2027-03-11T16:00"
    assert data["milestones"][0]["scenario_met"] is False
    assert data["critical_path"] == {"entering": [], "leaving": []}
