"""Stage gates of a stored program over the API: the CLI's ``gates --json`` for the same
plan, a status date asked for, a bad one or a stranger's program answered as problems."""

from __future__ import annotations

import json

from progman.cli.main import main
from progman.samples import sample_plan_path

SAMPLE = str(sample_plan_path())


def test_the_gates_are_the_clis_json(api, capsys):
    response = api.client.get("/api/v1/programs/DPL/gates", headers=api.token("victor"))
    assert response.status_code == 200, response.text
    assert main(["gates", SAMPLE, "--json"]) == 0
    answer = response.json()
    assert answer == json.loads(capsys.readouterr().out)
    assert set(answer) >= {"gates", "projects", "decisions"}
    by_id = {g["id"]: g for g in answer["gates"]}
    assert by_id["G2"]["overridden"] and by_id["G2"]["status"] == "passed"
    assert by_id["G3"]["status"] == "overdue" and by_id["G3"]["criteria"]["met"] == 1
    assert answer["projects"]["LOY"]["gates_passed"] == ["G2"]


def test_a_status_date_can_be_asked_for(api):
    asked = "/api/v1/programs/DPL/gates?status_date=2027-04-05"
    response = api.client.get(asked, headers=api.token("victor"))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["status_date"] == "2027-04-05"
    g3 = next(g for g in answer["gates"] if g["id"] == "G3")
    assert g3["status"] == "blocked"  # planned 04-09: due within 14 days, 2 criteria unmet


def test_a_bad_status_date_is_a_problem(api):
    asked = "/api/v1/programs/DPL/gates?status_date=soon"
    response = api.client.get(asked, headers=api.token("victor"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"].endswith("status_date")


def test_another_programs_gates_are_not_found(api):
    response = api.client.get("/api/v1/programs/NOPE/gates", headers=api.token("victor"))
    assert response.status_code == 404
