"""`progman comms`: reports due to whom on a day (the sample's stakeholders), the grid,
and the due reports written into a folder; bad requests are clear and write nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import progman
from progman.cli.main import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_on_the_sample(capsys, sample_plan):
    code, out, err = run(capsys, "comms", str(sample_plan), "--due", "2027-05-07", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["program"] == "DPL" and data["date"] == "2027-05-07"
    due = {(d["stakeholder"], d["report"], d["project"]): d for d in data["due"]}
    robert = due[("robert", "exec", None)]
    assert (robert["due"], robert["missed"], robert["next"]) == ("2027-04-04", 1, "2027-06-04")
    assert due[("daniel", "program", None)]["due"] == "2027-05-07"  # weekly from a Friday
    assert due[("ingrid", "team", "API")]["due"] == "2027-05-03"
    assert ("katrin", "exec", None) in due and ("works_council", "exec", None) not in due
    program = progman.load_plan(sample_plan)
    lines = sum(len(s.communication) for s in program.stakeholders)
    assert len(data["reports"]) == lines
    grid = {name: [e["stakeholder"] for e in entries] for name, entries in data["grid"].items()}
    assert grid["keep_satisfied"] == ["robert", "nina"]
    assert grid["monitor"] == ["works_council"]
    assert sum(len(v) for v in grid.values()) == len(program.stakeholders)


def test_the_default_day_is_the_status_date(capsys, sample_plan):
    code, out, err = run(capsys, "comms", str(sample_plan))
    assert code == 0, err
    assert out.startswith("Reports due on 2027-04-30 for Digital Platform Launch:")
    assert re.search(r"^manage closely +katrin +Katrin Maier +5 +5 ", out, re.MULTILINE)


def small_plan(tmp_path: Path, *, project: str = "P") -> Path:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "program: Small\nkey: SM\nstart: 2027-01-04\n"
        "projects:\n  - id: P\n    name: Pilot\n    tasks:\n"
        "      - {id: P.a, name: Build, duration: 5d}\n"
        "      - {id: P.m, name: Live, milestone: true, depends: [P.a]}\n"
        "stakeholders:\n"
        "  - id: ann\n    name: Ann\n    interest: 5\n    influence: 5\n    communication:\n"
        f"      - {{report: team, format: md, frequency: weekly, project: {project}}}\n"
        "  - id: bo\n    name: Bo\n    communication:\n"
        f"      - {{report: team, format: md, frequency: weekly, project: {project}}}\n"
        "      - {report: program, format: md, frequency: monthly, start: 2027-02-01}\n",
        encoding="utf-8",
    )
    return plan


def test_write_renders_each_report_once(capsys, tmp_path):
    plan = small_plan(tmp_path)
    folder = tmp_path / "out"
    args = ("comms", str(plan), "--due", "2027-01-06", "--write", str(folder))
    code, out, err = run(capsys, *args)
    assert code == 0, err
    assert f"wrote {folder / 'team-P.md'}" in out and "for ann, bo" in out
    assert sorted(p.name for p in folder.iterdir()) == ["team-P.md"]  # program: from February
    assert "Pilot" in (folder / "team-P.md").read_text(encoding="utf-8")

    before = (folder / "team-P.md").read_bytes()
    code, out, err = run(capsys, *args)
    assert code == 2 and "holds team-P.md already: add --force" in err and out == ""
    assert (folder / "team-P.md").read_bytes() == before
    code, _, err = run(capsys, *args, "--force", "--json")
    assert code == 0, err


def test_nothing_due_writes_nothing(capsys, tmp_path):
    plan = small_plan(tmp_path)
    folder = tmp_path / "out"
    code, out, err = run(capsys, "comms", str(plan), "--due", "2026-12-01", "--write", str(folder))
    assert code == 0, err
    assert "Reports due on 2026-12-01 for Small: 0 reports" in out
    assert "nothing written" in out and not folder.exists()


def test_bad_requests(capsys, tmp_path):
    plan = small_plan(tmp_path)
    code, out, err = run(capsys, "comms", str(plan), "--due", "tomorrow")
    assert code == 2 and "--due" in err and "Traceback" not in err and out == ""
    afile = tmp_path / "file.txt"
    afile.write_text("x")
    code, out, err = run(capsys, "comms", str(plan), "--write", str(afile))
    assert code == 2 and "is a file: name a folder" in err and out == ""
    assert afile.read_text() == "x"


def test_an_unknown_project_is_placed_in_the_plan(capsys, tmp_path):
    plan = small_plan(tmp_path, project="Q")
    code, out, err = run(capsys, "comms", str(plan), "--write", str(tmp_path / "out"))
    assert code == 1 and out == ""
    assert (
        f"{plan}:16:64: unknown project" in err
        and "unknown project 'Q' in project of a report to ann" in err
    )
    assert not (tmp_path / "out").exists()
