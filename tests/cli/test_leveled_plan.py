"""`progman level PLAN -o OUT`: the leveled dates written back into a plan, as
start-no-earlier-than constraints, so that scheduling OUT gives every task its leveled start."""

from __future__ import annotations

import json

import pytest

from progman.cli.main import main
from progman.planfile import load_plan

LEVEL = ("--seed", "1", "--schedules", "200")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def starts(text: str) -> dict[str, str]:
    return {t["id"]: t["start"][:16] for t in json.loads(text)["tasks"]}


@pytest.mark.parametrize("plan", ["sample_plan", "contract_plan"])
def test_scheduling_the_written_plan_gives_the_leveled_starts(capsys, tmp_path, plan, request):
    source = str(request.getfixturevalue(plan))
    out = tmp_path / "leveled.yaml"
    code, _, err = run(capsys, "level", source, *LEVEL, "-o", str(out))
    assert code == 0, err
    assert f"wrote {out}" in err
    _, leveled, _ = run(capsys, "level", source, *LEVEL, "--json")
    code, scheduled, err = run(capsys, "schedule", str(out), "--json")
    assert code == 0, err
    assert starts(scheduled) == starts(leveled)


def test_the_held_up_tasks_get_snet_and_the_rest_of_the_plan_is_kept(capsys, tmp_path, sample_plan):
    out = tmp_path / "leveled.yaml"
    code, _, err = run(capsys, "level", str(sample_plan), *LEVEL, "-o", str(out))
    assert code == 0, err
    before, after = load_plan(sample_plan), load_plan(out)
    pairs = [(b, a) for b, a in zip(before.work_items(), after.work_items(), strict=True)]
    leaves = [(b, a) for b, a in pairs if not a.tasks]
    assert all(a.model_copy(update={"constraint": b.constraint}) == b for b, a in leaves)
    pinned = [a.constraint for b, a in leaves if a.constraint != b.constraint]
    assert pinned, "the sample has work leveling holds up"
    assert all(c is not None and c.type == "snet" for c in pinned)
    for section in ("resources", "risks", "baselines", "calendars", "objectives", "benefits"):
        assert getattr(after, section) == getattr(before, section), section
    assert [p.id for p in after.projects] == [p.id for p in before.projects]


def test_an_existing_file_is_replaced_only_with_force(capsys, tmp_path, contract_plan):
    out = tmp_path / "leveled.yaml"
    out.write_text("keep me\n", encoding="utf-8")
    code, _, err = run(capsys, "level", str(contract_plan), *LEVEL, "-o", str(out))
    assert code == 1 and "exists already; give --force" in err
    assert out.read_text(encoding="utf-8") == "keep me\n"
    code, _, err = run(capsys, "level", str(contract_plan), *LEVEL, "-o", str(out), "--force")
    assert code == 0, err
    assert load_plan(out).key == load_plan(contract_plan).key


def test_one_plan_only(capsys, tmp_path, contract_plan):
    out = tmp_path / "leveled.yaml"
    code, _, err = run(capsys, "level", str(contract_plan), str(contract_plan), "-o", str(out))
    assert code == 2 and "'--output'" in err
    assert not out.exists()
