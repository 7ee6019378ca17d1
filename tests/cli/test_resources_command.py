"""``progman resources``: the load table, the weekly heatmap, over-allocations, free, JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from progman.cli.main import main
from progman.samples import sample_plan_path

PLAN = """\
program: Shared
key: SHR
start: 2027-03-01
resources:
  - {id: ana, name: Ana Ruiz, role: Dev, skills: [python]}
  - {id: bo, name: Bo Berg, role: Dev, skills: [python], capacity: 0.5}
projects:
  - id: A
    name: Alpha
    tasks:
      - {id: A.x, name: Build, duration: 5d, resources: {ana: 1.0}}
      - {id: A.z, name: Staff me, duration: 5d, resources: [{role: Dev, units: 1}]}
  - id: B
    name: Beta
    tasks:
      - {id: B.y, name: Test, duration: 3d, resources: {ana: 1.0, bo: 0.5}}
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def plan(tmp_path: Path) -> str:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN, encoding="utf-8")
    return str(path)


def test_table(capsys: pytest.CaptureFixture[str], plan: str) -> None:
    code, out, _ = run(capsys, "resources", plan)
    assert code == 0
    ana = next(line for line in out.splitlines() if line.split()[:1] == ["ana"])
    assert ana.split()[-3:] == ["2.00", "160%", "3"]  # peak; 8 person-days on 5; 3 days over


def test_week_heatmap(capsys: pytest.CaptureFixture[str], plan: str) -> None:
    code, out, _ = run(capsys, "resources", plan, "--week")
    assert code == 0
    assert "27w09" in out
    ana = next(line for line in out.splitlines() if line.split()[:1] == ["ana"])
    assert ana.split()[1] == "160"  # 8 person-days of load on 5 of capacity


def test_over(capsys: pytest.CaptureFixture[str], plan: str) -> None:
    code, out, _ = run(capsys, "resources", plan, "--over")
    assert code == 0
    assert "2027-03-01" in out and "2027-03-03" in out
    assert "A.x (A, 1)" in out and "B.y (B, 1)" in out


def test_leveled_load_has_no_over_allocation(capsys: pytest.CaptureFixture[str], plan: str) -> None:
    code, out, _ = run(capsys, "resources", plan, "--json")
    assert code == 0 and json.loads(out)["over_allocations"]
    code, out, err = run(capsys, "resources", plan, "--json", "--leveled")
    assert code == 0, err
    data = json.loads(out)
    assert data["over_allocations"] == []
    ana = next(r for r in data["resources"] if r["id"] == "ana")
    assert ana["peak_load"] == 1.0 and ana["over_allocated_days"] == 0


def test_free(capsys: pytest.CaptureFixture[str], plan: str) -> None:
    code, out, _ = run(
        capsys, "resources", plan, "--skill", "python", "--free", "1w",
        "--between", "2027-03-01", "2027-03-31",
    )  # fmt: skip
    assert code == 0
    assert "ana" in out and "2027-03-08" in out and "2027-03-12" in out
    assert "bo " not in out  # half time: never a full FTE free


def test_json(capsys: pytest.CaptureFixture[str], plan: str) -> None:
    code, out, _ = run(
        capsys, "resources", plan, "--json", "--skill", "python", "--free", "2d",
        "--share", "0.5", "--between", "2027-03-01", "2027-03-31",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    ana = next(r for r in data["resources"] if r["id"] == "ana")
    assert ana["peak_load"] == 2.0 and ana["over_allocated_days"] == 3
    (period,) = data["over_allocations"]
    assert [t["id"] for t in period["tasks"]] == ["A.x", "B.y"]
    assert data["groups"]["role:Dev"]["2027-W09"] == {"capacity": 7.5, "demand": 14.5}
    assert [p["id"] for p in data["free"]["people"]] == ["ana", "bo"]


def test_json_groups_hold_skill_demand(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "skills.yaml"
    path.write_text(
        PLAN.replace("resources: [{role: Dev, units: 1}]", "resources: [{skill: Python, units: 1}]")
        + "      - {id: B.w, name: Port, duration: 2d, resources: [{skill: rust, units: 0.5}]}\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "resources", str(path), "--json")
    assert code == 0
    groups = json.loads(out)["groups"]
    # Ana 5 + 3 days, Bo 1.5, and 5 still to be staffed; capacity 5 + 2.5
    assert groups["skill:python"]["2027-W09"] == {"capacity": 7.5, "demand": 14.5}
    assert groups["role:Dev"]["2027-W09"] == {"capacity": 7.5, "demand": 9.5}  # staffed only
    assert groups["skill:rust"] == {"2027-W09": {"capacity": 0.0, "demand": 1.0}}


def test_usage_errors(capsys: pytest.CaptureFixture[str], plan: str) -> None:
    assert run(capsys, "resources", plan, "--skill", "python")[0] == 2
    assert run(capsys, "resources", plan, "--skill", "x", "--free", "zz",
               "--between", "2027-03-01", "2027-03-31")[0] == 2  # fmt: skip
    assert run(capsys, "resources", plan, "--skill", "x",
               "--between", "2027-03-31", "2027-03-01")[0] == 2  # fmt: skip


def test_sample_shows_the_designed_conflicts(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "resources", str(sample_plan_path()), "--over")
    assert code == 0
    rows = {line.split()[0] for line in out.splitlines() if line.strip()}
    assert {"lena", "lukas", "david"} <= rows
