"""The Objectives and key results and the Benefits sections of docs/user-guide.md are
true: their plan gives the tables they show and the figures their text explains."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from progman.cli.main import main

PAGE = Path(__file__).resolve().parents[2] / "docs" / "user-guide.md"


def _section(title: str) -> str:
    text = PAGE.read_text(encoding="utf-8")
    start = text.index(f"## {title}\n")
    return text[start : text.index("\n## ", start + 1)]


@pytest.fixture
def example(tmp_path: Path) -> Path:
    block = re.search(r"```yaml\n(.*?)```", _section("Objectives and key results"), re.DOTALL)
    assert block, "the Objectives and key results section lost its plan"
    path = tmp_path / "goals.yaml"
    path.write_text(block.group(1), encoding="utf-8")
    return path


def _words(lines: list[str]) -> list[list[str]]:
    return [line.split() for line in lines if line.strip() and not line.startswith("─")]


@pytest.mark.parametrize(
    ("title", "command"),
    [("Objectives and key results", "objectives"), ("Benefits", "benefits")],
)
def test_the_table_is_the_one_the_command_prints(title, command, example, capsys):
    shown = re.search(
        rf"```console\n\$ progman {command} goals.yaml\n(.*?)```", _section(title), re.DOTALL
    )
    assert shown, f"the {title} section lost its table"
    assert main([command, str(example)]) == 0
    printed = capsys.readouterr().out.splitlines()
    expected = _words(shown.group(1).splitlines())
    assert _words(printed)[: len(expected)] == expected


def test_the_figures_the_text_explains(example, capsys):
    assert main(["objectives", str(example), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["objectives"][0]["key_results"][0]["progress"] == 0.5  # (15 - 10) / (20 - 10)
    assert data["unaligned_projects"] == ["OPS"]
    assert data["objectives_without_projects"] == ["O2"]
    assert main(["benefits", str(example), "--json"]) == 0
    ben1 = json.loads(capsys.readouterr().out)["benefits"][0]
    assert ben1["planned_to_date"] == 5900 * 28 / 59 == 2800
    assert ben1["realized_to_date"] == 400 and ben1["days_late"] == 7
    assert ben1["chain"] == ["SHOP.design", "SHOP.build", "SHOP.live"]
