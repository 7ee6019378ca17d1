"""The examples in docs/ are real: every YAML plan shown there loads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from progman.planfile import load_plan

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"```yaml\n(.*?)```", re.DOTALL)


def plan_examples() -> list[tuple[str, str]]:
    found = []
    for page in sorted(DOCS.glob("*.md")):
        for number, block in enumerate(BLOCK.findall(page.read_text())):
            if block.startswith("program:"):
                found.append((f"{page.name}#{number}", block))
    return found


def test_docs_have_examples():
    assert len(plan_examples()) >= 3


@pytest.mark.parametrize(("where", "text"), plan_examples(), ids=[w for w, _ in plan_examples()])
def test_example_plan_loads(where, text, tmp_path):
    path = tmp_path / "example.yaml"
    path.write_text(text)
    assert load_plan(path).key
