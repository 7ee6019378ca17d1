"""Every command that prints a table fits it to the terminal and writes it whole to a pipe.

Each runs on the sample program at 80 and at 200 columns of a terminal and into a pipe. Its
ids, dates and numbers are never cut (no ``…``, each id whole), the headers of the columns
it always shows are there, a terminal's lines fit its width, and the piped text is plain:
no colour codes, and a critical task is marked by a character, not by red alone.
"""

from __future__ import annotations

import csv
import json
import re

import pytest
from typer.testing import CliRunner

from progman.cli.main import app, main
from progman.samples import sample_plan_path

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
SAMPLE = str(sample_plan_path())
#: name, arguments (PLAN: the sample plan; DB: its stored copy), the headers always shown
#: and the id fields of the command's --json whose values must all show whole
COMMANDS = [
    ("schedule", ["schedule", "PLAN"], ["id", "name", "start", "finish", "total", "float"]),
    (
        "schedule --leveled",
        ["schedule", "PLAN", "--leveled"],
        ["id", "name", "start", "finish", "total", "float"],
    ),
    ("simulate", ["simulate", "PLAN", "--iterations", "300"], ["P50", "P80", "P95", "task"]),
    (
        "impact",
        ["impact", "PLAN", "--task", "API.payments", "--slip", "10d"],
        ["id", "name", "before", "after", "delay", "deadline", "title", "why"],
    ),
    (
        "risks",
        ["risks", "PLAN"],
        ["id", "title", "P", "I", "score", "rating", "status"],
    ),
    ("risk matrix", ["risks", "PLAN", "--matrix"], ["probability", "impact", "≤2d", ">20d"]),
    (
        "resources",
        ["resources", "PLAN"],
        ["resource", "name", "capacity", "peak load", "utilisation", "over days"],
    ),
    ("resources --week", ["resources", "PLAN", "--week"], ["resource", "27w01", "27w20"]),
    (
        "resources --over",
        ["resources", "PLAN", "--over"],
        ["resource", "from", "to", "days", "peak", "excess", "tasks"],
    ),
    (
        "resources --skill",
        ["resources", "PLAN", "--skill", "api", "--between", "2027-09-01", "2027-12-31"],
        ["resource", "name", "from", "to", "free FTE"],
    ),
    (
        "whatif run",
        ["whatif", "run", "PLAN", "--set", "API.payments.duration=60d"],
        ["finish of", "baseline", "BL1", "current", "scenario", "working", "planned cost"],
    ),
    (
        "whatif compare",
        ["whatif", "compare", "late-pay", "--program", "DPL", "--db", "DB"],
        ["finish of", "baseline", "current", "scenario", "working", "planned cost"],
    ),
    (
        "whatif list",
        ["whatif", "list", "--program", "DPL", "--db", "DB"],
        ["id", "name", "changes", "base", "revision", "updated"],
    ),
    ("db list", ["db", "list", "--db", "DB"], ["key", "name", "projects", "work items"]),
    ("baseline --list", ["baseline", "PLAN", "--list"], ["id", "name", "created", "finish"]),
    ("evm", ["evm", "PLAN", "--tasks"], ["id", "BAC", "PV", "EV", "AC", "SPI", "CPI"]),
    (
        "objectives",
        ["objectives", "PLAN", "--simulate", "200"],
        ["id", "title", "progress", "due", "forecast", "P80"],
    ),
    (
        "benefits",
        ["benefits", "PLAN", "--simulate", "200"],
        ["id", "title", "due", "forecast", "late", "P80"],
    ),
    ("health", ["health", "PLAN", "--all"], ["scope", "health", "reason"]),
    (
        "gates",
        ["gates", "PLAN"],
        ["gate", "project", "planned", "criteria", "decision", "status", "reason", "next gate"],
    ),
    (
        "baseline --compare",
        ["baseline", "PLAN", "--compare", "BL1"],
        ["scope", "finish", "variance", "id", "start", "Δ start", "Δ finish", "Δ cost"],
    ),
    ("show", ["show", "PLAN"], ["DPL", "API.payments", "MKT.done"]),
    (
        "level",
        ["level", "PLAN", "--schedules", "200"],
        ["project", "finish before", "finish after", "task", "(working", "held up", "why"],
    ),
]
#: (columns of the terminal, or None: a pipe)
WIDTHS = [80, 200, None]


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database with the sample program and one of its scenarios."""
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'progman.db'}"
    runner = CliRunner()
    save = ["whatif", "save", "late-pay", "--program", "DPL", "--db", url, "--as", "test"]
    for args in (
        ["init", "--db", url, "--sample"],
        [*save, "--set", "API.payments.duration=60d"],
    ):
        done = runner.invoke(app, args)
        assert done.exit_code == 0, done.output
    return url


def invoke(args: list[str], width: int | None) -> str:
    """The output of ``progman ARGS`` on a terminal ``width`` columns wide, or in a pipe."""
    if width is None:
        env = {"TTY_COMPATIBLE": "0", "FORCE_COLOR": None, "COLUMNS": None}
    else:
        env = {"TTY_COMPATIBLE": "1", "COLUMNS": str(width), "NO_COLOR": None}
    done = CliRunner().invoke(app, args, env=env)
    assert done.exit_code == 0, done.output + repr(done.exception)
    return done.stdout


def ids_shown(args: list[str]) -> set[str]:
    """The ids the command's answer names (from its --json, or the plan for a tree)."""
    command = args[0] if args[0] not in ("whatif", "db") else " ".join(args[:2])
    if command == "baseline" and "--compare" in args:
        answer = data_of([*args, "--json"])
        return set(answer["projects"]) | {t["id"] for t in answer["tasks"]}
    if command == "baseline":
        return {b["id"] for b in data_of([*args, "--json"])["items"]}
    if command in ("show", "db list", "whatif list"):
        return {"DPL"} if command == "db list" else ({"late-pay"} if "list" in command else set())
    if command == "resources" and "--week" in args:
        args = [a for a in args if a != "--week"]
    data = json.loads(invoke([*args, "--json"], None))
    found: set[str] = set()
    if command == "schedule":
        found = {t["id"] for t in data["tasks"]}
    elif command == "simulate":
        found = set(data["milestones"]) | set(data["projects"])
    elif command == "impact":
        found = {m["id"] for m in data["milestones"]} | {p["id"] for p in data["projects"]}
    elif command == "risks":  # the grid plots threats only
        found = {r["id"] for r in data["risks"] if "--matrix" not in args or r["kind"] == "risk"}
    elif command == "resources" and "--over" in args:
        found = {o["resource"] for o in data["over_allocations"]}
    elif command == "resources" and "--skill" in args:
        found = {p["id"] for p in data["free"]["people"]}
    elif command == "resources":
        found = {r["id"] for r in data["resources"]}
    elif command == "objectives":
        found = {o["id"] for o in data["objectives"]}
        found |= {k["id"] for o in data["objectives"] for k in o["key_results"]}
    elif command == "benefits":
        found = {b["id"] for b in data["benefits"]}
    elif command == "gates":
        found = {g["id"] for g in data["gates"]} | set(data["projects"])
        found |= {d["id"] for d in data["decisions"]}
    elif command == "evm":
        found = set(data["projects"]) | {t["id"] for t in data["tasks"]}
    elif command in ("whatif run", "whatif compare"):
        found = {m["id"] for m in data["milestones"]} | {p["id"] for p in data["projects"]}
    return found


