"""MSPDI export: progman → MSPDI → progman keeps what both can express, and MPXJ (the
independent reader) opens the file with the same tasks, links and dates."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

import progman
from progman.cli.main import main
from progman.domain import Program, WorkItem
from progman.io.mspdi_read import parse_mspdi, read_mspdi
from progman.io.mspdi_write import write_mspdi
from progman.services.planfiles import sample_plan_path


def without_sprints(program: Program) -> Program:
    """The sample without what MSPDI has no place for and that moves dates: sprints (their
    start holds back the stories in them)."""

    def strip(items: list[WorkItem]) -> list[WorkItem]:
        return [i.model_copy(update={"sprint": None, "tasks": strip(i.tasks)}) for i in items]

    projects = [p.model_copy(update={"tasks": strip(p.tasks)}) for p in program.projects]
    return program.model_copy(update={"sprints": [], "projects": projects})


@pytest.fixture(scope="module")
def sample() -> Program:
    return without_sprints(progman.load_plan(sample_plan_path()))


@pytest.fixture(scope="module")
def exported(sample) -> bytes:
    return write_mspdi(sample)


def test_round_trip_keeps_what_both_express(sample, exported):
    back = parse_mspdi(exported, "sample.xml").program
    before, after = {i.id: i for i in sample.work_items()}, {i.id: i for i in back.work_items()}
    assert list(before) == list(after)  # ids, in outline order
    assert [p.id for p in back.projects] == [p.id for p in sample.projects]
    assert [p.name for p in back.projects] == [p.name for p in sample.projects]
    for ident, item in before.items():
        again = after[ident]
        assert again.name == item.name
        assert [t.id for t in again.tasks] == [t.id for t in item.tasks]
        assert again.depends == item.depends, ident  # predecessor, type and lag
        assert again.milestone == item.milestone
        if item.duration is not None and not item.tasks:
            assert again.duration == item.duration, ident
        assert again.constraint == item.constraint, ident
        assert again.deadline == item.deadline
        assert again.calendar == item.calendar
        assert again.percent_complete == item.percent_complete
        if item.remaining is not None:  # in the unit of the duration (MSPDI has one)
            assert again.remaining is not None
            assert again.remaining.working_minutes() == item.remaining.working_minutes()
        assert again.priority == item.priority
        assert again.fixed_cost == item.fixed_cost
        if item.actual_start is not None:
            assert again.actual_start is not None
        mine = [(a.resource, a.units, a.work) for a in item.resources if a.resource]
        assert [(a.resource, a.units, a.work) for a in again.resources] == mine, ident
    for ident, calendar in sample.calendars.items():
        assert back.calendars[ident].workdays == calendar.workdays
        assert back.calendars[ident].hours_per_day == calendar.hours_per_day
        assert [(h.start, h.last) for h in back.calendars[ident].holidays] == [
            (h.start, h.last) for h in calendar.holidays
        ]
    assert back.calendar == sample.calendar and back.start == sample.start
    fields = ("id", "name", "kind", "capacity", "rate", "overtime_rate", "cost_per_use", "team")
    for mine, theirs in zip(sample.resources, back.resources, strict=True):
        assert [getattr(theirs, f) for f in fields] == [getattr(mine, f) for f in fields]
    assert back.status_date == sample.status_date and back.currency == sample.currency
    baseline = back.baselines[-1]  # MS Project's Baseline: the latest of progman's
    latest = sample.baselines[-1]
    assert {k: (t.start, t.finish) for k, t in baseline.tasks.items()} == {
        k: (t.start, t.finish) for k, t in latest.tasks.items()
    }


def test_round_trip_schedules_the_same_dates(sample, exported):
    back = parse_mspdi(exported, "sample.xml").program
    first, second = progman.schedule(sample), progman.schedule(back)
    assert [(t.id, t.start, t.finish) for t in first.tasks] == [
        (t.id, t.start, t.finish) for t in second.tasks
    ]


#: Reads an MSPDI file with MPXJ in its own process (a JVM cannot be stopped and started
#: again in one process) and prints each task's name, dates and links as JSON.
MPXJ_SCRIPT = """
import json, sys
import mpxj, jpype
jpype.startJVM()
from org.mpxj.reader import UniversalProjectReader
project = UniversalProjectReader().read(sys.argv[1])
tasks = []
for task in project.getTasks():
    if task.getUniqueID() == 0:
        continue
    tasks.append({
        "name": str(task.getName()),
        "start": str(task.getStart()),
        "finish": str(task.getFinish()),
        "milestone": bool(task.getMilestone()),
        "links": sorted(
            (str(r.getPredecessorTask().getName()), str(r.getType()),
             float(r.getLag().getDuration()), str(r.getLag().getUnits()))
            for r in task.getPredecessors()
        ),
    })
