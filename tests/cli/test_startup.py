"""The CLI starts at once: ``--version``, ``--help`` and ``validate`` import nothing heavy.

Each command runs in a fresh interpreter (``progman.cli.main.main``, as the console script
calls it) that then reports which modules it imported. Wall times are not asserted here (a
shared machine is too noisy); benchmarks/end_to_end.py measures them.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import progman

#: What only the computing commands need: the compiled engine, the database stack.
HEAVY = (
    "numba",
    "llvmlite",
    "sqlalchemy",
    "alembic",
    "psycopg",
    "progman.engine",
    "progman.storage",
    "progman.services.database",
)
#: What ``--version`` and ``--help`` do not even need: the domain and the plan loader.
DOMAIN = ("pydantic", "yaml", "progman.domain", "progman.planfile")
#: Tables and trees: only commands that draw them (and Typer's help) import Rich.
RICH = ("rich",)

RUN_AND_LIST_MODULES = """
import contextlib, io, json, sys
from progman.cli.main import main
out, err = io.StringIO(), io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "out": out.getvalue(), "err": err.getvalue(),
                  "modules": sorted(sys.modules)}))
"""


def start(*args: str) -> tuple[int, str, set[str]]:
    """Exit code, output and imported modules of ``progman ARGS`` in a new interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST_MODULES, *args],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(done.stdout)
    return report["code"], report["out"] + report["err"], set(report["modules"])


def imported(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    """The packages of ``packages`` that were imported, themselves or a submodule."""
    return [p for p in packages if any(m == p or m.startswith(p + ".") for m in modules)]


def test_version_imports_neither_engine_nor_database_nor_domain():
    code, output, modules = start("--version")
    assert code == 0
    assert output == f"progman {progman.__version__}\n"
    assert imported(modules, HEAVY + DOMAIN + RICH) == []


def test_help_imports_neither_engine_nor_database_nor_domain():
    code, output, modules = start("--help")
    assert code == 0
    for command in ("validate", "schedule", "simulate", "level", "db", "whatif"):
        assert f" {command} " in output
    assert imported(modules, HEAVY + DOMAIN) == []


@pytest.mark.parametrize("command", ["schedule", "simulate", "level", "db", "whatif"])
def test_command_help_imports_neither_engine_nor_database(command):
    code, output, modules = start(command, "--help")
    assert code == 0 and "Usage: progman" in output
    assert imported(modules, HEAVY) == []


def test_validate_of_the_sample_loads_the_plan_without_engine_or_database(sample_plan: Path):
    code, output, modules = start("validate", str(sample_plan))
    assert code == 0, output
    assert ": valid — " in output
    assert "progman.domain" in modules and "progman.planfile" in modules
    assert imported(modules, HEAVY + RICH) == []


def test_validate_of_a_broken_plan_reports_it_without_engine_or_database(tmp_path: Path):
    plan = tmp_path / "broken.yaml"
    plan.write_text("program: {key: X, name: X, start: 2027-01-04}\nprojects: nope\n")
    code, output, modules = start("validate", str(plan))
    assert code == 1
    assert f"{plan}:" in output and "Traceback" not in output
    assert imported(modules, HEAVY + RICH) == []


def test_import_progman_loads_the_public_api_on_first_use():
    script = (
        "import sys, progman\n"
        "before = sorted(sys.modules)\n"
        "from progman import schedule, Schedule\n"
        "print(schedule.__module__, Schedule.__name__, progman.schedule is schedule)\n"
        "print('numba' in before, 'pydantic' in before, 'numba' in sys.modules)\n"
    )
    done = subprocess.run(  # without the ahead-of-time kernels, which need no numba
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PROGMAN_AOT": "0"},
    )
    assert done.stdout.split("\n")[:2] == [
        "progman.engine.schedule Schedule True",
        "False False True",
    ]


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_name"):
        progman.no_such_name  # noqa: B018 - the lookup is the test


def test_the_version_is_the_installed_one():
    assert progman.__version__ == importlib.metadata.version("progman")


def test_the_near_critical_default_in_help_is_the_engines():
    from progman.cli.schedule import NEAR_CRITICAL_DAYS as shown  # noqa: PLC0415
    from progman.engine.schedule import NEAR_CRITICAL_DAYS  # noqa: PLC0415

    assert shown == NEAR_CRITICAL_DAYS


def test_validate_writes_the_name_as_written(tmp_path: Path):
    plan = tmp_path / "markup.yaml"
    plan.write_text(
        'program: "[bold]Launch[/bold] :rocket:"\nkey: MK\nstart: 2027-01-04\n'
        "projects:\n  - {id: P, name: P, tasks: [{id: a, name: A, duration: 2d}]}\n"
    )
    code, output, _ = start("validate", str(plan))
    assert code == 0, output
    assert output == f"{plan}: valid — [bold]Launch[/bold] :rocket: (MK), 1 project, 1 work item\n"


def test_level_json_into_a_pipe_imports_no_rich(sample_plan: Path):
    """No spinner goes to a stream that is no terminal, so Rich is not even imported."""
    code, output, modules = start("level", str(sample_plan), "--json", "--schedules", "20")
    assert code == 0
    assert json.loads(output.splitlines()[0])["tasks"]
    assert imported(modules, RICH) == []


class _Stream:
    """A stream that says whether it is a terminal."""

    def __init__(self, terminal: bool) -> None:
        self.terminal = terminal

    def isatty(self) -> bool:
        return self.terminal

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


def test_a_console_is_a_terminal_as_rich_says(monkeypatch):
    from progman.cli.output import _Console  # noqa: PLC0415

    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    piped = _Console(file=_Stream(False))
    assert piped.is_terminal is False
    assert piped._console is None  # answered without making Rich's console
    assert _Console(file=_Stream(True)).is_terminal is True
    assert _Console(file=_Stream(True), force_terminal=False).is_terminal is False
    assert _Console(file=_Stream(False), force_terminal=True).is_terminal is True
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert _Console(file=_Stream(False)).is_terminal is True  # Rich decides: the setting wins
    monkeypatch.setenv("TTY_COMPATIBLE", "0")
    assert _Console(file=_Stream(True)).is_terminal is False
