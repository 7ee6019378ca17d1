"""What refuses a project's delete, and what a cascade lets through (no database needed)."""

from __future__ import annotations

import pytest

from progman.domain import Program
from progman.errors import StillReferenced
from progman.services.projects import check_deletable


def plan(**extra: object) -> Program:
    return Program.model_validate(
        {
            "program": "Small",
            "key": "SML",
            "start": "2027-03-01",
            "projects": [
                {"id": "P", "name": "P", "tasks": [{"id": "A", "name": "A", "sprint": "Q-S1"}]},
                {"id": "Q", "name": "Q", "tasks": [{"id": "Q1", "name": "Q1", "duration": "1d"}]},
                {"id": "R", "name": "R", "tasks": [{"id": "R1", "name": "R1", "duration": "1d"}]},
            ],
            "sprints": [
                {"id": "Q-S1", "project": "Q", "start": "2027-03-01", "finish": "2027-03-12"}
            ],
            **extra,
        }
    )


def test_another_projects_item_in_its_sprint_refuses_the_delete_unless_cascading():
    with pytest.raises(StillReferenced) as caught:
        check_deletable(plan(), "Q", cascade=False)
    (problem,) = caught.value.problems
    assert (problem.location.entity, problem.message) == ("A", "planned in sprint Q-S1 of Q")
    check_deletable(plan(), "Q", cascade=True)


def test_a_project_nothing_points_into_may_go():
    check_deletable(plan(), "R", cascade=False)


def test_a_change_request_naming_the_project_by_kind_refuses_even_a_cascade():
    requests = [{"id": "CR1", "title": "t", "changes": [{"target": "project:R", "field":
                 "priority", "value": 1}]}]  # fmt: skip
    with pytest.raises(StillReferenced) as caught:
        check_deletable(plan(change_requests=requests), "R", cascade=True)
    assert caught.value.message.startswith("project R is changed by change request CR1:")
