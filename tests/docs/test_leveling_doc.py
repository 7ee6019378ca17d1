"""The leveling example of docs/user-guide.md is true: its plan levels to the delays shown,
each with the person, the days and the reason that held it up."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from progman.cli.main import main

PAGE = Path(__file__).resolve().parents[2] / "docs" / "user-guide.md"
PLAN = re.compile(r"```yaml\n(program: Data centre migration\n.*?)```", re.DOTALL)
OUTPUT = re.compile(r"```text\n\$ progman level migration.yaml\n(.*?)```", re.DOTALL)


def words(line: str) -> str:
    return " ".join(line.split())


def test_the_plan_levels_to_the_delays_shown(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    text = PAGE.read_text(encoding="utf-8")
    plan, shown = PLAN.search(text), OUTPUT.search(text)
    assert plan and shown, "docs/user-guide.md lost its leveling example"
    path = tmp_path / "migration.yaml"
    path.write_text(plan.group(1), encoding="utf-8")
    assert main(["level", str(path), "--seed", "0"]) == 0
    printed = {words(line) for line in capsys.readouterr().out.splitlines()}
    for line in shown.group(1).strip("\n").splitlines():
        assert words(line) in printed, line
