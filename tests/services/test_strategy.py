"""Objectives and benefits measured and forecast from the schedule: key-result progress,
objective forecasts, unaligned work, benefits at risk (as planned and at P80) with the
chain that causes it, planned vs realized, and the measurements a plan may not hold."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
import yaml

from progman.errors import PlanInvalid
from progman.planfile import load_plan, validate_plan_data
from progman.services.strategy import benefits_json, objectives_json, program_strategy

# Mon 2027-03-01 (the status date is the Sunday before): A.design Mar 1–5, A.build
# Mar 8–19, A.done Fri Mar 19 16:00; B.prep Mar 1–3, B.live Wed Mar 3 16:00; C.x Mar 1–2
# (aligned to nothing); D.risky Mar 1–5 as planned (most likely 5d) but up to 30 days.
PLAN = """\
program: Strategy
key: STR
start: 2027-03-01
status_date: 2027-02-28
objectives:
  - id: O1
    title: Grow
    key_results:
      - id: KR1
        title: Share online
        baseline: 10
        target: 20
        unit: "%"
        due: 2027-03-31
        measurements:
          - {date: 2027-02-01, value: 12}
          - {date: 2027-02-28, value: 15, unit: "%", note: month end}
      - id: KR2
        title: Complaints
        baseline: 100
        target: 50
        unit: complaints
        due: 2027-03-15
        measurements:
          - {date: 2027-02-15, value: 110}
      - {id: KR3, title: Not measured yet, target: 5}
  - {id: O2, title: Nobody works on it}
benefits:
  - {id: BEN1, title: Launch revenue, objective: O1, owner: ann, due: 2027-03-12,
     depends_on: [B.live, A.done]}
  - id: BEN2
    title: Savings
    objective: O1
    unit: EUR
    due: 2027-04-30
    projects: [A]
    measurements:
      - {date: 2027-01-31, planned: 0, realized: 0}
      - {date: 2027-02-28, realized: 60}
      - {date: 2027-03-31, planned: 200}
  - {id: BEN3, title: Risky, due: 2027-03-10, depends_on: [D.risky]}
projects:
  - id: A
    name: Platform
    objectives: {O1: 0.6}
    tasks:
      - {id: A.design, name: Design, duration: 5d}
      - {id: A.build, name: Build, duration: 10d, depends: [A.design]}
      - {id: A.done, name: Done, milestone: true, depends: [A.build]}
  - id: B
    name: Partners
    objectives: {O1: 0.4, O2: 0}
    tasks:
      - {id: B.prep, name: Prepare, duration: 3d}
      - {id: B.live, name: Live, milestone: true, depends: [B.prep]}
  - id: C
    name: Chores
    tasks:
      - {id: C.x, name: Chore, duration: 2d}
  - id: D
    name: Research
    objectives: {O1: 0.1}
    tasks:
      - {id: D.risky, name: Risky, estimate: [5d, 5d, 30d]}
