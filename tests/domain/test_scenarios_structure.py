"""apply_changes on calendars (a mapping, not a list of entities) and on whole projects."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from progman.domain import ChangeItem, Program
from progman.domain.scenarios import apply_changes, calendar_target
from progman.errors import PlanInvalid


def plan(**extra: Any) -> Program:
    return Program.model_validate(
        {
            "program": "Small",
            "key": "SML",
            "start": "2027-03-01",
            "calendar": "office",
            "calendars": {
                "office": {"holidays": [{"start": "2027-03-05", "name": "Founders' day"}]},
                "B": {"workdays": ["mon", "tue"]},  # the id of a task too
            },
            "projects": [
                {
                    "id": "P",
                    "name": "P",
                    "tasks": [
                        {"id": "A", "name": "A", "duration": "2d", "sprint": "Q-S1"},
                        {"id": "B", "name": "B", "duration": "4d", "depends": ["A"]},
                    ],
                },
                {
                    "id": "Q",
                    "name": "Q",
                    "tasks": [{"id": "Q1", "name": "Q1", "duration": "3d", "depends": ["B"]}],
                },
            ],
            "sprints": [
                {"id": "Q-S1", "project": "Q", "start": "2027-03-01", "finish": "2027-03-12"}
            ],
            "gates": [{"id": "G1", "name": "Go", "project": "Q"}, {"id": "G0", "name": "All"}],
            "risks": [
                {"id": "R1", "title": "Late", "probability": 0.3, "project": "Q", "affects": ["A"]},
                {"id": "R2", "title": "Vendor", "probability": 0.2, "affects": ["Q1", "B"]},
            ],
            "benefits": [{"id": "B1", "title": "Sales", "depends_on": ["Q1", "B"]}],
            **extra,
        }
    )


def change(op: str, target: str, field: str | None = None, value: Any = None) -> ChangeItem:
    return ChangeItem.model_validate({"op": op, "target": target, "field": field, "value": value})


# -- calendars ------------------------------------------------------------------------------

BACKWARDS = {"start": "2027-03-09", "finish": "2027-03-02"}


def test_a_calendar_field_is_set_by_the_calendars_name_and_the_base_is_untouched():
    base = plan()
    holidays = [*base.calendars["office"].model_dump(mode="json")["holidays"], "2027-03-08"]
    variant = apply_changes(base, [change("set", "office", "holidays", holidays)])
    assert [h.start for h in variant.calendars["office"].holidays] == [
        date(2027, 3, 5),
        date(2027, 3, 8),
    ]
    assert len(base.calendars["office"].holidays) == 1
    assert variant.projects is base.projects  # nothing else was copied
    assert list(variant.calendars) == ["office", "B"]  # the mapping keeps its order


def test_a_calendar_sharing_an_id_with_a_task_is_named_calendar_colon_name():
    base = plan()
    assert calendar_target(base, "B") == "calendar:B"
    assert calendar_target(base, "office") == "office"
    variant = apply_changes(base, [change("set", "calendar:B", "hours_per_day", 6)])
    assert variant.calendars["B"].hours_per_day == 6
    with pytest.raises(PlanInvalid, match="a task has no field 'hours_per_day'"):
        apply_changes(base, [change("set", "B", "hours_per_day", 6)])  # the bare id: the task


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (change("set", "office", "workdays", []), "at least one workday"),
        (change("set", "office", "hours_per_day", 30), "less than or equal to 24"),
        (change("set", "office", "holiday", []), "no field 'holiday'; did you mean 'holidays'"),
        (change("set", "office", "holidays", [BACKWARDS]), "before start"),
        (change("remove", "calendar:office"), "'remove' does not apply to calendar office"),
    ],
)
def test_a_calendar_change_that_cannot_apply_is_named(item, expected):
    with pytest.raises(PlanInvalid) as caught:
        apply_changes(plan(), [item])
    (problem,) = caught.value.problems
    assert expected in problem.message and problem.location.path == "changes[0]"


# -- removing a project ---------------------------------------------------------------------


def test_removing_a_project_cuts_what_points_into_it_and_drops_what_is_its_own():
    base = plan()
    variant = apply_changes(base, [change("remove", "Q")])
    assert [p.id for p in variant.projects] == ["P"]
    assert variant.sprints == [] and [g.id for g in variant.gates] == ["G0"]
    items = variant.task_index()
    assert items["A"].sprint is None  # its sprint was Q's
    risks = {r.id: r for r in variant.risks}
    assert risks["R1"].project is None and risks["R1"].affects == ["A"]  # now the program's
    assert risks["R2"].affects == ["B"] and variant.benefits[0].depends_on == ["B"]
    assert len(base.projects) == 2 and base.sprints  # the base is as it was


def test_removing_a_project_drops_the_links_of_other_projects_into_it():
    variant = apply_changes(plan(), [change("remove", "P")])
    (q1,) = variant.work_items()
    assert q1.depends == []
    assert {r.id: r.affects for r in variant.risks} == {"R1": [], "R2": ["Q1"]}


def test_a_change_request_naming_a_removed_project_is_a_problem_named():
    requests = [{"id": "CR1", "title": "More", "changes": [{"target": "Q1", "field": "name",
                 "value": "x"}]}]  # fmt: skip
    with pytest.raises(PlanInvalid, match="changes of change request CR1"):
        apply_changes(plan(change_requests=requests), [change("remove", "Q")])
