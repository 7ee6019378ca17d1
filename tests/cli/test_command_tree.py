"""The app a run builds holds only the command it names: the same help, errors and results
as the whole app, without building the other commands (0.02 s of every start)."""

from __future__ import annotations

import pytest
import typer
from tests.cli.test_help import command_paths
from typer.testing import CliRunner

from progman.cli.main import _app_for, app


def names(chosen: typer.Typer) -> list[str]:
    return sorted(typer.main.get_command(chosen).commands)  # type: ignore[attr-defined]


def test_a_command_word_builds_that_command_only():
    assert names(_app_for(["level", "plan.yaml", "--json"])) == ["level"]
    assert names(_app_for(["--version", "schedule"])) == ["schedule"]
    assert names(_app_for(["whatif", "run", "--help"])) == ["whatif"]
    assert names(_app_for(["import", "x.xml"])) == ["import"]  # a name given to the command


@pytest.mark.parametrize("argv", [[], ["--help"], ["levle"], ["--version"]])
def test_no_command_or_a_typo_gets_the_whole_app(argv):
    assert _app_for(argv) is app


@pytest.mark.parametrize(
    "argv",
    [
        *[[*words, "--help"] for words in command_paths() if words],
        ["level", "--bogus"],
        ["db", "nope"],
        ["schedule", "missing.yaml", "--json"],
        ["simulate", "--iterations", "x"],
    ],
    ids=" ".join,
)
def test_the_command_alone_says_what_the_whole_app_says(argv):
    env = {"COLUMNS": "100"}
    alone = CliRunner().invoke(_app_for(argv), argv, env=env)
    whole = CliRunner().invoke(app, argv, env=env)
    assert (alone.exit_code, alone.output) == (whole.exit_code, whole.output)
