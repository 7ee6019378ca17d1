"""``progman objectives`` and ``progman benefits``: tables, --json, --csv and --simulate on a
small plan whose dates are worked out in tests/services/test_strategy.py."""

from __future__ import annotations

import csv
import io
import json

import pytest
from tests.services.test_strategy import PLAN

from progman.cli.main import main


@pytest.fixture
def plan_file(tmp_path):
    path = tmp_path / "strategy.yaml"
    path.write_text(PLAN)
    return str(path)


def test_objectives_table_shows_progress_forecast_and_what_is_unaligned(plan_file, capsys):
    assert main(["objectives", plan_file]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("  KR1 "))
    assert "50 %" in row and "15" in row and "2027-02-28" in row
    row = next(line for line in out.splitlines() if line.startswith("O1 "))
    assert "25 %" in row and "2027-03-19" in row and " A " in row + " "
    assert "! aligned to no objective (give them a weight in objectives:): C" in out
    assert "! no project is aligned to: O2" in out


def test_benefits_table_says_why_a_benefit_is_at_risk(plan_file, capsys):
    assert main(["benefits", plan_file]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("BEN1 "))
    assert "2027-03-19 !" in row and "7 d !" in row
    assert (
        "! BEN1 is at risk: A.done is forecast 2027-03-19, 7 days after its due date "
        "2027-03-12 (driving path: A.design → A.build → A.done)"
    ) in out
    assert "BEN3 is at risk at P80" not in out  # not simulated


def test_simulate_adds_p80_and_what_is_at_risk_at_p80(plan_file, capsys):
    assert main(["benefits", plan_file, "--simulate", "500", "--seed", "3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["simulation"] == {"iterations": 500, "seed": 3}
    assert data["at_risk"] == ["BEN1", "BEN3"]
    ben3 = data["benefits"][2]
    assert ben3["at_risk"] is False and ben3["at_risk_p80"] is True
    assert main(["benefits", plan_file, "--simulate", "500", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "P80" in out and "! BEN3 is at risk at P80" in out


def test_json_of_objectives(plan_file, capsys):
    assert main(["objectives", plan_file, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [o["id"] for o in data["objectives"]] == ["O1", "O2"]
    assert data["objectives"][0]["key_results"][1]["progress"] == -0.2
    assert data["unaligned_projects"] == ["C"]
    assert data["objectives_without_projects"] == ["O2"]


def test_csv_has_a_row_per_objective_and_key_result(plan_file, capsys):
    assert main(["objectives", plan_file, "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["scope"], r["id"]) for r in rows] == [
        ("objective", "O1"), ("key_result", "KR1"), ("key_result", "KR2"),
        ("key_result", "KR3"), ("objective", "O2"),
    ]  # fmt: skip
    assert main(["benefits", plan_file, "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0]["chain"] == "A.design A.build A.done" and rows[0]["at_risk"] == "true"


def test_a_bad_iteration_count_is_a_usage_error(plan_file, capsys):
    assert main(["objectives", plan_file, "--simulate", "0"]) == 2
    assert "--simulate" in capsys.readouterr().err


def test_a_bad_measurement_is_reported_at_its_line(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text(PLAN.replace('value: 15, unit: "%"', "value: 15, unit: points"))
    assert main(["benefits", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:" in err and "measured in '%'" in err
