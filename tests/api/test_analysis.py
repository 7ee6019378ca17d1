"""Risks, resources, leveling, what-if and the audit log of a stored program over the API:
the CLI's JSON for the same plan, and the edits the audit log names."""

from __future__ import annotations

import json

import pytest

from progman.cli.main import main
from progman.samples import sample_plan_path

SAMPLE = str(sample_plan_path())
MOVE_AND_CHANGE = (
    "--set API.payments.remaining=45d --move lukas --from WEB --to MOB "
    "--between 2027-07-01 2027-07-31"
)


def _cli_json(capsys, *arguments: str) -> dict:
    assert main(list(arguments)) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("request_", "command"),
    [
        (("GET", "risks", None), ["risks", SAMPLE, "--json"]),
        (("GET", "resource-load", None), ["resources", SAMPLE, "--json"]),
        (
            (
                "POST",
                "whatif",
                {"changes": [{"target": "API.cutover", "field": "duration", "value": "9d"}]},
            ),
            ["whatif", "run", SAMPLE, "--set", "API.cutover.duration=9d", "--json"],
        ),
        (
            (
                "POST",
                "whatif",
                {
                    "changes": [{"target": "API.payments", "field": "remaining", "value": "45d"}],
                    "move": {
                        "resource": "lukas",
                        "from": "WEB",
                        "to": "MOB",
                        "between": ["2027-07-01", "2027-07-31"],
                    },
                },
            ),
            ["whatif", "run", SAMPLE, *MOVE_AND_CHANGE.split(), "--json"],
        ),
        (
            ("POST", "whatif", {"leveled": False}),
            ["whatif", "run", SAMPLE, "--no-leveled", "--json"],
        ),
    ],
    ids=["risks", "resources", "whatif", "whatif move and change", "whatif not leveled"],
)
def test_the_answer_is_the_clis_json(api, capsys, request_, command):
    method, path, body = request_
    response = api.client.request(
        method, f"/api/v1/programs/DPL/{path}", json=body, headers=api.token("victor")
    )
    assert response.status_code == 200, response.text
    assert response.json() == _cli_json(capsys, *command)


def test_leveling_answers_like_the_cli_and_changes_nothing(api, capsys):
    headers = api.token("victor")
    response = api.client.post(
        "/api/v1/programs/DPL/level", json={"time_limit": 0.2, "seed": 1}, headers=headers
    )
    assert response.status_code == 200, response.text
    cli = _cli_json(capsys, "level", SAMPLE, "--time-limit", "0.2", "--seed", "1", "--json")
    ours = response.json()
    assert ours["input"] == "program DPL"
    for key in ("input", "seconds"):
        ours.pop(key), cli.pop(key)
    assert ours == cli
    program = api.client.get("/api/v1/programs/DPL", headers=headers).json()
    assert program["revision"] == 1


def test_a_whatif_change_that_does_not_apply_names_it(api):
    response = api.client.post(
        "/api/v1/programs/DPL/whatif",
        json={"changes": [{"target": "API.nope", "field": "duration", "value": "3d"}]},
        headers=api.token("victor"),
    )
    assert response.status_code == 422 and response.json()["code"] == "plan.invalid"
    assert "API.nope" in response.json()["errors"][0]["message"]


def test_the_audit_log_lists_edits_newest_first_with_filters(api):
    editor = api.token("paula")
    for name in ("First", "Second"):
        etag = api.client.get(
            "/api/v1/programs/DPL/work-items/API.cutover", headers=editor
        ).headers["etag"]
        response = api.client.patch(
            "/api/v1/programs/DPL/work-items/API.cutover",
            json={"name": name},
            headers={**editor, "If-Match": etag},
        )
        assert response.status_code == 200, response.text
    reader = api.token("victor")
    page = api.client.get(
        "/api/v1/programs/DPL/audit?entity=API.cutover&limit=1", headers=reader
    ).json()
    assert [e["after"]["name"] for e in page["items"]] == ["Second"]
    assert page["items"][0]["actor"] == "paula" and page["next"]
    older = api.client.get(
        f"/api/v1/programs/DPL/audit?entity=API.cutover&limit=1&cursor={page['next']}",
        headers=reader,
    ).json()
    assert [e["after"]["name"] for e in older["items"]] == ["First"]
    by_actor = api.client.get("/api/v1/programs/DPL/audit?actor=nobody", headers=reader)
    assert by_actor.json() == {"items": [], "next": None}
    bad = api.client.get("/api/v1/programs/DPL/audit?cursor=x", headers=reader)
    assert bad.status_code == 400


def test_a_whatif_move_is_checked_like_the_clis(api):
    move = {
        "resource": "lukas",
        "from": "WEB",
        "to": "MOBB",
        "between": ["2027-07-01", "2027-07-31"],
    }
    headers = api.token("victor")
    response = api.client.post("/api/v1/programs/DPL/whatif", json={"move": move}, headers=headers)
    assert response.status_code == 422 and response.json()["code"] == "whatif.move_invalid"
    assert "did you mean 'MOB'" in response.json()["detail"]
    move["to"] = "MOB"
    response = api.client.post(
        "/api/v1/programs/DPL/whatif", json={"move": move, "leveled": False}, headers=headers
    )
    assert response.status_code == 422 and response.json()["code"] == "whatif.move_needs_leveling"


def test_a_whatif_change_that_is_no_change_is_a_problem_not_a_crash(api):
    response = api.client.post(
        "/api/v1/programs/DPL/whatif",
        json={"changes": [{"op": "add", "target": "API", "field": "tasks", "value": 5}]},
        headers=api.token("victor"),
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["pointer"] == "/changes/0"
