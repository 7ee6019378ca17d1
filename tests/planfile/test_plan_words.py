"""A value of the wrong type is named in the plan's words: the field, its owner, how to
write it and what was written, never pydantic's 'Input should be a valid ...'."""

from __future__ import annotations

from pathlib import Path

import pytest

from progman.errors import PlanInvalid
from progman.planfile import load_plan

PLAN = """\
program: Words
key: W
start: 2027-03-01
calendars:
  std: {workdays: [mon, tue, wed, thu, fri], hours_per_day: 8}
resources:
  - {id: alice, name: Alice, capacity: 1.0}
projects:
  - id: P
    name: Project
    tasks:
      - {id: P.a, name: A, duration: 2d, resources: {alice: 1.0}}
risks:
  - {id: R1, title: Late, probability: 0.3, impact: {schedule: 5d}}
"""


def problem(tmp_path: Path, old: str, new: str) -> str:
    """The one problem of the plan with ``old`` written as ``new``, without its place."""
    assert old in PLAN
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN.replace(old, new), encoding="utf-8")
    with pytest.raises(PlanInvalid) as caught:
        load_plan(path)
    [found] = caught.value.problems
    return found.message


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "resources: {alice: 1.0}",
            "resources: [alice]",
            "resources (in 'P.a'): write {person: units}, e.g. {alice: 1.0}, or a list of "
            "{resource, units}, not 'alice'",
        ),
        (
            "resources: {alice: 1.0}",
            "resources: {alice: most}",
            "resources (in 'P.a'): the units of alice: write a number, e.g. 0.5 (1.0 is full "
            "time, 0.5 half), not 'most'",
        ),
        (
            "duration: 2d,",
            "duration: 2d, depends: P.b,",
            "depends (in 'P.a'): write a list of task ids, e.g. [API.auth, \"WEB.ui SS+2d\"], "
            "not 'P.b'",
        ),
        (
            "duration: 2d,",
            "duration: 2d, constraint: 5,",
            "constraint (in 'P.a'): write {type: snet, date: 2027-02-01} or 'SNET 2027-02-01', "
            "not 5",
        ),
        (
            "duration: 2d,",
            "duration: 2d, deadline: soon,",
            "deadline (in 'P.a'): write a date as YYYY-MM-DD, e.g. 2027-03-01, not 'soon'",
        ),
        (
            "duration: 2d,",
            "duration: 2d, milestone: maybe,",
            "milestone (in 'P.a'): write true or false, not 'maybe'",
        ),
        (
            "duration: 2d,",
            "duration: 2d, percent_complete: 150,",
            "percent_complete (in 'P.a'): must be at most 100 (a percentage, 0 to 100), not 150",
        ),
        (
            "capacity: 1.0",
            "capacity: full",
            "capacity (in 'alice'): write a number, e.g. 0.5 (FTE: 1.0 is full time), not 'full'",
        ),
        (
            "probability: 0.3",
            "probability: 30",
            "probability (in 'R1'): must be at most 1 (a share: 0.3 is 30 %), not 30",
        ),
        (
            "impact: {schedule: 5d}",
            "impact: 5d",
            "impact (in 'R1'): write {schedule: 15d, cost: 40000}, not '5d'",
        ),
        (
            "hours_per_day: 8",
            "hours_per_day: lots",
            "hours_per_day: write a number, e.g. 8 (hours of a working day), not 'lots'",
        ),
        (
            "workdays: [mon, tue, wed, thu, fri]",
            "workdays: monday",
            "workdays: write a list of days, e.g. [mon, tue, wed, thu, fri], not 'monday'",
        ),
        (
            "name: Project\n",
            "name: Project\n    priority: top\n",
            "priority (in 'P'): write a whole number, e.g. 800 (0 to 1000, higher first), "
            "not 'top'",
        ),
    ],
)
def test_a_wrong_value_says_how_to_write_it(tmp_path, old, new, message):
    assert problem(tmp_path, old, new) == message


def test_no_problem_keeps_pydantic_wording(tmp_path):
    text = PLAN.replace("start: 2027-03-01", "start: 2027-03-01\nstatus_date: soon")
    text = text.replace("capacity: 1.0}", "capacity: 1.0, skills: python, vacations: 2027-05-01}")
    text = text.replace("duration: 2d,", "duration: 2d, tags: web, checklist: done,")
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanInvalid) as caught:
        load_plan(path)
    messages = [p.message for p in caught.value.problems]
    assert len(messages) == 5
    assert not [m for m in messages if "Input should" in m or "valid" in m], messages
    assert "vacations (in 'alice'): write a list of days or ranges" in " ".join(messages)
