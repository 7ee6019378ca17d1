"""Edit impact: what moved between the program before an edit and the program after it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import numpy as np
import pytest
import yaml

import progman
from progman.domain import Dependency, Duration, Program
from progman.domain.governance import ChangeItem
from progman.domain.scenarios import apply_changes
from progman.engine import edit_impact
from progman.engine.edit_impact import impact_of_edit
from progman.engine.impact import ImpactAnalysis, LinkChange, TaskSlip, impact
from progman.errors import PlanInvalid
from progman.planfile import load_plan, validate_plan_data
from progman.samples import sample_plan_path

# A (design → build/docs → done) feeds B (prep, integrate → live); BEN1 needs B.live.
# Mon 2027-03-01: A.design Mar 1–5, A.build Mar 8–19, A.docs Mar 8–9 (8 days of float),
# A.done Fri Mar 19 16:00 (deadline that day), B.integrate Mar 22–26, B.live Fri Mar 26 16:00.
PLAN = """\
program: Edits
key: EDT
start: 2027-03-01
objectives:
  - {id: O1, title: Grow revenue}
  - {id: O2, title: Modern platform}
benefits:
  - {id: BEN1, title: Partner revenue, objective: O1, due: 2027-04-09, depends_on: [B.live]}
projects:
  - id: A
    name: Platform
    objectives: {O2: 1.0}
    tasks:
      - {id: A.design, name: Design, duration: 5d}
      - {id: A.build, name: Build, duration: 10d, depends: [A.design]}
      - {id: A.docs, name: Docs, duration: 2d, depends: [A.design]}
      - {id: A.done, name: Platform done, milestone: true, depends: [A.build, A.docs],
         deadline: 2027-03-19}
  - id: B
    name: Partners
    objectives: {O1: 0.5}
    tasks:
      - {id: B.prep, name: Prepare, duration: 3d}
      - {id: B.integrate, name: Integrate, duration: 5d, depends: [B.prep, A.done]}
      - {id: B.live, name: Partners live, milestone: true, depends: [B.integrate]}
  - id: C
    name: Side
    tasks:
      - {id: C.x, name: Side work, duration: 1d}
      - id: C.group
        name: Group
        tasks:
          - {id: C.y, name: Part, duration: 1d}
