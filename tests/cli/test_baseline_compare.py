"""`progman baseline PLAN --compare ID` (SPEC §5): the plan's variance against a baseline,
as a table, JSON and CSV; a baseline taken now varies by nothing."""

from __future__ import annotations

import json
import shutil

import pytest

from progman.cli.main import main
from progman.planfile import dump_plan, load_plan


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def plan(tmp_path, sample_plan):
    copied = tmp_path / "plan.yaml"
    shutil.copy(sample_plan, copied)
    return copied


def test_a_baseline_taken_now_varies_by_nothing(capsys, plan):
    assert run(capsys, "baseline", str(plan), "--save", "NOW")[0] == 0
    code, out, err = run(capsys, "baseline", str(plan), "--compare", "NOW", "--json")
    assert code == 0, err
    answer = json.loads(out)
    assert answer["tasks"] == [] and answer["added"] == [] and answer["removed"] == []
    for scope in (answer["program"], *answer["projects"].values()):
        assert (scope["finish_days"], scope["work_hours"], scope["cost"]) == (0, 0, 0)
    _, every, _ = run(capsys, "baseline", str(plan), "--compare", "NOW", "--all", "--json")
    assert len(json.loads(every)["tasks"]) == 102


def test_a_longer_task_varies_by_what_it_adds_and_pushes(capsys, plan):
    """API.perf takes 10 working days with jonas and lukas at half time each: 15 days
    instead make it and what follows it finish 5 working days later, with 40 more hours
    of work (5 days × 8 h × (0.5 + 0.5))."""
    assert run(capsys, "baseline", str(plan), "--save", "NOW")[0] == 0
    program = load_plan(plan)
    next(i for i in program.work_items() if i.id == "API.perf").duration = "15d"
    dump_plan(program, plan)
    code, out, err = run(capsys, "baseline", str(plan), "--compare", "NOW", "--json")
    assert code == 0, err
    answer = json.loads(out)
    perf = next(t for t in answer["tasks"] if t["id"] == "API.perf")
    assert (perf["start_days"], perf["finish_days"], perf["duration_days"]) == (0, 5, 5)
    assert perf["work_hours"] == 40 and perf["cost"] > 0
    ready = next(t for t in answer["tasks"] if t["id"] == "API.ready")
    assert ready["finish_days"] == 5
    assert answer["projects"]["API"]["work_hours"] == 40
    assert answer["program"]["cost"] == pytest.approx(perf["cost"], abs=0.01)
    shown = {t["id"] for t in answer["tasks"]}
    assert "WEB.research" not in shown  # untouched, and done


def test_the_table_and_csv(capsys, sample_plan):
    code, out, err = run(capsys, "baseline", str(sample_plan), "--compare", "BL1")
    assert code == 0, err
    assert "Against baseline BL1" in out and "Tasks against baseline BL1" in out
    assert "WEB " in out and "+17" in out  # the web shop finishes 17 working days late
    code, out, err = run(capsys, "baseline", str(sample_plan), "--compare", "BL1", "--csv")
    header, first, *_ = out.splitlines()
    assert header.startswith("id,name,project,baseline_start,start,start_days")
    assert first.startswith("API.arch_design,")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--compare", "NOPE"], "has no baseline 'NOPE' (baselines: BL1)"),
        (["--compare", "BL1", "--list"], "give one of --save ID, --list or --compare ID"),
        (["--list", "--all"], "--all lists every task of --compare"),
        (["--list", "--csv"], "--csv prints the tasks of --compare"),
    ],
)
def test_options_that_do_not_go_together_are_usage_errors(capsys, sample_plan, args, words):
    code, _, err = run(capsys, "baseline", str(sample_plan), *args)
    assert code == 2 and words in err