def data_of(args: list[str]) -> dict:
    return dict(json.loads(invoke(args, None)))


def resolved(args: list[str], database: str) -> list[str]:
    return [SAMPLE if a == "PLAN" else database if a == "DB" else a for a in args]


@pytest.mark.parametrize("width", WIDTHS, ids=["80", "200", "piped"])
@pytest.mark.parametrize(("name", "args", "headers"), COMMANDS, ids=lambda v: v)
def test_a_table_fits_and_cuts_nothing(name, args, headers, width, stored):
    args = resolved(args, stored)
    out = invoke(args, width)
    text = ANSI.sub("", out)
    assert "…" not in text, f"{name} cut something at {width}"
    for header in headers:
        assert header in text, f"{name} lost its column {header!r} at {width}"
    words = set(re.split(r"[\s,│(]+", text))
    for ident in ids_shown(args):
        assert ident in words, f"{name} did not show {ident} whole at {width}"
    if width is None:
        assert out == text, f"{name} wrote colour codes into a pipe"
    else:
        widest = max(len(line.rstrip()) for line in text.splitlines())
        assert widest <= width, f"{name} is {widest} columns wide on a {width}-column terminal"


def test_a_piped_schedule_shows_duration_resources_and_percent_done():
    text = invoke(["schedule", SAMPLE], None)
    for header in ("duration", "done", "resources"):
        assert header in text, header
    row = next(line for line in text.splitlines() if " API.perf " in line)
    assert "10d" in row and "jonas 50%, lukas 50%, cloud ×2" in row  # cloud: a cost resource
    row = next(line for line in text.splitlines() if " API.payments " in line)
    assert "45%" in row and "tomas 100%, lena 50%" in row


