"""Engine bugs the property tests found, each kept as its minimal example.

Two more were summary-task links that cannot hold (SS/SF out of a summary, FF/SF into one):
the plan checks refuse those now (tests/engine/cases/summary_*link*.yaml).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from tests.engine.generators import check_roll_up, check_working_moments

import progman
from progman.domain import Program


def schedule(tasks: list[dict[str, Any]], **program: Any) -> progman.Schedule:
    plan = {"program": "Bug", "key": "BUG", "start": "2027-01-04", **program}
    plan["projects"] = [{"id": "P", "name": "P", "tasks": tasks}]
    return progman.schedule(Program.model_validate(plan))


# -- calendars: a vacation over an extra working day ---------------------------------------------


def test_a_vacation_is_not_worked_on_an_extra_working_day():
    """Ann is on vacation 2027-12-20 .. 2028-01-02; the office works Saturday 2027-12-25.

    ``_Calendars.for_task`` (build.py) adds the vacation to the holidays of Ann's calendar
    but keeps that calendar's ``working_days``, and an extra working day wins over a
    holiday: Ann's task is scheduled on 2027-12-25, in the middle of her vacation.
    """
    result = schedule(
        [
            {"id": "P.office", "name": "office", "duration": "1d", "constraint": "SNET 2027-12-25"},
            {"id": "P.ann", "name": "Ann's", "duration": "1d", "resources": {"ann": 1.0}},
        ],
        start="2027-12-20",
        calendar="std",
        calendars={"std": {"working_days": ["2027-12-25"]}},
        resources=[
            {
                "id": "ann",
                "name": "Ann",
                "vacations": [{"start": "2027-12-20", "finish": "2028-01-02"}],
            }
        ],
    )
    assert result.task("P.office").start == datetime(2027, 12, 25, 8)  # the extra day works
    assert result.task("P.ann").start == datetime(2028, 1, 3, 8)  # was 2027-12-25 08:00


# -- summaries: a summary spans exactly its children ------------------------------------------


def test_a_summary_finish_is_its_latest_child_finish_off_the_summary_calendar():
    """Curing (36 elapsed hours) ends Wednesday 2027-01-06 04:00, inside a Mon-Fri 8 h summary.

    The summary's finish node is a zero-length node on the summary's calendar, and a
    milestone there is moved to the next working moment: the summary is reported to finish
    at 08:00, four hours after its last child. The same happens to a child on a longer day
    (10 h: ends 18:00, summary "finishes" the next morning).
    """
    result = schedule(
        [
            {"id": "P.slab", "name": "Slab", "tasks": [
                {"id": "P.pour", "name": "Pour", "duration": "1d"},
                {"id": "P.curing", "name": "Curing", "duration": "36eh", "depends": ["P.pour"]},
            ]},
            {"id": "P.night", "name": "Night work", "tasks": [
                {"id": "P.long", "name": "Long day", "duration": "1d", "calendar": "long"},
            ]},
        ],
        calendars={"long": {"hours_per_day": 10}},
    )  # fmt: skip
    assert result.task("P.curing").finish == datetime(2027, 1, 6, 4)
    assert result.task("P.slab").finish == datetime(2027, 1, 6, 4)  # was 08:00
    assert result.task("P.long").finish == datetime(2027, 1, 4, 18)
    assert result.task("P.night").finish == datetime(2027, 1, 4, 18)  # was 01-05 08:00


# -- minimal examples the plan-level properties once failed on ---------------------------------

_VACATION = {
    "program": "G",
    "key": "G",
    "start": date(2027, 12, 20),
    "calendar": "std",
    "calendars": {"std": {"working_days": [date(2027, 12, 25)]}},
    "resources": [
        {"id": "r0", "name": "r0", "vacations": [{"start": "2027-12-20", "finish": "2028-01-02"}]}
    ],
    "projects": [
        {"id": "P0", "name": "P0", "tasks": [
            {"id": "P0.t0", "name": "t0", "duration": "1d", "resources": {"r0": 1.0}},
        ]},
    ],
}  # fmt: skip
_ELAPSED_CHILD = {
    "program": "G",
    "key": "G",
    "start": date(2026, 1, 1),
    "projects": [
        {"id": "P0", "name": "P0", "tasks": [
            {"id": "P0.s", "name": "s", "tasks": [
                {"id": "P0.s.0", "name": "s0", "duration": "36eh"},
            ]},
        ]},
    ],
}  # fmt: skip


def test_an_elapsed_child_ends_its_summary():
    check_roll_up(_ELAPSED_CHILD)


def test_nobody_works_on_a_vacation_over_an_office_exception_day():
    check_working_moments(_VACATION)
