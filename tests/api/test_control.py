"""Earned value and baseline variance of a stored program over the API: the CLI's JSON for
the same plan, and a missing baseline or a stranger's program answered as problems."""

from __future__ import annotations

import json

from progman.cli.main import main
from progman.samples import sample_plan_path

SAMPLE = str(sample_plan_path())


def test_earned_value_is_the_clis_json(api, capsys):
    response = api.client.get("/api/v1/programs/DPL/evm", headers=api.token("victor"))
    assert response.status_code == 200, response.text
    assert main(["evm", SAMPLE, "--json"]) == 0
    assert response.json() == json.loads(capsys.readouterr().out)


def test_a_status_date_and_baseline_can_be_asked_for(api, capsys):
    asked = "/api/v1/programs/DPL/evm?baseline=BL1&status_date=2027-03-31"
    response = api.client.get(asked, headers=api.token("victor"))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["status_date"] == "2027-03-31" and answer["baseline"] == "BL1"
    later = api.client.get("/api/v1/programs/DPL/evm", headers=api.token("victor")).json()
    assert answer["program"]["pv"] < later["program"]["pv"]


def test_an_unknown_baseline_is_a_problem_naming_the_parameter(api):
    response = api.client.get("/api/v1/programs/DPL/evm?baseline=NOPE", headers=api.token("victor"))
    assert response.status_code in (400, 422)
    problem = response.json()
    assert "no baseline 'NOPE' (it has: BL1)" in problem["detail"]
    assert problem["errors"][0]["pointer"].endswith("baseline")


def test_another_programs_earned_value_is_not_found(api):
    response = api.client.get("/api/v1/programs/NOPE/evm", headers=api.token("victor"))
    assert response.status_code == 404


def test_baseline_variance_is_the_clis_json(api, capsys):
    asked = "/api/v1/programs/DPL/baselines/BL1/variance?every_task=true"
    response = api.client.get(asked, headers=api.token("victor"))
    assert response.status_code == 200, response.text
    assert main(["baseline", SAMPLE, "--compare", "BL1", "--all", "--json"]) == 0
    assert response.json() == json.loads(capsys.readouterr().out)


def test_the_variance_of_a_missing_baseline_is_not_found(api):
    response = api.client.get(
        "/api/v1/programs/DPL/baselines/NOPE/variance", headers=api.token("victor")
    )
    assert response.status_code == 404
    assert "no baseline 'NOPE' (baselines: BL1)" in response.json()["detail"]
