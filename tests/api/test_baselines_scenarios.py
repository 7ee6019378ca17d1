"""Baselines and what-if scenarios of a stored program over the API: read by anyone who
may see it, taken, saved and deleted by a program manager (deletes with If-Match), and a
scenario compared with the plan as it is now."""

from __future__ import annotations

BASE = "/api/v1/programs/DPL"
SLIP = [{"op": "set", "target": "MKT.flight", "field": "duration", "value": "60ed"}]


def _revision(api) -> str:
    return api.client.get(BASE, headers=api.token("alice")).headers["etag"]


def test_baselines_are_listed_oldest_first_and_read_whole(api):
    headers = api.token("victor")
    listed = api.client.get(f"{BASE}/baselines", headers=headers).json()
    assert [b["id"] for b in listed["items"]] == ["BL1"] and listed["next"] is None
    first = listed["items"][0]
    assert first["created"] == "2027-01-04" and first["version"] == 1 and first["task_count"] > 50
    one = api.client.get(f"{BASE}/baselines/BL1", headers=headers)
    assert one.status_code == 200 and one.headers["etag"] == '"1"'
    design = next(t for t in one.json()["tasks"] if t["id"] == "API.arch_design")
    assert design == {
        "id": "API.arch_design",
        "start": "2027-01-04",
        "finish": "2027-01-15",
        "duration": "10d",
        "work": "120h",
        "cost": 12320.0,
    }
    missing = api.client.get(f"{BASE}/baselines/BL9", headers=headers)
    assert missing.status_code == 404 and "BL1" in missing.json()["detail"]
    foreign = api.client.get(f"{BASE}/baselines?cursor=nope", headers=headers)
    assert foreign.status_code == 400
    hidden = api.client.get("/api/v1/programs/OTH/baselines", headers=headers)
    assert hidden.status_code == 404


def test_a_program_manager_takes_a_baseline_of_the_schedule_as_it_is_now(api):
    headers = api.token("paula")
    revision = _revision(api)
    body = {"id": "BL2", "name": "Re-plan", "created": "2027-03-01"}
    taken = api.client.post(f"{BASE}/baselines", json=body, headers=headers)
    assert taken.status_code == 201, taken.text
    assert taken.headers["location"] == f"{BASE}/baselines/BL2" and taken.headers["etag"] == '"1"'
    item = taken.json()["item"]
    assert item["name"] == "Re-plan" and item["created"] == "2027-03-01"
    schedule = api.client.get(f"{BASE}/schedule", headers=headers).json()
    frozen = {t["id"]: t for t in item["tasks"]}
    assert set(frozen) == {t["id"] for t in schedule["tasks"]}
    cutover = next(t for t in schedule["tasks"] if t["id"] == "API.cutover")
    assert frozen["API.cutover"]["start"][:10] == cutover["start"][:10]
    assert frozen["API.cutover"]["cost"] > 0 and frozen["API.cutover"]["work"].endswith("h")
    assert frozen["API.arch"]["cost"] is None  # a summary: its tasks carry the figures
    assert item["cost"] > 0 and "moved" in taken.json()
    assert _revision(api) != revision  # a baseline is part of the plan
    listed = api.client.get(f"{BASE}/baselines", headers=headers).json()
    assert [b["id"] for b in listed["items"]] == ["BL1", "BL2"]
    page = api.client.get(f"{BASE}/baselines?limit=1", headers=headers).json()
    rest = api.client.get(f"{BASE}/baselines?limit=1&cursor={page['next']}", headers=headers)
    assert [b["id"] for b in rest.json()["items"]] == ["BL2"]
    # the what-if comparison measures against it now: the plan (CPM dates, as the baseline
    # froze them; a what-if is leveled by default) is on it to the day
    compared = api.client.post(
        f"{BASE}/whatif",
        json={"changes": SLIP, "baseline": "BL2", "leveled": False},
        headers=headers,
    ).json()
    assert (
        compared["baseline"] == "BL2"
        and compared["finish"]["baseline"][:10] == (compared["finish"]["current"][:10])
    )


def test_a_baseline_is_never_replaced_and_only_a_program_manager_takes_one(api):
    again = api.client.post(f"{BASE}/baselines", json={"id": "BL1"}, headers=api.token("paula"))
    assert again.status_code == 409 and again.json()["errors"][0]["pointer"] == "/id"
    for user in ("victor", "mona"):
        refused = api.client.post(f"{BASE}/baselines", json={"id": "X"}, headers=api.token(user))
        assert refused.status_code == 403, user
    slash = api.client.post(f"{BASE}/baselines", json={"id": "a/b"}, headers=api.token("paula"))
    assert slash.status_code == 422


def test_deleting_a_baseline_needs_its_version(api):
    headers = api.token("paula")
    url = f"{BASE}/baselines/BL1"
    assert api.client.delete(url, headers=headers).status_code == 428
    stale = api.client.delete(url, headers={**headers, "If-Match": '"4"'})
    assert stale.status_code == 412 and stale.json()["current_version"] == 1
    viewer = api.client.delete(url, headers={**api.token("victor"), "If-Match": '"1"'})
    assert viewer.status_code == 403
    gone = api.client.delete(url, headers={**headers, "If-Match": '"1"'})
    assert gone.status_code == 200, gone.text
    assert gone.json()["item"]["id"] == "BL1" and gone.json()["item"]["task_count"] > 50
    assert api.client.get(url, headers=headers).status_code == 404
    audit = api.client.get(f"{BASE}/audit?entity=BL1", headers=headers).json()["items"]
    assert audit[0]["action"] == "deleted" and audit[0]["actor"] == "paula"


