"""`progman simulate`: the SPEC §5 JSON, reproducible for a seed, a readable table."""

from __future__ import annotations

import json

from progman.cli.main import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_has_the_contract_shape_and_repeats_for_a_seed(capsys, contract_plan):
    args = ("simulate", str(contract_plan), "--iterations", "500", "--seed", "7", "--json")
    code, out, err = run(capsys, *args)
    assert code == 0, err
    first = json.loads(out)
    assert {"iterations", "seed", "finish", "milestones", "criticality", "sensitivity"} <= set(
        first
    )
    assert first["iterations"] == 500 and first["seed"] == 7
    assert set(first["finish"]) >= {"p10", "p50", "p80", "p95"}
    assert first["finish"]["p10"] <= first["finish"]["p50"] <= first["finish"]["p95"]
    live = first["milestones"]["WEB.live"]
    assert {"p50", "p80", "p95", "deadline", "probability_on_time"} <= set(live)
    assert all(0.0 <= share <= 1.0 for share in first["criticality"].values())
    assert all({"id", "correlation"} <= set(entry) for entry in first["sensitivity"])
    code, again, _ = run(capsys, *args)
    assert code == 0 and json.loads(again) == first


def test_table_names_percentiles_and_milestones(capsys, contract_plan):
    code, out, err = run(capsys, "simulate", str(contract_plan), "--iterations", "300")
    assert code == 0, err
    assert "P80" in out and "WEB.live" in out


def test_the_plans_own_finish_and_its_chance_stand_beside_the_percentiles(capsys, contract_plan):
    args = ("simulate", str(contract_plan), "--iterations", "400", "--seed", "2")
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    planned = json.loads(out)["deterministic"]
    code, schedule, _ = run(capsys, "schedule", str(contract_plan), "--json")
    assert code == 0 and planned["finish"] == json.loads(schedule)["finish"]
    assert 0.0 <= planned["probability"] <= 1.0
    code, table, err = run(capsys, *args)
    assert code == 0, err
    when = planned["finish"].replace("T", " ")
    assert f"planned finish {when} (every duration as planned): " in " ".join(table.split())
    assert f"{planned['probability']:.1%} of the iterations finish by then" in table


def test_bad_iterations_is_a_usage_error(capsys, contract_plan):
    code, _, _ = run(capsys, "simulate", str(contract_plan), "--iterations", "0")
    assert code == 2


def test_leveled_keeps_people_from_overlapping_and_names_the_leveled_date(capsys, contract_plan):
    args = ("simulate", str(contract_plan), "--iterations", "400", "--seed", "2")
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    plain = json.loads(out)
    code, out, err = run(capsys, *args, "--json", "--leveled")
    assert code == 0, err
    leveled = json.loads(out)
    assert plain["leveled"] is False and leveled["leveled"] is True
    code, level_out, err = run(capsys, "level", str(contract_plan), "--json")
    assert code == 0, err
    assert leveled["deterministic"]["finish"] == json.loads(level_out)["finish"]
    assert leveled["deterministic"]["finish"] > plain["deterministic"]["finish"]  # ben is shared
    assert leveled["finish"]["p50"] >= plain["finish"]["p50"]
    code, table, err = run(capsys, *args, "--leveled")
    assert code == 0, err
    text = " ".join(table.split())
    assert "leveled (resource limits count)" in text
    when = leveled["deterministic"]["finish"].replace("T", " ")
    assert f"leveled planned finish {when} (every duration as planned): " in text
    code, csv_out, err = run(capsys, *args, "--leveled", "--csv")
    assert code == 0, err
    header, program_row = csv_out.splitlines()[:2]
    row = dict(zip(header.split(","), program_row.split(","), strict=True))
    assert row["leveled"] == "true" and row["planned"] == leveled["deterministic"]["finish"]
