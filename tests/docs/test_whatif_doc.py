"""The what-if example of docs/user-guide.md is true: its plan, asked a move and a change in
one run, prints the comparison shown (leveled, deadlines, the chain that makes WEB late)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from progman.cli.main import main

PAGE = Path(__file__).resolve().parents[2] / "docs" / "user-guide.md"
PLAN = re.compile(r"```yaml\n(program: Shop relaunch\n.*?)```", re.DOTALL)
OUTPUT = re.compile(r"```text\n\$ (progman whatif run shop.yaml .*?)\n(.*?)```", re.DOTALL)


def words(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.strip("\n").splitlines()]


def test_the_move_and_the_change_print_what_the_page_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = PAGE.read_text(encoding="utf-8")
    plan, shown = PLAN.search(text), OUTPUT.search(text)
    assert plan and shown, "docs/user-guide.md lost its what-if example"
    (tmp_path / "shop.yaml").write_text(plan.group(1), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(shlex.split(shown.group(1))[1:]) == 0
    assert words(capsys.readouterr().out) == words(shown.group(2))
