"""The short forms of the plan format parse into the full domain objects and back."""

from datetime import date, datetime

import pytest
from pydantic import ValidationError

from progman.domain import ChangeItem, Constraint, Dependency, Duration, WorkItem


@pytest.mark.parametrize(
    ("text", "task", "kind", "lag"),
    [
        ("API.auth", "API.auth", "FS", "0d"),
        ("API.auth SS", "API.auth", "SS", "0d"),
        ("API.auth FF+2d", "API.auth", "FF", "2d"),
        ("API.auth SF-1d", "API.auth", "SF", "-1d"),
        ("API.auth SS+5d", "API.auth", "SS", "5d"),
        ("API.auth +3ed", "API.auth", "FS", "3ed"),
        ("API.auth ss + 4h", "API.auth", "SS", "4h"),
    ],
)
def test_dependency_text(text, task, kind, lag):
    dep = Dependency.model_validate(text)
    assert (dep.task, dep.type, dep.lag) == (task, kind, Duration.parse(lag))
    assert Dependency.model_validate(dep.model_dump()) == dep


def test_dependency_writes_type_with_lag():
    assert Dependency.model_validate("A FS+1d").model_dump() == "A FS+1d"
    assert Dependency.model_validate("A").model_dump() == "A"
    assert Dependency.model_validate("A SS").model_dump() == "A SS"


@pytest.mark.parametrize("text", ["API.auth XX", "API.auth SS+5", "", "A B C"])
def test_dependency_rejects_bad_text(text):
    with pytest.raises(ValidationError):
        Dependency.model_validate(text)


def test_assignments_short_and_long_forms_are_the_same():
    short = WorkItem.model_validate(
        {"id": "T", "name": "t", "resources": {"alice": 1.0, "bob": {"units": 0.5, "work": "20h"}}}
    )
    long = WorkItem.model_validate(
        {
            "id": "T",
            "name": "t",
            "resources": [
                {"resource": "alice", "units": 1.0},
                {"resource": "bob", "units": 0.5, "work": "20h"},
            ],
        }
    )
    assert short == long
    assert short.model_dump()["resources"] == {"alice": 1.0, "bob": {"units": 0.5, "work": "20h"}}


def test_role_placeholder_keeps_list_form():
    item = WorkItem.model_validate({"id": "T", "name": "t", "resources": [{"role": "qa"}]})
    assert item.model_dump()["resources"] == [{"role": "qa", "units": 1.0}]


def test_skill_placeholder_keeps_list_form():
    item = WorkItem.model_validate(
        {
            "id": "T",
            "name": "t",
            "resources": [
                {"resource": "alice", "units": 0.5},
                {"skill": "react", "units": 1.0},
                {"role": "Developer", "skill": "react"},
            ],
        }
    )
    assert [(a.resource, a.role, a.skill) for a in item.resources] == [
        ("alice", None, None),
        (None, None, "react"),
        (None, "Developer", "react"),
    ]
    dumped = item.model_dump()["resources"]
    assert dumped == [
        {"resource": "alice", "units": 0.5},
        {"skill": "react", "units": 1.0},
        {"role": "Developer", "skill": "react", "units": 1.0},
    ]
    assert WorkItem.model_validate({"id": "T", "name": "t", "resources": dumped}) == item


def test_a_skill_on_a_named_resource_keeps_list_form():
    item = WorkItem.model_validate(
        {"id": "T", "name": "t", "resources": [{"resource": "alice", "skill": "react"}]}
    )
    assert item.model_dump()["resources"] == [{"resource": "alice", "skill": "react", "units": 1.0}]


def test_an_assignment_needs_someone_or_something_to_staff():
    with pytest.raises(ValidationError) as caught:
        WorkItem.model_validate({"id": "T", "name": "t", "resources": [{"units": 1.0}]})
    assert "an assignment needs a resource, or a role or skill to be staffed" in str(caught.value)


def test_estimate_must_be_ordered():
    with pytest.raises(ValidationError, match="optimistic <= most likely <= pessimistic"):
        WorkItem.model_validate({"id": "T", "name": "t", "estimate": ["5d", "3d", "8d"]})
    with pytest.raises(ValidationError, match="three durations"):
        WorkItem.model_validate({"id": "T", "name": "t", "estimate": ["5d", "8d"]})