"""


@pytest.fixture
def program() -> Program:
    return validate_plan_data(yaml.safe_load(PLAN))


def edited(program: Program, *changes: tuple[str, str, Any]) -> Program:
    """The program after ``set`` changes ``(target, field, value)``."""
    return apply_changes(
        program, [ChangeItem(op="set", target=t, field=f, value=v) for t, f, v in changes]
    )


def without_changes(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key != "changes"}


def ids(entries: Any) -> list[str]:
    return [entry.id for entry in entries]


def test_a_duration_edit_moves_what_the_same_slip_moves(program):
    result = impact_of_edit(program, edited(program, ("A.build", "duration", "13d")))
    slip = impact(program, TaskSlip("A.build", 3))
    assert result.changes == ("task A.build: duration changed",)
    assert without_changes(result.to_json()) == without_changes(slip.to_json())
    assert [(m.id, m.delay_days) for m in result.milestones] == [("A.done", 3.0), ("B.live", 3.0)]
    assert result.milestones[0].deadline_missed and not result.milestones[0].was_missed
    assert result.chains[0] == ("A.build", "A.done")
    assert (
        result.summary() == "task A.build: duration changed: "
        "2 milestones, 2 projects, 1 benefit, 2 objectives move"
    )


def test_a_shortened_task_moves_things_earlier_as_a_negative_slip_does(program):
    result = impact_of_edit(program, edited(program, ("A.build", "duration", "7d")))
    slip = impact(program, TaskSlip("A.build", -3))
    assert without_changes(result.to_json()) == without_changes(slip.to_json())
    assert [(m.id, m.delay_days) for m in result.milestones] == [("A.done", -3.0), ("B.live", -3.0)]
    assert [(p.id, p.delay_days) for p in result.projects] == [("A", -3.0), ("B", -3.0)]
    assert result.benefits[0].delay_days == -3.0
    assert result.finish_delay_days == -3.0
    assert result.chains == (
        ("A.build", "A.done"),
        ("A.build", "A.done", "B.integrate", "B.live"),
    )


def _slippable(item: Any) -> Duration | None:
    planned = item.duration or (item.estimate.most_likely if item.estimate else None)
    if item.tasks or item.milestone or item.work is not None or item.actual_start is not None:
        return None
    return planned if planned is not None and planned.unit == "d" and not planned.elapsed else None


def test_duration_edits_of_the_sample_match_task_slips():
    """Every not-started task of the sample, three days longer and two shorter: the edit
    moves exactly what the slip moves, by as much (the status date holds in both)."""
    program = load_plan(sample_plan_path())
    analysis = ImpactAnalysis(program)
    compared = moved = 0
    for item in program.work_items():
        planned = _slippable(item)
        if planned is None:
            continue
        for days in (3, -2):
            if planned.amount + days < 0:
                continue
            after = edited(program, (item.id, "duration", f"{planned.amount + days:g}d"))
            result = impact_of_edit(program, after).to_json()
            slip = analysis.impact(TaskSlip(item.id, days)).to_json()
            assert without_changes(result) == without_changes(slip), (item.id, days)
            assert result["changes"] == [f"{item.kind} {item.id}: duration changed"]
            compared += 1
            moved += bool(result["milestones"])
    assert compared >= 40 and moved >= 10  # the sample has such tasks, and some matter


def test_an_edit_that_moves_nothing_lists_nothing(program):
    within_float = impact_of_edit(program, edited(program, ("A.docs", "duration", "3d")))
    assert ids(within_float.tasks) == ["A.docs"]  # it moves, nothing after it does
    assert within_float.milestones == within_float.projects == within_float.benefits == ()
    assert within_float.objectives == within_float.chains == ()
    described = impact_of_edit(program, edited(program, ("A.docs", "description", "Manuals")))
    assert described.changes == ("task A.docs: description changed",)
    assert described.tasks == described.milestones == described.projects == ()
    assert described.finish_delay_days == 0.0
    same = impact_of_edit(program, program)
    assert same.changes == ("nothing changed",)
    assert same.tasks == same.chains == same.notes == ()


def test_a_renamed_task_is_changed_and_moves_nothing(program):
    result = impact_of_edit(program, edited(program, ("C.y", "name", "Part two")))
    assert result.changes == ("task C.y: name changed",)  # not its summary C.group
    assert result.tasks == result.milestones == result.projects == result.chains == ()
    assert result.summary() == (
        "task C.y: name changed: no milestone, project or benefit moves (0 tasks moved)"
    )


def test_a_new_link_pushes_its_successor(program):
    link = ChangeItem(
        op="add", target="B.prep", field="depends", value={"task": "C.x", "lag": "13d"}
    )
    result = impact_of_edit(program, apply_changes(program, [link]))
    slip = impact(program, LinkChange("C.x", "B.prep", lag=Duration(13, "d")))
    assert result.changes == ("task B.prep: depends changed",)
    assert without_changes(result.to_json()) == without_changes(slip.to_json())
    assert [(m.id, m.delay_days) for m in result.milestones] == [("B.live", 2.0)]
    assert result.chains == (("C.x", "B.prep", "B.integrate", "B.live"),)  # from the new link


def test_a_deleted_task(program):
    result = impact_of_edit(
        program, apply_changes(program, [ChangeItem(op="remove", target="A.build")])
    )
    # its successor lost the link: a change of its own; the task itself is only removed
    assert result.changes == ("milestone A.done: depends changed", "task A.build removed")
    assert result.notes == ("A.build removed, was scheduled 2027-03-08T08:00 to 2027-03-19T16:00",)
    assert "A.build" not in ids(result.tasks)
    # A.done now waits for the docs only (Tue Mar 9): eight working days earlier
    assert [(m.id, m.delay_days) for m in result.milestones] == [("A.done", -8.0), ("B.live", -8.0)]
    assert not result.milestones[0].deadline_missed
    assert [(p.id, p.delay_days) for p in result.projects] == [("A", -8.0), ("B", -8.0)]
    assert result.chains == (("A.done",), ("A.done", "B.integrate", "B.live"))


def test_an_added_task_that_holds_a_milestone(program):
    changes = [
        ChangeItem(
            op="add",
            target="A",
            value={"id": "A.test", "name": "Test", "duration": "4d", "depends": ["A.build"]},
        ),
        ChangeItem(op="add", target="A.done", field="depends", value={"task": "A.test"}),
    ]
    result = impact_of_edit(program, apply_changes(program, changes))
    assert result.changes == ("milestone A.done: depends changed", "task A.test added")
    assert result.notes == ("A.test added, scheduled 2027-03-22T08:00 to 2027-03-25T16:00",)
    assert "A.test" not in ids(result.tasks)  # added, not moved
    assert [(m.id, m.delay_days) for m in result.milestones] == [("A.done", 4.0), ("B.live", 4.0)]
    assert result.chains[0] == ("A.test", "A.done")


def test_a_project_and_program_edit_move_its_work_with_chains_from_its_start(program):
    later = impact_of_edit(program, edited(program, ("A", "start", "2027-03-03")))
    assert later.changes == ("project A: start changed",)
    assert [(m.id, m.delay_days) for m in later.milestones] == [("A.done", 2.0), ("B.live", 2.0)]
    assert later.chains[0] == ("A.design", "A.build", "A.done")
    # three months later: the two versions count time from different origins
    moved = impact_of_edit(program, edited(program, ("EDT", "start", "2027-06-01")))
    assert moved.changes == ("program EDT: start changed",)
    working_days = float(np.busday_count("2027-03-01", "2027-06-01"))  # Mon–Fri calendar
    assert {m.delay_days for m in moved.milestones} == {working_days}
    assert moved.milestones[0].after == datetime(2027, 6, 21, 16, 0)
    assert {p.delay_days for p in moved.projects} == {working_days}
    back = impact_of_edit(edited(program, ("EDT", "start", "2027-06-01")), program)
    assert {m.delay_days for m in back.milestones} == {-working_days}


def test_a_status_date_applies_to_both_versions(program):
    status = date(2027, 3, 10)  # nothing started: work waits for Thu Mar 11
    result = impact_of_edit(
        program, edited(program, ("A.build", "duration", "13d")), status_date=status
    )
    slip = ImpactAnalysis(program, status_date=status).impact(TaskSlip("A.build", 3))
    assert without_changes(result.to_json()) == without_changes(slip.to_json())
    assert result.milestones[0].before == datetime(2027, 3, 31, 16, 0)


def test_a_cycle_made_by_the_edit_raises_what_the_engine_raises(program):
    platform = program.projects[0]
    tasks = [
        task.model_copy(update={"depends": [Dependency(task="B.live")]})
        if task.id == "A.design"
        else task
        for task in platform.tasks
    ]
    cyclic = program.model_copy(
        update={"projects": [platform.model_copy(update={"tasks": tasks}), *program.projects[1:]]}
    )
    with pytest.raises(PlanInvalid) as engine:
        progman.schedule(cyclic)
    with pytest.raises(type(engine.value)) as ours:
        impact_of_edit(program, cyclic)
    assert [p.code for p in ours.value.problems] == [p.code for p in engine.value.problems]
    assert "plan.cycle" in [p.code for p in ours.value.problems]


def test_many_changes_are_counted_past_the_limit(program, monkeypatch):
    monkeypatch.setattr(edit_impact, "MAX_LISTED", 3)
    renamed = edited(
        program, *((ident, "name", "x") for ident in ("A.design", "A.build", "A.docs", "B.prep"))
    )
    result = impact_of_edit(program, renamed)
    assert result.changes == (
        "task A.design: name changed",
        "task A.build: name changed",
        "... and 2 more changes",
    )
