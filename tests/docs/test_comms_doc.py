"""The communication plan section of docs/user-guide.md is true: its example prints the
tables the page shows, and the ``--json`` shape it documents is the one the command gives."""

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
    start = text.index("## The communication plan\n")
    return text[start : text.index("\n## ", start + 1)]


@pytest.fixture
def example(section: str, tmp_path: Path) -> Path:
    block = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert block, "the section lost its plan"
    path = tmp_path / "comms.yaml"
    path.write_text(block.group(1), encoding="utf-8")
    return path


def _words(lines: list[str]) -> list[list[str]]:
    return [line.split() for line in lines if line.strip() and not line.startswith("─")]


def test_the_tables_are_the_ones_the_command_prints(section, example, capsys):
    shown = re.search(r"```console\n\$ progman comms comms.yaml\n(.*?)```", section, re.DOTALL)
    assert shown, "the section lost its tables"
    assert main(["comms", str(example)]) == 0
    assert _words(capsys.readouterr().out.splitlines()) == _words(shown.group(1).splitlines())


def test_the_json_shape_and_the_dates_the_text_names(section, example, capsys):
    assert main(["comms", str(example), "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    lines = {r["stakeholder"]: r for r in answer["reports"]}
    assert lines["board"]["due"] == "2027-04-01" and lines["lead"]["due"] == "2027-04-16"
    assert lines["staff"]["due"] is None and lines["staff"]["next"] == "2027-06-01"
    shape = section[section.index("`comms --json` prints") :]
    documented = set(re.findall(r'"(\w+)"', shape[: shape.index("`--write FOLDER` renders")]))
    given = set(answer) | set(answer["due"][0]) | set(answer["grid"])
    given |= set(answer["grid"]["keep_informed"][0]) | {"written", "file", "bytes", "to"}
    assert documented == given