def test_constraint_forms():
    assert Constraint.model_validate("SNET 2027-03-01") == Constraint(
        type="snet", date=date(2027, 3, 1)
    )
    assert Constraint.model_validate({"type": "MFO", "date": "2027-03-01T17:00"}).date == datetime(
        2027, 3, 1, 17, 0
    )
    with pytest.raises(ValidationError, match="needs a date"):
        Constraint.model_validate("FNLT")
    with pytest.raises(ValidationError, match="takes no date"):
        Constraint.model_validate({"type": "asap", "date": "2027-01-01"})


def test_dates_out_of_range_are_refused():
    with pytest.raises(ValidationError, match="out of range"):
        WorkItem.model_validate({"id": "T", "name": "t", "deadline": "3027-01-01"})


def test_actual_finish_before_start_is_refused():
    with pytest.raises(ValidationError, match="before actual_start"):
        WorkItem.model_validate(
            {"id": "T", "name": "t", "actual_start": "2027-02-01", "actual_finish": "2027-01-01"}
        )


@pytest.mark.parametrize(
    ("start", "finish", "refused"),
    [
        ("2027-02-03", "2027-02-03T10:00", False),
        ("2027-02-03T10:00", "2027-02-03", False),  # a plain date is the whole day
        ("2027-02-03T10:00", "2027-02-02", True),
        ("2027-02-03", "2027-02-02T23:00", True),
        ("2027-02-03T10:00", "2027-02-03T09:00", True),
    ],
)
def test_actual_date_and_time_stamp_compare_without_a_crash(start, finish, refused):
    entry = {"id": "T", "name": "t", "actual_start": start, "actual_finish": finish}
    if refused:
        with pytest.raises(ValidationError, match="before actual_start"):
            WorkItem.model_validate(entry)
    else:
        WorkItem.model_validate(entry)


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_constraint_says_what_to_write(text):
    with pytest.raises(ValidationError, match="empty constraint; write"):
        Constraint.model_validate(text)


def test_unknown_field_is_an_error():
    with pytest.raises(ValidationError, match="nmae"):
        WorkItem.model_validate({"id": "T", "nmae": "t", "name": "t"})


def test_walk_visits_the_whole_tree_in_order():
    item = WorkItem.model_validate(
        {
            "id": "A",
            "name": "a",
            "tasks": [
                {"id": "A.1", "name": "1", "tasks": [{"id": "A.1.1", "name": "x"}]},
                {"id": "A.2", "name": "2"},
            ],
        }
    )
    assert [i.id for i in item.walk()] == ["A", "A.1", "A.1.1", "A.2"]
    assert item.is_summary and not item.tasks[1].is_summary


def test_change_items_hold_dates_structures_and_scope_changes():
    moved = ChangeItem.model_validate(
        {
            "target": "API.auth",
            "field": "constraint",
            "value": {"type": "snet", "date": date(2027, 9, 20)},
        }
    )
    assert moved.value == {"type": "snet", "date": "2027-09-20"}
    added = ChangeItem.model_validate(
        {"op": "add", "target": "API", "value": {"id": "API.sso", "name": "SSO", "duration": "5d"}}
    )
    assert added.op == "add"
    with pytest.raises(ValidationError, match="needs the field"):
        ChangeItem.model_validate({"target": "API.auth", "value": 3})
    with pytest.raises(ValidationError, match="needs the new item"):
        ChangeItem.model_validate({"op": "add", "target": "API", "value": "x"})


@pytest.mark.parametrize("text", ["A SS+0h", "A SS+0ed", "A SS"])
def test_zero_lag_is_one_value(text):
    dep = Dependency.model_validate(text)
    assert dep.model_dump() == "A SS"
    assert Dependency.model_validate(dep.model_dump()) == dep


def test_nan_and_infinity_are_refused():
    with pytest.raises(ValidationError):
        WorkItem.model_validate({"id": "T", "name": "t", "story_points": float("nan")})


def test_a_value_set_on_a_domain_object_is_validated_as_a_plan_files_would_be():
    import pydantic  # noqa: PLC0415

    from progman.domain import WorkItem  # noqa: PLC0415

    item = WorkItem(id="A", name="Build", duration="3d")
    with pytest.raises(pydantic.ValidationError):
        item.percent_complete = 500
    item.percent_complete = 40
    assert item.percent_complete == 40.0
    item.duration = "2w"  # parsed, as in a plan file
    assert str(item.duration) == "2w"
