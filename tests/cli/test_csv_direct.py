"""Plan commands reading a ``.csv`` directly (``progman schedule tasks.csv``): a tasks CSV
and Jira's CSV export told apart by their header, as ``progman import`` tells them; the
import warnings at ``file:line``; a broken file is one line, exit 1, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

from progman.cli.main import main

JIRA = Path(__file__).resolve().parents[1] / "io" / "data" / "jira_mobile.csv"
TASKS = (
    "id,name,duration,depends,milestone,start\n"
    "design,Design,5d,,,2027-01-04\n"
    "build,Build,10d,design,,\n"
    "test,Test,3d,build FS+2d,,\n"
    "launch,Launch,,test,yes,\n"
)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_schedule_reads_a_tasks_csv_directly(capsys, tmp_path):
    table = tmp_path / "launch.csv"
    table.write_text(TASKS)
    code, out, err = run(capsys, "schedule", str(table), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["program"] == "LAUNCH"
    assert result["critical_path"] == ["design", "build", "test", "launch"]
    dates = {task["id"]: (task["start"], task["finish"]) for task in result["tasks"]}
    assert dates["build"] == ("2027-01-11T08:00", "2027-01-22T16:00")  # after a 5-day week
    assert dates["test"][0] == "2027-01-27T08:00"  # two working days of lag
    assert result["finish"] == "2027-01-29T16:00"
    code, out, err = run(capsys, "validate", str(table))
    assert code == 0, err
    assert f"{table}: valid — launch (LAUNCH), 1 project, 4 work items" in out


def test_a_semicolon_csv_from_a_spreadsheet_is_read_too(capsys, tmp_path):
    table = tmp_path / "launch.csv"
    table.write_bytes(("\ufeff" + TASKS.replace(",", ";")).encode())
    code, out, err = run(capsys, "schedule", str(table), "--json")
    assert code == 0, err
    assert json.loads(out)["finish"] == "2027-01-29T16:00"


def test_schedule_reads_a_jira_export_with_its_warnings(capsys):
    code, out, err = run(capsys, "schedule", str(JIRA), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["program"] == "MOB"
    assert [task["id"] for task in result["tasks"]][:3] == ["MOB-1", "MOB-2", "MOB-3"]
    assert f"{JIRA}:3: warning: Jira's CSV export holds no sprint dates" in err


def test_import_tells_a_jira_export_by_its_header_as_schedule_does(capsys, tmp_path):
    plan = tmp_path / "mobile.yaml"
    code, out, err = run(capsys, "import", str(JIRA), "-o", str(plan))
    assert code == 0, err
    assert "8 work items" in out and "4 links" in out and "3 resources" in out
    assert f"{JIRA}:3: warning: Jira's CSV export holds no sprint dates" in err
    # read as a tasks CSV on purpose: one line saying what to do, not one per column
    other = tmp_path / "other.yaml"
    code, out, err = run(capsys, "import", str(JIRA), "--format", "csv", "-o", str(other))
    assert code == 1 and out == "" and "Traceback" not in err and not other.exists()
    assert err.splitlines()[0] == (
        f"{JIRA}:1: this is Jira's CSV export (it has the columns 'Issue key' and 'Issue "
        "Type'), not a tasks CSV: read it with --format jira-csv (or auto)"
    )
    assert len(err.strip().splitlines()) == 2  # and "1 problem found"


def test_a_broken_csv_read_directly_is_one_line(capsys, tmp_path):
    table = tmp_path / "broken.csv"
    table.write_text('id,name,duration,start\ndesign,"Design,5d,2027-01-04\nbuild,Build,10d,\n')
    code, out, err = run(capsys, "schedule", str(table))
    assert code == 1 and out == "" and "Traceback" not in err
    assert err.strip() == (
        f"{table}:2: the row starting here cannot be read as CSV (unexpected end of data): "
        "is a quote left open?"
    )


def test_a_bad_cell_is_placed_at_its_line_and_column(capsys, tmp_path):
    table = tmp_path / "tasks.csv"
    table.write_text(TASKS.replace("build,Build,10d", "build,Build,ten days"))
    code, out, err = run(capsys, "schedule", str(table))
    assert code == 1 and out == "" and "Traceback" not in err
    first = err.strip().splitlines()[0]
    assert first.startswith(f"{table}:3:3: column 'duration': ") and "'ten days'" in first


def test_a_csv_without_a_start_says_how_to_give_one(capsys, tmp_path):
    table = tmp_path / "tasks.csv"
    table.write_text("id,name,duration\ndesign,Design,5d\n")
    code, out, err = run(capsys, "schedule", str(table))
    assert code == 1 and out == "" and "Traceback" not in err
    assert err.splitlines()[0] == (
        f"{table}: no start date in the file (no 'start' or 'actual_start' cell): add a "
        "'start' column holding the first day on a row, or import it with progman import "
        "--start YYYY-MM-DD"
    )
