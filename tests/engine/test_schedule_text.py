"""``--json`` and ``--csv`` of a schedule rendered in bulk (engine/schedule_text.py) are the
bytes of the plain renderings: orjson (and json.dumps) of ``to_json()``, and ``csv.writer``
of its task rows as ``progman schedule --csv`` wrote them before (cli/output.write_csv).

The plans cover the sample, milestones, deadlines (met and missed: negative float),
progress and a status date, summaries, leveled schedules (plain task objects), names and
ids that need escaping or quoting, in chunks of a few rows so that every chunk boundary
is crossed, and generated programs.
"""

from __future__ import annotations

import contextlib
import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.engine.generators import plan_data

import progman
from progman.cli.output import write_csv
from progman.domain import Program
from progman.engine import schedule_text
from progman.engine.build import BuiltNetwork
from progman.engine.network import CpmResult
from progman.engine.schedule import Schedule, _rounded_days, driving_chains
from progman.engine.schedule_table import TaskTable
from progman.engine.scheduled import scheduled
from progman.services.leveling import level_program

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "src" / "progman" / "samples" / "digital_platform_launch.yaml"

#: The columns of ``--csv`` as docs/scheduling.md lists them (a task's fields in ``--json``).
CSV_FIELDS = (
    "id",
    "name",
    "project",
    "start",
    "finish",
    "late_start",
    "late_finish",
    "total_float",
    "free_float",
    "critical",
    "near_critical",
    "milestone",
    "summary",
    "complete",
    "driving_predecessor",
    "deadline",
)

#: characters JSON escapes, CSV quotes, or UTF-8 writes in more than one byte
AWKWARD = ' ",\\\n\r\t\x00\x01\x1f\x7f é ü 東京 \u2028 😀'


def reference_csv(result: Schedule, project: str | None = None) -> bytes:
    """``progman schedule --csv`` as it was written before: a dict per task, csv.writer."""
    out = io.StringIO()
    tasks = result.to_json()["tasks"]
    with contextlib.redirect_stdout(out):
        write_csv((t for t in tasks if project is None or t["project"] == project), CSV_FIELDS)
    return out.getvalue().encode()


def assert_same_text(result: Schedule) -> None:
    """The bulk JSON and CSV (whole, and of each project) are the reference bytes."""
    data = result.to_json_bytes()
    expected = result.to_json()
    assert data == orjson.dumps(expected)
    assert data.decode() == json.dumps(expected, separators=(",", ":"), ensure_ascii=False)
    assert b"".join(result.csv_parts()) == reference_csv(result)
    for project in result.projects:
        assert b"".join(result.csv_parts(project)) == reference_csv(result, project)


@pytest.fixture(params=[3, schedule_text.CHUNK], ids=["chunks-of-3", "default-chunks"])
def chunk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(schedule_text, "CHUNK", request.param)
    return int(request.param)


def test_the_csv_columns_are_the_engine_fields():
    assert CSV_FIELDS == schedule_text.TASK_FIELDS
    assert schedule_text.csv_header() == (",".join(CSV_FIELDS) + "\n").encode()


def test_the_sample_with_and_without_a_status_date(chunk: int):
    program = progman.load_plan(SAMPLE)
    result = progman.schedule(program)
    assert isinstance(result.tasks, TaskTable)
    assert_same_text(result)
    assert_same_text(progman.schedule(program, status_date=program.start + timedelta(days=40)))


