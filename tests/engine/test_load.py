"""Resource load: hand-computed small plans, and the sample's designed conflicts."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import numpy as np
import pytest

import progman
from progman.domain import Program
from progman.engine.load import analyse_load
from progman.samples import sample_plan_path

MONDAY = date(2027, 3, 1)


def plan(tasks_a: list[dict[str, Any]], tasks_b: list[dict[str, Any]], **extra: Any) -> Program:
    data: dict[str, Any] = {
        "key": "T",
        "name": "Test",
        "start": MONDAY.isoformat(),
        "resources": [
            {"id": "ana", "name": "Ana", "role": "Dev", "team": "Core", "skills": ["python"]},
            {"id": "bo", "name": "Bo", "role": "Dev", "team": "Core", "skills": ["python"]},
        ],
        "projects": [
            {"id": "A", "name": "A", "tasks": tasks_a},
            {"id": "B", "name": "B", "tasks": tasks_b},
        ],
        **extra,
    }
    return Program.model_validate(data)


def analyse(program: Program, *window: date) -> Any:
    return analyse_load(program, progman.schedule(program), *window)


def test_two_projects_overlap_on_one_person() -> None:
    program = plan(
        [{"id": "A.x", "name": "x", "duration": "5d", "resources": {"ana": 1.0}}],
        [{"id": "B.y", "name": "y", "duration": "3d", "resources": {"ana": 1.0}}],
    )
    result = analyse(program)
    ana = result.load[result.index("ana")]
    assert ana[:7].tolist() == [2.0, 2.0, 2.0, 1.0, 1.0, 0.0, 0.0]
    assert result.capacity[result.index("ana"), :7].tolist() == [1, 1, 1, 1, 1, 0, 0]
    (period,) = result.over_allocations
    assert (period.resource, period.start, period.finish, period.days) == (
        "ana",
        MONDAY,
        date(2027, 3, 3),
        3,
    )
    assert period.tasks == (("A.x", "A", 1.0), ("B.y", "B", 1.0))
    assert period.excess == pytest.approx(3.0)
    assert result.over_days().tolist() == [3, 0]


def test_half_time_assignment_and_weekly_aggregation() -> None:
    program = plan([{"id": "A.x", "name": "x", "duration": "7d", "resources": {"ana": 0.5}}], [])
    result = analyse(program)
    r = result.index("ana")
    assert result.load[r, :9].tolist() == [0.5] * 5 + [0, 0] + [0.5, 0.5]
    assert result.over_allocations == ()
    assert result.weeks[:2] == ("2027-W09", "2027-W10")
    assert result.week_load[r, :2].tolist() == [2.5, 1.0]
    assert result.week_capacity[r, :2].tolist() == [5.0, 5.0]
    assert result.week_utilisation()[r, 0] == pytest.approx(0.5)


def test_vacation_is_zero_capacity_and_over_allocated_when_work_lands_there() -> None:
    # an elapsed task is not stretched around the vacation: the work lands on it
    program = plan(
        [{"id": "A.x", "name": "x", "duration": "5ed", "resources": {"ana": 1.0}}],
        [],
        resources=[
            {"id": "ana", "name": "Ana", "vacations": [{"start": "2027-03-03"}]},
        ],
    )
    result = analyse(program)
    r = result.index("ana")
    assert result.capacity[r, 2] == 0.0
    assert result.load[r, 2] == pytest.approx(1.0)
    (period,) = result.over_allocations
    assert (period.start, period.finish, period.days) == (date(2027, 3, 3),) * 2 + (1,)
    assert period.tasks == (("A.x", "A", 1.0),)


def test_a_task_stretched_around_a_vacation_loads_no_vacation_day() -> None:
    program = plan(
        [{"id": "A.x", "name": "x", "duration": "3d", "resources": {"ana": 1.0}}],
        [],
        resources=[{"id": "ana", "name": "Ana", "vacations": [{"start": "2027-03-02"}]}],
    )
    result = analyse(program)
    assert result.load[0, :4].tolist() == [1.0, 0.0, 1.0, 1.0]
    assert result.over_allocations == ()


def test_availability_periods_change_capacity() -> None:
    program = plan(
        [{"id": "A.x", "name": "x", "duration": "5d", "resources": {"ana": 1.0}}],
        [],
        resources=[
            {
                "id": "ana",
                "name": "Ana",
                "availability": [{"start": "2027-03-04", "finish": "2027-03-05", "capacity": 0.5}],
            }
        ],
    )
    result = analyse(program)
    assert result.capacity[0, :5].tolist() == [1, 1, 1, 0.5, 0.5]
    (period,) = result.over_allocations
    assert (period.start, period.days) == (date(2027, 3, 4), 2)


def test_role_demand_without_a_person() -> None:
    program = plan(
        [{"id": "A.x", "name": "x", "duration": "5d", "resources": [{"role": "Dev", "units": 2}]}],
        [{"id": "B.y", "name": "y", "duration": "5d", "resources": {"bo": 1.0}}],
    )
    result = analyse(program)
    assert result.role_demand["Dev"][:5].tolist() == [2.0] * 5
    capacity, demand = result.groups["role:Dev"]
    assert capacity[0] == 10.0  # ana and bo, five days each
    assert demand[0] == 15.0  # bo's five days and ten to be staffed
    assert result.groups["team:Core"][1][0] == 5.0  # only staffed work is a team's
    assert result.groups["skill:python"][0][0] == 10.0


def test_skill_demand_without_a_person() -> None:
    program = plan(
        [{"id": "A.x", "name": "x", "duration": "5d",
          "resources": [{"skill": "Python", "units": 2}]}],
        [
            {"id": "B.y", "name": "y", "duration": "5d", "resources": {"bo": 1.0}},
            {"id": "B.z", "name": "z", "duration": "5d",
             "resources": [{"role": "Dev", "skill": "rust", "units": 1}]},
        ],
    )  # fmt: skip
    result = analyse(program)
    assert sorted(result.skill_demand) == ["python", "rust"]  # skills compared in lower case
    assert result.skill_demand["python"][:7].tolist() == [2.0] * 5 + [0.0] * 2
    assert result.skill_demand["rust"][:7].tolist() == [1.0] * 5 + [0.0] * 2
    assert list(result.role_demand) == ["Dev"]  # a role with a skill counts for both
    assert result.role_demand["Dev"][:5].tolist() == [1.0] * 5
    capacity, demand = result.groups["skill:python"]
    assert capacity[0] == 10.0  # ana and bo, five days each
    assert demand[0] == 15.0  # bo's five days and ten to be staffed
    capacity, demand = result.groups["role:Dev"]
    assert (capacity[0], demand[0]) == (10.0, 10.0)  # bo's five days and B.z's five
    capacity, demand = result.groups["skill:rust"]
    assert (capacity[0], demand[0]) == (0.0, 5.0)  # nobody has it
    assert result.groups["team:Core"][1][0] == 5.0  # only staffed work is a team's
    assert result.load.sum() == 5.0  # open assignments load nobody
    groups = result.to_json()["groups"]
    assert groups["skill:rust"] == {"2027-W09": {"capacity": 0.0, "demand": 5.0}}
    assert groups["skill:python"]["2027-W09"] == {"capacity": 10.0, "demand": 15.0}


def test_who_is_free() -> None:
    program = plan(
        [{"id": "A.x", "name": "x", "duration": "8d", "resources": {"ana": 1.0}}],
        [{"id": "B.y", "name": "y", "duration": "3d", "resources": {"bo": 0.5}}],
    )
    result = analyse(program, MONDAY, date(2027, 3, 31))
    found = result.free("Python", 5, MONDAY, date(2027, 3, 31))
    assert [(f.resource, f.start, f.finish) for f in found] == [
        ("ana", date(2027, 3, 11), date(2027, 3, 17)),  # after its 8 days, weekend skipped
        ("bo", date(2027, 3, 4), date(2027, 3, 10)),
    ]
    half = result.free("python", 5, MONDAY, date(2027, 3, 31), share=0.5)
    assert half[1].start == MONDAY
    assert result.free("python", 30, MONDAY, date(2027, 3, 31)) == []
    assert result.free("rust", 1, MONDAY, date(2027, 3, 31)) == []


def test_the_sample_over_allocates_its_designed_conflicts() -> None:
    program = progman.load_plan(sample_plan_path())
    result = analyse_load(program, progman.schedule(program))
    over = {o.resource for o in result.over_allocations}
    assert {"lena", "lukas", "david"} <= over
    david = next(o for o in result.over_allocations if o.resource == "david")
    assert len({project for _, project, _ in david.tasks}) >= 2  # across projects
    assert np.all(result.load >= 0)
    data = result.to_json()
    assert {r["id"] for r in data["resources"]} >= {"lena", "lukas", "david"}


def test_a_schedule_read_from_its_columns_loads_as_its_tasks_do() -> None:
    """A plain schedule's dates are read from its table's columns, a leveled one's from
    its tasks: the same schedule given either way must load every person the same."""
    program = progman.load_plan(sample_plan_path())
    planned = progman.schedule(program)
    as_tasks = dataclasses.replace(planned, tasks=tuple(planned.tasks))
    columns, objects = analyse_load(program, planned), analyse_load(program, as_tasks)
    assert columns.load.sum() > 0
    np.testing.assert_array_equal(columns.load, objects.load)
    assert columns.over_allocations == objects.over_allocations
    assert columns.role_demand.keys() == objects.role_demand.keys()
