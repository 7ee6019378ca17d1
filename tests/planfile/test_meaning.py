"""Plans that parse but cannot be meant: refused once, at the field at fault (file:line:col),
saying what the field means; and valid plans that are probably wrong: warned, and located."""

from __future__ import annotations

from pathlib import Path

import pytest

from progman.errors import PlanInvalid
from progman.planfile import load_plan, load_plan_warned

PLAN = """\
program: Meaning
key: MEAN
start: 2027-03-01
status_date: 2027-03-10
resources:
  - {id: alice, name: Alice, capacity: 1.0}
  - {id: lab, name: Device lab, kind: material, capacity: 8}
projects:
  - id: P
    name: Product
    tasks:
      - id: P.sum
        name: Summary
        tasks:
          - id: P.a
            name: A
            duration: 3d
          - {id: P.b, name: B, duration: 2d, depends: [P.a]}
      - {id: P.c, name: C, duration: 2d, depends: [P.a, P.b], resources: {alice: 1.0}}
      - {id: P.m, name: Done, milestone: true, depends: [P.c]}
benefits:
  - {id: B1, title: Benefit, depends_on: [P.b]}
risks:
  - {id: R1, title: Risk, probability: 0.2, affects: [P.a]}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(PlanInvalid) as caught:
        load_plan(path)
    return [str(p) for p in caught.value.problems]


def place(text: str, line_text: str, field: str) -> str:
    """``line:column`` of ``field``'s value on the line holding ``line_text``."""
    lines = text.splitlines()
    number = next(k for k, line in enumerate(lines) if line_text in line)
    line = lines[number]
    return f"{number + 1}:{line.index(field) + len(field) + 3}"


def test_the_plan_is_valid_without_warnings(tmp_path):
    program, warnings = load_plan_warned(write(tmp_path, PLAN))
    assert program.key == "MEAN" and warnings == []


def test_a_negative_duration_is_reported_once_at_the_task_duration(tmp_path):
    text = PLAN.replace("duration: 3d", "duration: -3d")
    path = write(tmp_path, text)
    assert problems(path) == [
        f"{path}:{place(text, 'duration: -3d', 'duration')}: duration (in 'P.a'): -3d is "
        "negative; write a length of 0 or more"
    ]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("work", "-3d", "work (in 'P.c'): -3d is negative"),
        ("remaining", "-1d", "remaining (in 'P.c'): -1d is negative"),
        ("estimate", "[-1d, 2d, 3d]", "optimistic duration -1d is negative"),
    ],
)
def test_no_length_is_negative(tmp_path, field, value, expected):
    text = PLAN.replace(
        "{id: P.c, name: C, duration: 2d,", f"{{id: P.c, name: C, {field}: {value},"
    )
    [problem] = problems(write(tmp_path, text))
    assert f":{place(text, 'id: P.c', field)}: " in problem
    assert expected in problem


def test_a_person_with_a_capacity_of_hours_is_refused_where_it_says_so(tmp_path):
    text = PLAN.replace("capacity: 1.0}", "capacity: 8}")
    path = write(tmp_path, text)
    [problem] = problems(path)
    assert problem.startswith(f"{path}:{place(text, 'id: alice', 'capacity')}: capacity 8 ")
    assert "fraction of full time" in problem and "1.0 = full time" in problem
    assert "kind: material" in problem


def test_a_person_at_the_bound_and_a_material_above_it_are_accepted(tmp_path):
    load_plan(write(tmp_path, PLAN.replace("capacity: 1.0}", "capacity: 2.0}")))


def test_a_person_above_the_bound_for_a_while_is_refused_at_that_period(tmp_path):
    text = PLAN.replace(
        "capacity: 1.0}", "capacity: 1.0, availability: [{start: 2027-06-01, capacity: 5}]}"
    )
    [problem] = problems(write(tmp_path, text))
    assert f":{text.splitlines()[5].rindex('capacity: 5') + 11}: " in problem
    assert "capacity 5 of alice from 2027-06-01 is too high" in problem


def test_a_milestone_with_a_duration_is_refused_at_its_duration(tmp_path):
    text = PLAN.replace("milestone: true,", "milestone: true, duration: 3d,")
    path = write(tmp_path, text)
    assert problems(path) == [
        f"{path}:{place(text, 'id: P.m', 'duration')}: duration (in 'P.m'): a milestone is one "
        "moment and has no duration: remove 'duration: 3d', or write 'milestone: false' to "
        "make it a task"
    ]


@pytest.mark.parametrize("field", ["work: 2d", "estimate: [1d, 2d, 3d]"])
def test_a_milestone_has_no_work_or_estimate_either(tmp_path, field):
    [problem] = problems(
        write(tmp_path, PLAN.replace("milestone: true,", f"milestone: true, {field},"))
    )
    assert "a milestone is one moment" in problem and "(in 'P.m')" in problem


def test_a_milestone_of_zero_length_is_accepted(tmp_path):
    load_plan(write(tmp_path, PLAN.replace("milestone: true,", "milestone: true, duration: 0d,")))


@pytest.mark.parametrize(
    ("start", "finish"),
    [
        ("2027-03-02", "2027-03-04"),
        ("2027-03-04T09:00", "2027-03-04T15:00"),
        ("2027-03-03T09:00", "2027-03-04"),
        ("2027-03-03", "2027-03-04T10:00"),
    ],
)
def test_a_milestone_reached_is_one_moment(tmp_path, start, finish):
    text = PLAN.replace(
        "milestone: true,", f"milestone: true, actual_start: {start}, actual_finish: {finish},"
    )
    path = write(tmp_path, text)
    [problem] = problems(path)
    assert problem.startswith(f"{path}:{place(text, 'id: P.m', 'actual_finish')}: ")
    assert f"a milestone is one moment, but its actual_start {start} is before its " in problem
    assert "give only actual_finish" in problem


