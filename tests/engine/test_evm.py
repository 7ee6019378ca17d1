"""Earned value and earned schedule (engine/evm.py) against a worked example computed by
hand, and the rules that tie the figures of a real plan together."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

import progman
from progman.domain import Program
from progman.engine.evm import EarnedSchedule, measures
from progman.errors import UsageError
from progman.samples import sample_plan_path
from progman.services.evm import earned_value_json, program_earned_value

#: Two tasks of 10 working days on the standard calendar (Mon–Fri, 08:00–16:00): Design
#: budgeted 1,000, then Build 2,000. At the end of Friday 5 March, Design is 40 % done
#: and cost 600 so far.
WORKED: dict[str, Any] = {
    "key": "EVM",
    "name": "Worked example",
    "start": "2027-03-01",
    "status_date": "2027-03-05",
    "currency": "EUR",
    "projects": [
        {
            "id": "P",
            "name": "Two tasks",
            "tasks": [
                {"id": "A", "name": "Design", "duration": "10d", "fixed_cost": 1000,
                 "percent_complete": 40, "actual_start": "2027-03-01", "actual_cost": 600},
                {"id": "B", "name": "Build", "duration": "10d", "fixed_cost": 2000,
                 "depends": ["A"]},
            ],
        }
    ],
    "baselines": [
        {
            "id": "B1",
            "created": "2027-02-26",
            "tasks": {
                "A": {"start": "2027-03-01T08:00", "finish": "2027-03-12T16:00", "cost": 1000},
                "B": {"start": "2027-03-15T08:00", "finish": "2027-03-26T16:00", "cost": 2000},
            },
        }
    ],
}  # fmt: skip


def test_the_worked_example_gives_the_figures_computed_by_hand() -> None:
    result = program_earned_value(Program.model_validate(WORKED))
    whole, design, build = result.program, result.tasks["A"], result.tasks["B"]
    # PV: 5 of Design's 10 working days have passed: 1,000 × 5/10; Build has not begun
    assert (whole.bac, whole.pv, whole.ev, whole.ac) == (3000, 500, 400, 600)
    assert (whole.sv, whole.cv) == (-100, -200)
    assert (whole.spi, whole.cpi) == (0.8, pytest.approx(0.6667))  # 400/500, 400/600
    assert whole.eac == 4500  # BAC / CPI = 3,000 / (2/3)
    assert (whole.etc, whole.vac) == (3900, -1500)  # EAC − AC, BAC − EAC
    assert whole.tcpi == pytest.approx(1.0833)  # (3,000 − 400) / (3,000 − 600)
    assert whole.eac_remaining_as_planned == 3200  # 600 + (3,000 − 400)
    assert whole.eac_cpi_spi == 5475  # 600 + 2,600 / (2/3 × 0.8)
    # earned schedule: PV reaches 400 at the end of working day 4 (100 a day), AT = 5
    assert (whole.es_days, whole.at_days, whole.sv_t_days) == (4, 5, -1)
    assert whole.spi_t == 0.8
    # IEAC(t) = PD / SPI(t) = 20 / 0.8 = 25 working days from Monday 1 March: Friday 2 April
    assert whole.ieac_t_finish == date(2027, 4, 2)
    assert design.tcpi == 1.5  # (1,000 − 400) / (1,000 − 600)
    # 10 / 0.8 = 12.5 working days: the middle of day 13, Wednesday 17 March
    assert design.ieac_t_finish == date(2027, 3, 17)
    assert (build.pv, build.ev, build.ac, build.spi, build.cpi) == (0, 0, 0, None, None)
    assert result.estimated_actuals == () and result.not_in_baseline == ()


def test_the_s_curve_is_cumulative_by_week_and_stops_earning_at_the_status_date() -> None:
    weeks = program_earned_value(Program.model_validate(WORKED)).weeks
    assert [(str(w.monday), w.pv, w.ev, w.ac) for w in weeks] == [
        ("2027-03-01", 500, 400, 600),
        ("2027-03-08", 1000, None, None),
        ("2027-03-15", 2000, None, None),
        ("2027-03-22", 3000, None, None),
    ]


def test_a_second_case_of_the_formulas_of_the_pmbok_guide() -> None:
    """The formulas as the PMBOK Guide (6th ed., section 7.4.2.2, table 7-1) gives them,
    on round figures worked by hand: BAC 1,000, PV 500, EV 400, AC 450 → SV −100, CV −50,
    SPI 0.8, CPI 0.889, EAC 1,125, ETC 675, VAC −125, TCPI 600/550 = 1.0909."""
    found = measures(1000, 500, 400, 450, es=EarnedSchedule(4, 5, 10, 0), ieac=None)
    assert (found.sv, found.cv, found.spi) == (-100, -50, 0.8)
    assert found.cpi == pytest.approx(0.8889)
    assert (found.eac, found.etc, found.vac) == (1125, 675, -125)
    assert found.tcpi == pytest.approx(1.0909)
    assert found.eac_remaining_as_planned == 1050  # AC + (BAC − EV)


def test_tasks_without_an_actual_cost_count_their_planned_cost_of_the_work_done() -> None:
    plan = {**WORKED}
    plan["projects"] = [
        {**WORKED["projects"][0], "tasks": [
            {**WORKED["projects"][0]["tasks"][0], "actual_cost": None},
            WORKED["projects"][0]["tasks"][1],
        ]}
    ]  # fmt: skip
    result = program_earned_value(Program.model_validate(plan))
    assert result.estimated_actuals == ("A",)
    assert result.tasks["A"].ac == 400  # 40 % of its planned cost of 1,000
    assert result.tasks["A"].cpi == 1


def test_the_sample_program_is_the_sum_of_its_projects_and_its_baseline() -> None:
    program = progman.load_plan(sample_plan_path())
    result = program_earned_value(program)
    baseline = program.baselines[-1]
    assert result.baseline == baseline.id and result.status_date == program.status_date
    assert result.program.bac == pytest.approx(sum(t.cost or 0 for t in baseline.tasks.values()))
    for name in ("bac", "pv", "ev", "ac"):
        parts = sum(getattr(m, name) for m in result.projects.values())
        assert getattr(result.program, name) == pytest.approx(parts, abs=0.05)
    finished = [t for t in program.work_items() if t.actual_finish and t.id in baseline.tasks]
    assert finished
    for task in finished:  # a finished task has earned its whole budget, and planned it
        figures = result.tasks[task.id]
        assert figures.ev == figures.bac == figures.pv
    assert result.weeks[-1].pv == pytest.approx(result.program.bac, abs=0.05)
    answer = earned_value_json(result)
    assert set(answer) >= {"status_date", "baseline", "currency", "program", "projects", "tasks"}
    assert set(answer["program"]) >= {
        "bac", "pv", "ev", "ac", "sv", "cv", "spi", "cpi", "eac", "etc", "vac", "tcpi",
        "es_days", "at_days", "sv_t_days", "spi_t", "ieac_t_finish", "eac_methods",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("change", "option", "words"),
    [
        ({"baselines": []}, "baseline", "progman baseline PLAN --save ID"),
        ({"status_date": None}, "status_date", "a status date: give one"),
    ],
)
def test_what_is_missing_is_asked_for_by_its_option(change, option, words) -> None:
    with pytest.raises(UsageError) as raised:
        program_earned_value(Program.model_validate({**WORKED, **change}))
    assert raised.value.option == option and words in str(raised.value)


def test_an_unknown_baseline_names_the_ones_there_are() -> None:
    with pytest.raises(UsageError, match=r"no baseline 'B9' \(it has: B1\)"):
        program_earned_value(Program.model_validate(WORKED), baseline="B9")