assigned = [a for a in project.getResourceAssignments() if a.getResource() is not None]
print(json.dumps({"tasks": tasks, "resources": project.getResources().size(),
                  "assignments": len(assigned)}))
"""


def test_mpxj_opens_the_export_with_the_same_tasks_links_and_dates(sample, exported, tmp_path):
    path = tmp_path / "sample.xml"
    path.write_bytes(exported)
    found = subprocess.run(
        [sys.executable, "-c", MPXJ_SCRIPT, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    read = json.loads(found.stdout.strip().splitlines()[-1])
    done = progman.schedule(sample)
    rows = {t.id: t for t in done.tasks}
    items = list(sample.work_items())
    names = {i.id: i.name for i in items}
    projects = [t for t in read["tasks"] if t["name"] in {p.name for p in sample.projects}]
    tasks = [t for t in read["tasks"] if t not in projects]
    assert [t["name"] for t in tasks] == [i.name for i in items]
    for item, theirs in zip(items, tasks, strict=True):
        row = rows[item.id]
        assert datetime.fromisoformat(theirs["start"]) == row.start, item.id
        assert datetime.fromisoformat(theirs["finish"]) == row.finish, item.id
        assert theirs["milestone"] == item.milestone
        links = sorted(
            (names[d.task], d.type, d.lag.amount, ("e" if d.lag.elapsed else "") + d.lag.unit)
            for d in item.depends
        )
        assert [tuple(link) for link in theirs["links"]] == links, item.id
    assert read["resources"] == len(sample.resources)
    assert read["assignments"] == sum(
        1 for i in items for a in i.resources if a.resource is not None
    )


def test_export_command_writes_a_file_progman_reads_again(capsys, tmp_path):
    target = tmp_path / "plan.xml"
    code = main(["export", str(sample_plan_path()), "--format", "mspdi", "-o", str(target)])
    _, err = capsys.readouterr()
    assert code == 0, err
    back = read_mspdi(target)
    assert len(list(back.program.work_items())) == len(
        list(progman.load_plan(sample_plan_path()).work_items())
    )
    code = main(["schedule", str(target), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert len(json.loads(out)["tasks"]) == len(list(back.program.work_items()))


DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "projects"


@pytest.mark.parametrize("path", sorted(DATA.glob("*.xml")), ids=lambda p: p.name)
def test_a_real_file_imported_exported_and_imported_again_is_the_same_plan(path):
    first = read_mspdi(path).program
    again = parse_mspdi(write_mspdi(first), "again.xml").program
    shape = [
        (i.id, i.name, i.depends, i.duration, i.constraint, len(i.tasks))
        for i in first.work_items()
    ]
    assert [
        (i.id, i.name, i.depends, i.duration, i.constraint, len(i.tasks))
        for i in again.work_items()
    ] == shape
    assert again.scheduling == first.scheduling
    assert [(r.id, r.name, r.calendar) for r in again.resources] == [
        (r.id, r.name, r.calendar) for r in first.resources
    ]
    before, after = progman.schedule(first), progman.schedule(again)
    assert [(t.id, t.start, t.finish) for t in after.tasks] == [
        (t.id, t.start, t.finish) for t in before.tasks
    ]


def test_a_data_date_program_stays_one():
    program = progman.load_plan(sample_plan_path())
    assert program.scheduling.progress == "data_date"
    assert parse_mspdi(write_mspdi(program), "x.xml").program.scheduling.progress == "data_date"
