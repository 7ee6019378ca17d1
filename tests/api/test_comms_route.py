"""`GET /api/v1/programs/{key}/comms`: the communication plan of a stored program, the
object `progman comms --json` prints."""

from __future__ import annotations

import json

from progman.cli.main import main
from progman.samples import sample_plan_path


def test_the_cli_object(api, capsys):
    answer = api.client.get(
        "/api/v1/programs/DPL/comms?due=2027-05-07", headers=api.token("victor")
    )
    assert answer.status_code == 200, answer.text
    assert main(["comms", str(sample_plan_path()), "--due", "2027-05-07", "--json"]) == 0
    assert answer.json() == json.loads(capsys.readouterr().out)
    assert answer.json()["due"][1]["stakeholder"] == "robert"


def test_default_day_bad_day_and_hidden_program(api):
    headers = api.token("victor")
    plain = api.client.get("/api/v1/programs/DPL/comms", headers=headers)
    assert plain.status_code == 200 and plain.json()["date"] == "2027-04-30"
    bad = api.client.get("/api/v1/programs/DPL/comms?due=someday", headers=headers)
    assert bad.status_code == 422
    hidden = api.client.get("/api/v1/programs/OTH/comms", headers=headers)
    assert hidden.status_code == 404
