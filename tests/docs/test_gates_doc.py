"""The Lifecycle and stage gates section of docs/user-guide.md is true: its example prints
the tables the page shows, its statuses are the ones it explains, and the ``--json``
shape it documents is the one the command gives."""

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
    start = text.index("## Lifecycle and stage gates\n")
    return text[start : text.index("\n## ", start + 1)]


@pytest.fixture
def example(section: str, tmp_path: Path) -> Path:
    block = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert block, "the section lost its plan"
    path = tmp_path / "gates.yaml"
    path.write_text(block.group(1), encoding="utf-8")
    return path


def _words(lines: list[str]) -> list[list[str]]:
    return [line.split() for line in lines if line.strip() and not line.startswith("─")]


def test_the_tables_are_the_ones_the_command_prints(section, example, capsys):
    shown = re.search(r"```console\n\$ progman gates gates.yaml\n(.*?)```", section, re.DOTALL)
    assert shown, "the section lost its tables"
    assert main(["gates", str(example)]) == 0
    assert _words(capsys.readouterr().out.splitlines()) == _words(shown.group(1).splitlines())


def test_the_statuses_the_text_explains(section, example, capsys):
    assert main(["gates", str(example), "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    gates = {g["id"]: g for g in answer["gates"]}
    assert gates["G1"]["status"] == "passed" and gates["G1"]["overridden"]
    assert gates["G2"]["status"] == "blocked" and gates["G2"]["slip_days"] == 7
    assert gates["G3"]["status"] == "overdue"
    assert answer["projects"]["FIT"]["source"] == "gates"
    assert answer["projects"]["HIRE"]["note"].startswith("in execution although gate G3")
    shape = re.search(r"```text\n(.*?)```", section, re.DOTALL)
    assert shape, "the section lost the --json shape"
    documented = set(re.findall(r'"(\w+)"', shape.group(1)))
    given = set(answer) | set(answer["gates"][0]) | set(answer["gates"][0]["criteria"])
    given |= set(answer["gates"][0]["decision"]) | set(answer["gates"][0]["decision"]["override"])
    given |= set(answer["projects"]["FIT"]) | set(answer["decisions"][0])
    assert documented - {"decision", "gate"} == given - {"decision"}


def test_without_the_override_the_example_is_refused(example, capsys):
    text = example.read_text(encoding="utf-8")
    example.write_text(re.sub(r"\n +override: .*", "", text), encoding="utf-8")
    assert main(["gates", str(example)]) == 1
    assert "gate G1 is passed (go) with 1 of 2 criteria unmet" in capsys.readouterr().err
