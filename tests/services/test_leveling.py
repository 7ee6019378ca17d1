"""services/leveling.py: plans and PSPLIB instances told apart, leveled, as ``level --json``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from progman.cli.main import main
from progman.planfile import load_plan
from progman.services.leveling import (
    is_psplib,
    level_program,
    level_psplib,
    leveling_inputs,
)

SHARED = Path(__file__).resolve().parents[3] / "shared"


@pytest.fixture
def instance() -> Path:
    path = SHARED / "data" / "psplib" / "j30" / "j301_1.sm"
    if not path.exists():
        pytest.skip(f"../shared is absent: {path} not found")
    return path


def test_inputs_in_order_with_the_stored_program_last():
    a, b = Path("a.yaml"), Path("b.SM")
    assert leveling_inputs([a, b], stored=False) == [a, b]
    assert leveling_inputs([a], stored=True) == [a, None]
    assert leveling_inputs(None, stored=False) == [None]  # asks for a plan: a usage error
    assert [is_psplib(f) for f in (a, b, None)] == [False, True, False]


def without_seconds(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "seconds"}


def test_a_psplib_instance_is_the_command_s_json(capsys, instance):
    found = level_psplib(instance, seed=1, schedules=200)
    data = found.to_json()
    assert data["input"] == str(instance) and data["feasible"] is True
    assert [t["id"] for t in data["tasks"]] == list(range(1, 33))
    assert data["makespan"] == max(t["finish"] for t in data["tasks"])
    assert data["makespan"] >= data["lower_bound"]
    args = [str(instance), "--json", "--seed", "1", "--schedules", "200"]
    assert main(["level", *args]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert without_seconds(printed) == without_seconds(json.loads(json.dumps(data)))


def test_a_plan_is_the_command_s_json(capsys, contract_plan):
    result = level_program(load_plan(contract_plan), seed=3, schedules=50)
    assert main(["level", str(contract_plan), "--json", "--seed", "3", "--schedules", "50"]) == 0
    printed = json.loads(capsys.readouterr().out)
    expected = json.loads(json.dumps(result.to_json(str(contract_plan))))
    assert without_seconds(printed) == without_seconds(expected)
