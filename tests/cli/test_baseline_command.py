"""`progman baseline PLAN --save ID [--name N] | --list [--json]` (SPEC §5): a baseline
taken into the plan file, or into the stored program by the REST API's use case."""

from __future__ import annotations

import json
import shutil

from progman.cli.main import main
from progman.planfile import load_plan


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_save_writes_the_baseline_into_the_plan_file_and_keeps_the_rest(
    capsys, tmp_path, sample_plan
):
    plan = tmp_path / "plan.yaml"
    shutil.copy(sample_plan, plan)
    code, out, err = run(capsys, "baseline", str(plan), "--save", "BL2", "--name", "Re-plan")
    assert code == 0, err
    assert "baseline BL2 of 102 work items" in out
    before, after = load_plan(sample_plan), load_plan(plan)
    assert [b.id for b in after.baselines] == ["BL1", "BL2"]
    assert after.model_copy(update={"baselines": before.baselines}) == before
    _, schedule, _ = run(capsys, "schedule", str(plan), "--json")
    starts = {t["id"]: t["start"][:16] for t in json.loads(schedule)["tasks"]}
    taken = after.baselines[1]
    assert taken.name == "Re-plan"
    assert {i: t.start.isoformat()[:16] for i, t in taken.tasks.items()} == starts


def test_list_and_json(capsys, sample_plan):
    code, out, err = run(capsys, "baseline", str(sample_plan), "--list")
    assert code == 0, err
    assert "BL1" in out and "Plan of record" in out
    code, out, err = run(capsys, "baseline", str(sample_plan), "--list", "--json")
    assert code == 0, err
    items = json.loads(out)["items"]
    assert [b["id"] for b in items] == ["BL1"]
    assert {"id", "name", "created", "tasks", "finish"} <= set(items[0])


def test_an_id_taken_or_malformed_and_a_missing_action_are_refused(capsys, tmp_path, sample_plan):
    plan = tmp_path / "plan.yaml"
    shutil.copy(sample_plan, plan)
    text = plan.read_text(encoding="utf-8")
    code, _, err = run(capsys, "baseline", str(plan), "--save", "BL1")
    assert code == 1 and "baseline 'BL1' already" in err
    code, _, err = run(capsys, "baseline", str(plan), "--save", "bad id!")
    assert code == 2 and "'--save'" in err
    code, _, err = run(capsys, "baseline", str(plan))
    assert code == 2 and "give one of --save ID, --list or --compare ID" in err
    assert plan.read_text(encoding="utf-8") == text


def test_save_into_a_stored_program(capsys, tmp_path):
    url = f"sqlite:///{tmp_path / 'progman.db'}"
    assert main(["init", "--db", url, "--sample"]) == 0
    capsys.readouterr()
    code, out, err = run(capsys, "baseline", "--db", url, "--program", "DPL", "--save", "BL9")
    assert code == 0, err
    assert "saved in program DPL" in out
    code, out, _ = run(capsys, "baseline", "--db", url, "--program", "DPL", "--list", "--json")
    assert [b["id"] for b in json.loads(out)["items"]] == ["BL1", "BL9"]
