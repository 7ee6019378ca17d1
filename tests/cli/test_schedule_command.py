"""``progman schedule``: the JSON contract of SPEC §5, the table, and its options."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import progman
from progman.cli.main import main

CONFLICTED_PLAN = """\
program: Fixed date
key: FIX
start: 2027-03-01
projects:
  - id: P
    name: Event
    tasks:
      - {id: A, name: Build stage, duration: 5d}
      - {id: B, name: Live event, duration: 2d, depends: [A], constraint: "MSO 2027-03-03"}
      - {id: C, name: Tear down, depends: [B]}
      - {id: D, name: Report, duration: 1d, depends: [C], deadline: 2027-03-04}
"""


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def words(text: str) -> str:
    """A usage error's text without the frame and line breaks click/rich draw around it."""
    return " ".join(text.replace("│", " ").split())


@pytest.fixture
def conflicted_plan(tmp_path: Path) -> Path:
    path = tmp_path / "fixed.yaml"
    path.write_text(CONFLICTED_PLAN)
    return path


def test_json_is_one_object_with_the_contract_keys(capsys, contract_plan):
    code, out, err = run(capsys, "schedule", str(contract_plan), "--json")
    assert code == 0, err
    assert len(out.splitlines()) == 1
    result = json.loads(out)
    assert result["finish"] == "2027-03-24T16:00"
    assert result["critical_path"] == ["API.spec", "API.build", "API.ready", "WEB.test", "WEB.live"]
    for task in result["tasks"]:
        assert {"id", "start", "finish", "total_float", "free_float", "critical"} <= set(task)
    assert result == progman.schedule(progman.load_plan(contract_plan)).to_json()


def test_table_shows_tasks_finish_critical_path_and_projects(capsys, contract_plan):
    code, out, err = run(capsys, "schedule", str(contract_plan))
    assert code == 0 and err == ""
    assert "Contract Demo (CON) — schedule" in out
    assert "◆ Portal live" in out
    assert "2027-03-22 08:00" in out  # WEB.test starts on the Monday after API ready
    assert "Program finish: 2027-03-24 16:00" in out
    assert "Critical path: API.spec → API.build → API.ready → WEB.test → WEB.live" in out
    assert "API: finishes 2027-03-18 16:00" in out and "WEB: finishes 2027-03-24 16:00" in out


def test_a_piped_table_is_not_squeezed(capsys, contract_plan):
    """Output to a file keeps every row on one line, whatever the terminal's width."""
    _, out, _ = run(capsys, "schedule", str(contract_plan))
    row = next(line for line in out.splitlines() if "API.spec" in line and "08:00" in line)
    assert "API specification" in row and "2027-03-04 16:00" in row and "start" in row


def test_status_date_option_overrides_the_plan(capsys, contract_plan):
    code, out, _ = run(
        capsys, "schedule", str(contract_plan), "--json", "--status-date", "2027-03-10"
    )
    assert code == 0
    result = json.loads(out)
    assert result["status_date"] == "2027-03-10"
    assert {t["id"]: t["start"] for t in result["tasks"]}["API.spec"] == "2027-03-11T08:00"


@pytest.mark.parametrize("value", ["2027-02-30", "next monday", "10/03/2027"])
def test_a_bad_status_date_is_a_usage_error(capsys, contract_plan, value):
    code, out, err = run(capsys, "schedule", str(contract_plan), "--status-date", value)
    assert code == 2 and out == ""
    assert f"'--status-date': {value!r} is not a date; write YYYY-MM-DD" in words(err)


def test_conflicts_and_warnings_go_to_stderr(capsys, conflicted_plan):
    code, out, err = run(capsys, "schedule", str(conflicted_plan), "--json")
    assert code == 0
    assert json.loads(out)["conflicts"][0]["successor"] == "B"
    lines = err.splitlines()
    assert lines[0].startswith("warning: B breaks its link 'FS' from A by 3 days")
    assert lines[1] == "warning: C has no duration, estimate or work: scheduled as 0 days"


