"""A command that reads one schedule of a plan in several places schedules it once: health
(its forecast, costs and earned value), earned value, and the due reports that ``comms
--write`` renders (one schedule for all of them, the same bytes as one report at a time)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from progman.planfile import load_plan
from progman.services.comms import communication_plan, do_write_reports
from progman.services.evm import earned_value_of
from progman.services.health import health_of_source, program_health
from progman.services.plans import PlanSource
from progman.services.reports import render_report


def test_health_of_a_plan_file_schedules_it_once(sample_plan, schedules):
    result = health_of_source(PlanSource.of(sample_plan, None, None))
    assert result.earned_value, "the sample has a baseline: earned value is measured too"
    assert len(schedules) == 1


def test_health_with_earned_value_schedules_an_unsealed_program_once(sample_plan, schedules):
    program = load_plan(sample_plan)  # not sealed: nothing keeps its schedule between calls
    first = program_health(program, status_date=date(2027, 5, 3))
    assert first.earned_value and len(schedules) == 1
    again = program_health(program, status_date=date(2027, 5, 3))
    assert len(schedules) == 2 and again == first


def test_earned_value_of_a_plan_file_schedules_it_once(sample_plan, schedules):
    earned_value_of(PlanSource.of(sample_plan, None, None))
    assert len(schedules) == 1


def test_comms_writes_every_due_report_from_one_schedule(sample_plan, schedules, tmp_path):
    program = load_plan(sample_plan)
    plan = communication_plan(program, date(2027, 5, 7))
    written = do_write_reports(program, plan, tmp_path / "out")
    assert {"exec", "program", "team"} <= {line.report for line in plan.due}
    assert len(written) > 3
    assert len(schedules) == 1
    files = {line.file: line for line in plan.due}  # some reports go to several people
    alone = {
        name: render_report(program, line.report, line.format, project=line.project)
        for name, line in files.items()
    }
    assert {w.path.name: Path(w.path).read_bytes() for w in written} == alone
    assert len(schedules) == 1 + len(alone)  # one report alone schedules the program itself
