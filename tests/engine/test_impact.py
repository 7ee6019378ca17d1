"""Slip impact: what moves when a task, a project, a link or a person changes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import progman
from progman.domain import Duration
from progman.engine.impact import (
    ImpactInvalidChange,
    ImpactUnknownReference,
    LinkChange,
    ProjectSlip,
    ResourceLeaves,
    TaskSlip,
    impact,
)
from progman.planfile import validate_plan_data

# A (design → build/docs → done) feeds B (prep, integrate → live); BEN1 needs B.live.
# Mon 2027-03-01: A.design Mar 1–5, A.build Mar 8–19, A.docs Mar 8–9 (8 days of float),
# A.done Fri Mar 19 16:00 (deadline that day), B.integrate Mar 22–26, B.live Fri Mar 26 16:00.
PLAN = """\
program: Impact
key: IMP
start: 2027-03-01
objectives:
  - {id: O1, title: Grow revenue}
  - {id: O2, title: Modern platform}
  - {id: O3, title: Untouched}
benefits:
  - {id: BEN1, title: Partner revenue, objective: O1, due: 2027-04-09, depends_on: [B.live]}
  - {id: BEN2, title: Docs, objective: O3, depends_on: [C.x]}
resources:
  - {id: ann, name: Ann}
  - {id: bob, name: Bob}
projects:
  - id: A
    name: Platform
    objectives: {O2: 1.0}
    tasks:
      - {id: A.design, name: Design, duration: 5d, resources: {ann: 1.0}}
      - {id: A.build, name: Build, duration: 10d, depends: [A.design],
         resources: {ann: 0.5, bob: 0.5}}
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
          - {id: C.y, name: Part, duration: 1d, actual_start: 2027-03-01,
             actual_finish: 2027-03-01}
