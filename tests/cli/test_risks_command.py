"""``progman risks``: the register table, the 5×5 matrix, JSON, filters and errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from progman.cli.main import main

PLAN = """\
program: Risky
key: RSK
start: 2027-01-04
currency: EUR
projects:
  - {id: A, name: Alpha}
  - {id: B, name: Beta}
risks:
  - {id: R1, title: Vendor late, project: A, owner: ana, probability: 0.9,
     impact: {cost: 600000}, response: mitigate,
     residual: {probability: 0.3, impact: {cost: 40000}}}
  - {id: R2, title: "Key [person] leaves", probability: 0.5, impact: {schedule: 8d}}
  - {id: R3, title: Old risk, project: B, probability: 0.9, impact: {scope: 5}, status: closed}
  - {id: R4, title: Test rig shared, project: B, probability: 0.2, impact: {schedule: 1d}}
"""


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def row_ids(out: str) -> list[str]:
    """Ids in the first column of the register table."""
    return [line.split()[0] for line in out.splitlines() if re.match(r"\s*R\d+\s", line)]


def words(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "risky.yaml"
    path.write_text(PLAN)
    return path


def test_table_lists_open_risks_by_score(capsys, plan):
    code, out, err = run(capsys, "risks", str(plan))
    assert code == 0, err
    assert row_ids(out) == ["R1", "R2", "R4"]
    row = next(line for line in out.splitlines() if line.strip().startswith("R1"))
    assert row.split()[:8] == ["R1", "Vendor", "late", "A", "ana", "5", "5", "25"]
    assert "critical" in row and "4 low" in row and "540,000" in row
    assert "Key [person] leaves" in out  # titles are text, not markup
    assert "program" in next(line for line in out.splitlines() if line.strip().startswith("R2"))
    assert "3 risks; 1 closed not shown (--all shows them)" in out
    assert "escalate to the program (score ≥ 15): R1 (25)" in out


def test_all_shows_closed_risks(capsys, plan):
    code, out, _ = run(capsys, "risks", str(plan), "--all")
    assert code == 0
    assert "R3" in out and "closed" in out
    assert "not shown" not in out


def test_project_filter(capsys, plan):
    code, out, _ = run(capsys, "risks", str(plan), "--project", "B", "--all")
    assert code == 0
    assert row_ids(out) == ["R3", "R4"]
    assert "escalate to the program" not in out


def test_matrix_draws_the_grid_with_counts_and_ids(capsys, plan):
    code, out, err = run(capsys, "risks", str(plan), "--matrix")
    assert code == 0, err
    rows = [line for line in out.splitlines() if line.startswith("│ ")]
    top = next(line for line in rows if line.startswith("│ 5 (>0.7)"))
    assert top.split("│")[6].strip() == "1: R1"  # probability 5, impact 5
    assert any("R1" in line for line in rows)
    middle = [line for line in rows if line.startswith("│ 3 (≤0.5)")]
    assert middle and middle[0].split("│")[4].strip() == "1: R2"  # 8 days: impact 3
    assert "R3" not in out.split("cell:")[0]  # closed stays out of the grid
    assert "≤2d" in out and ">500,000" in out


def test_json_is_one_object(capsys, plan):
    code, out, err = run(capsys, "risks", str(plan), "--json")
    assert code == 0, err
    assert len(out.splitlines()) == 1
    data = json.loads(out)
    assert set(data) == {
        "program",
        "currency",
        "scales",
        "risks",
        "matrix",
        "escalation_candidates",
    }
    assert [r["id"] for r in data["risks"]] == ["R1", "R2", "R4"]
    first = data["risks"][0]
    assert first["score"] == 25 and first["rating"] == "critical"
    assert first["residual"]["score"] == 4
    assert first["expected_cost"] == pytest.approx(540_000)
    assert data["risks"][1]["project"] is None
    assert len(data["matrix"]) == 25
    cell = next(c for c in data["matrix"] if c["probability_level"] == 5 and c["impact_level"] == 5)
    assert cell == {
        "probability_level": 5,
        "impact_level": 5,
        "score": 25,
        "rating": "critical",
        "count": 1,
        "ids": ["R1"],
    }
    assert data["escalation_candidates"] == ["R1"]
    assert data["scales"]["escalation_score"] == 15


def test_json_follows_the_filters(capsys, plan):
    _, out, _ = run(capsys, "risks", str(plan), "--json", "--all", "--project", "B")
    data = json.loads(out)
    assert [r["id"] for r in data["risks"]] == ["R3", "R4"]
    assert data["escalation_candidates"] == []


def test_sample_plan(capsys, sample_plan):
    code, out, err = run(capsys, "risks", str(sample_plan), "--json")
    assert code == 0, err
    assert len(json.loads(out)["risks"]) == 11


def test_unknown_project_is_a_usage_error(capsys, plan):
    code, _, err = run(capsys, "risks", str(plan), "--project", "Alfa")
    assert code == 2
    assert "no project 'Alfa' in the plan" in words(err)


def test_an_invalid_plan_exits_1_with_located_problems(capsys, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(PLAN.replace("status: closed", "kind: issue"))
    code, out, err = run(capsys, "risks", str(path))
    assert code == 1
    assert out == ""
    assert f"{path}:13:56: " in err and "R3 is an issue" in err


def test_missing_plan_exits_1(capsys, tmp_path):
    code, _, err = run(capsys, "risks", str(tmp_path / "nope.yaml"))
    assert code == 1
    assert "nope.yaml" in err
