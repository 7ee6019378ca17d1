"""`progman import`: PSPLIB .sm → plan file; other formats and bad input: one line, exit 1."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

import progman
from progman.cli.imports import DEFAULT_START
from progman.cli.main import main

PSPLIB = Path(__file__).resolve().parents[3] / "shared" / "data" / "psplib"
J301_1 = PSPLIB / "j30" / "j301_1.sm"
needs_data = pytest.mark.skipif(
    not J301_1.exists(), reason=f"../shared is absent: PSPLIB data {J301_1} not found"
)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(code: int, out: str, err: str) -> str:
    assert code == 1, err
    assert out == ""
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    return err.strip()


@needs_data
def test_psplib_round_trip(capsys, tmp_path):
    target = tmp_path / "j301_1.yaml"
    code, out, err = run(capsys, "import", str(J301_1), "-o", str(target))
    assert code == 0, err
    assert out.strip() == (
        f"{J301_1}: imported 32 jobs (2 milestones), 48 links, 4 resources, "
        f"start {DEFAULT_START} → {target}"
    )
    plan = progman.load_plan(target)
    assert plan.start == DEFAULT_START == date(2027, 1, 4)
    assert len(plan.projects[0].tasks) == 32
    assert [r.capacity for r in plan.resources] == [12, 13, 4, 12]
    assert progman.schedule(plan).finish.date() == DEFAULT_START + timedelta(days=38 - 1)

    code, _, err = run(capsys, "validate", str(target))
    assert code == 0, err


@needs_data
def test_options_start_format_json_and_force(capsys, tmp_path):
    target = tmp_path / "plan.json"
    args = ("import", str(J301_1), "--format", "psplib", "--start", "2030-03-01", "-o")
    code, _, err = run(capsys, *args, str(target))
    assert code == 0, err
    first = target.read_bytes()
    assert progman.load_plan(target).start == date(2030, 3, 1)

    code, out, err = run(capsys, *args, str(target))
    assert "exists already; give --force" in one_line_error(code, out, err)
    assert target.read_bytes() == first

    code, _, err = run(capsys, *args, str(target), "--force")
    assert code == 0, err
    assert target.read_bytes() == first  # reproducible: same input, same plan


@needs_data
def test_a_psplib_file_under_another_suffix_needs_format(capsys, tmp_path):
    source = tmp_path / "instance.txt"
    source.write_text(J301_1.read_text())
    target = tmp_path / "plan.yaml"
    code, out, err = run(capsys, "import", str(source), "-o", str(target))
    line = one_line_error(code, out, err)
    assert "cannot tell the format" in line and "'.txt'" in line and "--format" in line
    assert not target.exists()
    code, _, err = run(capsys, "import", str(source), "--format", "psplib", "-o", str(target))
    assert code == 0, err


def test_missing_file(capsys, tmp_path):
    target = tmp_path / "plan.yaml"
    code, out, err = run(capsys, "import", str(tmp_path / "none.sm"), "-o", str(target))
    assert "no such file" in one_line_error(code, out, err)
    assert not target.exists()


def test_unknown_format(capsys, tmp_path):
    source = tmp_path / "a.sm"
    source.write_text("x\n")
    target = tmp_path / "plan.yaml"
    code, out, err = run(capsys, "import", str(source), "--format", "mpp", "-o", str(target))
    line = one_line_error(code, out, err)
    assert "unknown import format 'mpp'" in line and "jira-csv" in line
    assert not target.exists()


def test_malformed_sm(capsys, tmp_path):
    source = tmp_path / "bad.sm"
    source.write_text("not psplib\n")
    target = tmp_path / "plan.yaml"
    code, out, err = run(capsys, "import", str(source), "-o", str(target))
    line = one_line_error(code, out, err)
    assert line.startswith(f"{source}: not a PSPLIB .sm file")
    assert list(tmp_path.iterdir()) == [source]  # nothing written, not even a temporary


def test_output_must_be_a_plan_file(capsys, tmp_path):
    source = tmp_path / "a.sm"
    source.write_text("x\n")
    code, out, err = run(capsys, "import", str(source), "-o", str(tmp_path / "plan.txt"))
    assert ".yaml, .yml or .json" in one_line_error(code, out, err)
    assert list(tmp_path.iterdir()) == [source]


def test_a_bad_start_date_is_a_usage_error(capsys, tmp_path):
    source = tmp_path / "a.sm"
    source.write_text("x\n")
    code, _, err = run(
        capsys, "import", str(source), "--start", "soon", "-o", str(tmp_path / "p.yaml")
    )
    assert code == 2 and "YYYY-MM-DD" in err