def test_a_scenario_is_saved_beside_the_plan_and_compared_with_it(api):
    headers = api.token("paula")
    revision = _revision(api)
    body = {"id": "long-flight", "name": "Long flight", "changes": SLIP}
    saved = api.client.post(f"{BASE}/scenarios", json=body, headers=headers)
    assert saved.status_code == 201, saved.text
    assert saved.headers["location"] == f"{BASE}/scenarios/long-flight"
    item = saved.json()["item"]
    assert item["name"] == "Long flight" and item["changes"] == SLIP and item["version"] == 1
    assert item["base_revision"] == int(revision.strip('"'))
    assert _revision(api) == revision  # the plan itself is not changed
    viewer = api.token("victor")
    listed = api.client.get(f"{BASE}/scenarios", headers=viewer).json()
    assert [(s["id"], s["change_count"]) for s in listed["items"]] == [("long-flight", 1)]
    one = api.client.get(f"{BASE}/scenarios/long-flight", headers=viewer)
    assert one.headers["etag"] == '"1"' and one.json()["changes"] == SLIP
    compared = api.client.post(f"{BASE}/scenarios/long-flight/compare", headers=viewer)
    assert compared.status_code == 200, compared.text
    result = compared.json()
    assert result["program"] == "DPL" and result["baseline"] == "BL1"
    assert result["finish"]["delta_days"] > 0  # the campaign flight is on the critical path
    with_body = api.client.post(
        f"{BASE}/scenarios/long-flight/compare", json={"baseline": "BL1"}, headers=viewer
    )
    assert with_body.json() == result
    unknown = api.client.post(
        f"{BASE}/scenarios/long-flight/compare", json={"baseline": "BL7"}, headers=viewer
    )
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["pointer"] == "/baseline"
    missing = api.client.post(f"{BASE}/scenarios/nope/compare", headers=viewer)
    assert missing.status_code == 404


def test_a_scenario_that_does_not_apply_is_not_stored(api):
    headers = api.token("paula")
    unknown = [{"op": "set", "target": "API.nope", "field": "duration", "value": "2d"}]
    refused = api.client.post(
        f"{BASE}/scenarios", json={"id": "s1", "changes": unknown}, headers=headers
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["pointer"] == "/changes/0"
    incomplete = [SLIP[0], {"op": "set", "target": "MKT.flight"}]
    refused = api.client.post(
        f"{BASE}/scenarios", json={"id": "s1", "changes": incomplete}, headers=headers
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["pointer"] == "/changes/1"
    listed = api.client.get(f"{BASE}/scenarios", headers=headers).json()
    assert listed["items"] == []
    viewer = api.client.post(
        f"{BASE}/scenarios", json={"id": "s1", "changes": SLIP}, headers=api.token("victor")
    )
    assert viewer.status_code == 403


def test_a_scenario_is_deleted_with_its_version_and_never_replaced(api):
    headers = api.token("paula")
    body = {"id": "s1", "changes": SLIP}
    assert api.client.post(f"{BASE}/scenarios", json=body, headers=headers).status_code == 201
    twice = api.client.post(f"{BASE}/scenarios", json=body, headers=headers)
    assert twice.status_code == 409
    url = f"{BASE}/scenarios/s1"
    assert api.client.delete(url, headers=headers).status_code == 428
    assert api.client.delete(url, headers={**headers, "If-Match": '"2"'}).status_code == 412
    gone = api.client.delete(url, headers={**headers, "If-Match": '"1"'})
    assert gone.status_code == 200 and gone.json()["item"]["changes"] == SLIP
    assert api.client.get(url, headers=headers).status_code == 404


def test_a_scenario_is_applied_to_the_plan_as_it_is_when_compared(api):
    headers = api.token("paula")
    body = {"id": "s1", "changes": SLIP}
    assert api.client.post(f"{BASE}/scenarios", json=body, headers=headers).status_code == 201
    item = f"{BASE}/work-items/MKT.flight"
    etag = api.client.get(item, headers=headers).headers["etag"]
    assert api.client.delete(item, headers={**headers, "If-Match": etag}).status_code == 200
    stale = api.client.post(f"{BASE}/scenarios/s1/compare", headers=headers)
    assert stale.status_code == 422 and "MKT.flight" in stale.text


def test_a_scenario_named_with_a_nul_character_is_refused_and_not_stored(api):
    headers = api.token("alice")
    change = {"op": "set", "target": "API.cutover", "field": "duration", "value": "5d"}
    body = {"id": "S_NUL", "name": "a\u0000b", "changes": [change]}
    response = api.client.post("/api/v1/programs/DPL/scenarios", json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert "NUL character" in response.json()["errors"][0]["message"]
    listed = api.client.get("/api/v1/programs/DPL/scenarios", headers=headers).json()["items"]
    assert "S_NUL" not in [scenario["id"] for scenario in listed]
