"""--help names what to type (PLAN, URL, N, PATH), never Typer's type names (<bool>)."""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from progman.cli.main import app

TYPE_NAME = re.compile(r"<[a-z][^>]*>")


def command_paths() -> list[list[str]]:
    """Every command and sub-command of the app, as the words that run it."""
    found: list[list[str]] = [[]]
    pending = [([], typer.main.get_command(app))]
    while pending:
        words, command = pending.pop()
        for name, sub in getattr(command, "commands", {}).items():
            found.append([*words, name])
            pending.append(([*words, name], sub))
    return found


@pytest.mark.parametrize("words", command_paths(), ids=lambda w: " ".join(w) or "progman")
def test_help_has_no_type_names(words):
    done = CliRunner().invoke(app, [*words, "--help"], env={"COLUMNS": "200"})
    assert done.exit_code == 0, done.output
    assert TYPE_NAME.findall(done.output) == []


def test_help_names_the_values():
    done = CliRunner().invoke(app, ["schedule", "--help"], env={"COLUMNS": "200"})
    lines = {line.split()[1]: line for line in done.output.splitlines() if "│ --" in line}
    assert lines["--db"].split()[2] == "URL"
    assert lines["--json"].split()[2] == "print"  # a flag: nothing to type
    assert "[PLAN]" in done.output  # the usage line
