"""MSPDI import keeps a start the file holds but nothing in it explains (an undriven task
starting after the project start), as MS Project stores a typed-in start: a
start-no-earlier-than date, with one warning. A driven task, a started one, or one MS
Project itself would place there gains nothing."""

from __future__ import annotations

from datetime import date

from tests.io.test_mspdi_read import WEEK

import progman
from progman.io.mspdi_read import parse_mspdi
from progman.io.mspdi_undriven import KEPT, REPLACED
from progman.io.mspdi_write import write_mspdi
from progman.services.planfiles import sample_plan_path


def task(uid: int, start: str, *, level: int = 1, summary: bool = False, extra: str = "") -> str:
    return (
        f"<Task><UID>{uid}</UID><ID>{uid}</ID><Name>T{uid}</Name>"
        f"<OutlineLevel>{level}</OutlineLevel><Summary>{int(summary)}</Summary>"
        f"<Start>{start}T08:00:00</Start><Duration>PT16H0M0S</Duration>"
        f"<DurationFormat>7</DurationFormat>{extra}</Task>"
    )


def after(uid: int) -> str:
    return (
        f"<PredecessorLink><PredecessorUID>{uid}</PredecessorUID><Type>1</Type></PredecessorLink>"
    )


def mspdi(tasks: str) -> bytes:
    """A project starting Monday 2027-01-04 on a Monday-to-Friday calendar."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Project xmlns="http://schemas.microsoft.com/project">'
        "<Name>t.xml</Name><StartDate>2027-01-04T08:00:00</StartDate><CalendarUID>1</CalendarUID>"
        "<Calendars><Calendar><UID>1</UID><Name>Standard</Name><IsBaseCalendar>1</IsBaseCalendar>"
        f"<WeekDays>{WEEK}</WeekDays></Calendar></Calendars><Tasks>{tasks}</Tasks></Project>"
    ).encode()


def imported(tasks: str):
    found = parse_mspdi(mspdi(tasks), "t.xml")
    return {i.id: i for i in found.program.work_items()}, found.warnings, found.program


def test_an_undriven_task_starting_later_keeps_its_start_and_a_driven_one_does_not():
    items, warnings, program = imported(
        task(1, "2027-01-04")  # at the project start: nothing to keep
        + task(2, "2027-01-13")  # undriven, nine days later: kept
        + task(3, "2027-01-20", extra=after(1))  # driven by T1, though later: its link rules
        + task(4, "2027-01-04", summary=True, extra=after(1))
        + task(5, "2027-01-25", level=2)  # under a driven summary: the summary's link rules
    )
    assert items["T2"].constraint is not None
    assert (items["T2"].constraint.type, items["T2"].constraint.date) == ("snet", date(2027, 1, 13))
    assert [i for i in items if items[i].constraint is not None] == ["T2"]
    kept = [w for w in warnings if w.startswith(KEPT)]
    assert kept == [f"{KEPT}: task UID 2 'T2' (2027-01-13)"]
    done = progman.schedule(program)
    assert done.task("T2").start.date() == date(2027, 1, 13)
    assert done.task("T3").start.date() == date(2027, 1, 6)  # after T1, as its link says
    assert done.task("T5").start.date() == date(2027, 1, 6)


def test_a_started_manual_or_leveled_task_keeps_no_start():
    items, warnings, _ = imported(
        task(1, "2027-01-13", extra="<PercentComplete>20</PercentComplete>")
        + task(2, "2027-01-13", extra="<Manual>1</Manual>")
        + task(3, "2027-01-13", extra="<LevelingDelay>4800</LevelingDelay>")
        + task(
            4,
            "2027-01-13",
            extra="<ConstraintType>2</ConstraintType>"
            "<ConstraintDate>2027-01-11T08:00:00</ConstraintDate>",
        )  # must start on
    )
    assert not any(w.startswith(KEPT) for w in warnings)
    assert [i.constraint and i.constraint.type for i in items.values()] == [None, None, None, "mso"]


def test_a_start_the_calendar_explains_keeps_no_constraint():
    """A project starting on a Saturday: MS Project starts an undriven task on Monday, and
    so does progman, so the Monday start is explained."""
    data = mspdi(task(1, "2027-01-04")).replace(
        b"2027-01-04T08:00:00</StartDate>", b"2027-01-02T08:00:00</StartDate>"
    )
    found = parse_mspdi(data, "t.xml")
    assert [i.constraint for i in found.program.work_items()] == [None]
    assert not any(w.startswith(KEPT) for w in found.warnings)


def test_a_start_no_earlier_than_the_file_did_not_apply_holds_the_file_start():
    """An SNET before the project start wins in MS Project (the task starts on it); a file
    that starts the task at a later day anyway was written by a tool that did not apply
    it, so the file's start is kept."""
    constraint = (
        "<ConstraintType>4</ConstraintType><ConstraintDate>2026-06-01T00:00:00</ConstraintDate>"
    )
    items, warnings, _ = imported(task(1, "2027-01-04", extra=constraint))
    assert (items["T1"].constraint.type, items["T1"].constraint.date) == ("snet", date(2027, 1, 4))
    assert [w for w in warnings if w.startswith(REPLACED)] == [
        f"{REPLACED}: task UID 1 'T1' (2027-01-04)"
    ]
    # where the file itself starts it on its date (as MS Project does), it stays
    moved = task(1, "2026-06-01", extra=constraint)
    items, warnings, _ = imported(moved)
    assert items["T1"].constraint.date == date(2026, 6, 1)
    assert not any(w.startswith(REPLACED) for w in warnings)


def test_progmans_own_export_gains_no_constraint_on_the_way_back():
    program = progman.load_plan(sample_plan_path())
    back = parse_mspdi(write_mspdi(program), "sample.xml")
    assert not any(w.startswith((KEPT, REPLACED)) for w in back.warnings)
    assert [i.constraint for i in back.program.work_items()] == [
        i.constraint for i in program.work_items()
    ]
