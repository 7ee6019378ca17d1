"""Counts read as English: ``1 problem found``, ``1 project``, ``2 changes``."""

from __future__ import annotations

from pathlib import Path

import pytest

from progman.cli.main import main
from progman.cli.output import plural

ONE = """\
program: One
key: ONE
start: 2027-03-01
resources:
  - {id: ann, name: Ann}
projects:
  - id: P
    name: Project
    tasks:
      - {id: P.a, name: A, duration: 2d}
risks:
  - {id: R1, title: Late, probability: 0.3, impact: {schedule: 5d}}
"""


@pytest.fixture
def one(tmp_path: Path) -> Path:
    path = tmp_path / "one.yaml"
    path.write_text(ONE, encoding="utf-8")
    return path


def test_plural():
    assert [plural(n, "problem") for n in (0, 1, 2)] == ["0 problems", "1 problem", "2 problems"]
    assert plural(1, "person", "people") == "1 person"
    assert plural(3, "person", "people") == "3 people"


def test_one_of_each_is_singular(capsys, one):
    assert main(["validate", str(one)]) == 0
    assert capsys.readouterr().out.endswith("valid — One (ONE), 1 project, 1 work item\n")
    assert main(["show", str(one)]) == 0
    assert "1 project, 1 work item, 1 person, 1 risk" in capsys.readouterr().out
    assert main(["risks", str(one)]) == 0
    assert "\n1 risk\n" in capsys.readouterr().out
    assert main(["simulate", str(one), "--iterations", "1"]) == 0
    assert "ONE: 1 iteration, seed 0" in capsys.readouterr().out


def test_one_problem_is_counted_in_the_singular(capsys, one):
    one.write_text(ONE.replace("duration: 2d", "duration: two days"), encoding="utf-8")
    assert main(["validate", str(one)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2 and lines[-1] == "1 problem found"
