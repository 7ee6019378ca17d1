"""The tasks of a schedule as columns (engine/task_columns.py): row k of each column is the
k-th task's field, read off a TaskTable's arrays or from plain TaskSchedule objects, for all
the tasks or one project's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from tests.engine.generators import plan_data

import progman
from progman.domain import Program
from progman.engine.schedule_table import TaskSchedule, TaskTable
from progman.engine.task_columns import TaskColumns, task_columns

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "src" / "progman" / "samples" / "digital_platform_launch.yaml"
#: TaskColumns' field for each TaskSchedule field it holds
FIELDS = {
    "ids": "id",
    "names": "name",
    "projects": "project",
    "starts": "start",
    "finishes": "finish",
    "total_floats": "total_float",
    "free_floats": "free_float",
    "critical": "critical",
    "near_critical": "near_critical",
    "milestone": "milestone",
    "summary": "summary",
    "complete": "complete",
    "drivers": "driving_predecessor",
}


def expected(tasks: list[TaskSchedule], project: str | None) -> dict[str, list[Any]]:
    chosen = [t for t in tasks if project is None or t.project == project]
    return {column: [getattr(t, name) for t in chosen] for column, name in FIELDS.items()}


def assert_columns(tasks: Any, project: str | None) -> None:
    columns = task_columns(tasks, project)
    assert set(TaskColumns._fields) == set(FIELDS)
    assert columns._asdict() == expected(list(tasks), project)


@pytest.mark.parametrize("project", [None, "API", "MKT", "nope"])
def test_the_sample_s_columns(project: str | None) -> None:
    program = progman.load_plan(SAMPLE)
    for result in (
        progman.schedule(program),
        progman.schedule(program, status_date=program.start.replace(day=20)),
    ):
        assert isinstance(result.tasks, TaskTable)
        assert_columns(result.tasks, project)
        assert_columns(tuple(result.tasks), project)  # plain objects (a leveled schedule's)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=plan_data())
def test_generated_programs_columns(data: dict[str, Any]) -> None:
    result = progman.schedule(Program.model_validate(data))
    assert_columns(result.tasks, None)
    first = result.tasks[0].project if len(result.tasks) else None
    assert_columns(result.tasks, first)
