"""The Monte Carlo example of docs/user-guide.md is true: the plain and the leveled
simulation of its plan print the lines shown, and the leveled planned finish is the one
``progman level`` gives."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from progman.cli.main import main

PAGE = Path(__file__).resolve().parents[2] / "docs" / "user-guide.md"
PLAN = re.compile(r"```yaml\n(program: Handover\n.*?)```", re.DOTALL)
RUN = re.compile(r"```text\n\$ progman (simulate handover\.yaml[^\n]*)\n(.*?)```", re.DOTALL)


def words(line: str) -> str:
    return " ".join(line.split())


def test_the_simulations_print_what_the_guide_shows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    text = PAGE.read_text(encoding="utf-8")
    plan, runs = PLAN.search(text), RUN.findall(text)
    assert plan and len(runs) == 2, "docs/user-guide.md lost its Monte Carlo example"
    path = tmp_path / "handover.yaml"
    path.write_text(plan.group(1), encoding="utf-8")
    for command, shown in runs:
        args = command.split()
        args[1] = str(path)
        assert main(args) == 0
        printed = {words(line) for line in capsys.readouterr().out.splitlines()}
        for line in shown.strip("\n").splitlines():
            assert words(line) in printed, line
    assert main(["level", str(path), "--json"]) == 0
    leveled_finish = json.loads(capsys.readouterr().out)["finish"].replace("T", " ")
    assert f"leveled planned finish {leveled_finish} " in text
