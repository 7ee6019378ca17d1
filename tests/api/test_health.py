"""Health of a stored program over the API: the CLI's JSON for the same plan, an override
stored with the program answered beside the computed colour, a stranger's program not
found."""

from __future__ import annotations

import json
from datetime import date

from tests.storage.helpers import do_save_program

from progman.cli.main import main
from progman.domain.health import HealthOverride, HealthSettings
from progman.planfile import load_plan
from progman.samples import sample_plan_path

SAMPLE = str(sample_plan_path())


def test_health_is_the_clis_json(api, capsys):
    response = api.client.get("/api/v1/programs/DPL/health", headers=api.token("victor"))
    assert response.status_code == 200, response.text
    assert main(["health", SAMPLE, "--json"]) == 0
    answer = response.json()
    assert answer == json.loads(capsys.readouterr().out)
    assert set(answer["projects"]) == {"WEB", "MOB", "API", "LOY", "MKT"}
    assert answer["program"]["rag"] in ("green", "amber", "red")
    assert answer["program"]["override"] is None


def test_a_stored_override_shows_beside_the_computed_colour(api):
    sample = load_plan(sample_plan_path())
    override = HealthOverride(
        project="WEB", rag="green", comment="launch moved by the board", by="paula",
        on=date(2027, 4, 28),
    )  # fmt: skip
    changed = sample.model_copy(
        update={"key": "HLT", "name": "Health", "health": HealthSettings(overrides=[override])}
    )
    do_save_program(api.url, changed, "t")
    response = api.client.get("/api/v1/programs/HLT/health", headers=api.token("alice"))
    assert response.status_code == 200, response.text
    web = response.json()["projects"]["WEB"]
    assert web["override"] == {
        "rag": "green", "comment": "launch moved by the board", "by": "paula", "on": "2027-04-28"
    }  # fmt: skip
    assert web["rag"] == "red"  # computed, still shown
    assert response.json()["projects"]["API"]["override"] is None


def test_another_programs_health_is_not_found(api):
    response = api.client.get("/api/v1/programs/OTH/health", headers=api.token("victor"))
    assert response.status_code == 404
    response = api.client.get("/api/v1/programs/DPL/health")
    assert response.status_code == 401
