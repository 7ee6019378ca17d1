"""Objectives and benefits of a stored program over the API: the CLI's JSON for the same
plan, P80s on request, bad parameters and a stranger's program answered as problems."""

from __future__ import annotations

import json

from progman.cli.main import main
from progman.samples import sample_plan_path

SAMPLE = str(sample_plan_path())


def test_objectives_are_the_clis_json(api, capsys):
    response = api.client.get(
        "/api/v1/programs/DPL/strategy/objectives", headers=api.token("victor")
    )
    assert response.status_code == 200, response.text
    assert main(["objectives", SAMPLE, "--json"]) == 0
    assert response.json() == json.loads(capsys.readouterr().out)
    kr = response.json()["objectives"][2]["key_results"][0]
    assert (kr["id"], kr["value"], kr["progress"]) == ("KR3.1", 6, round(5 / 9, 4))


def test_benefits_are_the_clis_json_and_can_be_simulated(api, capsys):
    response = api.client.get("/api/v1/programs/DPL/strategy/benefits", headers=api.token("victor"))
    assert response.status_code == 200, response.text
    assert main(["benefits", SAMPLE, "--json"]) == 0
    assert response.json() == json.loads(capsys.readouterr().out)
    asked = "/api/v1/programs/DPL/strategy/benefits?simulate=300&seed=5"
    simulated = api.client.get(asked, headers=api.token("victor"))
    assert simulated.status_code == 200, simulated.text
    assert main(["benefits", SAMPLE, "--json", "--simulate", "300", "--seed", "5"]) == 0
    assert simulated.json() == json.loads(capsys.readouterr().out)
    assert simulated.json()["simulation"] == {"iterations": 300, "seed": 5}
    assert all(b["p80"] for b in simulated.json()["benefits"])


def test_too_many_runs_is_a_problem_naming_the_parameter(api):
    asked = "/api/v1/programs/DPL/strategy/objectives?simulate=1000000"
    response = api.client.get(asked, headers=api.token("victor"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"].endswith("simulate")


def test_another_programs_objectives_are_not_found(api):
    for what in ("objectives", "benefits"):
        response = api.client.get(
            f"/api/v1/programs/NOPE/strategy/{what}", headers=api.token("victor")
        )
        assert response.status_code == 404


def test_no_credentials_is_unauthorized(api):
    assert api.client.get("/api/v1/programs/DPL/strategy/benefits").status_code == 401
