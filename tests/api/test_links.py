"""Links one at a time: added, changed and removed with the successor's version, a cycle
refused naming it, and the answer is what moved."""

from __future__ import annotations

LINKS = "/api/v1/programs/DPL/links"
ITEMS = "/api/v1/programs/DPL/work-items"


def _etag(api, headers, ident: str) -> str:
    return api.client.get(f"{ITEMS}/{ident}", headers=headers).headers["etag"]


def test_add_change_and_remove_a_cross_project_link(api):
    headers = api.token("paula")
    body = {"predecessor": "API.cutover", "successor": "MKT.flight", "type": "FS", "lag": "2d"}
    missing = api.client.post(LINKS, json=body, headers=headers)
    assert missing.status_code == 428
    added = api.client.post(
        LINKS, json=body, headers={**headers, "If-Match": _etag(api, headers, "MKT.flight")}
    )
    assert added.status_code == 201, added.text
    assert added.headers["location"] == f"{LINKS}/API.cutover/MKT.flight"
    links = added.json()["item"]["depends"]
    assert {"task": "API.cutover", "type": "FS", "lag": "2d"} in links
    assert set(added.json()["moved"]) >= {"milestones", "projects", "chains"}
    twice = api.client.post(
        LINKS, json=body, headers={**headers, "If-Match": added.headers["etag"]}
    )
    assert twice.status_code == 400 and twice.json()["errors"][0]["pointer"] == "/predecessor"
    changed = api.client.patch(
        f"{LINKS}/API.cutover/MKT.flight",
        json={"type": "SS", "lag": "-1d"},
        headers={**headers, "If-Match": added.headers["etag"]},
    )
    assert changed.status_code == 200, changed.text
    assert {"task": "API.cutover", "type": "SS", "lag": "-1d"} in changed.json()["item"]["depends"]
    removed = api.client.delete(
        f"{LINKS}/API.cutover/MKT.flight", headers={**headers, "If-Match": changed.headers["etag"]}
    )
    assert removed.status_code == 200
    assert all(link["task"] != "API.cutover" for link in removed.json()["item"]["depends"])
    gone = api.client.delete(
        f"{LINKS}/API.cutover/MKT.flight", headers={**headers, "If-Match": removed.headers["etag"]}
    )
    assert gone.status_code == 404


def test_a_link_that_closes_a_cycle_is_refused_and_changes_nothing(api):
    headers = api.token("paula")
    etag = _etag(api, headers, "API.data_migration")
    body = {"predecessor": "API.cutover", "successor": "API.data_migration"}
    refused = api.client.post(LINKS, json=body, headers={**headers, "If-Match": etag})
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["code"] == "plan.invalid" and problem["errors"][0]["pointer"] == "/depends"
    assert "cycle" in problem["errors"][0]["message"]
    assert _etag(api, headers, "API.data_migration") == etag


def test_bad_link_requests_say_what_is_wrong(api):
    headers = api.token("paula")
    etag = {"If-Match": _etag(api, headers, "MKT.flight")}
    unknown = api.client.post(
        LINKS, json={"predecessor": "API.nope", "successor": "MKT.flight"},
        headers={**headers, **etag},
    )  # fmt: skip
    assert unknown.status_code == 404
    kind = api.client.post(
        LINKS, json={"predecessor": "API.cutover", "successor": "MKT.flight", "type": "XX"},
        headers={**headers, **etag},
    )  # fmt: skip
    assert kind.status_code == 400 and kind.json()["errors"][0]["pointer"] == "/type"
    viewer = api.client.post(
        LINKS, json={"predecessor": "API.cutover", "successor": "MKT.flight"},
        headers={**api.token("victor"), **etag},
    )  # fmt: skip
    assert viewer.status_code == 403
