"""The architecture of SPEC §4 holds: domain and engine are pure, layers point downward,
and the interfaces (cli, api, web) reach the engine, storage and plan files only through
services."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import progman

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint(cwd: Path, source: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(cwd / "pyproject.toml"), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(source), "PATH": "/usr/bin:/bin"},
    )


def test_import_contracts_hold():
    result = lint(ROOT, ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken" in result.stdout


def test_contract_catches_engine_importing_storage(tmp_path):
    shutil.copytree(ROOT / "src", tmp_path / "src")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    engine = tmp_path / "src" / "progman" / "engine" / "leak.py"
    engine.write_text("import progman.storage\n")
    result = lint(tmp_path, tmp_path / "src")
    assert result.returncode != 0
    assert "progman.engine.leak -> progman.storage" in result.stdout


@pytest.mark.parametrize("forbidden", ["engine.schedule", "storage", "planfile"])
def test_contract_catches_the_cli_skipping_services(tmp_path, forbidden):
    shutil.copytree(ROOT / "src", tmp_path / "src")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    command = tmp_path / "src" / "progman" / "cli" / "leak.py"
    # a type-only import counts too: the CLI takes the types it names from services
    command.write_text(
        f"from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import progman.{forbidden}\n"
    )
    result = lint(tmp_path, tmp_path / "src")
    assert result.returncode != 0
    assert f"progman.cli.leak -> progman.{forbidden}" in result.stdout


def test_public_api_is_pinned():
    assert sorted(progman.__all__) == sorted(
        [
            "ChangeControl",
            "ChangeItem",
            "ChangeRequest",
            "ImpactResult",
            "LevelResult",
            "PlanInvalid",
            "Program",
            "ProgmanError",
            "Project",
            "Schedule",
            "Simulation",
            "TaskSchedule",
            "WorkItem",
            "__version__",
            "dump_plan",
            "impact",
            "level",
            "load_plan",
            "schedule",
            "simulate",
        ]
    )
    for name in progman.__all__:
        assert hasattr(progman, name)
