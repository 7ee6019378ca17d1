"""P6 XER import against the real files in ../shared/data/projects and their facts.

The facts (``NAME.facts.json``) were written by MPXJ, which makes every WBS node a summary
task and every activity a non-summary task. progman makes a project's root WBS node the
project itself, so its summaries are the other WBS nodes: the one mapping difference,
checked below. Dates are compared after ``progman schedule`` (same day as P6 wrote).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from progman.io.xer_calendars import P6_WEEKDAYS, parse_calendar_data
from progman.io.xer_read import read_xer
from progman.io.xer_tables import read_tables
from progman.services.scheduling import schedule_program

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "projects"
XER_FILES = sorted(path.name for path in DATA.glob("*.xer"))


def facts_of(name: str) -> dict:
    return json.loads((DATA / f"{name}.facts.json").read_text(encoding="utf-8"))


def test_the_shared_xer_files_are_there():
    assert XER_FILES == ["aspose_encoding1251.xer", "mpxj_percent-complete-8.4.xer"]


@pytest.mark.parametrize("name", XER_FILES)
def test_counts_equal_the_facts(name):
    facts = facts_of(name)
    program = read_xer(DATA / name).program
    items = list(program.work_items())
    summaries = [item for item in items if item.is_summary]
    assert facts["projects_in_file"] == len(program.projects)
    # MPXJ's summaries are every WBS node, the project's root node included
    assert facts["task_count"]["summary"] == len(summaries) + len(program.projects)
    assert facts["task_count"]["non_summary"] == len(items) - len(summaries)
    assert facts["milestone_count"] == sum(item.milestone for item in items)
    links = [link for item in items for link in item.depends]
    assert facts["relation_count"]["total"] == len(links)
    for kind, count in facts["relation_count"]["by_type"].items():
        assert count == sum(link.type == kind for link in links), kind
    assert facts["relation_count"]["with_nonzero_lag"] == sum(
        not link.lag.is_zero for link in links
    )
    assert facts["resource_count"] == len(program.resources)
    assert facts["assignment_count"] == sum(len(item.resources) for item in items)
    assert facts["calendar_count"] == len(program.calendars)
    by_name = {calendar.description: calendar for calendar in program.calendars.values()}
    for calendar in facts["calendars"]:
        assert calendar["name"] in by_name


@pytest.mark.parametrize("name", XER_FILES)
def test_calendar_exceptions_equal_the_facts(name):
    """Every exception is read (MPXJ's count); those that change a day are held: a day off
    on a working day is a holiday, work on a day off a working day. An exception that
    keeps a day as it is (a day off on a day off, the regular hours) holds nothing, and one
    that changes a working day's hours is a warning (progman works whole days)."""
    facts = facts_of(name)
    imported = read_xer(DATA / name)
    xer = read_tables(DATA / name, ["CALENDAR"])
    data = {row["clndr_name"]: row["clndr_data"] for _, row in xer.table("CALENDAR").records()}
    by_name = {c.description: c for c in imported.program.calendars.values()}
    warned = " ".join(w.message for w in imported.warnings)
    for calendar in facts["calendars"]:
        parsed = parse_calendar_data(data[calendar["name"]])
        assert len(parsed.exceptions) == calendar["exception_count"], calendar["name"]
        mine = by_name[calendar["name"]]
        weekday = {
            day: parsed.week.get(P6_WEEKDAYS[(day.weekday() + 1) % 7], 0)
            for day in parsed.exceptions
        }
        off = sorted(d for d, worked in parsed.exceptions.items() if not worked and weekday[d])
        on = sorted(d for d, worked in parsed.exceptions.items() if worked and not weekday[d])
        assert [h.start for h in mine.holidays] == off
        assert [w.start for w in mine.working_days] == on
        other_hours = [
            d
            for d, worked in parsed.exceptions.items()
            if worked and worked != mine.hours_per_day * 60
        ]
        if other_hours:
            assert f"calendar {calendar['name']!r}: exceptions with other hours" in warned


@pytest.mark.parametrize("name", XER_FILES)
def test_names_and_structure(name):
    facts = facts_of(name)
    program = read_xer(DATA / name).program
    items = {item.id.split(".", 1)[1]: item for item in program.work_items()}
    for task in facts["tasks"]:
        if task["summary"]:
            assert task["name"] in {project.name for project in program.projects}
            continue
        mine = items[task["activity_id"]]
        if name == "aspose_encoding1251.xer":
            # MPXJ read this Cyrillic (cp1251) file as cp1252: 'Çàäà÷à 1' is 'Задача 1'
            assert mine.name == task["name"].encode("cp1252").decode("cp1251")
            assert mine.name in ("Задача 1", "Тест2")
        else:
            assert mine.name == task["name"]


@pytest.mark.parametrize("name", XER_FILES)
def test_scheduled_dates_agree_with_p6(name):
    facts = facts_of(name)
    imported = read_xer(DATA / name)
    result = schedule_program(imported.program).to_json()
    rows = {row["id"].split(".", 1)[1]: row for row in result["tasks"]}
    checked = 0
    for task in facts["tasks"]:
        if task["summary"]:
            continue
        row = rows[task["activity_id"]]
        # "Units 100%" has its actual start at 00:00, before the calendar's day opens at
        # 08:00: the same day
        assert row["start"][:10] == task["start"][:10], task["activity_id"]
        assert row["finish"][:10] == task["finish"][:10], task["activity_id"]
        checked += 1
    assert checked == facts["task_count"]["non_summary"]
    assert result["finish"][:10] == facts["latest_task_finish"][:10]


def test_percent_complete_types():
    program = read_xer(DATA / "mpxj_percent-complete-8.4.xer").program
    items = {item.name: item for item in program.work_items()}
    assert items["Duration 25%"].percent_complete == 25.0
    assert items["Duration 75%"].percent_complete == 75.0
    assert items["Physical 75%"].percent_complete == 75.0
    assert items["Units 25%"].percent_complete == 25.0
    assert items["Duration 0%"].percent_complete is None  # not started
    assert str(items["Duration 75%"].remaining) == "200h"
    assert items["Duration 75%"].status == "in_progress"


def test_resources_rates_and_assignments():
    program = read_xer(DATA / "aspose_encoding1251.xer").program
    resources = {resource.id: resource for resource in program.resources}
    assert resources["R-4"].name == "Painter" and resources["R-4"].rate == 25.0
    assert resources["R-4"].kind == "person" and resources["R-4"].team == "Electrician"
    assert resources["EQTRM-B1"].kind == "material"
    assert resources["R-4"].calendar == "Trades-5-Day-Workweek"
    task = next(item for item in program.work_items() if item.name == "Задача 1")
    units = {a.resource: a.units for a in task.resources}
    assert units == {"R-4": 1.0, "Material": 1.0, "W0006-3": 1.8}
    six_day = program.calendars["CP10B05-ANA-6-DAY"]
    assert six_day.workdays == ["mon", "tue", "wed", "thu", "sat", "sun"]


def test_every_unread_table_and_approximation_is_a_warning():
    warnings = read_xer(DATA / "aspose_encoding1251.xer").warnings
    texts = [str(warning) for warning in warnings]
    assert any("table PROJCOST (2 rows) is not imported" in text for text in texts)
    assert any("calendar '7x24'" in text and "whole working days" in text for text in texts)
    assert all(warning.location.file and warning.location.line for warning in warnings)