"""


@pytest.fixture
def program() -> progman.Program:
    return validate_plan_data(yaml.safe_load(PLAN))


def ids(entries: Any) -> list[str]:
    return [entry.id for entry in entries]


def test_a_critical_slip_moves_milestones_projects_benefits_objectives(program):
    result = impact(program, TaskSlip("A.build", 3))
    assert result.changes == ("A.build slips 3 days",)
    assert ids(result.milestones) == ["A.done", "B.live"]
    done, live = result.milestones
    assert done.delay_days == live.delay_days == 3.0
    assert done.after == datetime(2027, 3, 24, 16, 0)
    assert done.deadline == date(2027, 3, 19)
    assert done.deadline_missed and not done.was_missed
    assert ids(result.projects) == ["A", "B"]
    assert [p.delay_days for p in result.projects] == [3.0, 3.0]
    (benefit,) = result.benefits
    assert (benefit.id, benefit.delay_days, benefit.moved_by) == ("BEN1", 3.0, ("B.live",))
    assert not benefit.due_at_risk
    objectives = {o.id: o for o in result.objectives}
    assert set(objectives) == {"O1", "O2"}
    assert objectives["O1"].benefits == ("BEN1",)
    assert objectives["O1"].projects == {"B": 0.5}
    assert objectives["O2"].projects == {"A": 1.0}
    assert result.chains == (
        ("A.build", "A.done"),
        ("A.build", "A.done", "B.integrate", "B.live"),
    )
    assert result.finish_delay_days == 3.0
    assert "A.docs" not in ids(result.tasks)  # it does not move: only what moves is listed
    assert (
        result.summary()
        == "A.build slips 3 days: 2 milestones, 2 projects, 1 benefit, 2 objectives move"
    )


def test_a_slip_within_float_moves_nothing_downstream(program):
    result = impact(program, TaskSlip("A.docs", 8))  # exactly its total float
    assert ids(result.tasks) == ["A.docs"]
    assert result.milestones == result.projects == result.benefits == result.objectives == ()
    assert result.chains == ()
    assert result.summary().startswith("A.docs slips 8 days: no milestone")


def test_beyond_float_only_the_excess_moves(program):
    result = impact(program, TaskSlip("A.docs", Duration(2, "w")))
    assert result.changes == ("A.docs slips 10 days",)
    assert [m.delay_days for m in result.milestones] == [2.0, 2.0]
    assert result.chains[0] == ("A.docs", "A.done")


def test_severity_orders_by_delay_then_critical_milestones_first(program):
    result = impact(program, [TaskSlip("A.build", 1), TaskSlip("B.prep", 12)])
    delays = [t.delay_days for t in result.tasks]
    assert delays == sorted(delays, reverse=True)
    ones = [t for t in result.tasks if t.delay_days == result.tasks[0].delay_days]
    assert [t.milestone for t in ones] == sorted((t.milestone for t in ones), reverse=True)


def test_project_slip_starts_its_not_started_work_later(program):
    result = impact(program, ProjectSlip("B", 2))
    assert ids(result.projects) == ["B"]
    assert ids(result.milestones) == ["B.live"]
    assert result.milestones[0].delay_days == 2.0
    assert {t.project for t in result.tasks} == {"B"}
    assert result.changes == ("project B slips 2 days (3 tasks not started)",)


def test_link_lag_removal_and_addition(program):
    lagged = impact(program, LinkChange("A.done", "B.integrate", lag=2))
    assert [(m.id, m.delay_days) for m in lagged.milestones] == [("B.live", 2.0)]
    assert lagged.chains == (("A.done", "B.integrate", "B.live"),)
    removed = impact(program, LinkChange("A.done", "B.integrate", remove=True))
    (live,) = removed.milestones
    assert live.delay_days < 0  # the integration no longer waits for the platform
    added = impact(program, LinkChange("C.x", "B.prep", lag=Duration(13, "d")))
    assert added.changes == ("link C.x → B.prep added (FS+13d)",)
    assert [(m.id, m.delay_days) for m in added.milestones] == [("B.live", 2.0)]
    assert added.chains == (("C.x", "B.prep", "B.integrate", "B.live"),)


def test_resource_leaving_stretches_shared_tasks_and_unstaffs_solo_ones(program):
    # Bob leaves on Mon Mar 15: A.build has 5 days left, Ann (0.5) does Bob's half too
    shared = impact(program, ResourceLeaves("bob", date(2027, 3, 15)))
    assert shared.unstaffed == ()
    assert "A.build" in ids(shared.tasks)
    assert [(m.id, m.delay_days) for m in shared.milestones] == [("A.done", 5.0), ("B.live", 5.0)]
    # Ann leaves at the start: the design has nobody left; the build loses half its staff
    solo = impact(program, ResourceLeaves("ann", date(2027, 3, 1), replacement=4))
    assert solo.unstaffed == ("A.design",)
    assert "A.design: unstaffed, +4 days" in solo.notes
    # after a person's last task, nothing moves
    late = impact(program, ResourceLeaves("bob", date(2027, 6, 1)))
    assert late.tasks == ()


@pytest.mark.parametrize(
    ("change", "error", "text"),
    [
        (TaskSlip("A.bild", 1), ImpactUnknownReference, "did you mean 'A.build'"),
        (ProjectSlip("Q", 1), ImpactUnknownReference, "no project 'Q'"),
        (ResourceLeaves("bobb", date(2027, 3, 1)), ImpactUnknownReference, "did you mean 'bob'"),
        (LinkChange("A.docs", "B.prep", remove=True), ImpactUnknownReference, "no link"),
        (LinkChange("B.live", "A.design"), ImpactInvalidChange, "cycle"),
        (TaskSlip("C.group", 1), ImpactInvalidChange, "summary"),
        (TaskSlip("C.y", 1), ImpactInvalidChange, "done"),
        (TaskSlip("A.build", Duration(3, "d", elapsed=True)), ImpactInvalidChange, "working"),
    ],
)
def test_bad_changes_are_clear_errors(program, change, error, text):
    with pytest.raises(error, match=text):
        impact(program, change)


def test_json_has_the_contract_keys(program):
    data = impact(program, TaskSlip("A.build", 3)).to_json()
    assert {"changed", "milestones", "projects", "benefits", "objectives", "chains"} <= set(data)
    assert data["milestones"][0] == {
        "id": "A.done",
        "name": "Platform done",
        "project": "A",
        "before": "2027-03-19T16:00",
        "after": "2027-03-24T16:00",
        "delay_days": 3.0,
        "deadline": "2027-03-19",
        "deadline_missed": True,
        "was_missed": False,
    }
    assert data["chains"][1] == ["A.build", "A.done", "B.integrate", "B.live"]


def test_public_api(program):
    result = progman.impact(program, TaskSlip("A.build", 3))
    assert isinstance(result, progman.ImpactResult)


# -- property: a slip within float moves no milestone; beyond it, at most the excess -------


@st.composite
def plans(draw: st.DrawFn) -> dict[str, Any]:
    """Mon–Fri programs of 1–3 projects, forward FS links, a milestone ending each project."""
    projects = []
    earlier: list[str] = []
    for p in range(draw(st.integers(1, 3))):
        tasks = []
        for t in range(draw(st.integers(1, 6))):
            ident = f"P{p}.T{t}"
            preds = (
                draw(st.lists(st.sampled_from(earlier), max_size=2, unique=True)) if earlier else []
            )
            tasks.append(
                {
                    "id": ident,
                    "name": ident,
                    "duration": f"{draw(st.integers(0, 8))}d",
                    "depends": preds,
                }
            )
            earlier.append(ident)
        tasks.append(
            {"id": f"P{p}.end", "name": "end", "milestone": True, "depends": [tasks[-1]["id"]]}
        )
        earlier.append(f"P{p}.end")
        projects.append({"id": f"P{p}", "name": f"Project {p}", "tasks": tasks})
    return {"program": "Prop", "key": "PROP", "start": "2027-03-01", "projects": projects}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=plans(), pick=st.integers(0, 1000), slip=st.integers(0, 15))
def test_slip_within_float_moves_no_milestone_beyond_at_most_the_excess(data, pick, slip):
    """Within free float only the task moves; within total float the finish holds and what
    moves keeps float; beyond it, the program finish moves by at most the excess.

    (A slip within *total* float can still move a successor that shares that float, a
    milestone included: float belongs to a path, not to one task.)
    """
    program = validate_plan_data(data)
    schedule = progman.schedule(program)
    tasks = [t for t in schedule.tasks if not t.milestone]
    if not tasks:
        return
    task = tasks[pick % len(tasks)]
    result = impact(program, TaskSlip(task.id, slip))
    if slip <= task.free_float:
        assert ids(result.tasks) in ([], [task.id])
        assert result.milestones == ()  # (its own project may end later: it may be the last)
    if slip <= task.total_float:
        assert result.finish_after == result.finish_before
        assert all(t.total_float_after >= 0 for t in result.tasks)
        assert not any(m.deadline_missed for m in result.milestones)
    else:
        assert result.finish_delay_days <= slip - max(task.total_float, 0) + 1e-9


# BEN waits for X.early (done Mar 3) and X.late (done Mar 12); X.tail runs on Dee's
# Mon–Thu calendar. The program counts Mon–Fri.
TWO_CALENDARS = """\
program: Calendars
key: CAL
start: 2027-03-01
calendar: office
calendars:
  office: {workdays: [mon, tue, wed, thu, fri]}
  short: {workdays: [mon, tue, wed, thu]}
