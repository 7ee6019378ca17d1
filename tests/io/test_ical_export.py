"""iCalendar export of milestones and deadlines, read back with icalendar: all-day events
on the forecast dates, UIDs that stay the same when the dates move, the program's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from icalendar import Calendar

import progman
from progman.errors import ProgmanError
from progman.io.ical_export import milestone_calendar, write_ical
from progman.planfile import validate_plan_data


def events(data: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(data)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_every_milestone_and_deadline_once(sample_plan):
    program = progman.load_plan(sample_plan)
    scheduled = progman.schedule(program)
    found = events(write_ical(program))
    items = list(program.work_items())
    milestones = [i for i in items if i.milestone]
    deadlines = [i for i in items if i.deadline] + [p for p in program.projects if p.deadline]
    assert len(found) == len(milestones) + len(deadlines)
    for item in milestones:
        event = found[f"DPL.{item.id}.milestone@progman"]
        start = event.decoded("dtstart")
        assert type(start) is date  # all-day
        assert start == scheduled.task(item.id).finish.date()
        assert event.decoded("dtend") == date.fromordinal(start.toordinal() + 1)
        assert str(event["summary"]) == item.name
    for item in (i for i in items if i.deadline):
        assert found[f"DPL.{item.id}.deadline@progman"].decoded("dtstart") == item.deadline


def test_the_program_time_zone(sample_plan):
    calendar = Calendar.from_ical(write_ical(progman.load_plan(sample_plan)))
    assert str(calendar["x-wr-timezone"]) == "Europe/Berlin"
    assert [str(z["tzid"]) for z in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]


def small(length: str) -> progman.Program:
    return validate_plan_data(
        {
            "program": "Small",
            "key": "SM",
            "start": "2027-03-01",
            "timezone": "America/New_York",
            "projects": [
                {
                    "id": "P",
                    "name": "Pilot",
                    "tasks": [
                        {"id": "P.a", "name": "Build", "duration": length},
                        {
                            "id": "P.m",
                            "name": "Go live",
                            "milestone": True,
                            "depends": ["P.a"],
                            "deadline": "2027-03-10",
                        },
                    ],
                }
            ],
        }
    )


def test_uids_stay_when_dates_move():
    on_time, late = small("5d"), small("10d")
    first = milestone_calendar(
        on_time, progman.schedule(on_time), stamp=datetime(2027, 1, 1, tzinfo=UTC)
    )
    again = milestone_calendar(late, progman.schedule(late), stamp=datetime(2027, 2, 1, tzinfo=UTC))
    before, after = events(first.to_ical()), events(again.to_ical())
    assert set(before) == set(after) == {"SM.P.m.milestone@progman", "SM.P.m.deadline@progman"}
    moved = "SM.P.m.milestone@progman"
    assert before[moved].decoded("dtstart") == date(2027, 3, 5)  # Friday of the first week
    assert after[moved].decoded("dtstart") == date(2027, 3, 12)
    assert before[moved].decoded("dtstamp") < after[moved].decoded("dtstamp")
    assert "Deadline: 2027-03-10 (missed)" in str(after[moved]["description"])
    assert "(met)" in str(before["SM.P.m.deadline@progman"]["description"])
    assert str(Calendar.from_ical(again.to_ical())["x-wr-timezone"]) == "America/New_York"


def test_an_unknown_time_zone_is_named(sample_plan):
    program = progman.load_plan(sample_plan).model_copy(update={"timezone": "Europe/Berln"})
    with pytest.raises(ProgmanError) as raised:
        write_ical(program)
    assert "unknown time zone 'Europe/Berln'" in str(raised.value)
