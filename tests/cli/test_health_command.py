"""``progman health``: the table says each colour in words and signs (never colour alone),
shows an override beside the computed colour and fits a narrow terminal; ``--json`` is
SPEC §5's shape; ``--csv`` one row per reason; ``--simulate`` adds P80 forecasts; a stored
program gives what its plan file gives."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from progman.cli.main import main
from progman.services.database import dispose_engines

PLAN = """\
key: H
name: Health check
start: 2027-03-01
status_date: 2027-03-05
projects:
  - id: P
    name: Product
    tasks:
      - {id: A, name: Build, duration: 10d, estimate: [10d, 12d, 30d]}
      - {id: M, name: Launch, milestone: true, depends: [A], deadline: 2027-03-10}
  - id: Q
    name: Quiet
    tasks: [{id: C, name: Chore, duration: 5d}]
health:
  overrides:
    - {project: P, rag: green, comment: sponsor accepts the slip, by: paula, on: 2027-03-04}
"""


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def plan(tmp_path: Path) -> str:
    path = tmp_path / "health.yaml"
    path.write_text(PLAN, encoding="utf-8")
    return str(path)


def test_the_table_says_each_colour_in_words_and_shows_the_override(capsys, plan):
    code, out, err = run(capsys, "health", plan)
    assert code == 0, err
    lines = out.splitlines()
    assert (
        lines[0]
        == "Health of Health check, as of 2027-03-05 (amber and red reasons; --all for every one)"
    )
    p_row = next(line for line in lines if line.startswith("P "))
    # nothing done by the status date: A starts Mon 8 March, finishes Fri 19, 7 days late
    assert "✗ red (computed)" in p_row
    assert "✗ Red: the least total float of project P is −7 working days" in out
    assert "! Amber: milestone M is forecast 7 working days after its deadline" in out
    override = r"✓ green \(override\)\s+override\s+set by paula on 2027-03-04: sponsor accepts"
    assert re.search(override, out)
    q_row = next(line for line in lines if line.startswith("Q "))
    assert "✓ green" in q_row and "every signal is green" in q_row
    assert "✗ red · ! amber · ✓ green" in out
    assert "\x1b[" not in out  # a pipe gets plain text: the words carry the colour
    code, every, _ = run(capsys, "health", plan, "--all")
    assert "✓ Green: every deadline (1) is met by the forecast dates" not in out
    assert "no one on project Q is over-allocated" in every


def test_json_is_the_spec_shape(capsys, plan):
    code, out, _ = run(capsys, "health", plan, "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"program", "projects"} and set(data["projects"]) == {"P", "Q"}
    for h in [data["program"], *data["projects"].values()]:
        assert set(h) == {"rag", "reasons", "override"}
        assert h["rag"] in ("green", "amber", "red")
        for reason in h["reasons"]:
            assert set(reason) == {"signal", "rag", "text"}
            assert reason["signal"] in ("schedule", "cost", "risk", "resources", "scope")
            assert reason["text"].startswith(reason["rag"].capitalize() + ": ")
    assert data["projects"]["P"]["override"] == {
        "rag": "green", "comment": "sponsor accepts the slip", "by": "paula", "on": "2027-03-04"
    }  # fmt: skip
    assert data["projects"]["P"]["rag"] == "red" and data["program"]["override"] is None


def test_csv_has_a_row_per_reason(capsys, plan):
    code, out, _ = run(capsys, "health", plan, "--csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    data = json.loads(run(capsys, "health", plan, "--json")[1])
    expected = len(data["program"]["reasons"]) + sum(
        len(h["reasons"]) for h in data["projects"].values()
    )
    assert len(rows) == expected
    assert {row["id"] for row in rows} == {"H", "P", "Q"}
    assert {row["override"] for row in rows if row["id"] == "P"} == {"green"}


def test_simulate_judges_deadlines_by_the_p80_too(capsys, plan):
    code, out, err = run(capsys, "health", plan, "--simulate", "500", "--json")
    assert code == 0, err
    texts = [r["text"] for r in json.loads(out)["projects"]["P"]["reasons"]]
    p80 = [t for t in texts if "has its P80" in t]
    assert len(p80) == 1 and p80[0].startswith(("Amber: milestone M has its P80 ", "Red: "))
    code, plain, _ = run(capsys, "health", plan, "--json")
    assert "P80" not in plain


def test_json_and_csv_together_are_a_usage_error(capsys, plan):
    code, _, err = run(capsys, "health", plan, "--json", "--csv")
    assert code == 2 and "choose --json or --csv" in err


def test_a_stored_program_gives_what_its_plan_file_gives(capsys, database_url, plan):
    for command in (["db", "upgrade"], ["db", "import", plan]):
        code, _, err = run(capsys, *command, "--db", database_url)
        assert code == 0, err
    try:
        code, from_store, err = run(
            capsys, "health", "--db", database_url, "--program", "H", "--json"
        )
        assert code == 0, err
        assert json.loads(from_store) == json.loads(run(capsys, "health", plan, "--json")[1])
    finally:
        dispose_engines()


def test_an_override_without_a_comment_is_reported_with_its_place(capsys, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(PLAN.replace(", comment: sponsor accepts the slip", ""), encoding="utf-8")
    code, _, err = run(capsys, "health", str(path))
    assert code == 1
    assert f"{path}:16:7: a health override (P) needs a comment saying why" in err
    assert "Traceback" not in err
