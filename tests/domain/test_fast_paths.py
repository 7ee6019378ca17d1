"""The fast paths of bulk loading build and check exactly what the straightforward ways do.

Plain links skip the per-link model validation, parsed durations are shared, and the
whole-program check reads each work item once; each is compared here with the plain
definition it replaces, on generated input (right and broken alike).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError

from progman.domain import Dependency, Duration, Program, WorkItem
from progman.domain import work as work_module
from progman.domain.validation import Finding, check_program, did_you_mean, format_path
from progman.domain.work import _simple_work_item, plain_dependencies

_LINKS = TypeAdapter(list[Dependency])  # validates each link as a model, no fast path


def _state(value: Any) -> Any:
    """Everything that makes up a domain object, down to which fields were given."""
    if isinstance(value, BaseModel):
        return (
            type(value),
            value.model_fields_set,
            value.__pydantic_extra__,
            value.__pydantic_private__,
            {name: _state(field) for name, field in value.__dict__.items()},
        )
    if isinstance(value, list):
        return [_state(item) for item in value]
    return value


# -- links --------------------------------------------------------------------------------

_link_text = st.lists(
    st.sampled_from([*"aZ09_.-/:+ \tdhwmoe", "SS", "FF", "SF", "ss", "é", "\n"]), max_size=10
).map("".join)


@given(st.lists(_link_text, max_size=4))
@settings(max_examples=300)
def test_plain_links_are_built_as_validation_builds_them(texts):
    fast = plain_dependencies(texts)
    try:
        slow = _LINKS.validate_python(texts)
    except ValidationError:
        assert fast is None  # a bad link always takes the validated path, with its errors
        return
    if fast is not None:
        assert _state(fast) == _state(slow)


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("API.auth", True),
        ("API-auth", True),
        ("a-1x", True),
        ("x-2", True),
        ("P1.T-3d", False),  # '-3d' is read as a lag
        ("A-1.5ed", False),
        ("A SS", False),
        ("A+2d", False),
        (" A", False),
        ("A\n", False),
        ("-A", False),
        ("é", False),
        ("x" * 120, True),
        ("x" * 121, False),
    ],
)
def test_which_links_are_plain(text, plain):
    assert (plain_dependencies([text]) is not None) == plain


def test_a_plain_link_is_its_own_object():
    first, second = WorkItem.model_validate({"id": "T", "name": "t", "depends": ["A", "A"]}).depends
    second.task = "B"
    assert (first.task, first.model_fields_set) == ("A", {"task"})
    assert second.model_fields_set == {"task"}


@given(st.lists(_link_text, max_size=3))
@settings(max_examples=300)
def test_work_item_links_and_their_errors_do_not_depend_on_the_path(texts):
    data = {"id": "T", "name": "t", "depends": texts}
    try:
        expected: Any = _state(_LINKS.validate_python(texts))
    except ValidationError as error:
        expected = [(e["type"], ("depends", *e["loc"]), e["msg"]) for e in error.errors()]
    try:
        got: Any = _state(WorkItem.model_validate(data).depends)
    except ValidationError as error:
        got = [(e["type"], e["loc"], e["msg"]) for e in error.errors()]
    assert got == expected


# -- plain work items ---------------------------------------------------------------------

_WORK_ITEMS = TypeAdapter(list[WorkItem])  # the validated path for a list of work items
_ITEM_VALUES: dict[str, list[Any]] = {
    "id": ["A", "a.b-c", " A", "A B", "", "x" * 121, 5, "-A"],
    "name": ["n", "Task 1", " n", "n ", "é", "", 3, None, "tab\t"],
    "duration": ["3d", "-1d", "0d", "3x", 3, 2.5, True, "1.5h", " 2d", None],
    "depends": [[], ["A"], ["A", "B-1x"], ["A SS"], ["A-2d"], "A", [1], [{"task": "A"}]],
    "milestone": [True, False, 1, "yes"],
    "tags": [["x"]],
    "resources": [{"alice": 1.0}],
    "actual_start": ["2027-01-04"],
    "bogus": [1],
}
_item_entries = st.fixed_dictionaries(
    {key: st.sampled_from(_ITEM_VALUES[key][:1] * 6 + _ITEM_VALUES[key]) for key in ("id", "name")},
    optional={k: st.sampled_from(v) for k, v in _ITEM_VALUES.items() if k not in ("id", "name")},
).filter(lambda entry: len(entry) <= 6)


@given(_item_entries)
@settings(max_examples=400)
def test_a_plain_work_item_is_built_as_validation_builds_it(entry):
    fast = _simple_work_item(entry)
    try:
        slow = WorkItem.model_validate(entry)
    except ValidationError:
        assert fast is None
        return
    if fast is not None:
        assert _state(fast) == _state(slow)


@given(st.lists(_item_entries, max_size=4))
@settings(max_examples=300)
def test_task_lists_and_their_errors_do_not_depend_on_the_path(entries):
    plan = {
        "program": "P",
        "key": "P",
        "start": "2027-01-04",
        "projects": [{"id": "A", "name": "a", "tasks": entries}],
    }
    try:
        expected: Any = _state(_WORK_ITEMS.validate_python(entries))
    except ValidationError as error:
        expected = [(e["type"], e["loc"], e["msg"]) for e in error.errors()]
    try:
        got: Any = _state(Program.model_validate(plan).projects[0].tasks)
    except ValidationError as error:
        got = [(e["type"], e["loc"][3:], e["msg"]) for e in error.errors()]
    assert got == expected


def test_subtasks_take_the_plain_path_too():
    summary = {"id": "S", "name": "s", "tasks": [{"id": "S.1", "name": "one", "duration": "2d"}]}
    [item] = _WORK_ITEMS.validate_python([summary])
    assert _state(item) == _state(WorkItem.model_validate(summary))
    with pytest.raises(ValidationError) as caught:
        _WORK_ITEMS.validate_python([{**summary, "tasks": [{"id": "S.1", "name": 1}]}])
    assert [e["loc"] for e in caught.value.errors()] == [(0, "tasks", 0, "name")]


# -- durations ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["3d", "-1.5h", " 2 ew ", "1mo"])
def test_a_known_duration_text_gives_an_equal_value(text):
    first, second = Duration.parse(text), Duration.parse(text)
    assert first == second == TypeAdapter(Duration).validate_python(text)


def test_a_bad_duration_text_fails_every_time():
    for _ in range(2):
        with pytest.raises(ValueError, match="invalid duration"):
            Duration.parse("3x")
        with pytest.raises(ValidationError, match="invalid duration"):
            WorkItem.model_validate({"id": "T", "name": "t", "duration": "3x"})


# -- cross-field checks of a work item ----------------------------------------------------


def test_a_nested_work_item_is_checked_once_and_located(monkeypatch):
    """A field of a subtask is checked once (pydantic runs *model* validators of recursive
    models twice, pydantic#13581, which is why the cross-field checks are field validators),
    and a problem is located at the field, not at the task nor at the list holding it."""
    calls = []
    original = work_module._actuals_problem

    def counting(start: Any, finish: Any, milestone: bool) -> str | None:
        calls.append((start, finish))
        return original(start, finish, milestone)

    plan = {
        "program": "P",
        "key": "P",
        "start": "2027-01-04",
        "projects": [
            {
                "id": "A",
                "name": "a",
                "tasks": [
                    {
                        "id": "S",
                        "name": "s",
                        "tasks": [{"id": "S.1", "name": "one", "duration": "-1d"}],
                    }
                ],
            }
        ],
    }
    with pytest.raises(ValidationError) as caught:
        Program.model_validate(plan)
    [error] = caught.value.errors()
    assert error["loc"] == ("projects", 0, "tasks", 0, "tasks", 0, "duration")
    assert error["msg"] == "Value error, -1d is negative; write a length of 0 or more"
    plan["projects"][0]["tasks"][0]["tasks"][0].update(
        duration="1d", actual_start="2027-01-04", actual_finish="2027-01-05"
    )
    monkeypatch.setattr(work_module, "_actuals_problem", counting)
    Program.model_validate(plan)
    assert calls == [(date(2027, 1, 4), None), (date(2027, 1, 4), date(2027, 1, 5))]


# -- whole-program check ------------------------------------------------------------------


def _reference_findings(program: Program) -> list[Finding]:
    """The work-item findings as the straightforward definition gives them, in order."""
    found: list[Finding] = []
    items: dict[str, tuple[WorkItem, tuple[str | int, ...], tuple[str, ...]]] = {}

    def add(code: str, message: str, *path: str | int) -> None:
        found.append(Finding(code, message, path))

    def visit(item: WorkItem, path: tuple[str | int, ...], above: tuple[str, ...]) -> None:
        if item.id in items:
            first = format_path(items[item.id][1])
            add(
                "plan.duplicate_id",
                f"duplicate task id '{item.id}' (first defined at {first}); "
                "task ids must be unique in the program",
                *path,
                "id",
            )
        else:
            items[item.id] = (item, path, above)
        for c, child in enumerate(item.tasks):
            visit(child, (*path, "tasks", c), (*above, item.id))

    for p, project in enumerate(program.projects):
        for t, item in enumerate(project.tasks):
            visit(item, ("projects", p, "tasks", t), ())
    resources = {r.id for r in program.resources}
    calendars, sprints = set(program.calendars), {s.id for s in program.sprints}
    for ident, (item, path, above) in items.items():
        for d, dep in enumerate(item.depends):
            at = (*path, "depends", d)
            if dep.task == ident:
                add("plan.cycle", f"task {ident} depends on itself", *at)
            elif dep.task not in items:
                hint = did_you_mean(dep.task, list(items))
                add(
                    "plan.unknown_reference",
                    f"unknown task '{dep.task}' in depends of {ident}{hint}",
                    *at,
                )
            elif dep.task in above or ident in items[dep.task][2]:
                add(
                    "plan.invalid_link",
                    f"{ident} and {dep.task} are a summary task and its own subtask; "
                    "link the subtasks instead",
                    *at,
                )
            elif item.tasks and dep.type in ("FF", "SF"):
                add(
                    "plan.invalid_link",
                    f"{ident} is a summary task: a '{dep.type}' link into it would bind "
                    "its finish without moving any subtask; put the link on the subtask "
                    "that must finish",
                    *at,
                )
            elif items[dep.task][0].tasks and dep.type in ("SS", "SF"):
                add(
                    "plan.invalid_link",
                    f"{dep.task} is a summary task: a '{dep.type}' link from it would "
                    "follow its earliest subtask, which the schedule cannot know in "
                    "advance; link from that subtask instead",
                    *at,
                )
        for a in item.resources:
            if a.resource is not None and a.resource not in resources:
                hint = did_you_mean(a.resource, resources)
                message = f"unknown resource '{a.resource}' in resources of {ident}{hint}"
                add("plan.unknown_reference", message, *path, "resources", a.resource)
        for field, known in (("calendar", calendars), ("sprint", sprints)):
            value = getattr(item, field)
            if value is not None and value not in known:
                hint = did_you_mean(value, known)
                message = f"unknown {field} '{value}' in {field} of {ident}{hint}"
                add("plan.unknown_reference", message, *path, field)
    return found


_POOL = [f"T{n}" for n in range(12)]


@st.composite
def _work_items(draw: st.DrawFn, depth: int = 0) -> list[dict[str, Any]]:
    items = []
    for _ in range(draw(st.integers(0, 4 if depth == 0 else 2))):
        item: dict[str, Any] = {"id": draw(st.sampled_from(_POOL)), "name": "t"}
        links = draw(st.lists(st.sampled_from([*_POOL, "T99", "X"]), max_size=3))
        kinds = draw(st.lists(st.sampled_from(["", " SS", " FF", " SF", " FS+1d"]), min_size=3))
        if links:
            item["depends"] = [link + kind for link, kind in zip(links, kinds, strict=False)]
        if draw(st.integers(0, 5)) == 0:
            item["calendar"] = draw(st.sampled_from(["std", "night"]))
        if draw(st.integers(0, 5)) == 0:
            item["sprint"] = draw(st.sampled_from(["S1", "S9"]))
        if draw(st.integers(0, 5)) == 0:
            item["resources"] = {draw(st.sampled_from(["alice", "bob"])): 1.0}
        if draw(st.integers(0, 5)) == 0:
            item["actual_start"] = date(2027, 1, 4) + timedelta(days=draw(st.integers(0, 60)))
        if depth < 2 and draw(st.integers(0, 3)) == 0:
            item["tasks"] = draw(_work_items(depth + 1))
        items.append(item)
    return items


@st.composite
def _programs(draw: st.DrawFn) -> Program:
    projects = [
        {"id": f"P{p}", "name": "p", "tasks": draw(_work_items())}
        for p in range(draw(st.integers(1, 3)))
    ]
    return Program.model_validate(
        {
            "program": "P",
            "key": "P",
            "start": date(2027, 1, 4),
            "status_date": draw(st.sampled_from([None, date(2027, 2, 1)])),
            "calendars": {"std": {}},
            "resources": [{"id": "alice", "name": "Alice"}],
            "sprints": [
                {"id": "S1", "project": "P0", "start": "2027-01-04", "finish": "2027-01-15"}
            ],
            "projects": projects,
        }
    )


@given(_programs())
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
def test_findings_of_generated_programs_are_the_reference_ones(program):
    got = [
        f
        for f in check_program(program)
        if "tasks" in f.path and not f.message.startswith("dependency cycle")
    ]
    assert got == _reference_findings(program)


@given(_programs())
@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
def test_a_cycle_is_found_exactly_when_the_links_hold_one(program):
    items = {}
    for item in program.work_items():
        items.setdefault(item.id, item)
    graph = {
        i: [d.task for d in item.depends if d.task in items and d.task != i]
        for i, item in items.items()
    }
    state: dict[str, int] = {}

    def loops(node: str) -> bool:  # depth-first search: a link back to the path is a cycle
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1 or (nxt not in state and loops(nxt)):
                return True
        state[node] = 2
        return False

    has_cycle = any(node not in state and loops(node) for node in graph)
    reported = [f for f in check_program(program) if f.message.startswith("dependency cycle")]
    assert bool(reported) == has_cycle
