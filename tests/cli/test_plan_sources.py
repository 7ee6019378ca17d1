"""Every command that takes a plan takes a stored program instead (SPEC §5):
``--db URL --program KEY``, with the same answers, and clear usage errors otherwise."""

from __future__ import annotations

import json

import pytest

from progman.cli.main import main
from progman.samples import sample_plan_path
from progman.services.database import dispose_engines

SAMPLE = str(sample_plan_path())


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def stored(capsys: pytest.CaptureFixture[str], database_url: str):
    for command in (["db", "upgrade"], ["db", "import", SAMPLE]):
        code, _, err = run(capsys, *command, "--db", database_url)
        assert code == 0, err
    yield ["--db", database_url, "--program", "DPL"]
    dispose_engines()


@pytest.mark.parametrize(
    "command",
    [
        ["schedule", "--json"],
        ["simulate", "--iterations", "300", "--json"],
        ["level", "--schedules", "40", "--json"],
        ["impact", "--task", "API.data_migration", "--slip", "5d", "--json"],
        ["risks", "--json"],
        ["resources", "--json"],
        ["whatif", "run", "--set", "API.data_migration.duration=30d", "--json"],
    ],
    ids=lambda command: command[0] if command[0] != "whatif" else "whatif run",
)
def test_a_stored_program_gives_what_its_plan_file_gives(capsys, stored, command):
    words = 2 if command[0] == "whatif" else 1
    code, from_file, err = run(capsys, *command[:words], SAMPLE, *command[words:])
    assert code == 0, err
    code, from_store, err = run(capsys, *command, *stored)
    assert code == 0, err
    file_json, store_json = json.loads(from_file), json.loads(from_store)
    for volatile in ("input", "seconds"):  # where it came from, and how long it took
        file_json.pop(volatile, None)
        store_json.pop(volatile, None)
    assert store_json == file_json


def test_validate_and_show_name_the_stored_program(capsys, stored):
    code, out, _ = run(capsys, "validate", *stored)
    assert code == 0
    assert out.startswith("program DPL: valid — Digital Platform Launch (DPL), 5 projects")
    code, out, _ = run(capsys, "show", *stored, "--depth", "1")
    assert code == 0 and "Digital Platform Launch" in out


def test_an_unknown_key_says_which_programs_there_are(capsys, stored):
    code, _, err = run(capsys, "schedule", *stored[:3], "DPX")
    assert code == 1
    assert "no program with key 'DPX'; did you mean 'DPL'?" in err


@pytest.mark.parametrize(
    ("arguments", "option", "message"),
    [
        ([], "PLAN", "name a plan file, or a stored program with --program KEY"),
        ([SAMPLE, "--program", "DPL"], "--program", "not both"),
        ([SAMPLE, "--db", "sqlite:///x.db"], "--db", "add --program KEY instead"),
    ],
)
def test_a_source_named_wrongly_is_a_usage_error(capsys, arguments, option, message):
    code, out, err = run(capsys, "schedule", *arguments)
    assert code == 2 and out == ""
    assert f"Invalid value for '{option}': " in err and message in err
    assert "Try 'progman schedule --help' for the options." in err