"""


def plan(text: str = PLAN):
    return validate_plan_data(yaml.safe_load(text))


@pytest.fixture(scope="module")
def assessed():
    return program_strategy(plan()).strategy


def test_key_result_progress_is_the_latest_measurement_between_baseline_and_target(assessed):
    o1 = assessed.objectives[0]
    kr1, kr2, kr3 = o1.key_results
    assert (kr1.value, kr1.measured_on, kr1.progress) == (15, date(2027, 2, 28), 0.5)
    assert kr1.measurements == 2
    # a key result that goes down: 110 is 10 the wrong way of 100 → 50
    assert kr2.progress == -0.2
    assert kr3.progress is None and kr3.value is None
    # the objective: mean of the measured ones, each clipped to 0..1: (0.5 + 0) / 2
    assert o1.progress == 0.25


def test_an_objective_is_forecast_from_what_it_rests_on(assessed):
    o1, o2 = assessed.objectives
    assert o1.projects == (("A", 0.6), ("B", 0.4), ("D", 0.1))
    assert o1.benefits == ("BEN1", "BEN2")
    assert o1.forecast == datetime(2027, 3, 19, 16, 0) and o1.driver == "A"
    assert o1.due == date(2027, 3, 31) and not o1.late  # the latest key-result due date
    assert o2.forecast is None and o2.projects == ()  # a weight of 0 aligns nothing


def test_unaligned_projects_and_objectives_without_projects_are_flagged(assessed):
    assert assessed.unaligned_projects == ("C",)
    assert assessed.objectives_without_projects == ("O2",)


def test_a_benefit_is_at_risk_when_what_it_depends_on_finishes_after_its_due_date(assessed):
    ben1 = assessed.benefits[0]
    assert ben1.forecast == datetime(2027, 3, 19, 16, 0)
    assert ben1.at_risk and ben1.days_late == 7 and ben1.driver == "A.done"
    assert ben1.chain == ("A.design", "A.build", "A.done")  # the driving path
    assert ben1.reason == (
        "BEN1 is at risk: A.done is forecast 2027-03-19, 7 days after its due date "
        "2027-03-12 (driving path: A.design → A.build → A.done)"
    )
    ben2 = assessed.benefits[1]
    assert ben2.forecast == datetime(2027, 3, 19, 16, 0) and ben2.driver == "A"
    assert not ben2.at_risk and ben2.days_late == -42 and ben2.chain == ()
    assert ben2.reason is None


def test_planned_vs_realized_reads_the_plan_on_the_day_of_the_last_measurement(assessed):
    ben2 = assessed.benefits[1]
    assert ben2.realized_to_date == 60 and ben2.realized_on == date(2027, 2, 28)
    # planned 0 on Jan 31 and 200 on Mar 31: on Feb 28, 28 of 59 days along
    assert ben2.planned_to_date == pytest.approx(200 * 28 / 59, abs=1e-4)
    assert [m[0] for m in ben2.measurements] == sorted(m[0] for m in ben2.measurements)


def test_a_benefit_on_time_as_planned_can_be_at_risk_at_p80():
    report = program_strategy(plan(), iterations=2000, seed=7)
    ben3 = next(b for b in report.strategy.benefits if b.id == "BEN3")
    assert not ben3.at_risk and ben3.forecast == datetime(2027, 3, 5, 16, 0)
    # triangular 5/5/30 days: 1 − (30 − x)²/625 = 0.8 at x = 30 − √125 ≈ 18.8 working days
    # from Mon Mar 1: late on Thu Mar 25
    assert ben3.at_risk_p80 and date(2027, 3, 24) <= ben3.p80.date() <= date(2027, 3, 26)
    # done by the end of Wed Mar 10, 8 working days: 1 − 22²/625 ≈ 0.226
    assert ben3.probability_on_time == pytest.approx(1 - 22**2 / 625, abs=0.03)
    assert ben3.driver == "D.risky" and ben3.chain == ("D.risky",)
    assert ben3.reason.startswith("BEN3 is at risk at P80: what it depends on is done by")
    o1 = report.strategy.objectives[0]
    # O1 rests on A (15 days) and D.risky: the P80 of the later of the two is D.risky's,
    # before O1's due date (KR1's, Mar 31)
    assert o1.p80 == ben3.p80 and o1.late_p80 is False
    again = program_strategy(plan(), iterations=2000, seed=7)
    assert benefits_json(again) == benefits_json(report)  # seeded


def test_the_json_shapes(assessed):
    report = program_strategy(plan())
    objectives = objectives_json(report)
    assert objectives["status_date"] == "2027-02-28" and objectives["simulation"] is None
    first = objectives["objectives"][0]
    assert first["projects"] == {"A": 0.6, "B": 0.4, "D": 0.1}
    assert first["forecast"] == "2027-03-19T16:00"
    assert first["key_results"][0]["progress"] == 0.5
    assert objectives["unaligned_projects"] == ["C"]
    benefits = benefits_json(report)
    assert benefits["at_risk"] == ["BEN1"]
    assert benefits["benefits"][0]["chain"] == ["A.design", "A.build", "A.done"]


def bad_plan(tmp_path: Path, old: str, new: str) -> list[str]:
    path = tmp_path / "plan.yaml"
    assert old in PLAN
    path.write_text(PLAN.replace(old, new, 1))
    with pytest.raises(PlanInvalid) as caught:
        load_plan(path)
    return [str(p) for p in caught.value.problems]


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_a_measurement_after_the_status_date_is_refused_at_its_line(tmp_path):
    problems = bad_plan(tmp_path, "{date: 2027-02-01, value: 12}", "{date: 2027-03-02, value: 12}")
    assert len(problems) == 1
    line = line_of(PLAN, "{date: 2027-02-01, value: 12}")
    assert f"plan.yaml:{line}:" in problems[0]
    assert "key result KR1 is dated 2027-03-02, after the status date 2027-02-28" in problems[0]


def test_a_realized_benefit_value_after_the_status_date_is_refused_but_a_plan_is_not(tmp_path):
    problems = bad_plan(
        tmp_path,
        "{date: 2027-03-31, planned: 200}",
        "{date: 2027-03-31, planned: 200, realized: 9}",
    )
    assert len(problems) == 1 and "benefit BEN2 is dated 2027-03-31" in problems[0]
    assert f":{line_of(PLAN, '{date: 2027-03-31, planned: 200}')}:" in problems[0]


def test_a_measurement_in_another_unit_is_refused_naming_both_units(tmp_path):
    problems = bad_plan(tmp_path, 'value: 15, unit: "%"', "value: 15, unit: points")
    assert len(problems) == 1
    assert f"plan.yaml:{line_of(PLAN, 'value: 15, unit:')}:" in problems[0]
    assert "KR1 is in 'points', but key result KR1 is measured in '%'" in problems[0]


def test_a_weight_outside_0_to_1_is_refused_naming_the_project(tmp_path):
    problems = bad_plan(tmp_path, "objectives: {O1: 0.6}", "objectives: {O1: 1.6}")
    assert len(problems) == 1
    assert f"plan.yaml:{line_of(PLAN, 'objectives: {O1: 0.6}')}:" in problems[0]
    assert "O1 (in 'A'): must be at most 1, not 1.6" in problems[0]


def test_a_benefit_on_an_unknown_project_is_refused(tmp_path):
    problems = bad_plan(tmp_path, "projects: [A]", "projects: [AA]")
    assert len(problems) == 1 and "unknown project 'AA' in projects of benefit BEN2" in problems[0]