def test_table_lists_missed_deadlines(capsys, conflicted_plan):
    code, out, _ = run(capsys, "schedule", str(conflicted_plan))
    assert code == 0
    assert "Missed deadlines:" in out
    assert "D: deadline 2027-03-04, finishes 2027-03-05 16:00 (-1d float)" in out


def test_strict_makes_a_conflict_an_error(capsys, conflicted_plan):
    code, out, err = run(capsys, "schedule", str(conflicted_plan), "--strict")
    assert code == 1 and out == ""
    assert err.startswith("B breaks its link 'FS' from A by 3 days")
    assert "Traceback" not in err


def test_near_critical_threshold(capsys, contract_plan):
    def near(*options: str) -> dict[str, bool]:
        _, out, _ = run(capsys, "schedule", str(contract_plan), "--json", *options)
        return {t["id"]: t["near_critical"] for t in json.loads(out)["tasks"]}

    assert near()["WEB.ux"] is True  # 1 day of float, within the default 5
    assert near("--near-critical", "0.5")["WEB.ux"] is False


def test_project_filters_the_rows_not_the_schedule(capsys, contract_plan):
    code, out, _ = run(capsys, "schedule", str(contract_plan), "--project", "WEB")
    assert code == 0
    assert "Portal UX" in out and "API specification" not in out
    assert "Program finish: 2027-03-24 16:00" in out
    assert "WEB: finishes 2027-03-24 16:00; critical path API.spec → API.build" in out


def test_an_unknown_project_is_a_usage_error(capsys, contract_plan):
    code, _, err = run(capsys, "schedule", str(contract_plan), "--project", "WBE")
    assert code == 2
    assert "'--project': no project 'WBE' in the plan; did you mean 'WEB'?" in words(err)


def test_an_invalid_plan_is_reported_once(capsys, contract_plan, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        contract_plan.read_text().replace("depends: [API.spec]", "depends: [API.spex]")
    )
    code, out, err = run(capsys, "schedule", str(broken), "--json")
    assert code == 1 and out == ""
    assert err.count("did you mean 'API.spec'") == 1


def test_console_script_prints_json_without_traceback(contract_plan):
    result = subprocess.run(
        [sys.executable, "-m", "progman", "schedule", str(contract_plan), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["critical_path"]


def test_table_shows_a_project_deadline_and_whether_it_is_missed(capsys, tmp_path):
    plan = tmp_path / "deadline.yaml"
    plan.write_text(
        CONFLICTED_PLAN.replace("    name: Event\n", "    name: Event\n    deadline: 2027-03-04\n")
    )
    code, out, _ = run(capsys, "schedule", str(plan))
    assert code == 0
    assert "P: finishes 2027-03-05 16:00, deadline 2027-03-04 (missed)" in out
    code, out, _ = run(capsys, "schedule", str(plan), "--json")
    assert json.loads(out)["projects"]["P"]["deadline_missed"] is True


def test_leveled_shows_the_dates_level_gives_in_the_same_shape(capsys, sample_plan):
    code, cpm, err = run(capsys, "schedule", str(sample_plan), "--json")
    assert code == 0, err
    code, leveled, err = run(capsys, "schedule", str(sample_plan), "--leveled", "--json")
    assert code == 0, err
    _, level, _ = run(capsys, "level", str(sample_plan), "--json")
    before, after = json.loads(cpm), json.loads(leveled)
    assert set(after) == set(before)
    assert [set(t) for t in after["tasks"]] == [set(t) for t in before["tasks"]]
    starts = {t["id"]: t["start"][:16] for t in json.loads(level)["tasks"]}
    assert {t["id"]: t["start"][:16] for t in after["tasks"]} == starts
    assert after["finish"] > before["finish"]  # the sample's people are over-allocated
    code, table, err = run(capsys, "schedule", str(sample_plan), "--leveled")
    assert code == 0, err
    assert "schedule, leveled, as of" in table
    assert f"Program finish: {after['finish'][:10]}" in table


def test_leveled_with_an_unknown_project_is_a_usage_error(capsys, contract_plan):
    code, _, err = run(capsys, "schedule", str(contract_plan), "--leveled", "--project", "NOPE")
    assert code == 2 and "NOPE" in err