def _awkward_plan() -> dict[str, Any]:
    """Milestones, deadlines met and missed, progress, summaries, and names and ids with
    every character that JSON escapes or CSV quotes."""
    return {
        "program": "Awkward",
        "key": "AWK",
        "start": "2027-03-01",
        "status_date": "2027-03-04",
        "projects": [
            {
                "id": "P1",
                "name": "first",
                "deadline": "2027-03-03",
                "tasks": [
                    {"id": "a", "name": AWKWARD, "duration": "2d", "percent_complete": 50},
                    {
                        "id": "b",
                        "name": "plain",
                        "duration": "3d",
                        "depends": ["a"],
                        "deadline": "2027-03-02",  # missed: negative float
                    },
                    {
                        "id": "S",
                        "name": "phase, with a comma",
                        "tasks": [
                            {"id": "S.x", "name": "x\r\ny", "duration": "1d", "depends": ["b"]},
                            {"id": "S.m", "name": "end", "milestone": True, "depends": ["S.x"]},
                        ],
                    },
                    {
                        "id": "c",
                        "name": "started",
                        "duration": "4d",
                        "actual_start": "2027-03-01",
                        "deadline": "2027-04-30",
                    },
                ],
            },
            {
                "id": "Q",
                "name": "second",
                "tasks": [
                    {"id": "q1", "name": "东京", "duration": "1d", "depends": ["S.m"]},
                    {"id": "q2", "name": "", "duration": "2d", "depends": ["q1 SS+1d"]},
                ],
            },
        ],
    }


def test_names_and_ids_that_need_escaping_or_quoting(chunk: int):
    result = progman.schedule(Program.model_validate(_awkward_plan()))
    assert "b" in result.missed_deadlines
    assert result.task("b").total_float < 0 and result.task("S.m").milestone
    assert result.task("q1").driving_predecessor == "S.m"
    assert_same_text(result)
    text = b"".join(result.csv_parts()).decode()
    assert '"phase, with a comma"' in text and '"x\r\ny"' in text


def test_escaping_only_in_the_chunk_that_needs_it(monkeypatch: pytest.MonkeyPatch):
    """A long plain plan with one awkward name in the middle: the chunks before and after
    take the plain path, that chunk the careful one, and the text is still the reference."""
    monkeypatch.setattr(schedule_text, "CHUNK", 4)
    tasks: list[dict[str, Any]] = [
        {"id": f"t{k}", "name": f"task {k}", "duration": "1d"} for k in range(20)
    ]
    for k in range(1, 20):
        tasks[k]["depends"] = [f"t{k - 1}"] + ([f"t{k - 7}"] if k >= 7 else [])
    tasks[9]["name"] = AWKWARD
    plan = {"program": "Long", "key": "L", "start": "2027-01-04"}
    plan["projects"] = [{"id": "P", "name": "P", "tasks": tasks}]
    assert_same_text(progman.schedule(Program.model_validate(plan)))


def test_ids_and_projects_that_need_escaping_or_quoting(chunk: int):
    """Plan ids cannot hold such characters today; the renderings do not count on it."""
    table = progman.schedule(Program.model_validate(_awkward_plan())).tasks
    assert isinstance(table, TaskTable)
    parts = table.parts()
    odd = [f'{i}{AWKWARD[k % len(AWKWARD)]}"' for k, i in enumerate(parts.ids)]
    renamed = TaskTable(
        tables=parts.tables,
        ids=odd,
        names=parts.names,
        projects=(["P,1", 'Q"'], parts.project_of),
        columns=parts.columns,
        drivers=parts.drivers,
        deadlines=parts.deadlines,
    )
    rows = renamed.rows(0, len(renamed))
    assert b",".join(renamed.json_rows()) == orjson.dumps(rows)[1:-1]  # chunks, comma apart
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        write_csv(rows, CSV_FIELDS)
    every = np.arange(len(renamed))
    assert schedule_text.csv_header() + b"".join(renamed.csv_rows(every)) == out.getvalue().encode()


def test_a_leveled_schedule_of_plain_tasks():
    program = progman.load_plan(SAMPLE)
    leveled = level_program(program).schedule
    assert not isinstance(leveled.tasks, TaskTable)
    assert_same_text(leveled)


def test_an_empty_table_writes_only_the_header():
    result = progman.schedule(progman.load_plan(SAMPLE))
    table = result.tasks
    assert isinstance(table, TaskTable)
    assert b"".join(table.csv_rows(np.zeros(0, dtype=np.int64))) == b""
    assert b"".join(result.csv_parts("no such project")) == schedule_text.csv_header()