@pytest.mark.parametrize(
    ("start", "finish"),
    [
        ("2027-03-04", "2027-03-04"),
        ("2027-03-04T09:00", "2027-03-04"),
        ("2027-03-04", "2027-03-04T09:00"),
    ],
)
def test_a_milestone_reached_on_one_day_is_accepted(tmp_path, start, finish):
    text = PLAN.replace(
        "milestone: true,", f"milestone: true, actual_start: {start}, actual_finish: {finish},"
    )
    load_plan(write(tmp_path, text))


@pytest.mark.parametrize(
    ("start", "finish", "refused"),
    [
        ("2027-03-01T09:00", "2027-03-05", False),
        ("2027-03-01", "2027-03-05T15:00", False),
        ("2027-03-05T09:00", "2027-03-05", False),
        ("2027-03-05", "2027-03-05T09:00", False),
        ("2027-03-05T09:00", "2027-03-04", True),
        ("2027-03-05", "2027-03-04T23:00", True),
    ],
)
def test_a_time_stamp_and_a_date_of_progress_compare_in_both_orders(
    tmp_path, start, finish, refused
):
    text = PLAN.replace("duration: 3d", f"duration: 3d\n            actual_start: {start}")
    text = text.replace(
        f"actual_start: {start}", f"actual_start: {start}\n            actual_finish: {finish}"
    )
    path = write(tmp_path, text)
    if refused:
        [problem] = problems(path)
        assert f"actual_finish {finish} is before actual_start {start}" in problem
        where = place(text, "actual_finish:", "actual_finish")
        assert problem.startswith(f"{path}:{where}: actual_finish (in 'P.a')")
    else:
        load_plan(path)


@pytest.mark.parametrize("stamp", ["2027-03-01T09:00+01:00", "2027-03-01T09:00:00Z"])
def test_a_time_stamp_with_a_time_zone_is_refused(tmp_path, stamp):
    text = PLAN.replace("duration: 3d", f"duration: 3d\n            actual_start: {stamp}")
    [problem] = problems(write(tmp_path, text))
    where = place(text, "actual_start:", "actual_start")
    assert f":{where}: actual_start (in 'P.a'): time stamp 2027-03-01T09:00" in problem
    assert "has a time zone" in problem and "write 2027-03-01T09:00" in problem


def test_a_project_deadline_is_accepted_and_kept(tmp_path):
    program = load_plan(
        write(
            tmp_path, PLAN.replace("name: Product\n", "name: Product\n    deadline: 2027-04-30\n")
        )
    )
    assert str(program.projects[0].deadline) == "2027-04-30"


def test_an_entry_wrong_as_a_whole_hides_nothing_and_adds_nothing(tmp_path):
    """A task written as text, a task without an id: each is reported once; the tasks that
    refer to their neighbours are not reported as unknown, and a later problem of the same
    list (an unknown calendar) is still found."""
    text = PLAN.replace(
        "      - {id: P.c,",
        "      - just a text\n      - {name: No id, duration: 1d}\n      - {id: P.c,",
    ).replace("resources: {alice: 1.0}}", "resources: {alice: 1.0}, calendar: nightly}")
    found = problems(write(tmp_path, text))
    assert len(found) == 3, found
    assert (
        "expected a mapping of fields such as {id: ..., name: ...} (in 'P'), got 'just a text'"
        in found[0]
    )
    assert "missing required field 'id'" in found[1]
    assert "unknown calendar 'nightly' in calendar of P.c" in found[2]


# -- warnings -----------------------------------------------------------------------------


def test_an_assignment_above_capacity_is_a_warning_at_the_assignment(tmp_path):
    text = PLAN.replace("resources: {alice: 1.0}", "resources: {alice: 1.5, lab: 9}")
    path = write(tmp_path, text)
    _, warnings = load_plan_warned(path)
    line = next(k for k, row in enumerate(text.splitlines(), 1) if "alice: 1.5" in row)
    row = text.splitlines()[line - 1]
    assert [str(w) for w in warnings] == [
        f"{path}:{line}:{row.index('1.5') + 1}: P.c assigns alice at 1.5, "
        "but the capacity of alice is 1 (1.0 = full time): alice is over-allocated all "
        "through P.c; lower the units, or raise the capacity of alice",
        f"{path}:{line}:{row.index('9}') + 1}: P.c assigns lab at 9, but the "
        "capacity of lab is 8 (units): lab is over-allocated all through P.c; lower the "
        "units, or raise the capacity of lab",
    ]
    assert {w.code for w in warnings} == {"plan.over_capacity"}


def test_dates_before_the_start_are_warnings_that_name_task_date_and_start(tmp_path):
    text = PLAN.replace(
        "duration: 3d", "duration: 3d\n            constraint: SNET 2027-02-01"
    ).replace("depends: [P.c]}", "depends: [P.c], actual_finish: 2027-02-26}")
    path = write(tmp_path, text)
    _, warnings = load_plan_warned(path)
    assert [str(w) for w in warnings] == [
        f"{path}:{place(text, 'constraint:', 'constraint')}: P.a: constraint SNET 2027-02-01 "
        "is before the program starts (2027-03-01); the task's own date wins: P.a starts on it "
        "if nothing else holds it: correct the date, or the start of the program",
        f"{path}:{place(text, 'id: P.m', 'actual_finish')}: P.m: actual_finish 2027-02-26 is "
        "before the program starts (2027-03-01); progress is history, so it is kept: correct "
        "the date, or the start of the program",
    ]
