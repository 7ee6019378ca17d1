"""Actual costs by period (``actual_costs``): AC as of the status date and the AC
S-curve follow the periods, periods after the status date are left out and named, and a
ledger out of order or a total that disagrees is refused naming the item."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError
from tests.engine.test_evm import WORKED

import progman
from progman.domain import Program
from progman.errors import PlanInvalid
from progman.services.evm import earned_value_json, program_earned_value


def _plan(periods: list[dict[str, Any]], **design: Any) -> dict[str, Any]:
    """The worked example with Design's actual cost given by ``periods``."""
    plan = copy.deepcopy(WORKED)
    task = plan["projects"][0]["tasks"][0]
    task.pop("actual_cost")
    task.update(actual_costs=periods, **design)
    return plan


def test_the_periods_give_ac_and_its_curve_week_by_week():
    # status Friday 12 March: Design spent 500 in week 1 and 300 in week 2
    periods = [
        {"start": "2027-03-01", "end": "2027-03-05", "amount": 500},
        {"end": "2027-03-12", "amount": 300},  # from Saturday 6 March
    ]
    plan = _plan(periods, actual_cost=800)  # a total beside them must agree: it does
    plan["status_date"] = "2027-03-12"
    result = program_earned_value(Program.model_validate(plan))
    assert result.tasks["A"].ac == 800 and result.program.ac == 800
    weeks = [(str(w.monday), w.ac) for w in result.weeks]
    assert weeks[:2] == [("2027-03-01", 500), ("2027-03-08", 800)]
    # the total alone would be spread evenly over the working days since the actual start
    plain = copy.deepcopy(plan)
    plain["projects"][0]["tasks"][0].pop("actual_costs")
    evenly = program_earned_value(Program.model_validate(plain)).weeks
    assert [w.ac for w in evenly[:2]] == [400, 800]
    assert result.actuals_after_status == ()


def test_what_lies_after_the_status_date_is_left_out_and_named():
    periods = [
        {"start": "2027-03-01", "end": "2027-03-03", "amount": 300},
        {"start": "2027-03-04", "end": "2027-03-08", "amount": 400},  # 2 of 3 working days
        {"start": "2027-03-10", "end": "2027-03-11", "amount": 999},  # all after it
    ]
    result = program_earned_value(Program.model_validate(_plan(periods)))
    assert result.tasks["A"].ac == pytest.approx(566.67)  # 300 + 400 × 2/3
    assert result.actuals_after_status == ("A",)
    assert earned_value_json(result)["actuals_after_status"] == ["A"]
    earlier = program_earned_value(
        Program.model_validate(_plan(periods)), status_date=date(2027, 3, 2)
    )
    assert earlier.tasks["A"].ac == 200  # 300 × 2/3


@pytest.mark.parametrize(
    ("periods", "total", "words"),
    [
        ([{"end": "2027-03-05", "amount": 400}, {"end": "2027-03-04", "amount": 1}], None,
         "entry 2 (to 2027-03-04, 1.00) overlaps or comes before entry 1"),
        ([{"end": "2027-03-05", "amount": 400}, {"start": "2027-03-05", "end": "2027-03-06",
          "amount": 1}], None, "overlaps or comes before entry 1"),
        ([{"start": "2027-03-05", "end": "2027-03-01", "amount": 4}], None,
         "start 2027-03-05 is after its end 2027-03-01"),
        ([{"end": "2027-03-05", "amount": 400}], 600,
         "actual_cost 600.00 of A is not the sum of its actual_costs (400.00)"),
        ([{"end": "2027-03-05", "amount": -4}], None, "greater than or equal to 0"),
    ],
)  # fmt: skip
def test_a_ledger_that_does_not_add_up_is_refused_naming_the_item(periods, total, words):
    plan = _plan(periods, **({} if total is None else {"actual_cost": total}))
    with pytest.raises(ValidationError, match=words.replace("(", r"\(").replace(")", r"\)")):
        Program.model_validate(plan)


def test_a_plan_file_says_where_and_round_trips(tmp_path):
    text = """key: L
name: Ledger
start: 2027-03-01
projects:
  - id: P
    name: P
    tasks:
      - id: A
        name: Design
        duration: 10d
        actual_cost: 600
        actual_costs:
          - {start: 2027-03-01, end: 2027-03-03, amount: 300}
          - {end: 2027-03-05, amount: 200}
"""
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(PlanInvalid) as raised:
        progman.load_plan(bad)
    problem = raised.value.problems[0]
    assert "actual_cost 600.00 of A is not the sum of its actual_costs (500.00)" in str(problem)
    assert problem.location.line == 13  # the actual_costs' value
    good = tmp_path / "good.yaml"
    good.write_text(text.replace("actual_cost: 600", "actual_cost: 500"), encoding="utf-8")
    program = progman.load_plan(good)
    progman.dump_plan(program, tmp_path / "again.yaml")
    again = progman.load_plan(tmp_path / "again.yaml")
    assert again.projects[0].tasks[0].actual_costs == program.projects[0].tasks[0].actual_costs


def test_a_stored_program_keeps_its_periods(tmp_path):
    from tests.storage.helpers import do_save_program, export_program  # noqa: PLC0415

    from progman.services.catalog import LOADED  # noqa: PLC0415
    from progman.services.database import dispose_engines  # noqa: PLC0415
    from progman.services.programs import init_database  # noqa: PLC0415

    periods = [
        {"start": "2027-03-01", "end": "2027-03-03", "amount": 300},
        {"end": "2027-03-05", "amount": 200},
    ]
    program = Program.model_validate(_plan(periods))
    url = f"sqlite:///{tmp_path / 'progman.db'}"
    try:
        init_database(url)
        do_save_program(url, program, "t")
        stored = export_program(url, "EVM")
        assert stored.projects[0].tasks[0].actual_costs == program.projects[0].tasks[0].actual_costs
        assert program_earned_value(stored).tasks["A"].ac == 500
    finally:
        LOADED.clear()
        dispose_engines()


def test_the_plan_format_example_reads_as_the_page_says():
    import re  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    import yaml  # noqa: PLC0415

    page = Path(__file__).resolve().parents[2] / "docs" / "plan-format.md"
    text = page.read_text(encoding="utf-8")
    section = text[text.index("## Actual costs by period\n") :]
    example = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert example, "the section lost its example"
    tasks = yaml.safe_load(example.group(1))
    plan = {"key": "D", "name": "D", "start": "2027-03-01", "status_date": "2027-03-09",
            "projects": [{"id": "API", "name": "API", "tasks": tasks}]}  # fmt: skip
    item = Program.model_validate(plan).projects[0].tasks[0]
    assert sum(c.amount for c in item.actual_costs) == item.actual_cost == 8100
    tasks[0]["actual_cost"] = 8000
    with pytest.raises(ValidationError, match=r"actual_cost 8,000\.00 of API\.auth"):
        Program.model_validate(plan)


def test_evm_says_which_tasks_had_costs_after_the_status_date(tmp_path, capsys):
    import json  # noqa: PLC0415

    from progman.cli.main import main  # noqa: PLC0415

    periods = [{"end": "2027-03-05", "amount": 300}, {"end": "2027-03-09", "amount": 400}]
    path = tmp_path / "ledger.json"
    path.write_text(json.dumps(_plan(periods)), encoding="utf-8")
    assert main(["evm", str(path)]) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert "actual_costs dated after the status date 2027-03-05 left out for 1 task: A" in said
