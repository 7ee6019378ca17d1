"""`progman whatif` through the real entry point: a plan file, and scenarios in SQLite."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from progman.cli.main import main

PLAN = """\
program: Small
key: SML
start: 2027-03-01
projects:
  - id: P
    name: Build
    tasks:
      - {id: A, name: A, duration: 2d}
      - {id: B, name: B, duration: 4d, depends: [A]}
      - {id: C, name: C, duration: 1d, depends: [A]}
      - {id: M, name: Done, milestone: true, depends: [B, C], deadline: 2027-03-10}
baselines:
  - id: BL1
    created: 2027-02-01
    tasks:
      M: {start: 2027-03-08, finish: 2027-03-08}
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def plan(tmp_path: Path) -> str:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN)
    return str(path)


def test_run_prints_the_comparison_as_json(capsys, plan):
    code, out, err = run(
        capsys, "whatif", "run", plan, "--set", "B.duration=7d", "--add-dep", "C:B SS+1d", "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["baseline"] == "BL1"
    assert data["finish"]["delta_working_days"] == 3
    (milestone,) = data["milestones"]
    assert (milestone["id"], milestone["scenario_met"], milestone["baseline_delta_days"]) == (
        "M",
        False,
        3,
    )


def test_run_prints_a_side_by_side_table(capsys, plan):
    code, out, err = run(capsys, "whatif", "run", plan, "--set", "B.duration=7d", "--remove", "C")
    assert code == 0, err
    header = out.splitlines()[1:3]  # the baseline's column is headed by its id
    assert "baseline" in header[0] and "BL1" in header[1]
    assert "2027-03-11" in out and "+3" in out
    assert "removed: C" in out


def test_set_takes_lists_in_plan_syntax(capsys, plan):
    code, out, err = run(capsys, "whatif", "run", plan, "--set", "C.depends=[B]", "--json")
    assert code == 0, err
    assert json.loads(out)["critical_path"]["entering"] == ["C"]


def test_a_bad_change_is_exit_1_with_did_you_mean(capsys, plan):
    code, _, err = run(capsys, "whatif", "run", plan, "--set", "BB.duration=7d")
    assert code == 1
    assert "changes[0]: set BB.duration: no task" in err and "did you mean 'B'?" in err


@pytest.mark.parametrize(
    "option", [["--set", "B.duration"], ["--set", "duration=3d"], ["--add-dep", "C B"]]
)
def test_a_malformed_option_is_a_usage_error(capsys, plan, option):
    code, _, err = run(capsys, "whatif", "run", plan, *option)
    assert code == 2
    assert "Invalid value" in err


def test_save_list_compare_delete(capsys, plan, tmp_path):
    url = f"sqlite:///{tmp_path / 'progman.db'}"
    assert run(capsys, "init", "--db", url)[0] == 0
    assert run(capsys, "db", "import", plan, "--db", url)[0] == 0
    db = ["--db", url, "--program", "SML"]
    code, out, err = run(
        capsys, "whatif", "save", "late-b", *db, "--set", "B.duration=7d", "--as", "alice"
    )
    assert code == 0, err
    assert "scenario late-b of SML saved: 1 change on revision 1" in out
    code, out, err = run(capsys, "whatif", "save", "late-b", *db, "--set", "B.duration=7d")
    assert code == 0, err  # saved again under its name: replaced
    code, out, _ = run(capsys, "whatif", "list", *db)
    assert code == 0 and out.count("late-b") == 2  # one row: its name and its title
    code, out, err = run(capsys, "whatif", "compare", "late-b", *db, "--json")
    assert code == 0, err
    assert json.loads(out)["finish"]["delta_days"] == 3
    code, _, err = run(capsys, "whatif", "compare", "late-c", *db)
    assert code == 1 and "did you mean 'late-b'?" in err
    code, out, _ = run(capsys, "whatif", "delete", "late-b", *db)
    assert code == 0 and "deleted" in out
    code, out, _ = run(capsys, "whatif", "list", *db)
    assert "late-b" not in out


def test_save_refuses_changes_that_do_not_apply(capsys, plan, tmp_path):
    url = f"sqlite:///{tmp_path / 'progman.db'}"
    run(capsys, "init", "--db", url)
    run(capsys, "db", "import", plan, "--db", url)
    code, _, err = run(
        capsys, "whatif", "save", "bad", "--db", url, "--program", "SML", "--remove", "Q"
    )
    assert code == 1 and "no task, project, resource, risk, benefit, objective" in err


MOVE_PLAN = """\
program: Moves
key: MV
start: 2027-03-01
resources:
  - {id: bob, name: Bob, role: Developer}
  - {id: eve, name: Eve, role: Developer}
projects:
  - id: WEB
    name: Web
    tasks:
      - {id: w1, name: w1, duration: 5d, resources: {bob: 1.0}}
  - id: MOB
    name: Mobile
    tasks:
      - {id: m1, name: m1, work: 20d, resources: {eve: 1.0}}
"""


@pytest.fixture
def move_plan(tmp_path: Path) -> str:
    path = tmp_path / "moves.yaml"
    path.write_text(MOVE_PLAN)
    return str(path)


def test_moving_a_person_shows_both_projects_before_and_after(capsys, move_plan):
    args = ("--move", "bob", "--from", "WEB", "--to", "MOB", "--between")
    window = ("2027-03-01", "2027-03-12")
    code, out, err = run(capsys, "whatif", move_plan, *args, *window, "--json")
    assert code == 0, err
    body = json.loads(out)
    deltas = {p["id"]: p["delta_working_days"] for p in body["projects"]}
    assert deltas == {"WEB": 10, "MOB": -10}
    assert body["staffed"] == ["m1"] and body["feasible"] is True and body["leveled"] is True
    code, out, err = run(capsys, "whatif", "run", move_plan, *args, *window)
    assert code == 0, err
    assert "WEB finish (gives)" in out and "MOB finish (gets)" in out
    assert "+10" in out and "-10" in out
    why = next(line for line in out.splitlines() if line.startswith("WEB finish "))
    assert " ".join(why.split()) == "WEB finish +10 w1 (bob lent to MOB 2027-03-01 – 2027-03-12)"


def test_a_move_and_a_change_in_one_run(capsys, move_plan):
    move = ("--move", "bob", "--from", "WEB", "--to", "MOB", "--between")
    window = ("2027-03-01", "2027-03-12")
    code, out, err = run(capsys, "whatif", move_plan, *move, *window, "--set", "w1.duration=7d")
    assert code == 0, err
    assert out.startswith(
        "What if bob works for MOB instead of WEB from 2027-03-01 to 2027-03-12, "
        "and 1 change (leveled)"
    )
    code, out, err = run(
        capsys, "whatif", move_plan, *move, *window, "--set", "w1.duration=7d", "--json"
    )
    assert code == 0, err
    body = json.loads(out)
    deltas = {p["id"]: p["delta_working_days"] for p in body["projects"]}
    assert deltas == {"WEB": 12, "MOB": -10}  # both: Bob away two weeks, w1 two days longer
    alone = json.loads(run(capsys, "whatif", move_plan, "--set", "w1.duration=7d", "--json")[1])
    assert [p["current"] for p in alone["projects"]] == [p["current"] for p in body["projects"]]


def test_leveling_can_be_switched_off_but_not_for_a_move(capsys, move_plan):
    code, out, err = run(capsys, "whatif", move_plan, "--set", "w1.duration=7d", "--no-leveled")
    assert code == 0, err
    assert "(not leveled)" in out.splitlines()[0]
    move = ("--move", "bob", "--from", "WEB", "--to", "MOB", "--between")
    window = ("2027-03-01", "2027-03-12")
    code, _, err = run(capsys, "whatif", move_plan, *move, *window, "--no-leveled")
    assert code == 2 and "a move is a question for leveling" in err


def test_a_move_needs_all_its_parts_and_real_names(capsys, move_plan):
    code, _, err = run(capsys, "whatif", move_plan, "--move", "bob", "--from", "WEB")
    assert code == 2 and "--to" in err and "--between" in err
    code, _, err = run(
        capsys, "whatif", move_plan, "--move", "bobby", "--from", "WEB", "--to", "MOB",
        "--between", "2027-03-01", "2027-03-12",
    )  # fmt: skip
    assert code == 1 and "did you mean 'bob'" in err and "Traceback" not in err
