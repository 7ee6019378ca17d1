"""``progman impact``: the JSON contract of SPEC §5, the report, and usage errors."""

from __future__ import annotations

import json

import progman
from progman.cli.main import main
from progman.engine.impact import TaskSlip


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_is_the_contract_object(capsys, contract_plan):
    code, out, err = run(
        capsys, "impact", str(contract_plan), "--task", "API.spec", "--slip", "5d", "--json"
    )
    assert code == 0, err
    assert len(out.splitlines()) == 1
    result = json.loads(out)
    assert {"changed", "milestones", "projects", "benefits", "objectives", "chains"} <= set(result)
    assert [(m["id"], m["delay_days"]) for m in result["milestones"]] == [
        ("API.ready", 5.0),
        ("WEB.live", 5.0),
    ]
    assert result["chains"][-1] == ["API.spec", "API.build", "API.ready", "WEB.test", "WEB.live"]
    expected = progman.impact(progman.load_plan(contract_plan), TaskSlip("API.spec", 5))
    assert result == expected.to_json()


def test_report_has_summary_tables_and_chains(capsys, contract_plan):
    code, out, _ = run(capsys, "impact", str(contract_plan), "--task", "API.spec", "--slip", "1w")
    assert code == 0
    assert (
        out.splitlines()[0]
        == "API.spec slips 5 days: 2 milestones, 2 projects, 1 benefit, 1 objective move"
    )
    for heading in ("Milestones", "Projects", "Benefits", "Objectives", "Chains:"):
        assert heading in out
    assert "API.spec → API.build → API.ready → WEB.test → WEB.live" in out


def test_project_link_and_resource_changes(capsys, contract_plan):
    plan = str(contract_plan)
    code, out, _ = run(capsys, "impact", plan, "--project", "API", "--slip", "2d", "--json")
    assert code == 0 and json.loads(out)["projects"]
    code, out, _ = run(capsys, "impact", plan, "--link", "API.ready:WEB.test", "--remove", "--json")
    assert code == 0 and json.loads(out)["changes"] == ["link API.ready → WEB.test removed"]
    code, out, _ = run(capsys, "impact", plan, "--resource", "ben", "--from", "2027-03-05")
    assert code == 0 and "Unstaffed: API.build" in out


def test_unknown_task_is_an_error_with_did_you_mean(capsys, contract_plan):
    code, _, err = run(capsys, "impact", str(contract_plan), "--task", "API.spce", "--slip", "5d")
    assert code == 1
    assert "no task 'API.spce' in the plan; did you mean 'API.spec'?" in err
    assert "Traceback" not in err


def test_missing_or_bad_options_are_usage_errors(capsys, contract_plan):
    plan = str(contract_plan)
    assert run(capsys, "impact", plan, "--task", "API.spec")[0] == 2
    assert run(capsys, "impact", plan, "--slip", "5d")[0] == 2
    assert run(capsys, "impact", plan, "--task", "API.spec", "--slip", "soon")[0] == 2
    assert run(capsys, "impact", plan, "--resource", "ben")[0] == 2
    assert run(capsys, "impact", plan, "--link", "API.ready", "--remove")[0] == 2
    code = run(capsys, "impact", plan, "--task", "API.spec", "--slip", "1d", "--status-date", "x")[
        0
    ]
    assert code == 2


def test_a_bare_number_of_slip_is_working_days(capsys, contract_plan):
    """As in a plan (docs/plan-format.md): ``--slip 5`` is ``--slip 5d``."""
    plan = str(contract_plan)
    code, bare, err = run(capsys, "impact", plan, "--task", "API.spec", "--slip", "5", "--json")
    assert code == 0, err
    _, days, _ = run(capsys, "impact", plan, "--task", "API.spec", "--slip", "5d", "--json")
    assert json.loads(bare) == json.loads(days)
    code, _, err = run(capsys, "impact", plan, "--task", "API.spec", "--slip", "1.5")
    assert code == 0, err
