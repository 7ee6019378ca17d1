"""Plan leveling (``progman.level``): hand-checked small programs and properties of
generated ones (capacity never exceeded, every link kept, only delays)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.engine.generators import plan_data

import progman
from progman.domain import Program
from progman.engine import leveling
from progman.engine.leveling import (
    MAX_TIME_LIMIT,
    MIN_TIME_LIMIT,
    POPULATION,
    default_time_limit,
    schedule_budget,
)
from progman.engine.load import analyse_load
from progman.engine.schedule import Schedule
from progman.samples import sample_plan_path

MONDAY = date(2027, 3, 1)
SHARED = Path(__file__).resolve().parents[3] / "shared"


def program(*projects: dict[str, Any], resources: list[dict[str, Any]] | None = None) -> Program:
    return Program.model_validate(
        {
            "program": "Leveling",
            "key": "LV",
            "start": MONDAY.isoformat(),
            "resources": resources
            if resources is not None
            else [{"id": "bob", "name": "Bob"}, {"id": "ann", "name": "Ann"}],
            "projects": list(projects),
        }
    )


def day(schedule: Schedule, ident: str, side: str = "start") -> date:
    moment: datetime = getattr(schedule.task(ident), side)
    return moment.date()


def test_two_projects_share_one_person_and_the_higher_priority_goes_first() -> None:
    plan = program(
        {"id": "A", "name": "A", "priority": 300, "tasks": [
            {"id": "a1", "name": "a1", "duration": "5d", "resources": {"bob": 1.0}},
            {"id": "a_done", "name": "A done", "milestone": True, "depends": ["a1"]},
        ]},
        {"id": "B", "name": "B", "priority": 800, "tasks": [
            {"id": "b1", "name": "b1", "duration": "5d", "resources": {"bob": 1.0}},
            {"id": "b_done", "name": "B done", "milestone": True, "depends": ["b1"]},
        ]},
    )  # fmt: skip
    result = progman.level(plan, schedules=200)
    after = result.schedule
    assert day(after, "b1") == MONDAY  # the important project keeps Bob
    assert day(after, "a1") == date(2027, 3, 8)  # A waits a working week
    assert result.makespan_before == 5 and result.makespan == 10
    assert result.feasible
    assert [d.id for d in result.delays] == ["a1", "a_done"]
    assert result.delays[0].days == 5
    assert after.task("a1").driving_predecessor == "leveling"
    # the other way round when the priorities swap
    swapped = plan.model_copy(deep=True)
    swapped.projects[0].priority, swapped.projects[1].priority = 800, 300
    assert day(progman.level(swapped, schedules=200).schedule, "a1") == MONDAY


def test_task_priority_decides_inside_a_project() -> None:
    plan = program({"id": "A", "name": "A", "tasks": [
        {"id": "low", "name": "low", "duration": "3d", "resources": {"bob": 1.0}},
        {"id": "high", "name": "high", "duration": "3d", "priority": 900,
         "resources": {"bob": 1.0}},
        {"id": "m_low", "name": "m", "milestone": True, "depends": ["low"]},
        {"id": "m_high", "name": "m", "milestone": True, "depends": ["high"]},
    ]})  # fmt: skip
    after = progman.level(plan, schedules=200).schedule
    assert day(after, "high") == MONDAY
    assert day(after, "low") == date(2027, 3, 4)


def test_capacity_above_one_runs_work_side_by_side_and_half_time_shares_a_day() -> None:
    plan = program(
        {"id": "A", "name": "A", "tasks": [
            {"id": f"t{k}", "name": "t", "duration": "2d", "resources": {"team": 1.0}}
            for k in range(3)
        ] + [
            {"id": "h1", "name": "h", "duration": "2d", "resources": {"bob": 0.5}},
            {"id": "h2", "name": "h", "duration": "2d", "resources": {"bob": 0.5}},
        ]},
        resources=[{"id": "team", "name": "Team", "capacity": 2.0}, {"id": "bob", "name": "Bob"}],
    )  # fmt: skip
    after = progman.level(plan, schedules=200).schedule
    starts = sorted(day(after, f"t{k}") for k in range(3))
    assert starts == [MONDAY, MONDAY, date(2027, 3, 3)]
    assert day(after, "h1") == day(after, "h2") == MONDAY


def test_links_with_lags_hold_and_successors_follow_a_delayed_task() -> None:
    plan = program({"id": "A", "name": "A", "tasks": [
        {"id": "x", "name": "x", "duration": "4d", "resources": {"bob": 1.0}},
        {"id": "x_done", "name": "x done", "milestone": True, "priority": 900,
         "depends": ["x"]},
        {"id": "y", "name": "y", "duration": "2d", "resources": {"bob": 1.0}},
        {"id": "z", "name": "z", "duration": "1d", "depends": ["y FS+2d"]},
        {"id": "w", "name": "w", "duration": "1d", "depends": ["y SS+1d"]},
    ]})  # fmt: skip
    result = progman.level(plan, schedules=200)
    after = result.schedule
    assert day(after, "y") == date(2027, 3, 5)  # after x (Mon-Thu)
    assert day(after, "z") == date(2027, 3, 11)  # y ends Mon 8th, two days lag
    assert day(after, "w") == date(2027, 3, 8)
    assert not after.conflicts
    # without the important milestone, y goes first: everything ends three days earlier
    plain = plan.model_copy(deep=True)
    plain.projects[0].tasks[1].priority = None
    assert day(progman.level(plain, schedules=200).schedule, "y") == MONDAY


def test_availability_and_vacations_push_work_out_of_the_gap() -> None:
    plan = program(
        {"id": "A", "name": "A", "tasks": [
            {"id": "t", "name": "t", "duration": "3d", "resources": {"bob": 1.0}},
        ]},
        resources=[{"id": "bob", "name": "Bob", "availability": [
            {"start": "2027-03-02", "finish": "2027-03-12", "capacity": 0.0}]}],
    )  # fmt: skip
    result = progman.level(plan, schedules=50)
    assert day(result.schedule, "t") == date(2027, 3, 15)
    assert result.feasible


def test_work_that_leveling_may_not_move_is_reported() -> None:
    plan = program({"id": "A", "name": "A", "tasks": [
        {"id": "fixed", "name": "f", "duration": "2d", "resources": {"bob": 1.0},
         "constraint": "MSO 2027-03-01"},
        {"id": "vip", "name": "v", "duration": "2d", "priority": 1000, "resources": {"bob": 1.0}},
        {"id": "big", "name": "b", "duration": "2d", "resources": {"ann": 2.0}},
        {"id": "normal", "name": "n", "duration": "2d", "resources": {"bob": 1.0}},
    ]})  # fmt: skip
    result = progman.level(plan, schedules=100)
    reasons = {u.id: u.reason for u in result.unleveled}
    assert reasons == {
        "fixed": "must start on 2027-03-01",
        "vip": "priority 1000 (do not level)",
    }
    # too big for ann: leveled as taking all of her time, and reported as such
    assert [(u.id, u.reason) for u in result.oversized] == [
        ("big", "needs 2 of ann, whose capacity is at most 1: it takes all of ann's time")
    ]
    after = result.schedule
    assert day(after, "fixed") == day(after, "vip") == day(after, "big") == MONDAY
    assert day(after, "normal") == date(2027, 3, 3)  # around the fixed work
    assert not result.feasible
    assert {o.resource for o in result.over_allocations} == {"bob", "ann"}
    why = dict(zip((o.resource for o in result.over_allocations), result.reasons(), strict=True))
    assert why["ann"] == "big: needs 2 of ann, whose capacity is at most 1"
    assert "fixed: must start on 2027-03-01" in why["bob"]
    assert "vip: priority 1000 (do not level)" in why["bob"]


def _overlap(schedule: Schedule, a: str, b: str) -> bool:
    first, second = schedule.task(a), schedule.task(b)
    return first.start < second.finish and second.start < first.finish


@pytest.mark.parametrize("schedules", [1, 200])
def test_work_too_big_for_its_person_takes_all_of_their_time_and_the_rest_moves_off_it(
    schedules: int,
) -> None:
    # X needs 1.0 of pat, who has 0.8: X alone can never fit. It waits for W, which waits
    # for Bob's fixed meeting M; Y, of a more important project, needs half of pat.
    # Leveling used to keep X "not moved" at its first dates, push Y past those, then let
    # W move X onto Y anyway (pat at 1.5), and list X as not moved and as delayed.
    plan = program(
        {"id": "A", "name": "A", "tasks": [
            {"id": "M", "name": "m", "duration": "3d", "resources": {"bob": 1.0},
             "constraint": "MSO 2027-03-01"},
            {"id": "W", "name": "w", "duration": "3d", "resources": {"bob": 1.0}},
            {"id": "X", "name": "x", "duration": "5d", "resources": {"pat": 1.0},
             "depends": ["W"]},
        ]},
        {"id": "B", "name": "B", "priority": 900, "tasks": [
            {"id": "Y", "name": "y", "duration": "5d", "resources": {"pat": 0.5}},
        ]},
        resources=[{"id": "pat", "name": "Pat", "capacity": 0.8}, {"id": "bob", "name": "Bob"}],
    )  # fmt: skip
    result = progman.level(plan, schedules=schedules)
    after = result.schedule
    assert day(after, "Y") == MONDAY  # not pushed past where X never stays
    assert day(after, "X") == date(2027, 3, 9)  # after W, after the meeting
    assert [d.id for d in result.delays] == ["W", "X"]
    assert not _overlap(after, "X", "Y")  # nothing of pat's runs beside X
    assert [u.id for u in result.oversized] == ["X"]
    assert result.oversized[0].reason == (
        "needs 1 of pat, whose capacity is at most 0.8: it takes all of pat's time"
    )
    assert "X" not in {u.id for u in result.unleveled}  # it is leveled: it may move
    # what is left is X alone, and it says why
    (over,) = result.over_allocations
    assert over.resource == "pat" and [t for t, _, _ in over.tasks] == ["X"]
    assert over.peak_load == 1.0
    assert result.reasons() == ("X: needs 1 of pat, whose capacity is at most 0.8",)
    assert result.to_json()["over_allocations"][0]["why"] == result.reasons()[0]


def test_do_not_level_work_moved_by_its_links_is_placed_before_the_work_around_it() -> None:
    # F may not be leveled, but its predecessor W waits for Bob's fixed meeting M, so F
    # moves from Thursday to the next Tuesday with W. Y, of a more important project, comes
    # first in every list and needs Pat like F: it must not be placed over where F ends up
    # (it used to avoid F's first dates only, and F then moved onto it).
    plan = program(
        {"id": "A", "name": "A", "tasks": [
            {"id": "M", "name": "m", "duration": "3d", "resources": {"bob": 1.0},
             "constraint": "MSO 2027-03-01"},
            {"id": "W", "name": "w", "duration": "3d", "resources": {"bob": 1.0}},
            {"id": "F", "name": "f", "duration": "5d", "priority": 1000,
             "resources": {"pat": 1.0}, "depends": ["W"]},
        ]},
        {"id": "B", "name": "B", "priority": 900, "tasks": [
            {"id": "Y", "name": "y", "duration": "4d", "resources": {"pat": 1.0}},
        ]},
        resources=[{"id": "pat", "name": "Pat"}, {"id": "bob", "name": "Bob"}],
    )  # fmt: skip
    for schedules in (1, 50):
        result = progman.level(plan, schedules=schedules)
        after = result.schedule
        assert day(after, "W") == date(2027, 3, 4)  # after the meeting
        assert day(after, "F") == date(2027, 3, 9)  # its link moved it, not leveling
        assert day(after, "Y") == MONDAY
        assert not _overlap(after, "F", "Y"), schedules
        assert result.feasible, result.over_allocations
        assert {u.id: u.reason for u in result.unleveled} == {
            "M": "must start on 2027-03-01",
            "F": "priority 1000 (do not level)",
        }
        (moved,) = [d for d in result.delays if d.id == "F"]
        assert moved.cause is not None and moved.cause.via == "W"
        assert moved.cause.resource == "bob" and moved.cause.reason == "bob is busy with M"


def test_a_delay_names_the_person_and_the_days_that_caused_it() -> None:
    # Kim works half time in July: work that needs all of her waits for August.
    plan = program(
        {"id": "A", "name": "A", "tasks": [
            {"id": "prep", "name": "p", "duration": "5d", "resources": {"kim": 1.0}},
            {"id": "migrate", "name": "m", "duration": "5d", "resources": {"kim": 1.0},
             "depends": ["prep"]},
            {"id": "live", "name": "l", "milestone": True, "depends": ["migrate"]},
        ]},
        resources=[{"id": "kim", "name": "Kim", "availability": [
            {"start": "2027-03-08", "finish": "2027-03-19", "capacity": 0.5}]}],
    )  # fmt: skip
    result = progman.level(plan, schedules=50)
    delays = {d.id: d for d in result.delays}
    assert day(result.schedule, "migrate") == date(2027, 3, 22)
    migrate = delays["migrate"]
    assert migrate.days == 10
    assert migrate.cause is not None
    assert (migrate.cause.resource, migrate.cause.first, migrate.cause.last) == (
        "kim",
        date(2027, 3, 8),
        date(2027, 3, 19),
    )
    assert migrate.cause.reason == "kim has 0.5 FTE from 2027-03-08 to 2027-03-19, needs 1"
    assert migrate.cause.via is None
    live = delays["live"].cause
    assert live is not None and live.via == "migrate" and live.resource == "kim"
    body = result.to_json()
    (entry,) = [d for d in body["delays"] if d["id"] == "migrate"]
    assert entry["cause"] == {
        "resource": "kim",
        "start": "2027-03-08",
        "finish": "2027-03-19",
        "reason": "kim has 0.5 FTE from 2027-03-08 to 2027-03-19, needs 1",
        "via": None,
    }
    assert {"id", "project", "before", "after", "days"} <= set(entry)  # as before


def test_another_task_is_named_as_what_kept_the_person_busy() -> None:
    plan = program({"id": "A", "name": "A", "tasks": [
        {"id": "first", "name": "f", "duration": "3d", "priority": 900,
         "resources": {"bob": 1.0}},
        {"id": "second", "name": "s", "duration": "2d", "resources": {"bob": 1.0}},
    ]})  # fmt: skip
    (delay,) = progman.level(plan, schedules=50).delays
    assert delay.id == "second" and delay.days == 3
    assert delay.cause is not None
    assert delay.cause.text() == "bob 2027-03-01 – 2027-03-03: bob is busy with first"


def test_elapsed_work_loads_a_person_in_their_own_working_hours_as_the_load_analysis_does() -> None:
    # A weekend cutover (Sat 08:00 to Mon 08:00) at 1.0 by someone at 0.5 from March:
    # it loads her on no working day, so neither leveling nor the load analysis sees a
    # problem, and it stays on its weekend.
    plan = program(
        {"id": "A", "name": "A", "tasks": [
            {"id": "build", "name": "b", "duration": "5d", "resources": {"kim": 1.0}},
            {"id": "cutover", "name": "c", "duration": "2ed", "resources": {"kim": 1.0},
             "depends": ["build"], "constraint": "SNET 2027-03-13"},
        ]},
        resources=[{"id": "kim", "name": "Kim", "availability": [
            {"start": "2027-03-08", "capacity": 0.5}]}],
    )  # fmt: skip
    result = progman.level(plan, schedules=50)
    assert result.delays == () and result.feasible
    assert result.schedule.task("cutover").start == datetime(2027, 3, 13, 8, 0)
    assert not analyse_load(plan, progman.schedule(plan)).over_allocations


def test_elapsed_work_on_a_vacation_moves_off_it_and_says_so_in_working_days() -> None:
    # The load analysis counts elapsed work on a vacation day as over-allocation; leveling
    # moves it off the vacation, by 5 working days of the program calendar (not 7
    # calendar days, nor a fraction of one).
    plan = program(
        {"id": "A", "name": "A", "tasks": [
            {"id": "cutover", "name": "c", "duration": "3ed", "resources": {"lee": 1.0},
             "constraint": "SNET 2027-03-06"},
        ]},
        resources=[{"id": "lee", "name": "Lee", "vacations": [
            {"start": "2027-03-06", "finish": "2027-03-14"}]}],
    )  # fmt: skip
    assert analyse_load(plan, progman.schedule(plan)).over_allocations  # Mon 8th, on vacation
    result = progman.level(plan, schedules=50)
    (delay,) = result.delays
    assert result.schedule.task("cutover").start == datetime(2027, 3, 13, 8, 0)
    assert delay.days == 5.0
    assert delay.cause is not None
    assert delay.cause.reason == "lee is on vacation 2027-03-06 – 2027-03-14"
    assert (delay.cause.first, delay.cause.last) == (date(2027, 3, 8), date(2027, 3, 12))
    assert result.feasible
    assert not analyse_load(plan, result.schedule).over_allocations


def test_delays_are_working_days_of_the_program_calendar_whatever_the_task_calendar() -> None:
    # bob works mornings only (4 h); his second task waits three of his days: three
    # working days of the program calendar, not three of his half days nor 1.5.
    plan = Program.model_validate(
        {
            "program": "Units",
            "key": "U",
            "start": MONDAY.isoformat(),
            "calendars": {
                "standard": {"workdays": ["mon", "tue", "wed", "thu", "fri"]},
                "mornings": {"workdays": ["mon", "tue", "wed", "thu", "fri"], "hours_per_day": 4},
            },
            "calendar": "standard",
            "resources": [{"id": "bob", "name": "Bob", "calendar": "mornings"}],
            "projects": [{"id": "A", "name": "A", "tasks": [
                {"id": "one", "name": "1", "duration": "12h", "priority": 900,
                 "resources": {"bob": 1.0}},
                {"id": "two", "name": "2", "duration": "4h", "resources": {"bob": 1.0}},
            ]}],
        }
    )  # fmt: skip
    (delay,) = progman.level(plan, schedules=50).delays
    assert delay.id == "two" and delay.days == 3.0


def test_interruptible_work_pauses_around_a_busy_day_instead_of_waiting() -> None:
    tasks = [
        {"id": "meeting", "name": "m", "duration": "1d", "resources": {"bob": 1.0},
         "constraint": "MSO 2027-03-03"},
        {"id": "work", "name": "w", "duration": "4d", "resources": {"bob": 1.0},
         "interruptible": True},
        {"id": "after", "name": "a", "milestone": True, "depends": ["work"]},
    ]  # fmt: skip
    result = progman.level(program({"id": "A", "name": "A", "tasks": tasks}), schedules=50)
    work = result.schedule.task("work")
    assert [(a.date(), b.date()) for a, b in work.segments] == [
        (date(2027, 3, 1), date(2027, 3, 2)),
        (date(2027, 3, 4), date(2027, 3, 5)),
    ]
    assert (work.start.date(), work.finish.date()) == (MONDAY, date(2027, 3, 5))
    assert day(result.schedule, "after", "finish") == date(2027, 3, 5)
    assert result.feasible  # the paused Wednesday carries no load
    body = result.schedule.to_json()
    (entry,) = [t for t in body["tasks"] if t["id"] == "work"]
    assert entry["segments"] == [
        ["2027-03-01T08:00", "2027-03-02T16:00"],
        ["2027-03-04T08:00", "2027-03-05T16:00"],
    ]
    # the same task, not interruptible, waits for the whole free stretch
    tasks[1]["interruptible"] = False
    whole = progman.level(program({"id": "A", "name": "A", "tasks": tasks}), schedules=50)
    entry_whole = whole.schedule.task("work")
    assert entry_whole.segments == () and entry_whole.start.date() == date(2027, 3, 4)


def test_the_same_seed_gives_the_same_schedule() -> None:
    plan = progman.load_plan(sample_plan_path())
    first = progman.level(plan, seed=3, schedules=300)
    again = progman.level(plan, seed=3, schedules=300)
    assert first.to_json()["tasks"] == again.to_json()["tasks"]
    assert first.schedules_generated == again.schedules_generated >= 300


def test_the_default_time_limit_grows_with_the_program_within_bounds() -> None:
    assert default_time_limit(10) == MIN_TIME_LIMIT == 0.1
    assert default_time_limit(1_000) == pytest.approx(1.0)
    assert default_time_limit(5_000) == pytest.approx(5.0)
    assert default_time_limit(1_000_000) == MAX_TIME_LIMIT == 10.0
    # about the same number of schedules from 100 to 10,000 tasks, more for smaller ones
    assert {schedule_budget(n, default_time_limit(n)) for n in (100, 1_000, 10_000)} == {250}
    assert schedule_budget(30, default_time_limit(30)) == 833
    assert schedule_budget(100_000, default_time_limit(100_000)) == 25
    assert schedule_budget(10**6, 0.001) == POPULATION  # never less than a population


def test_without_a_time_limit_the_search_spends_the_budget_of_the_scaled_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plan = progman.load_plan(sample_plan_path())
    stopped = [0.0]  # a frozen clock: the safety net never stops the search here
    monkeypatch.setattr(leveling, "time", SimpleNamespace(perf_counter=lambda: stopped[0]))
    scaled = progman.level(plan, seed=1)
    size = scaled.order.size
    budget = schedule_budget(size, default_time_limit(size))
    fixed = progman.level(plan, seed=1, schedules=budget)
    assert budget <= scaled.schedules_generated < budget + 100  # at most a generation more
    assert scaled.to_json()["tasks"] == fixed.to_json()["tasks"]
    assert scaled.schedules_generated == fixed.schedules_generated
    longer = progman.level(plan, seed=1, time_limit=1.0)  # an explicit limit: its budget
    assert longer.schedules_generated >= schedule_budget(size, 1.0) > budget


def test_the_safety_net_stops_a_search_whose_clock_runs_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plan = progman.load_plan(sample_plan_path())
    ticks = iter(range(0, 10**9, 10))  # every look at the clock: ten seconds later
    monkeypatch.setattr(leveling, "time", SimpleNamespace(perf_counter=lambda: float(next(ticks))))
    result = progman.level(plan, time_limit=5.0)
    assert result.schedules_generated == 3  # the first list and its improvement only
    assert result.makespan >= result.makespan_before


def test_the_sample_is_leveled_except_for_work_already_under_way() -> None:
    plan = progman.load_plan(sample_plan_path())
    result = progman.level(plan, schedules=500)
    assert result.makespan > result.makespan_before
    kept = {u.id for u in result.unleveled}
    for over in result.over_allocations:
        assert {t for t, _, _ in over.tasks} & kept, over  # only fixed work still collides
    body = result.to_json("sample.yaml")
    assert {"input", "makespan", "feasible", "seconds", "tasks"} <= set(body)
    assert body["projects"]["MOB"]["finish_before"] <= body["projects"]["MOB"]["finish"]


def test_an_imported_psplib_instance_levels_to_its_optimum() -> None:
    source = SHARED / "data" / "psplib" / "j30" / "j301_1.sm"
    if not source.exists():
        pytest.skip(f"PSPLIB data not found at {source} (../shared is absent)")
    from progman.io.psplib import instance_to_program, read_psplib  # noqa: PLC0415

    plan = instance_to_program(read_psplib(source), date(2027, 1, 4))
    result = progman.level(plan, schedules=8000)
    assert result.makespan_before == 38
    assert result.makespan == 43  # the optimum (bounds.csv)
    assert result.feasible


def _without_unlevelable(data: dict[str, Any]) -> dict[str, Any]:
    """The same plan without must-start-on dates and elapsed work (which may collide)."""

    def clean(items: list[dict[str, Any]]) -> None:
        for item in items:
            if item.get("constraint", {}).get("type") == "mso":
                del item["constraint"]
            if "e" in str(item.get("duration", "")):
                item["duration"] = "1d"
            clean(item.get("tasks", []))

    for project in data["projects"]:
        clean(project["tasks"])
    return data


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan_data())
def test_generated_programs_never_exceed_capacity_and_keep_every_link(
    data: dict[str, Any],
) -> None:
    plan = Program.model_validate(_without_unlevelable(data))
    result = progman.level(plan, schedules=40)
    assert result.feasible, result.over_allocations
    assert not analyse_load(plan, result.schedule).over_allocations
    assert not result.schedule.conflicts
    before = {t.id: t for t in result.before.tasks}
    alap = {i.id for i in plan.work_items() if i.constraint and i.constraint.type == "alap"}
    for task in result.schedule.tasks:
        if task.id not in alap and not task.summary:
            assert task.start >= before[task.id].start, task.id  # leveling only delays


def _all_interruptible(data: dict[str, Any]) -> dict[str, Any]:
    def mark(items: list[dict[str, Any]]) -> None:
        for item in items:
            if "tasks" in item:
                mark(item["tasks"])
            else:
                item["interruptible"] = True

    for project in data["projects"]:
        mark(project["tasks"])
    return data


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan_data())
def test_generated_programs_with_split_work_never_exceed_capacity(data: dict[str, Any]) -> None:
    plan = Program.model_validate(_all_interruptible(_without_unlevelable(data)))
    result = progman.level(plan, schedules=30)
    assert result.feasible, result.over_allocations
    assert not result.schedule.conflicts
    for task in result.schedule.tasks:
        pieces = task.segments
        if pieces:
            assert pieces[0][0] == task.start and pieces[-1][1] == task.finish
            assert all(a < b for a, b in pieces)
            assert all(b < c for (_, b), (c, _) in pairwise(pieces))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan_data())
def test_generated_programs_with_fixed_work_break_links_only_into_it(
    data: dict[str, Any],
) -> None:
    plan = Program.model_validate(data)
    result = progman.level(plan, schedules=20)
    fixed = {i.id for i in plan.work_items() if i.constraint and i.constraint.type == "mso"}
    assert {c.successor for c in result.schedule.conflicts} <= fixed


@st.composite
def _plans_with_capacities(draw: st.DrawFn) -> dict[str, Any]:
    """Generated programs (no must-start-on dates: fixed work may collide) whose people
    have other capacities, availability periods and assignments of any units, some more
    than a person ever has; elapsed work stays."""
    data = draw(plan_data())
    for project in data["projects"]:
        _drop_mso(project["tasks"])
    start = data["start"]
    for resource in data["resources"]:
        resource["capacity"] = draw(st.sampled_from([0.5, 0.8, 1.0, 1.5]))
        if draw(st.booleans()):
            first = start + timedelta(days=draw(st.integers(0, 60)))
            period: dict[str, Any] = {
                "start": first,
                "capacity": draw(st.sampled_from([0.25, 0.5, 1.0, 2.0])),
            }
            if draw(st.booleans()):
                period["finish"] = first + timedelta(days=draw(st.integers(0, 40)))
            resource["availability"] = [period]
        if draw(st.booleans()):  # a week or two away early on, over working days
            away = start + timedelta(days=draw(st.integers(0, 30)))
            last = away + timedelta(days=draw(st.integers(2, 12)))
            resource["vacations"] = [*resource["vacations"], {"start": away, "finish": last}]
    units = st.sampled_from([0.25, 0.5, 1.0, 1.25, 2.0])

    def assign(items: list[dict[str, Any]]) -> None:
        for item in items:
            assign(item.get("tasks", []))
            if "resources" in item:
                item["resources"] = {rid: draw(units) for rid in item["resources"]}
                if "duration" in item and draw(st.integers(0, 2)) == 0:
                    item["duration"] = draw(st.sampled_from(["2ed", "3ed", "30eh"]))

    for project in data["projects"]:
        assign(project["tasks"])
    return data


def _drop_mso(items: list[dict[str, Any]]) -> None:
    for item in items:
        if item.get("constraint", {}).get("type") == "mso":
            del item["constraint"]
        _drop_mso(item.get("tasks", []))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_plans_with_capacities())
def test_after_leveling_only_work_too_big_for_a_person_over_allocates_them(
    data: dict[str, Any],
) -> None:
    """No day has a person over capacity except where one task alone needs more of them
    than they have that day (and they have some: work is never left on a day they have
    none, such as elapsed work on a vacation); what is left is reported with the reason."""
    plan = Program.model_validate(data)
    result = progman.level(plan, schedules=30)
    analysis = analyse_load(plan, result.schedule)
    assert len(result.over_allocations) == len(analysis.over_allocations)
    units = {(item.id, a.resource): a.units for item in plan.work_items() for a in item.resources}
    for over in analysis.over_allocations:
        r = analysis.index(over.resource)
        lo, hi = (over.start - analysis.origin).days, (over.finish - analysis.origin).days
        for d in range(lo, hi + 1):
            if analysis.load[r, d] <= analysis.capacity[r, d] + 1e-9:
                continue
            today = analysis.day(d)
            running = [
                t.id
                for t in result.schedule.tasks
                if (t.id, over.resource) in units
                and not t.summary
                and t.start.date() <= today <= (t.finish - timedelta(minutes=1)).date()
            ]
            capacity = analysis.capacity[r, d]
            too_big = [t for t in running if units[t, over.resource] > capacity + 1e-9 > 2e-9]
            assert too_big, (over, today, running)
    for why in result.reasons():
        assert why and "no order" not in why


def test_the_search_reports_how_much_of_its_budget_it_has_spent() -> None:
    """A leveling job shows this as its progress (and is cancelled at a report)."""
    program = progman.load_plan(sample_plan_path())
    reports: list[float] = []
    leveling.level(program, schedules=2000, progress=reports.append)
    assert len(reports) > 10
    assert reports == sorted(reports) and reports[0] > 0 and reports[-1] <= 1
    assert reports[-1] > 0.9  # the sample never reaches its lower bound: the budget is spent


def test_a_progress_report_that_raises_stops_the_search() -> None:
    class Cancelled(Exception):
        pass

    def cancel(fraction: float) -> None:
        if fraction > 0.3:
            raise Cancelled

    with pytest.raises(Cancelled):
        leveling.level(progman.load_plan(sample_plan_path()), schedules=2000, progress=cancel)
