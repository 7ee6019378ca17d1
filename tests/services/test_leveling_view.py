"""What the resource heatmap's leveling shows is rebuilt from the leveling job's answer
(``level --json``): the load of that rebuilt schedule is the leveled schedule's own, split
work included, and the cell detail of the heatmap adds up to the cell."""

from __future__ import annotations

import json
from datetime import date

import numpy as np

from progman.domain import Program
from progman.engine.leveling import level
from progman.engine.load import analyse_load
from progman.engine.schedule import schedule
from progman.planfile import load_plan
from progman.samples import sample_plan_path
from progman.services.heatmap import cell_detail, heatmap_of, over_cells
from progman.services.leveling_view import leveled_schedule

MONDAY = date(2027, 3, 1)


def _split_plan() -> Program:
    """Bob's meeting on Wednesday splits his interruptible work around it."""
    tasks = [
        {"id": "meeting", "name": "m", "duration": "1d", "resources": {"bob": 1.0},
         "constraint": "MSO 2027-03-03"},
        {"id": "work", "name": "w", "duration": "4d", "resources": {"bob": 1.0},
         "interruptible": True},
    ]  # fmt: skip
    return Program.model_validate(
        {
            "program": "Split",
            "key": "SP",
            "start": MONDAY.isoformat(),
            "resources": [{"id": "bob", "name": "Bob"}],
            "projects": [{"id": "A", "name": "A", "tasks": tasks}],
        }
    )


def test_the_load_rebuilt_from_the_jobs_answer_is_the_leveled_load_split_work_included():
    plan = _split_plan()
    result = level(plan, schedules=50)
    answer = json.loads(json.dumps(result.to_json("x")))  # as the job keeps it
    (work,) = [t for t in answer["tasks"] if t["id"] == "work"]
    assert work["segments"] == [
        ["2027-03-01T08:00", "2027-03-02T16:00"],
        ["2027-03-04T08:00", "2027-03-05T16:00"],
    ]
    rebuilt = analyse_load(plan, leveled_schedule(schedule(plan), answer))
    direct = analyse_load(plan, result.schedule)
    assert np.array_equal(rebuilt.load, direct.load)
    assert over_cells(rebuilt) == 0 and not rebuilt.over_allocations
    # without its pieces the work would seem to load Bob on the meeting's day too
    del work["segments"]
    whole = analyse_load(plan, leveled_schedule(schedule(plan), answer))
    assert over_cells(whole) == 1 and whole.over_allocations[0].start == date(2027, 3, 3)


def test_every_cell_of_the_sample_adds_up_to_its_tasks():
    plan = load_plan(sample_plan_path())
    planned = schedule(plan)
    analysis = analyse_load(plan, planned)
    heat = heatmap_of(plan, analysis, weeks=52)
    checked = 0
    for row in heat.rows:
        for week, cell in zip(heat.weeks, row.cells, strict=True):
            if cell.load > 0 and cell.flagged:
                detail = cell_detail(plan, planned, analysis, row.resource, week.label)
                assert abs(sum(t.person_days for t in detail.tasks) - cell.load) < 1e-6
                checked += 1
    assert checked == heat.over_cells  # every over-allocated cell of the plan's 42 weeks
