"""Jira's CSV export (repeated columns as Jira writes them) as a program: epics with their
stories, sub-tasks, "blocks" links as finish-to-start, sprints, points, assignees; bad
files are named by file:line:column."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from progman.errors import PlanInvalid
from progman.services.tabular_imports import read_jira_program

MOBILE = Path(__file__).parent / "data" / "jira_mobile.csv"


@pytest.fixture(scope="module")
def mobile():
    return read_jira_program(MOBILE)


def items(program):
    return {item.id: item for item in program.work_items()}


def test_epics_hold_their_issues_and_subtasks_their_parents(mobile):
    program = mobile.program
    assert program.key == "MOB" and [p.id for p in program.projects] == ["MOB"]
    project = program.projects[0]
    assert project.name == "Mobile app" and project.method == "agile"
    assert [(t.id, t.kind) for t in project.tasks] == [("MOB-1", "epic"), ("MOB-6", "epic")]
    signup, checkout = project.tasks
    assert [t.id for t in signup.tasks] == ["MOB-2", "MOB-3", "MOB-4"]  # Parent by issue id
    assert [t.id for t in checkout.tasks] == ["MOB-7", "MOB-8"]
    assert [t.id for t in signup.tasks[2].tasks] == ["MOB-5"]  # a sub-task; MOB-4 by Epic Link
    kinds = {ident: item.kind for ident, item in items(program).items()}
    assert kinds["MOB-2"] == "story" and kinds["MOB-8"] == "task" and kinds["MOB-5"] == "task"


def test_blocks_links_are_finish_to_start_once(mobile):
    links = {
        ident: [d.model_dump() for d in item.depends]
        for ident, item in items(mobile.program).items()
    }
    assert links["MOB-3"] == ["MOB-2"]  # written on both issues, kept once
    assert links["MOB-4"] == ["MOB-2"]
    assert links["MOB-7"] == ["MOB-3"]  # "is blocked by" (inward)
    assert links["MOB-8"] == ["MOB-7"]  # "blocks" (outward)
    assert links["MOB-2"] == [] and links["MOB-1"] == []  # "relates" is no dependency


def test_fields(mobile):
    found = items(mobile.program)
    two, three = found["MOB-2"], found["MOB-3"]
    assert two.status == "done" and two.percent_complete == 100
    assert two.story_points == 5 and three.story_points == 8  # both point columns
    assert str(two.duration) == "16h"  # 57600 seconds
    assert two.tags == ["onboarding", "gdpr"]  # Labels, repeated
    assert two.description.endswith('with a "quote".')
    assert three.deadline == date(2027, 3, 15) and three.priority == 700
    assert found["MOB-7"].status == "review" and found["MOB-8"].status == "blocked"
    assert "duration" not in found["MOB-4"].model_dump(exclude_none=True)  # a summary now


def test_assignees_become_resources(mobile):
    program = mobile.program
    assert {r.id: r.name for r in program.resources} == {
        "marco_esposito": "Marco Esposito",
        "jurgen_albers": "Jürgen Albers",
        "sofia_costa": "Sofia Costa",
    }
    found = items(program)
    assert [a.resource for a in found["MOB-5"].resources] == ["sofia_costa"]
    assert found["MOB-4"].resources == []  # unassigned


def test_sprints_from_repeated_columns(mobile):
    program = mobile.program
    assert [(s.id, s.name, s.project) for s in program.sprints] == [
        ("MOB_Sprint_1", "MOB Sprint 1", "MOB"),
        ("MOB_Sprint_2", "MOB Sprint 2", "MOB"),
    ]
    one, two = program.sprints
    assert (one.start, one.finish, two.start) == (
        program.start,
        date(2027, 1, 15),
        date(2027, 1, 16),
    )
    found = items(program)
    assert found["MOB-3"].sprint == "MOB_Sprint_2"  # carried over: the last sprint is its own
    assert found["MOB-2"].sprint == "MOB_Sprint_1"
    assert program.start == date(2027, 1, 2)  # the first Created
    [warning] = mobile.warnings
    assert str(warning).startswith(f"{MOBILE}:3: Jira's CSV export holds no sprint dates")


HEADER = (
    "Summary,Issue key,Issue id,Issue Type,Created,Due date,Parent,"
    "Inward issue link (Blocks),Outward issue link (Blocks)\n"
)


def write(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "export.csv"
    path.write_text(HEADER + rows, encoding="utf-8-sig")
    return path


def test_links_and_parents_outside_the_file_are_warnings(tmp_path):
    path = write(
        tmp_path,
        "A,WEB-1,1,Story,01/Feb/27 9:00 AM,,99,API-7,\n"
        "B,WEB-2,2,Story,01/Feb/27 9:00 AM,,,,WEB-1\n",
    )
    done = read_jira_program(path)
    assert [d.task for d in items(done.program)["WEB-1"].depends] == ["WEB-2"]
    texts = [str(w) for w in done.warnings]
    assert f"{path}:2: WEB-1's parent 99 is not in the file" in texts[0]
    assert (
        texts[1] == f"{path}:2: the link API-7 blocks WEB-1 is left out: API-7 is not in the file"
    )


def test_bad_cells_are_located(tmp_path):
    path = write(
        tmp_path,
        "A,WEB-1,1,Story,yesterday,,,,\nB,WEB-1,2,Story,01/Feb/27 9:00 AM,,,,\n",
    )
    with pytest.raises(PlanInvalid) as raised:
        read_jira_program(path)
    assert [str(p) for p in raised.value.problems] == [
        f"{path}: no 'Created' date in the file; give --start YYYY-MM-DD",
        f"{path}:2:5: column 'Created': cannot read the date 'yesterday'; "
        "Jira writes 12/Jan/27 10:15 AM",
        f"{path}:3:2: column 'Issue key': WEB-1 is listed twice (also line 2)",
    ]


def test_a_circle_of_blocks_links_is_named(tmp_path):
    path = write(
        tmp_path,
        "A,WEB-1,1,Story,01/Feb/27 9:00 AM,,,,WEB-2\nB,WEB-2,2,Story,01/Feb/27 9:00 AM,,,,WEB-1\n",
    )
    with pytest.raises(PlanInvalid) as raised:
        read_jira_program(path)
    text = str(raised.value)
    assert "WEB-1" in text and "WEB-2" in text and "cycle" in text.lower()
    assert f"{path}:" in text


def test_not_a_jira_export(tmp_path):
    path = tmp_path / "tasks.csv"
    path.write_text("id,name\nA,a\n")
    with pytest.raises(PlanInvalid) as raised:
        read_jira_program(path)
    assert str(raised.value).startswith(
        f"{path}:1: the header has no column 'issue key': is this Jira's CSV export"
    )


def test_older_and_server_column_names(tmp_path):
    path = tmp_path / "server.csv"
    path.write_text(
        "Summary,Issue key,Issue Type,Created,Parent key,Custom field (Sprint),"
        "Custom field (Sprint)\n"
        "Epic,OPS-1,Epic,03/Mar/2027 9:00 AM,,,\n"
        "Work,OPS-2,Task,2027-03-04T10:00:00,OPS-1,OPS Sprint 4,OPS Sprint 5\n",
        encoding="utf-8",
    )
    program = read_jira_program(path).program
    assert [t.id for t in program.projects[0].tasks[0].tasks] == ["OPS-2"]
    assert items(program)["OPS-2"].sprint == "OPS_Sprint_5"
    assert program.start == date(2027, 3, 3)
