"""`progman level`: SPEC §5 JSON for PSPLIB files, one line per input; plans say not yet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from progman.cli.main import main

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


def test_a_plan_is_not_leveled_yet(capsys, contract_plan):
    code, out, err = run(capsys, "level", str(contract_plan), "--json")
    assert code == 1 and out == ""
    assert "leveling of plans comes with issue 5" in err


def test_a_malformed_sm_file_is_a_clear_error(capsys, tmp_path):
    bad = tmp_path / "bad.sm"
    bad.write_text("not psplib\n")
    code, _, err = run(capsys, "level", str(bad))
    assert code == 1 and "bad.sm" in err and "Traceback" not in err
