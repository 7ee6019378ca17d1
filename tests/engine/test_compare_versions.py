"""One what-if model: both versions leveled when the plan has people on work, a move and
changes in one question, milestones and deadlines compared, and a chain for what is later.

Dates are hand-checked on small plans starting Monday 2027-03-01 (Mon-Fri, 8 hours).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest

from progman.domain import ChangeItem, Program, Project
from progman.domain.scenarios import apply_changes
from progman.engine.compare import ScenarioComparison, compare
from progman.engine.compare_versions import (
    MoveNeedsLeveling,
    carried_order,
    has_assigned_work,
)
from progman.engine.leveling import level
from progman.engine.moves import Move, move_people
from progman.engine.scheduled import scheduled

LEND_BOB = Move("bob", "WEB", "MOB", date(2027, 3, 1), date(2027, 3, 12))


def program(projects: list[dict[str, Any]], people: tuple[str, ...] = ("bob", "eve")) -> Program:
    return Program.model_validate(
        {
            "program": "What if",
            "key": "WI",
            "start": "2027-03-01",
            "resources": [{"id": p, "name": p.title(), "role": "Developer"} for p in people],
            "projects": projects,
        }
    )


def three_projects() -> Program:
    """WEB: Bob 5 days. MOB: 20 days of Eve's work (effort-driven). OPS: 3 days, nobody,
    then a milestone due Thursday."""
    return program(
        [
            {
                "id": "WEB",
                "name": "Web",
                "tasks": [{"id": "w1", "name": "w1", "duration": "5d", "resources": {"bob": 1}}],
            },
            {
                "id": "MOB",
                "name": "Mobile",
                "tasks": [{"id": "m1", "name": "m1", "work": "20d", "resources": {"eve": 1}}],
            },
            {
                "id": "OPS",
                "name": "Ops",
                "tasks": [
                    {"id": "o1", "name": "o1", "duration": "3d", "deadline": "2027-03-05"},
                    {
                        "id": "o_done",
                        "name": "Ops done",
                        "milestone": True,
                        "depends": ["o1"],
                        "deadline": "2027-03-04",
                    },
                ],
            },
        ]
    )


def changed(base: Program, **fields: str) -> Program:
    """``base`` with ``task.field=value`` set (``o1__duration="5d"``)."""
    changes = []
    for key, value in fields.items():
        target, field = key.split("__")
        changes.append(ChangeItem(op="set", target=target, field=field, value=value))
    return apply_changes(base, changes)


def finishes(result: ScenarioComparison) -> dict[str, tuple[date | None, date | None]]:
    def day(moment: Any) -> date | None:
        return None if moment is None else moment.date()

    return {row.id: (day(row.current), day(row.scenario)) for row in result.dates}


# -- one model ------------------------------------------------------------------------------


def test_the_plan_with_people_on_work_is_compared_leveled() -> None:
    base = three_projects()
    assert has_assigned_work(base)
    assert compare(base, base).leveled
    unstaffed = program([{"id": "P", "name": "P", "tasks": [{"id": "a", "name": "a"}]}])
    assert not has_assigned_work(unstaffed) and not compare(unstaffed, unstaffed).leveled
    assert not compare(base, base, leveled=False).leveled


def test_the_current_dates_are_the_same_whatever_the_question() -> None:
    """The regression: --set compared CPM dates and --move leveled ones."""
    base = three_projects()
    questions = [
        compare(base, base),
        compare(base, changed(base, o1__duration="5d")),
        compare(base, base, move=LEND_BOB),
        compare(base, changed(base, o1__duration="5d", w1__duration="2d"), move=LEND_BOB),
        compare(base, changed(base, MOB__priority="900")),
    ]
    currents = [{k: v[0] for k, v in finishes(q).items()} for q in questions]
    assert all(current == currents[0] for current in currents)
    assert currents[0]["MOB"] == date(2027, 3, 26)  # 20 days of Eve's work


def test_a_move_and_a_change_are_answered_together() -> None:
    base = three_projects()
    result = compare(base, changed(base, o1__duration="5d"), move=LEND_BOB)
    days = {row.id: row.delta_working_days for row in result.dates}
    assert days["WEB"] == 10  # w1 waits until Bob is back
    assert days["MOB"] == -10  # 20 days of work by two people
    assert days["OPS"] == 2  # the longer o1
    assert finishes(result)["WEB"] == (date(2027, 3, 5), date(2027, 3, 19))
    assert result.staffed == ("m1",) and result.feasible is True
    body = result.to_json()
    assert body["move"] == {
        "resource": "bob",
        "from": "WEB",
        "to": "MOB",
        "between": ["2027-03-01", "2027-03-12"],
    }
    assert body["leveled"] is True and body["staffed"] == ["m1"]


def test_a_move_alone_answers_as_moving_people_does() -> None:
    base = three_projects()
    moved = move_people(base, LEND_BOB)
    result = compare(base, base, move=LEND_BOB)
    for row in result.projects:
        project = moved.project(row.id)
        assert (row.current, row.scenario) == (project.before, project.after)


def test_a_move_needs_leveling() -> None:
    base = three_projects()
    with pytest.raises(MoveNeedsLeveling):
        compare(base, base, move=LEND_BOB, leveled=False)


def test_milestones_and_deadlines_are_compared() -> None:
    base = three_projects()
    result = compare(base, changed(base, o1__duration="5d"))
    (milestone,) = result.milestones
    assert (milestone.id, milestone.deadline) == ("o_done", date(2027, 3, 4))
    assert (milestone.current_met, milestone.scenario_met) == (True, False)
    (task,) = result.deadlines  # a task (not a milestone) with a deadline
    assert (task.id, task.kind, task.current_met, task.scenario_met) == ("o1", "task", True, True)
    body = result.to_json()
    assert body["milestones"][0]["scenario_met"] is False
    assert body["deadlines"][0]["deadline"] == "2027-03-05"


@pytest.mark.skipif("deadline" not in Project.model_fields, reason="projects have no deadline")
def test_a_project_deadline_is_compared_with_the_project_finish() -> None:
    base = three_projects().model_copy(deep=True)
    base.projects[2].deadline = date(2027, 3, 4)  # type: ignore[attr-defined]
    ops = compare(base, changed(base, o1__duration="5d")).projects[2]
    assert (ops.id, ops.deadline, ops.current_met, ops.scenario_met) == (
        "OPS",
        date(2027, 3, 4),
        True,
        False,
    )


# -- chains ---------------------------------------------------------------------------------


def test_what_finishes_later_has_the_chain_that_carries_the_delay() -> None:
    base = three_projects()
    result = compare(base, changed(base, o1__duration="5d"), move=LEND_BOB)
    ops = result.projects[2]
    assert ops.chain is not None and ops.chain.tasks == ("o1", "o_done")
    web = result.projects[0]
    assert web.chain is not None and web.chain.tasks == ("w1",)
    assert web.chain.start == "bob lent to MOB 2027-03-01 – 2027-03-12"
    assert result.projects[1].chain is None  # MOB finishes earlier
    assert result.to_json()["projects"][2]["chain"] == ["o1", "o_done"]


def test_a_chain_goes_through_the_person_a_task_waits_for() -> None:
    """Ann does a (P1, higher priority) then b (P2): a longer a holds b up."""
    base = program(
        [
            {
                "id": "P1",
                "name": "P1",
                "priority": 700,
                "tasks": [{"id": "a", "name": "a", "duration": "5d", "resources": {"ann": 1}}],
            },
            {
                "id": "P2",
                "name": "P2",
                "tasks": [
                    {"id": "b", "name": "b", "duration": "5d", "resources": {"ann": 1}},
                    {"id": "b_done", "name": "b done", "milestone": True, "depends": ["b"]},
                ],
            },
        ],
        people=("ann",),
    )
    result = compare(base, changed(base, a__duration="8d"))
    p2 = result.projects[1]
    assert finishes(result)["P2"] == (date(2027, 3, 12), date(2027, 3, 17))
    assert p2.chain is not None
    assert (p2.chain.tasks, p2.chain.people) == (("a", "b", "b_done"), ("ann", None))
    assert p2.chain.text() == "a →(ann) b → b_done"


def test_a_chain_starts_at_the_predecessor_of_an_added_link() -> None:
    base = program(
        [
            {
                "id": "P",
                "name": "P",
                "tasks": [
                    {"id": "c", "name": "c", "duration": "3d"},
                    {"id": "d", "name": "d", "duration": "2d"},
                    {"id": "x", "name": "x", "milestone": True, "depends": ["c", "d"]},
                    {"id": "y", "name": "y", "duration": "1d", "depends": ["d"]},
                ],
            }
        ]
    )
    link = ChangeItem(op="add", target="d", field="depends", value={"task": "c"})
    result = compare(base, apply_changes(base, [link]))
    assert not result.leveled  # nobody is assigned: CPM dates
    assert result.projects[0].chain is not None
    assert result.projects[0].chain.tasks == ("c", "d", "y")


# -- the activity list carried over ---------------------------------------------------------


def test_the_list_of_an_unchanged_network_is_kept() -> None:
    base = three_projects()
    leveled = level(base)
    built = scheduled(base).built
    kept = carried_order(built, leveled.order, base, built)
    assert np.array_equal(kept, leveled.order)


def test_an_added_task_comes_right_after_its_predecessor() -> None:
    base = three_projects()
    leveled = level(base)
    added = ChangeItem(
        op="add",
        target="OPS",
        value={"id": "o2", "name": "o2", "duration": "1d", "depends": ["o1"]},
    )
    variant = apply_changes(base, [added])
    before, after = scheduled(base).built, scheduled(variant).built
    order = carried_order(before, leveled.order, variant, after).tolist()
    assert sorted(order) == list(range(after.network.size))
    o1, o2 = after.index["o1"], after.index["o2"]
    assert order.index(o2) == order.index(o1) + 1