objectives:
  - {id: O1, title: Grow}
benefits:
  - {id: BEN, title: Both done, objective: O1, depends_on: [X.early, X.late]}
resources:
  - {id: dee, name: Dee, calendar: short}
projects:
  - id: X
    name: Two
    tasks:
      - {id: X.early, name: Early, duration: 3d}
      - {id: X.late, name: Late, duration: 10d}
      - {id: X.tail, name: Tail, duration: 4d, depends: [X.late], resources: {dee: 1.0}}
"""


def test_a_benefit_whose_latest_dependency_stays_put_is_not_listed():
    program = validate_plan_data(yaml.safe_load(TWO_CALENDARS))
    result = impact(program, TaskSlip("X.early", 2))  # still done before X.late
    assert ids(result.tasks) == ["X.early"]
    assert result.benefits == () and result.objectives == ()
    assert result.summary() == (
        "X.early slips 2 days: no milestone, project or benefit moves (1 task moved)"
    )


def test_every_delay_counts_working_days_of_the_programs_calendar():
    program = validate_plan_data(yaml.safe_load(TWO_CALENDARS))
    result = impact(program, TaskSlip("X.late", 5))  # a Mon–Fri week later
    assert result.calendar == "office" and result.to_json()["calendar"] == "office"
    tail = next(t for t in result.tasks if t.id == "X.tail")
    assert tail.after - tail.before == timedelta(days=7)  # Dee's week: 4 of her days
    assert tail.delay_days == 5.0  # but 5 of the program's
    assert [p.delay_days for p in result.projects] == [5.0]
    assert result.finish_delay_days == 5.0
    assert [(b.id, b.delay_days) for b in result.benefits] == [("BEN", 5.0)]
