"""The Earned value section of docs/user-guide.md is true: its worked example prints the
table the page shows, and the figures it explains are the ones ``--json`` gives."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from progman.cli.main import main

PAGE = Path(__file__).resolve().parents[2] / "docs" / "user-guide.md"


@pytest.fixture(scope="module")
def section() -> str:
    text = PAGE.read_text(encoding="utf-8")
    start = text.index("## Earned value\n")
    return text[start : text.index("\n## ", start + 1)]


@pytest.fixture
def example(section: str, tmp_path: Path) -> Path:
    block = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert block, "the Earned value section lost its plan"
    path = tmp_path / "evm.yaml"
    path.write_text(block.group(1), encoding="utf-8")
    return path


def _words(lines: list[str]) -> list[list[str]]:
    return [line.split() for line in lines if line.strip() and not line.startswith("─")]


def test_the_table_is_the_one_the_command_prints(section, example, capsys):
    shown = re.search(r"```console\n\$ progman evm evm.yaml --tasks\n(.*?)```", section, re.DOTALL)
    assert shown, "the Earned value section lost its table"
    assert main(["evm", str(example), "--tasks"]) == 0
    printed = capsys.readouterr().out.splitlines()
    expected = _words(shown.group(1).splitlines())
    assert _words(printed)[: len(expected)] == expected


def test_the_figures_the_text_explains(section, example, capsys):
    assert main(["evm", str(example), "--json"]) == 0
    whole = json.loads(capsys.readouterr().out)["program"]
    assert (whole["pv"], whole["ev"], whole["eac"]) == (500, 400, 4500)
    assert (whole["es_days"], whole["at_days"], whole["spi_t"]) == (4, 5, 0.8)
    assert whole["ieac_t_finish"] == "2027-04-02"
    assert "ES = 4" in section and "AT = 5" in section and "Friday 2 April" in section
