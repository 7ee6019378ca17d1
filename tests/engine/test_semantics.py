"""The program's scheduling settings (lag calendar, progress mode) hold in every use of the
engine alike: CPM, Monte Carlo, leveling, impact and what-if. The rules themselves, with
dates and floats worked out by hand (the backward pass's too), are the cases
``cases/lag_in_*.yaml`` and ``cases/progress_*.yaml``."""

from __future__ import annotations

import copy
from datetime import datetime, time, timedelta
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.engine.generators import check_plan_links, check_working_moments, plan_data

import progman
from progman.domain import ChangeItem, Duration, Program
from progman.domain.scenarios import apply_changes
from progman.domain.scheduling import LAG_CALENDARS, PROGRESS_MODES
from progman.engine.build import build_network
from progman.engine.compare_versions import schedule_versions
from progman.engine.impact import LinkChange, TaskSlip, impact
from progman.engine.network import IncrementalSchedule, schedule_network
from progman.planfile import validate_plan_data

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: The program's office is shut on Wednesday 3rd, the plant (P.a's) on Thursday 4th and
#: Friday 5th; P.b works Monday to Friday; P.c on the site's Monday-to-Wednesday calendar.
#: P.b starts 20 hours after P.a: Friday 12:00 on its own calendar, Wednesday 12:00 on the
#: wall clock, Tuesday 9th 12:00 on the plant's, Monday 8th 12:00 on the office's.
TWO_CALENDARS = """\
program: Lag calendars
key: LAGS
start: 2027-03-01
calendar: office
calendars:
  office: {holidays: [2027-03-03]}
  plant: {holidays: [{start: 2027-03-04, finish: 2027-03-05}]}
  weekdays: {}
  site: {workdays: [mon, tue, wed], hours_per_day: 6}
projects:
  - id: P
    name: Works
    tasks:
      - {id: P.a, name: Cast, duration: 2d, calendar: plant}
      - {id: P.b, name: Assemble, duration: 2d, calendar: weekdays, depends: ["P.a FS+20h"]}
      - {id: P.c, name: Fit, duration: 1d, calendar: site, depends: ["P.b FS+1d", "P.a SS+2d"]}
      - {id: P.end, name: Done, milestone: true, depends: [P.c]}
"""


def two_calendars(mode: str, progress: str = "data_date") -> Program:
    data = yaml.safe_load(TWO_CALENDARS)
    data["scheduling"] = {"lag_calendar": mode, "progress": progress}
    return validate_plan_data(data)


def dates(schedule: progman.Schedule) -> dict[str, tuple[Any, Any]]:
    return {t.id: (t.start, t.finish) for t in schedule.tasks}


def test_each_lag_calendar_gives_its_own_dates():
    """The same lag lands differently on each lag calendar (see TWO_CALENDARS)."""
    starts = {
        mode: progman.schedule(two_calendars(mode)).task("P.b").start.strftime("%a %d %H:%M")
        for mode in LAG_CALENDARS
    }
    assert starts == {
        "successor": "Fri 05 12:00",
        "24h": "Wed 03 12:00",
        "predecessor": "Tue 09 12:00",
        "program": "Mon 08 12:00",
    }
    plain = yaml.safe_load(TWO_CALENDARS)  # no setting: the successor's calendar
    assert dates(progman.schedule(validate_plan_data(plain))) == dates(
        progman.schedule(two_calendars("successor"))
    )


@pytest.mark.parametrize("mode", LAG_CALENDARS)
def test_incremental_rescheduling_keeps_each_links_lag_calendar(mode):
    built = build_network(two_calendars(mode))
    incremental = IncrementalSchedule(built.network)
    incremental.set_duration(built.index["P.a"], 3 * 480)
    incremental.add_link(built.index["P.b"], built.index["P.end"], lag=480, lag_calendar=2)
    full = schedule_network(incremental.network)
    assert np.array_equal(incremental.result.early_start, full.early_start)
    assert np.array_equal(incremental.result.late_finish, full.late_finish)
    incremental.remove_link(0)
    full = schedule_network(incremental.network)
    assert np.array_equal(incremental.result.late_finish, full.late_finish)


@pytest.mark.parametrize("mode", LAG_CALENDARS)
def test_monte_carlo_without_uncertainty_is_the_schedule(mode):
    program = two_calendars(mode)
    deterministic = progman.schedule(program)
    result = progman.simulate(program, iterations=50, seed=1)
    assert set(result.finish.values()) == {deterministic.finish}
    assert result.milestones["P.end"].p95 == deterministic.task("P.end").finish


@pytest.mark.parametrize("mode", LAG_CALENDARS)
def test_leveling_without_people_moves_nothing(mode):
    program = two_calendars(mode)
    leveled = progman.level(program, schedules=5)
    assert dates(leveled.schedule) == dates(progman.schedule(program))


