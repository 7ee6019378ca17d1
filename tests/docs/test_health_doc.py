"""The Health section of docs/user-guide.md is true: its example prints the table the page
shows, and the plan format's defaults are the model's."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from progman.cli.main import main
from progman.domain.health import HealthSettings

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture(scope="module")
def section() -> str:
    text = (DOCS / "user-guide.md").read_text(encoding="utf-8")
    start = text.index("## Health\n")
    return text[start : text.index("\n## ", start + 1)]


@pytest.fixture
def example(section: str, tmp_path: Path) -> Path:
    block = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert block, "the Health section lost its plan"
    path = tmp_path / "health.yaml"
    path.write_text(block.group(1), encoding="utf-8")
    return path


def _words(lines: list[str]) -> list[list[str]]:
    return [line.split() for line in lines if line.strip() and not line.startswith("─")]


def test_the_table_is_the_one_the_command_prints(section, example, capsys):
    shown = re.search(r"```console\n\$ progman health health.yaml\n(.*?)```", section, re.DOTALL)
    assert shown, "the Health section lost its table"
    assert main(["health", str(example)]) == 0
    printed = capsys.readouterr().out.splitlines()
    expected = _words(shown.group(1).splitlines())
    assert _words(printed)[: len(expected)] == expected


def test_the_figures_the_text_explains(section, example, capsys):
    assert main(["health", str(example), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    app = data["projects"]["APP"]
    assert app["rag"] == "amber" and data["projects"]["WEB"]["override"]["rag"] == "green"
    assert "Amber: risk R1 of project APP scores 12 (high)" in [r["text"] for r in app["reasons"]]
    assert "R1 scores 4 × 3 = 12" in section and "Friday 19" in section


def test_the_plan_formats_defaults_are_the_models():
    text = (DOCS / "plan-format.md").read_text(encoding="utf-8")
    start = text.index("## Health\n")
    block = re.search(r"```yaml\n(.*?)```", text[start:], re.DOTALL)
    assert block
    documented = yaml.safe_load(block.group(1))["health"]
    documented.pop("overrides")
    defaults = HealthSettings().model_dump(exclude={"overrides"})
    assert documented == defaults
