"""`progman export --format csv` and `progman import --format csv`: a round trip through a
spreadsheet's file; a bad file is one problem per line, exit 1, and writes nothing."""

from __future__ import annotations

from pathlib import Path

import progman
from progman.cli.main import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_export_then_import(capsys, tmp_path, sample_plan):
    table = tmp_path / "dpl.csv"
    code, out, err = run(capsys, "export", str(sample_plan), "-o", str(table))
    assert code == 0, err
    assert out.startswith(f"DPL: exported as CSV of tasks and links to {table}")
    plan = tmp_path / "back.yaml"
    code, out, err = run(capsys, "import", str(table), "-o", str(plan))
    assert code == 0, err
    assert "102 " in out and "12 milestones" in out and str(plan) in out
    original = progman.load_plan(sample_plan)
    back = progman.load_plan(plan)
    assert [i.id for i in back.work_items()] == [i.id for i in original.work_items()]
    assert back.key == "DPL" and back.start == original.start


def test_a_bad_file_writes_nothing(capsys, tmp_path):
    table = tmp_path / "tasks.csv"
    table.write_text("id;name;duration;depends\nA.x;Design;5d;\nA.y;Build;five days;A.z\n")
    plan = tmp_path / "plan.yaml"
    code, out, err = run(capsys, "import", str(table), "--start", "2027-01-04", "-o", str(plan))
    assert code == 1 and out == "" and "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines[0].startswith(f"{table}:3:3: column 'duration': ") and "'five days'" in lines[0]
    assert lines[1].startswith(f"{table}:3:4: column 'depends': ") and "'A.z'" in lines[1]
    assert not plan.exists()


def test_jira_import_says_what_it_could_not_keep(capsys, tmp_path):
    jira = Path(__file__).resolve().parents[1] / "io" / "data" / "jira_mobile.csv"
    plan = tmp_path / "mobile.yaml"
    code, out, err = run(capsys, "import", str(jira), "--format", "jira-csv", "-o", str(plan))
    assert code == 0, err
    assert "8 " in out and "4 links" in out and "3 resources" in out
    assert f"{jira}:3: warning: Jira's CSV export holds no sprint dates" in err
    assert [s.id for s in progman.load_plan(plan).sprints] == ["MOB_Sprint_1", "MOB_Sprint_2"]