def test_piped_schedule_marks_critical_tasks_with_a_character():
    out = invoke(["schedule", SAMPLE], None)
    data = json.loads(invoke(["schedule", SAMPLE, "--json"], None))
    lines = [line for line in out.splitlines() if line.strip()]
    rows = {line.split()[1]: line for line in lines if line[:1] in "*!~✓"}
    rows.update({line.split()[0]: line for line in lines if line.startswith("   ")})
    for task in data["tasks"]:
        row = rows[task["id"]]
        if task["complete"]:
            assert row.startswith("✓"), row
        elif task["id"] in data["missed_deadlines"]:
            assert row.startswith("!"), row
        elif task["critical"]:
            assert row.startswith("*"), row
        else:
            assert not row.startswith(("*", "!")), row
    assert "* critical · ! critical, misses its deadline · ~ near-critical" in out
    assert "red:" not in out  # the legend's words, not its colours


@pytest.mark.parametrize(
    "args",
    [
        ["schedule", "PLAN"],
        ["simulate", "PLAN", "--iterations", "100"],
        ["impact", "PLAN", "--task", "API.payments", "--slip", "10d"],
        ["risks", "PLAN"],
        ["risks", "PLAN", "--matrix"],
        ["resources", "PLAN"],
        ["resources", "PLAN", "--week"],
        ["resources", "PLAN", "--over"],
        ["whatif", "run", "PLAN", "--set", "API.payments.duration=60d"],
        ["whatif", "list", "--program", "DPL", "--db", "DB"],
        ["db", "list", "--db", "DB"],
        ["evm", "PLAN", "--tasks"],
        ["objectives", "PLAN"],
        ["benefits", "PLAN"],
        ["health", "PLAN"],
        ["gates", "PLAN"],
        ["baseline", "PLAN", "--compare", "BL1"],
    ],
    ids=lambda args: " ".join(a for a in args if a.isalpha() or a.startswith("--")),
)
def test_every_table_has_csv(args, stored):
    out = invoke([*resolved(args, stored), "--csv"], None)
    header, *rows = out.splitlines()
    assert rows and "," in header
    width = len(header.split(","))
    assert all(len(row) == width for row in csv.reader(out.splitlines()))


def test_json_and_csv_together_are_a_usage_error(capsys):
    assert main(["schedule", SAMPLE, "--json", "--csv"]) == 2
    assert "choose --json or --csv" in capsys.readouterr().err


def test_lists_of_stored_things_have_json(stored):
    programs = json.loads(invoke(["db", "list", "--db", stored, "--json"], None))
    assert [p["key"] for p in programs["items"]] == ["DPL"] and programs["next"] is None
    scenarios = json.loads(
        invoke(["whatif", "list", "--program", "DPL", "--db", stored, "--json"], None)
    )
    assert scenarios["items"][0]["id"] == "late-pay"
    assert scenarios["items"][0]["change_count"] == 1
