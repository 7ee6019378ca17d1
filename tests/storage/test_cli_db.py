"""``progman db …`` commands, run through Typer's test runner against the sub-app."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from tests.storage.helpers import export_program, list_programs
from typer.testing import CliRunner

from progman.cli.db import app
from progman.errors import DatabaseNotReady, NotFound
from progman.planfile import load_plan
from progman.storage import head_revision

runner = CliRunner()


def run(*arguments: str) -> str:
    result = runner.invoke(app, list(arguments), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def database(database_url: str) -> str:
    run("upgrade", "--db", database_url)
    return database_url


def test_upgrade_reports_the_revision(database_url: str) -> None:
    expected = f"is at schema revision {head_revision()} (current)"
    assert expected in run("upgrade", "--db", database_url)


def test_import_list_export(database: str, contract_plan: Path, tmp_path: Path) -> None:
    output = run("import", str(contract_plan), "--db", database, "--as", "carol")
    assert "Imported CON (Contract Demo) at revision 1: 17 created, 0 updated, 0 deleted." in (
        " ".join(output.split())
    )
    assert "CON is unchanged (revision 1)" in run("import", str(contract_plan), "--db", database)

    listing = run("list", "--db", database)
    assert "CON" in listing
    assert "Contract Demo" in listing

    exported = tmp_path / "exported.yaml"
    assert "Exported CON" in run("export", "CON", "-o", str(exported), "--db", database)
    assert load_plan(exported) == load_plan(contract_plan)


def test_backup_and_restore(database: str, contract_plan: Path, tmp_path: Path) -> None:
    run("import", str(contract_plan), "--db", database)
    backup = tmp_path / "db.backup"
    assert "Backed up" in run("backup", str(backup), "--db", database)
    runner.invoke(app, ["upgrade", "--db", database])
    assert "Restored" in run("restore", str(backup), "--db", database)
    assert [s.key for s in list_programs(database)] == ["CON"]


def test_database_from_the_environment(
    tmp_path: Path, contract_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.setenv("PROGMAN_DB", url)
    run("upgrade")
    run("import", str(contract_plan))
    assert export_program(url, "CON").key == "CON"


def test_errors_reach_the_main_cli_unchanged(database: str, tmp_path: Path) -> None:
    """The sub-app does not print errors itself; progman's main CLI reports them once."""
    result = runner.invoke(
        app, ["export", "NOPE", "-o", str(tmp_path / "x.yaml"), "--db", database]
    )
    assert isinstance(result.exception, NotFound)
    result = runner.invoke(app, ["list", "--db", f"sqlite:///{tmp_path / 'empty.db'}"])
    assert isinstance(result.exception, DatabaseNotReady)


def test_empty_list_says_how_to_add_a_program(database: str) -> None:
    assert "No programs stored yet" in run("list", "--db", database)


def test_mounting_the_sub_app_does_not_load_the_database_stack() -> None:
    """Other commands (validate, schedule…) must not pay for SQLAlchemy and Alembic."""
    code = "import sys, progman.cli.db; print(sorted({'sqlalchemy', 'alembic'} & set(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