@pytest.mark.parametrize("mode", LAG_CALENDARS)
def test_impact_equals_the_schedule_of_the_changed_plan(mode):
    """A slip, a changed lag and a new link, each answered by the incremental impact, land
    where a schedule of the plan with that change lands."""
    program = two_calendars(mode)
    questions = [
        (TaskSlip("P.a", 2), "P.a", "duration", "4d"),
        (LinkChange("P.a", "P.b", lag=Duration.parse("5d")), "P.b", "depends", ["P.a FS+5d"]),
        (
            LinkChange("P.a", "P.end", lag=Duration.parse("1d")),
            "P.end",
            "depends",
            ["P.c", "P.a FS+1d"],
        ),
    ]
    for change, ident, field, value in questions:
        answer = impact(program, change)
        changed = apply_changes(
            program, [ChangeItem(op="set", target=ident, field=field, value=value)]
        )
        expected = progman.schedule(changed)
        assert answer.finish_after == expected.finish, (mode, change)
        for moved in answer.tasks:
            assert moved.after == expected.task(moved.id).finish, (mode, change, moved.id)


def test_a_what_if_may_change_the_lag_calendar():
    """The settings are the program's fields: a scenario sets them like any other."""
    program = two_calendars("successor")
    variant = apply_changes(
        program,
        [
            ChangeItem(
                op="set",
                target="LAGS",
                field="scheduling",
                value={"lag_calendar": "predecessor"},
            )
        ],
    )
    assert program.scheduling.lag_calendar == "successor"
    versions = schedule_versions(program, variant)
    assert versions.current.schedule.finish == progman.schedule(program).finish
    assert (
        versions.scenario.schedule.finish == progman.schedule(two_calendars("predecessor")).finish
    )
    assert versions.scenario.schedule.finish != versions.current.schedule.finish


# -- generated programs -----------------------------------------------------------------------


def _with(data: dict[str, Any], mode: str, progress: str) -> dict[str, Any]:
    data = copy.deepcopy(data)
    data["scheduling"] = {"lag_calendar": mode, "progress": progress}
    return data


@SETTINGS
@given(data=plan_data(), mode=st.sampled_from(LAG_CALENDARS))
def test_generated_links_hold_on_their_lag_calendar(data, mode):
    check_plan_links(_with(data, mode, "data_date"))


@SETTINGS
@given(data=plan_data(), mode=st.sampled_from(LAG_CALENDARS))
def test_generated_work_stays_in_working_time_on_every_lag_calendar(data, mode):
    check_working_moments(_with(data, mode, "data_date"))


@st.composite
def plans_with_progress(draw: st.DrawFn) -> dict[str, Any]:
    """A generated program with a status date, some work done or under way (started before
    the program start too, and after the status date), a lag calendar and a progress mode."""
    data = draw(plan_data())
    start = data["start"]
    data["status_date"] = start + timedelta(days=draw(st.integers(0, 30)))
    data["scheduling"] = {
        "lag_calendar": draw(st.sampled_from(LAG_CALENDARS)),
        "progress": draw(st.sampled_from(PROGRESS_MODES)),
    }

    def mark(items: list[dict[str, Any]]) -> None:
        for item in items:
            if "tasks" in item:
                mark(item["tasks"])
                continue
            if item.get("constraint", {}).get("type") in ("mso", "alap"):
                continue
            kind = draw(st.sampled_from(["none", "none", "started", "done"]))
            if kind == "none":
                continue
            item["actual_start"] = start + timedelta(days=draw(st.integers(-5, 35)))
            if kind == "done" and item.get("milestone"):  # one moment
                item["actual_finish"] = item["actual_start"]
            elif kind == "done":
                item["actual_finish"] = item["actual_start"] + timedelta(
                    days=draw(st.integers(0, 4))
                )
            elif draw(st.booleans()) and not item.get("milestone"):
                item["remaining"] = draw(st.sampled_from(["0d", "1d", "2h"]))

    for project in data["projects"]:
        mark(project["tasks"])
    return data


@SETTINGS
@given(data=plans_with_progress())
def test_monte_carlo_without_uncertainty_is_the_schedule_in_every_mode(data):
    program = Program.model_validate(data)
    deterministic = progman.schedule(program)
    result = progman.simulate(program, iterations=20, seed=2)
    assert set(result.finish.values()) == {deterministic.finish}


@SETTINGS
@given(data=plans_with_progress())
def test_started_work_keeps_its_start_and_only_the_data_date_holds_back_new_work(data):
    """In both modes, with or without a status date, a started task keeps its actual start
    (at its calendar's next working moment). In the data-date mode no work that has not
    started starts before the day after the status date (a must-start-on date aside); in
    the continuous mode the status date moves nothing."""
    program = Program.model_validate(data)
    schedule = progman.schedule(program)
    modes = {"data_date": "continuous", "continuous": "data_date"}
    other = {**data["scheduling"], "progress": modes[program.scheduling.progress]}
    elsewhere = progman.schedule(
        Program.model_validate({**data, "scheduling": other, "status_date": None})
    )
    after_status = datetime.combine(program.status_date + timedelta(days=1), time())
    data_date = program.scheduling.progress == "data_date"
    for item in program.work_items():
        task = schedule.task(item.id)
        if item.actual_start is not None:
            assert task.start == elsewhere.task(item.id).start, item.id
            if not item.milestone:
                assert task.start.date() >= item.actual_start, (item.id, task)
        elif not item.tasks and item.actual_finish is None:
            must = item.constraint is not None and item.constraint.type == "mso"
            if data_date and not must:
                assert task.start >= after_status, (item.id, task)
    if not data_date:  # the status date moves nothing
        without = progman.schedule(Program.model_validate({**data, "status_date": None}))
        assert dates(without) == dates(schedule)
