"""`progman level`: SPEC §5 JSON for PSPLIB files and plans, one line per input."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from progman.cli.main import main
from progman.engine import leveling

PSPLIB = Path(__file__).resolve().parents[3] / "shared" / "data" / "psplib"
J301_1 = PSPLIB / "j30" / "j301_1.sm"
needs_data = pytest.mark.skipif(not J301_1.exists(), reason="PSPLIB data not available")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@needs_data
def test_json_per_input_with_the_contract_shape(capsys):
    other = PSPLIB / "j30" / "j3010_1.sm"
    code, out, err = run(
        capsys, "level", str(J301_1), str(other), "--json", "--time-limit", "0.2", "--seed", "1"
    )
    assert code == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert {"input", "makespan", "feasible", "seconds", "tasks"} <= set(first)
    assert first["input"] == str(J301_1) and first["feasible"] is True
    assert [t["id"] for t in first["tasks"]] == list(range(1, 33))
    assert max(t["finish"] for t in first["tasks"]) == first["makespan"]
    assert all(t["start"] >= 0 and t["finish"] >= t["start"] for t in first["tasks"])
    assert json.loads(lines[1])["input"] == str(other)


@needs_data
def test_readable_output_and_same_seed_same_json(capsys):
    code, out, _ = run(capsys, "level", str(J301_1), "--time-limit", "0.1")
    assert code == 0 and "makespan" in out
    args = ("level", str(J301_1), "--json", "--time-limit", "0.1", "--seed", "4")
    _, a, _ = run(capsys, *args)
    _, b, _ = run(capsys, *args)

    def strip(text):
        return {k: v for k, v in json.loads(text).items() if k not in {"seconds", "schedules"}}

    assert strip(a) == strip(b)


def test_a_plan_is_leveled_with_dates(capsys, contract_plan):
    args = ("level", str(contract_plan), "--json", "--seed", "2", "--schedules", "500")
    code, out, err = run(capsys, *args)
    assert code == 0, err
    body = json.loads(out)
    assert {"input", "makespan", "feasible", "seconds", "tasks"} <= set(body)
    assert body["input"] == str(contract_plan) and body["unit"] == "days"
    assert body["makespan"] >= body["makespan_before"] > 0
    assert all(t["start"] <= t["finish"] for t in body["tasks"])
    assert body["feasible"] is True and body["over_allocations"] == []
    assert body["schedules"] >= 500
    _, again, _ = run(capsys, *args)
    keep = ("tasks", "makespan", "delays")
    assert {k: json.loads(again)[k] for k in keep} == {k: body[k] for k in keep}


def test_without_a_time_limit_a_small_plan_spends_a_tenth_of_a_second(
    capsys, contract_plan, monkeypatch
):
    frozen = SimpleNamespace(perf_counter=lambda: 0.0)  # the safety net stays out of it
    monkeypatch.setattr(leveling, "time", frozen)
    code, out, err = run(capsys, "level", str(contract_plan), "--json")
    assert code == 0, err
    body = json.loads(out)
    # 7 network nodes: 0.1 s of budget (2,500 schedules), not the 25,000 of a second
    assert 2_500 <= body["schedules"] < 2_600
    assert body["feasible"] is True


def test_the_help_says_how_the_default_time_limit_scales(capsys):
    code, out, _ = run(capsys, "level", "--help")
    assert code == 0
    text = " ".join(out.replace("│", " ").split())
    assert "1 ms per task of a plan, 0.1-10 s; 1 s for a PSPLIB file" in text


def test_a_plan_reads_as_finishes_before_and_after(capsys, contract_plan):
    code, out, err = run(capsys, "level", str(contract_plan), "--time-limit", "0.2")
    assert code == 0, err
    assert "program finish" in out and "finish before" in out and "finish after" in out
    assert "No resource is over-allocated" in out


def test_a_plan_and_a_psplib_file_together(capsys, contract_plan):
    if not J301_1.exists():
        pytest.skip(f"PSPLIB data not found at {J301_1} (../shared is absent)")
    code, out, err = run(
        capsys, "level", str(contract_plan), str(J301_1), "--json", "--time-limit", "0.1"
    )
    assert code == 0, err
    first, second = (json.loads(line) for line in out.strip().splitlines())
    assert first["tasks"][0]["start"].startswith("2027-")  # dates for plans
    assert isinstance(second["tasks"][0]["start"], int)  # periods for PSPLIB


def test_a_broken_plan_is_reported_with_its_location(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("program: X\nkey: X\nstart: 2027-01-04\nprojects:\n  - id: P\n    nam: P\n")
    code, out, err = run(capsys, "level", str(bad))
    assert code == 1 and out == "" and "bad.yaml:6" in err and "Traceback" not in err


def test_a_malformed_sm_file_is_a_clear_error(capsys, tmp_path):
    bad = tmp_path / "bad.sm"
    bad.write_text("not psplib\n")
    code, _, err = run(capsys, "level", str(bad))
    assert code == 1 and "bad.sm" in err and "Traceback" not in err


ONE_PERSON = """\
program: Mini
key: MIN
start: 2027-03-01
resources:
  - {id: ana, name: Ana}
projects:
  - id: A
    name: Alpha
    tasks:
      - {id: A.design, name: Design, duration: 5d, resources: {ana: 1.0}}
      - {id: A.build, name: Build, duration: 8d, resources: {ana: 1.0}, depends: [A.design]}
      - {id: A.test, name: Test, duration: 3d, resources: {ana: 1.0}}
"""


def test_the_summary_line_counts_the_delayed_tasks_in_words(capsys, tmp_path):
    """One person, a chain of 13 days and a 3-day task beside it: the task waits 13 days."""
    plan = tmp_path / "mini.yaml"
    plan.write_text(ONE_PERSON, encoding="utf-8")
    code, out, err = run(capsys, "level", str(plan), "--schedules", "50")
    assert code == 0, err
    first = out.splitlines()[0]
    assert "(13 → 16 working days); 1 task delayed;" in first
