"""The command line: exit codes, one clear line per problem, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from progman.cli.main import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("progman ")


def test_validate_good_plan(capsys, contract_plan):
    code, out, err = run(capsys, "validate", str(contract_plan))
    assert code == 0, err
    assert "valid" in out and "2 projects, 7 work items" in out


def test_validate_broken_plan_lists_every_error(capsys, contract_plan, tmp_path):
    text = contract_plan.read_text()
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        text.replace("depends: [API.spec]", "depends: [API.spex]")
        .replace("duration: 6d", "duration: 6 days")
        .replace("probability: 0.4", "probability: 4")
    )
    code, out, err = run(capsys, "validate", str(broken))
    assert code == 1
    lines = err.strip().splitlines()
    assert lines[-1] == "3 problems found"
    for line in lines[:-1]:
        assert line.startswith(f"{broken}:"), line
    assert "did you mean 'API.spec'" in err
    assert "Traceback" not in err + out


def test_missing_file_is_a_user_error(capsys, tmp_path):
    code, _, err = run(capsys, "validate", str(tmp_path / "nope.yaml"))
    assert code == 1 and "no such plan file" in err


def test_usage_error_exits_2(capsys):
    code, _, _ = run(capsys, "validate")
    assert code == 2
    code, _, _ = run(capsys, "no-such-command")
    assert code == 2


def test_show_prints_the_tree(capsys, contract_plan):
    code, out, _ = run(capsys, "show", str(contract_plan), "--depth", "1")
    assert code == 0
    assert "Contract Demo (CON)" in out and "WEB.build" in out and "API.spec SS+2d" in out


def test_show_names_who_is_still_to_be_staffed(capsys, tmp_path):
    plan = tmp_path / "staff.yaml"
    plan.write_text(
        "program: Staff\nkey: ST\nstart: 2027-03-01\nresources: [{id: ann, name: Ann}]\n"
        "projects:\n  - id: P\n    name: P\n    tasks:\n"
        "      - {id: t, name: T, duration: 2d, resources: [{resource: ann}, {skill: react},"
        " {role: Dev, skill: go}]}\n"
    )
    code, out, err = run(capsys, "show", str(plan))
    assert code == 0, err
    assert "by ann, skill:react, role:Dev skill:go" in out


def test_schema_is_json(capsys, tmp_path):
    code, out, _ = run(capsys, "schema")
    assert code == 0 and json.loads(out)["title"] == "progman plan"
    code, _, _ = run(capsys, "schema", "-o", str(tmp_path / "schema.json"))
    assert code == 0 and json.loads((tmp_path / "schema.json").read_text())["$defs"]


@pytest.mark.parametrize("args", [["validate", "/nonexistent.yaml"], ["frobnicate"]])
def test_console_script_has_no_traceback(args):
    result = subprocess.run(
        [sys.executable, "-m", "progman", *args], capture_output=True, text=True, check=False
    )
    assert result.returncode in (1, 2)
    assert "Traceback" not in result.stderr


def test_validate_prints_warnings_at_file_line_and_exits_0(capsys, tmp_path):
    plan = tmp_path / "warned.yaml"
    plan.write_text(
        "program: Warned\nkey: W\nstart: 2027-03-08\n"
        "resources:\n  - {id: ann, name: Ann, capacity: 0.5}\n"
        "projects:\n  - id: P\n    name: P\n    tasks:\n"
        "      - {id: A, name: A, duration: 2d, resources: {ann: 1.0}}\n"
        '      - {id: B, name: B, duration: 1d, constraint: "SNET 2027-03-01"}\n'
    )
    code, out, err = run(capsys, "validate", str(plan))
    assert code == 0
    assert out.strip().endswith("1 project, 2 work items, 2 warnings")
    first, second = err.strip().splitlines()
    assert first.startswith(
        f"{plan}:10:57: warning: A assigns ann at 1, but the capacity of ann is 0.5"
    )
    assert second.startswith(
        f"{plan}:11:52: warning: B: constraint SNET 2027-03-01 is before the program starts "
        "(2027-03-08)"
    )
    assert "Traceback" not in err + out
