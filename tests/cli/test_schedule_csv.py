"""``progman schedule --csv`` and ``--json`` write the bulk renderings, byte for byte the
plain ones (a dict per task through csv.writer, orjson of ``to_json()``), to a terminal
capture and to a pipe; ``--project`` keeps that project's rows, ``--leveled`` works too."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from tests.engine.test_schedule_text import CSV_FIELDS

import progman
from progman.cli.main import main
from progman.cli.output import write_csv
from progman.engine.schedule import Schedule
from progman.services.leveling import level_program

SAMPLE = Path(__file__).resolve().parents[2] / "src" / "progman" / "samples"
SAMPLE = SAMPLE / "digital_platform_launch.yaml"


def reference_csv(result: Schedule, project: str | None = None) -> str:
    out = io.StringIO()
    tasks = result.to_json()["tasks"]
    with contextlib.redirect_stdout(out):
        write_csv((t for t in tasks if project is None or t["project"] == project), CSV_FIELDS)
    return out.getvalue()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_csv_and_json_of_the_sample(capsys: pytest.CaptureFixture[str]):
    result = progman.schedule(progman.load_plan(SAMPLE))
    assert run(capsys, "schedule", str(SAMPLE), "--csv") == reference_csv(result)
    assert run(capsys, "schedule", str(SAMPLE), "--json") == (
        orjson.dumps(result.to_json()).decode() + "\n"
    )
    project = next(iter(result.projects))
    shown = run(capsys, "schedule", str(SAMPLE), "--csv", "--project", project)
    assert shown == reference_csv(result, project)
    assert 1 < len(shown.splitlines()) < len(result.tasks) + 1


def test_leveled_csv(capsys: pytest.CaptureFixture[str]):
    leveled = level_program(progman.load_plan(SAMPLE)).schedule
    assert run(capsys, "schedule", str(SAMPLE), "--leveled", "--csv") == reference_csv(leveled)


def test_csv_through_a_pipe():
    done = subprocess.run(
        [sys.executable, "-m", "progman", "schedule", str(SAMPLE), "--csv"],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = progman.schedule(progman.load_plan(SAMPLE))
    assert done.stdout == reference_csv(result).encode()
