"""docs/scheduling.md is true: its plan prints the output shown, its Python examples run."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

from progman.cli.main import main

PAGE = Path(__file__).resolve().parents[2] / "docs" / "scheduling.md"
PLAN = re.compile(r"```yaml\n(program: Office Move\n.*?)```", re.DOTALL)
OUTPUT = re.compile(r"```text\n\$ progman schedule office-move.yaml\n(.*?)```", re.DOTALL)
COLOUR = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def office_move(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The page's example plan, as office-move.yaml in the current folder."""
    match = PLAN.search(PAGE.read_text(encoding="utf-8"))
    assert match, "docs/scheduling.md lost its Office Move example"
    path = tmp_path / "office-move.yaml"
    path.write_text(match.group(1), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return path


def plain_lines(text: str) -> list[str]:
    return [line.rstrip() for line in COLOUR.sub("", text).strip("\n").splitlines()]


def test_the_command_prints_what_the_page_shows(office_move, capsys):
    shown = OUTPUT.search(PAGE.read_text(encoding="utf-8"))
    assert shown, "docs/scheduling.md lost its example output"
    assert main(["schedule", office_move.name]) == 0
    assert plain_lines(capsys.readouterr().out) == plain_lines(shown.group(1))


def test_the_elapsed_lags_example_prints_what_the_page_shows(tmp_path, monkeypatch, capsys):
    """Elapsed lags into elapsed and working tasks: the Slab plan and its schedule."""
    page = PAGE.read_text(encoding="utf-8")
    plan = re.search(r"```yaml\n(program: Slab\n.*?)```", page, re.DOTALL)
    shown = re.search(r"```text\n\$ progman schedule slab.yaml\n(.*?)```", page, re.DOTALL)
    assert plan and shown, "docs/scheduling.md lost its elapsed lags example"
    (tmp_path / "slab.yaml").write_text(plan.group(1), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["schedule", "slab.yaml"]) == 0
    assert plain_lines(capsys.readouterr().out) == plain_lines(shown.group(1))


def test_the_python_examples_run(office_move):
    result = doctest.testfile(str(PAGE), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 20 and result.failed == 0
