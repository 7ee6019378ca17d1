"""A schedule described in bulk: the task table, the summaries' roll-up and the --json text.

``Schedule.to_json_bytes`` writes the JSON from the columns of a :class:`TaskTable`; it must
be the same JSON as ``json.dumps(schedule.to_json())`` (and as orjson would make of it),
on the sample, on generated programs with every feature, on a wide generated program, and
on a leveled schedule whose tasks are plain objects with segments.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest
from benchmarks.plans import program_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.engine.generators import plan_data

import progman
from progman.domain import Program
from progman.engine.schedule import Schedule, _depths, _roll_up
from progman.engine.schedule_table import TaskSchedule, TaskTable

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "src" / "progman" / "samples" / "digital_platform_launch.yaml"


def assert_same_json(result: Schedule) -> None:
    """The bytes are the JSON of to_json(): the same object, and the same text orjson and
    json.dumps (without spaces, UTF-8) make of it."""
    data = result.to_json_bytes()
    expected = result.to_json()
    assert orjson.loads(data) == json.loads(json.dumps(expected))
    assert data == orjson.dumps(expected)
    assert data.decode() == json.dumps(expected, separators=(",", ":"), ensure_ascii=False)


def test_the_sample_as_json():
    program = progman.load_plan(SAMPLE)
    result = progman.schedule(program)
    assert isinstance(result.tasks, TaskTable)
    assert_same_json(result)
    status = progman.schedule(program, status_date=program.start.replace(day=20))
    assert_same_json(status)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=plan_data())
def test_generated_programs_as_json(data: dict[str, Any]) -> None:
    assert_same_json(progman.schedule(Program.model_validate(data)))


def test_names_that_need_escaping_and_a_status_date():
    plan = {
        "program": "Escapes",
        "key": "ESC",
        "start": "2027-03-01",
        "status_date": "2027-03-03",
        "projects": [
            {
                "id": "P",
                "name": "P",
                "tasks": [
                    {"id": "a", "name": 'quote " backslash \\ tab \t', "duration": "2d"},
                    {
                        "id": "b",
                        "name": "new\nline é ü 東京 \u2028",
                        "duration": "1d",
                        "depends": ["a"],
                        "deadline": "2027-03-02",
                    },
                    {
                        "id": "c",
                        "name": "control \x01 del \x7f",
                        "milestone": True,
                        "depends": ["b SS+1d"],
                        "actual_start": "2027-03-02",
                    },
                ],
            }
        ],
    }
    result = progman.schedule(Program.model_validate(plan))
    assert result.missed_deadlines == ("b",)
    assert_same_json(result)


def test_a_wide_generated_program_with_summaries():
    data = program_data(projects=4, per_project=300, seed=3, people=5, estimates=True)
    for project in data["projects"]:  # put every tenth task under a summary of the next
        tasks = project["tasks"]
        project["tasks"] = [
            {"id": f"{project['id']}.S{k}", "name": "phase", "tasks": tasks[k : k + 10]}
            for k in range(0, len(tasks), 10)
        ]
    result = progman.schedule(Program.model_validate(data))
    assert len(result.tasks) == 4 * 300 + 4 * 30
    assert_same_json(result)


def test_a_leveled_schedule_with_plain_tasks_and_segments():
    program = progman.load_plan(SAMPLE)
    result = progman.schedule(program)
    first = result.tasks[0]
    piece = (first.start, first.finish)
    plain = dataclasses.replace(
        result, tasks=(dataclasses.replace(first, segments=(piece, piece)), *result.tasks[1:])
    )
    assert_same_json(plain)
    assert (
        orjson.loads(plain.to_json_bytes())["tasks"][0]["segments"]
        == [[first.start.isoformat(timespec="minutes"), first.finish.isoformat(timespec="minutes")]]
        * 2
    )
    assert plain.task(first.id).segments == (piece, piece)


def test_the_task_table_is_an_ordinary_sequence():
    result = progman.schedule(progman.load_plan(SAMPLE))
    table = result.tasks
    assert isinstance(table, TaskTable)
    one_by_one = [table[i] for i in range(len(table))]  # each made on its own
    assert all(isinstance(t, TaskSchedule) for t in one_by_one)
    assert tuple(table) == tuple(one_by_one) and table == tuple(one_by_one)
    assert table[-1] == one_by_one[-1] and table[1:3] == tuple(one_by_one[1:3])
    with pytest.raises(IndexError):
        table[len(table)]
    for task in one_by_one:
        assert result.task(task.id) == task
        assert isinstance(task.start, datetime) and isinstance(task.total_float, float)
        assert type(task.critical) is bool and type(task.summary) is bool
    with pytest.raises(KeyError):
        result.task("no such task")
    assert dataclasses.replace(result, tasks=tuple(table)) == result


def _reference_roll_up(parent_of: np.ndarray, low: np.ndarray, high: np.ndarray) -> None:
    """The roll-up one summary at a time, deepest (highest index) first."""
    for summary in sorted(set(parent_of[parent_of >= 0].tolist()), reverse=True):
        children = np.flatnonzero(parent_of == summary)
        low[summary] = low[children].min()
        high[summary] = high[children].max()


@st.composite
def trees(draw: st.DrawFn) -> np.ndarray:
    """Parent indexes of a random breakdown in depth-first order (a parent comes first)."""
    n = draw(st.integers(1, 60))
    parents = [-1]
    for i in range(1, n):
        parents.append(draw(st.integers(-1, i - 1)))
    # depth-first order: renumber by a walk from the roots
    children: dict[int, list[int]] = {}
    for i, p in enumerate(parents):
        children.setdefault(p, []).append(i)
    order: list[int] = []
    stack = list(reversed(children[-1]))
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(reversed(children.get(node, [])))
    number = {old: new for new, old in enumerate(order)}
    return np.array(
        [-1 if parents[old] < 0 else number[parents[old]] for old in order], dtype=np.int64
    )


@settings(max_examples=200, deadline=None)
@given(parent_of=trees(), data=st.data())
def test_roll_up_by_levels_equals_one_summary_at_a_time(parent_of, data):
    n = parent_of.size
    values = st.lists(st.integers(-1000, 1000), min_size=n, max_size=n)
    low, high = np.array(data.draw(values)), np.array(data.draw(values))
    floats = np.array(data.draw(values), dtype=np.float64) / 7
    expected_low, expected_high, expected_floats = low.copy(), high.copy(), floats.copy()
    _reference_roll_up(parent_of, expected_low, expected_high)
    _reference_roll_up(parent_of, expected_floats, expected_floats.copy())
    _roll_up(parent_of, lowest=(low, floats), highest=(high,))
    assert low.tolist() == expected_low.tolist()
    assert high.tolist() == expected_high.tolist()
    assert floats.tolist() == expected_floats.tolist()


def test_depths_of_a_deep_chain():
    parent_of = np.arange(-1, 5000, dtype=np.int64)  # each item the child of the one before
    assert _depths(parent_of).tolist() == list(range(5001))
