"""PSPLIB .sm import: the instance matches the file; malformed files say file:line."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

import progman
from progman.engine.rcpsp import RcpspInstance, critical_path
from progman.errors import InputNotFound
from progman.io.psplib import PsplibInvalid, instance_to_program, parse_psplib, read_psplib

PSPLIB = Path(__file__).resolve().parents[3] / "shared" / "data" / "psplib"
J301_1 = PSPLIB / "j30" / "j301_1.sm"

needs_data = pytest.mark.skipif(not J301_1.exists(), reason="PSPLIB data not available")


@needs_data
def test_j301_1_matches_the_file():
    inst = read_psplib(J301_1)
    assert inst.n == 32 and inst.resources == 4
    assert inst.capacity.tolist() == [12, 13, 4, 12]
    assert inst.jobs.tolist() == list(range(1, 33))
    assert inst.durations[0] == 0 and inst.durations[-1] == 0
    assert inst.durations[1:5].tolist() == [8, 4, 6, 3]  # jobs 2..5
    assert inst.demand[1].tolist() == [4, 0, 0, 0]  # job 2
    assert inst.successors(0) == [1, 2, 3]  # job 1 → 2 3 4
    assert inst.successors(1) == [5, 10, 14]  # job 2 → 6 11 15
    assert inst.successors(31) == []
    assert inst.name == "j301_1"


def _sample() -> str:
    return J301_1.read_text()


@needs_data
def test_a_bad_number_names_file_and_line():
    lines = _sample().splitlines()
    lines[20] = lines[20].replace("3", "x", 1)  # a precedence row
    with pytest.raises(PsplibInvalid) as caught:
        parse_psplib("\n".join(lines), "bad.sm")
    assert str(caught.value.location) == "bad.sm:21"


@needs_data
def test_a_successor_out_of_range_is_reported():
    text = _sample().replace("  32        1          0", "  32        1          1  99")
    with pytest.raises(PsplibInvalid, match="successor 99"):
        parse_psplib(text, "bad.sm")


@needs_data
def test_a_truncated_file_is_reported():
    text = _sample().split("REQUESTS/DURATIONS")[0]
    with pytest.raises(PsplibInvalid, match="REQUESTS/DURATIONS"):
        parse_psplib(text, "cut.sm")


def test_not_a_psplib_file():
    with pytest.raises(PsplibInvalid, match="not a PSPLIB"):
        parse_psplib("hello\n", "x.sm")


def test_missing_file(tmp_path):
    with pytest.raises(InputNotFound):
        read_psplib(tmp_path / "none.sm")


@needs_data
def test_demand_above_capacity_is_reported():
    text = _sample().replace("   12   13    4   12", "   12   13    4    1")
    with pytest.raises(PsplibInvalid, match="capacity is 1"):
        parse_psplib(text, "cap.sm")
    assert np.all(read_psplib(J301_1).capacity > 0)


# -- instance_to_program: the plan `progman import` writes ----------------------------------


@needs_data
def test_j301_1_as_a_plan_loads_and_schedules_to_the_critical_path(tmp_path):
    inst = read_psplib(J301_1)
    start = date(2027, 1, 4)
    path = tmp_path / "j301_1.yaml"
    progman.dump_plan(instance_to_program(inst, start), path)
    plan = progman.load_plan(path)

    assert plan.key == "j301_1" and plan.start == start and plan.calendar == "periods"
    assert plan.calendars["periods"].workdays == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    [project] = plan.projects
    assert project.id == "P"
    tasks = project.tasks
    assert [t.id for t in tasks] == [f"J{n}" for n in range(1, 33)]
    assert sum(len(t.depends) for t in tasks) == len(inst.succ) == 48
    assert {t.id for t in tasks if t.milestone} == {"J1", "J32"}
    assert all(t.duration is None for t in tasks if t.milestone)
    assert str(tasks[1].duration) == "8d"  # job 2
    assert [d.task for d in tasks[5].depends] == ["J2"]  # job 6 follows job 2
    assert all(d.type == "FS" and d.lag.is_zero for t in tasks for d in t.depends)
    assert [(r.id, r.kind, r.capacity) for r in plan.resources] == [
        ("R1", "material", 12),
        ("R2", "material", 13),
        ("R3", "material", 4),
        ("R4", "material", 12),
    ]
    assert {a.resource: a.units for a in tasks[1].resources} == {"R1": 4}  # zeros omitted
    assert tasks[0].resources == []

    es, _, length = critical_path(inst)
    schedule = progman.schedule(plan)
    assert length == 38
    # period p is day start + p; the last period of the critical path is day start + 37
    assert schedule.finish.date() == start + timedelta(days=length - 1)
    assert (schedule.finish.date() - start).days + 1 == length
    assert schedule.warnings == ()
    for j, task in enumerate(tasks[1:-1], start=1):  # a job starts on day start + its ES
        assert schedule.task(task.id).start.date() == start + timedelta(days=int(es[j]))
    assert schedule.task("J1").start.date() == start
    assert schedule.task("J32").finish == schedule.finish  # the sink is the end milestone


def test_an_instance_beyond_the_plan_limits_is_a_clear_error():
    inst = RcpspInstance.from_edges([0, 3, 0], [(0, 1), (1, 2)], [[0], [2000], [0]], [5000])
    with pytest.raises(PsplibInvalid, match="does not fit a plan"):
        instance_to_program(inst, date(2027, 1, 4))


def test_a_small_instance_and_its_name(tmp_path):
    inst = RcpspInstance.from_edges(
        [0, 2, 3, 0], [(0, 1), (0, 2), (1, 3), (2, 3)], [[0], [1], [0], [0]], [1], name="a b"
    )
    program = instance_to_program(inst, date(2030, 6, 1), name="Tiny")
    assert program.name == "Tiny" and program.key == "a_b"
    assert program.projects[0].tasks[2].resources == []  # zero demand: no assignment
    path = tmp_path / "tiny.json"
    progman.dump_plan(program, path)
    assert progman.load_plan(path) == program
    assert progman.schedule(program).finish.date() == date(2030, 6, 3)
