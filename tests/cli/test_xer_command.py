"""`progman import FILE.xer` and plan commands reading a .xer directly."""

from __future__ import annotations

import json
from pathlib import Path

from progman.cli.main import main
from progman.planfile import load_plan

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "projects"
CYRILLIC = DATA / "aspose_encoding1251.xer"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_writes_the_plan_and_says_what_it_could_not_hold(capsys, tmp_path):
    target = tmp_path / "plan.yaml"
    code, out, err = run(capsys, "import", str(CYRILLIC), "-o", str(target))
    assert code == 0, err
    assert (
        f"{CYRILLIC}: imported 2 work items (0 summaries, 0 milestones)" in out
        and "10 resources" in out
    )
    assert f"{CYRILLIC}:72: warning: table PROJCOST (2 rows) is not imported" in err
    program = load_plan(target)
    assert [item.name for item in program.work_items()] == ["Задача 1", "Тест2"]


def test_schedule_reads_the_xer_directly(capsys):
    code, out, err = run(capsys, "schedule", str(CYRILLIC), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["finish"] == "2023-03-10T16:00"
    assert [task["id"] for task in result["tasks"]] == [
        "BaselineCosts.A1000",
        "BaselineCosts.A1010",
    ]
    assert "warning: table PROJCOST" in err


def test_a_broken_xer_is_one_line_and_writes_nothing(capsys, tmp_path):
    source = tmp_path / "cut.xer"
    source.write_bytes(CYRILLIC.read_bytes()[:5000])
    target = tmp_path / "plan.yaml"
    code, out, err = run(capsys, "import", str(source), "-o", str(target))
    assert code == 1 and out == ""
    assert err.strip().startswith(f"{source}:")
    assert "without the %E end mark" in err and len(err.strip().splitlines()) == 1
    assert not target.exists()
    code, out, err = run(capsys, "schedule", str(source))
    assert code == 1 and "without the %E end mark" in err and "Traceback" not in err


def test_validate_reads_the_xer_with_its_import_warnings(capsys):
    code, out, err = run(capsys, "validate", str(CYRILLIC))
    assert code == 0, err
    assert "valid" in out and "2 work items" in out
    assert f"{CYRILLIC}:72: warning: table PROJCOST (2 rows) is not imported" in err


def test_import_says_how_many_summaries(capsys, tmp_path):
    source = DATA / "mpxj_percent-complete-8.4.xer"
    target = tmp_path / "plan.yaml"
    code, out, err = run(capsys, "import", str(source), "-o", str(target))
    assert code == 0, err
    assert f"{source}: imported 12 work items (0 summaries, 0 milestones), 0 links" in out


def test_a_missing_file_read_directly_is_named_without_the_word_import(capsys, tmp_path):
    missing = tmp_path / "plan.xer"
    code, out, err = run(capsys, "schedule", str(missing))
    assert code == 1 and out == ""
    assert err.strip() == f"{missing}: no such file: check the path"
