"""Engine bugs found by the property tests, each as a minimal failing example.

These fail until the engine is fixed; the property tests elsewhere steer around them (the
``plan_data`` flags in tests/engine/generators.py say where) so the rest of the suite stays
green. Once a bug is fixed, its test here passes: move it next to its property as a
regression test and drop the flag.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from hypothesis import example, given, settings
from tests.engine.generators import (
    check_plan_links,
    check_roll_up,
    check_working_moments,
    plan_data,
)

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
    assert result.task("P.ann").start == datetime(2028, 1, 3, 8)  # engine: 2027-12-25 08:00


# -- summaries: the start and finish nodes are not the rolled-up dates ---------------------------


def test_a_link_from_a_summary_start_waits_for_its_rolled_up_start():
    """Phase 2's only child waits for Design, so Phase 2 starts on 2027-01-11.

    A link from a summary's start (SS, SF) hangs from its start node, which only links into
    the summary push; nothing ties that node to its children's starts. "Test plan" (SS from
    Phase 2) and "Docs" (SF+1d) start on 2027-01-04, a week before Phase 2, and no conflict
    is listed. (Expected as in MS Project: the summary's start is its earliest child start.)
    """
    result = schedule(
        [
            {"id": "P.design", "name": "Design", "duration": "5d"},
            {"id": "P.phase2", "name": "Phase 2", "tasks": [
                {"id": "P.build", "name": "Build", "duration": "5d", "depends": ["P.design"]},
            ]},
            {"id": "P.test", "name": "Test plan", "duration": "2d", "depends": ["P.phase2 SS"]},
            {"id": "P.docs", "name": "Docs", "duration": "1d", "depends": ["P.phase2 SF+1d"]},
        ]
    )  # fmt: skip
    phase2 = result.task("P.phase2")
    assert phase2.start == datetime(2027, 1, 11, 8)
    assert result.task("P.test").start >= phase2.start  # engine: 2027-01-04 08:00
    assert result.task("P.docs").finish >= datetime(2027, 1, 12, 8)  # engine: 2027-01-04 16:00


def test_a_summary_finish_is_its_latest_child_finish_despite_a_finish_link_into_it():
    """Phase 2 depends on 'Design FF+10d'; its only child, Build, ends 2027-01-08.

    FF/SF links into a summary push its finish node, which is reported as the summary's
    finish (2027-01-22) although no child works past 2027-01-08. Either the children must
    move so the link holds, or such links be refused with a clear error (MS Project refuses
    FF and SF links to a summary task).
    """
    result = schedule(
        [
            {"id": "P.design", "name": "Design", "duration": "5d"},
            {"id": "P.phase2", "name": "Phase 2", "depends": ["P.design FF+10d"], "tasks": [
                {"id": "P.build", "name": "Build", "duration": "5d"},
            ]},
        ]
    )  # fmt: skip
    latest_child = result.task("P.build").finish
    assert result.task("P.phase2").finish == latest_child  # engine: 2027-01-22 16:00


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
    assert result.task("P.slab").finish == datetime(2027, 1, 6, 4)  # engine: 08:00
    assert result.task("P.long").finish == datetime(2027, 1, 4, 18)
    assert result.task("P.night").finish == datetime(2027, 1, 4, 18)  # engine: 01-05 08:00


# -- the plan-level properties without the generator's restrictions ------------------------------

_SS_FROM_SUMMARY = {
    "program": "G",
    "key": "G",
    "start": date(2026, 1, 1),
    "projects": [
        {"id": "P0", "name": "P0", "tasks": [
            {"id": "P0.a", "name": "a", "duration": "1d"},
            {"id": "P0.s", "name": "s", "tasks": [
                {"id": "P0.s.0", "name": "s0", "duration": "1d", "depends": ["P0.a"]},
            ]},
            {"id": "P0.b", "name": "b", "milestone": True, "depends": ["P0.s SS"]},
        ]},
    ],
}  # fmt: skip
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


@settings(max_examples=100, deadline=None)
@given(data=plan_data(summary_links=True, mixed_calendars=True, vacations_on_extra_days=True))
@example(data=_SS_FROM_SUMMARY)
def test_plan_links_hold_without_restrictions(data):
    check_plan_links(data)


@settings(max_examples=100, deadline=None)
@given(data=plan_data(summary_links=True, mixed_calendars=True, vacations_on_extra_days=True))
@example(data=_ELAPSED_CHILD)
def test_summaries_roll_up_without_restrictions(data):
    check_roll_up(data)


@settings(max_examples=100, deadline=None)
@given(data=plan_data(summary_links=True, mixed_calendars=True, vacations_on_extra_days=True))
@example(data=_VACATION)
def test_working_moments_without_restrictions(data):
    check_working_moments(data)