@st.composite
def _awkward_programs(draw: st.DrawFn) -> dict[str, Any]:
    """A generated program whose names are any text, with a status date and progress."""
    data = draw(plan_data())
    names = st.text(st.characters(exclude_categories=("Cs",)), max_size=8)
    data["status_date"] = data["start"] + timedelta(days=draw(st.integers(0, 30)))
    stack = [t for p in data["projects"] for t in p["tasks"]]
    while stack:
        task = stack.pop()
        task["name"] = draw(names)
        stack.extend(task.get("tasks", ()))
        if "duration" in task and draw(st.integers(0, 3)) == 0:
            task["percent_complete"] = draw(st.integers(0, 100))
    return data


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=_awkward_programs(), chunk=st.sampled_from([1, 2, 5, 64]))
def test_generated_programs(data: dict[str, Any], chunk: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schedule_text, "CHUNK", chunk)
        assert_same_text(progman.schedule(Program.model_validate(data)))


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(
        st.one_of(
            st.floats(allow_nan=False, allow_infinity=False, width=64).map(lambda v: round(v, 3)),
            st.sampled_from([0.0, -0.0, 0.1, 0.2, 0.30000000000000004, 1e-4, -2.5]),
        ),
        max_size=40,
    )
)
def test_distinct_floats_are_np_unique_bit_for_bit(values: list[float]) -> None:
    """The values found and each one's index are np.unique's (which the text was made of
    before), bit for bit: 0.0 and -0.0 side by side count as one, as there."""
    array = np.array(values, dtype=np.float64)
    found, where = schedule_text.distinct_floats(array)
    unique, inverse = np.unique(array, return_inverse=True)
    assert found == unique.tolist()
    assert np.array_equal(
        np.array(found, dtype=np.float64)[where].view(np.int64),
        unique[inverse.reshape(-1)].view(np.int64),
    )


@settings(max_examples=100, deadline=None)
@given(
    minutes=st.lists(
        st.one_of(st.integers(-(10**6), 10**6), st.integers(-(2**60), 2**60)), max_size=30
    ),
    per_day=st.lists(st.integers(1, 1440), min_size=1, max_size=4),
    data=st.data(),
)
def test_rounded_days_are_pythons_round(
    minutes: list[int], per_day: list[int], data: st.DataObject
) -> None:
    """describe's floats: round(minutes / minutes per day of the calendar, 3) by Python,
    a calendar index as numpy reads it (-1 the last), wide ranges included."""
    calendars = data.draw(
        st.lists(st.integers(-1, len(per_day) - 1), min_size=len(minutes), max_size=len(minutes))
    )
    days = _rounded_days(
        np.array(minutes, dtype=np.int64),
        np.array(calendars, dtype=np.int64),
        np.array(per_day, dtype=np.int64),
    )
    expected = [round(m / float(per_day[c]), 3) for m, c in zip(minutes, calendars, strict=True)]
    assert days.tolist() == expected


def _walk_back(built: BuiltNetwork, result: CpmResult, node: int) -> list[str]:
    """The driving chain ending at ``node`` walked a link at a time (the reference)."""
    chain: list[str] = []
    while node >= 0:
        if node < built.item_count and not built.is_summary[node]:
            chain.append(built.ids[node])
        link = int(result.driver[node])
        if link < 0:
            break
        node = int(built.network.link_pred[link])
    return chain[::-1]


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=plan_data())
def test_driving_chains_walked_side_by_side(data: dict[str, Any]) -> None:
    """describe's critical paths and driving_chains: every node's chain, all at once, is
    the chain walked on its own."""
    program = Program.model_validate(data)
    done = scheduled(program)
    built, result = done.built, done.result
    nodes = list(range(-1, built.network.size))
    expected = [_walk_back(built, result, node) for node in nodes]
    assert driving_chains(built, result, nodes) == expected
    assert driving_chains(built, result, []) == []
    described = progman.schedule(program)
    assert list(described.critical_path) in expected
    for project in described.projects.values():
        assert project["critical_path"] in expected


@pytest.mark.parametrize(
    "values", [(), (None,) * 5, (None, 0, False, "", None), [None, timedelta(0)], (1, 2)]
)
def test_given_is_each_value_not_none(values: tuple[Any, ...]) -> None:
    assert schedule_text.given(values).tolist() == [v is not None for v in values]
