"""Change requests over the API (SQLite and PostgreSQL): a draft created, edited with
If-Match, submitted (its impact computed and stored), approved by a program manager and
applied with a new baseline; a stale apply answered 409 after the new impact is stored;
bad input answered as problem+json naming the item, with nothing changed."""

from __future__ import annotations

BASE = "/api/v1/programs/DPL"
URL = f"{BASE}/change-requests"
LONGER = [{"op": "set", "target": "MKT.flight", "field": "duration", "value": "60ed"}]


def _revision(api) -> str:
    return api.client.get(BASE, headers=api.token("alice")).headers["etag"]


def _post(api, url: str, who: str, etag: str, body: dict | None = None):
    return api.client.post(url, json=body, headers={**api.token(who), "If-Match": etag})


def _approved(api) -> tuple[str, str]:
    made = api.client.post(URL, json={"title": "Longer", "changes": LONGER},
                           headers=api.token("paula"))  # fmt: skip
    ident = made.json()["item"]["id"]
    submitted = _post(api, f"{URL}/{ident}/submit", "paula", made.headers["etag"])
    approved = _post(api, f"{URL}/{ident}/approve", "paula", submitted.headers["etag"])
    assert approved.status_code == 200, approved.text
    return ident, approved.headers["etag"]


def test_a_change_request_from_draft_to_applied(api):
    member = api.token("mona")
    body = {"title": "Longer campaign", "reason": "more reach", "changes": LONGER}
    made = api.client.post(URL, json=body, headers=member)
    assert made.status_code == 201, made.text
    assert made.headers["location"] == f"{URL}/CR-003" and made.headers["etag"] == '"1"'
    item = made.json()["item"]
    assert (item["state"], item["requester"], item["changes"]) == ("draft", "mona", LONGER)
    assert item["impact"] is None
    patch = {"title": "Longer TV campaign"}
    assert api.client.patch(f"{URL}/CR-003", json=patch, headers=member).status_code == 428
    stale = api.client.patch(f"{URL}/CR-003", json=patch, headers={**member, "If-Match": '"5"'})
    assert stale.status_code == 412 and stale.json()["current_version"] == 1
    edited = api.client.patch(f"{URL}/CR-003", json=patch, headers={**member, "If-Match": '"1"'})
    assert edited.status_code == 200 and edited.json()["item"]["title"] == "Longer TV campaign"
    revision = int(_revision(api).strip('"'))
    submitted = _post(api, f"{URL}/CR-003/submit", "mona", edited.headers["etag"])
    assert submitted.status_code == 200, submitted.text
    item = submitted.json()["item"]
    assert item["state"] == "submitted" and item["impact_revision"] == revision
    impact = item["impact"]
    assert impact["finish"]["delta_days"] > 0 and impact["cost"]["delta"] > 0
    assert {"milestones", "projects", "critical_path", "benefits"} <= set(impact)
    refused = _post(api, f"{URL}/CR-003/approve", "mona", submitted.headers["etag"])
    assert refused.status_code == 403 and "program manager" in refused.json()["detail"]
    approved = _post(
        api, f"{URL}/CR-003/approve", "paula", submitted.headers["etag"], {"comment": "go"}
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["item"]["approvals"] == [
        {"by": "paula", "decision": "approved", "date": approved.json()["item"]["approvals"][0]
         ["date"], "comment": "go"}
    ]  # fmt: skip
    applied = _post(api, f"{URL}/CR-003/apply", "paula", approved.headers["etag"])
    assert applied.status_code == 200, applied.text
    assert applied.json()["baseline"] == "CR-003"
    assert applied.json()["item"]["state"] == "applied"
    baseline = api.client.get(f"{BASE}/baselines/CR-003", headers=member)
    assert baseline.status_code == 200 and baseline.json()["name"] == "CR-003: Longer TV campaign"
    flight = api.client.get(f"{BASE}/work-items/MKT.flight", headers=member).json()
    assert flight["duration"] == "60ed"
    trail = api.client.get(f"{BASE}/audit?entity=CR-003&kind=change_request",
                           headers=api.token("paula")).json()["items"]  # fmt: skip
    assert [(e["actor"], e["after"]["state"]) for e in reversed(trail)] == [
        ("mona", "draft"), ("mona", "draft"), ("mona", "submitted"), ("paula", "approved"),
        ("paula", "applied"),
    ]  # fmt: skip
    listed = api.client.get(f"{URL}?state=applied", headers=api.token("victor")).json()
    assert [r["id"] for r in listed["items"]] == ["CR-001", "CR-003"] and listed["next"] is None


def test_a_stale_apply_stores_the_new_impact_and_answers_409(api):
    ident, etag = _approved(api)
    old = api.client.get(f"{URL}/{ident}", headers=api.token("paula")).json()
    item = api.client.get(f"{BASE}/work-items/MKT.review", headers=api.token("paula"))
    headers = {**api.token("paula"), "If-Match": item.headers["etag"]}
    moved = api.client.patch(
        f"{BASE}/work-items/MKT.review", json={"duration": "20d"}, headers=headers
    )
    assert moved.status_code == 200, moved.text
    refused = _post(api, f"{URL}/{ident}/apply", "paula", etag)
    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["code"] == "change.stale_impact" and "MKT.review" in problem["detail"]
    now = api.client.get(f"{URL}/{ident}", headers=api.token("paula"))
    assert now.headers["etag"] == refused.headers["etag"]
    kept = now.json()
    assert kept["state"] == "submitted" and kept["impact_revision"] > old["impact_revision"]
    assert kept["impact"]["finish"]["current"] != old["impact"]["finish"]["current"]
    flight = api.client.get(f"{BASE}/work-items/MKT.flight", headers=api.token("paula")).json()
    assert flight["duration"] != "60ed"


def test_bad_input_is_a_problem_naming_the_item_and_changes_nothing(api):
    revision = _revision(api)
    unknown = [{"op": "set", "target": "API.nope", "field": "duration", "value": "5d"}]
    bad = api.client.post(URL, json={"title": "x", "changes": unknown}, headers=api.token("paula"))
    assert bad.status_code == 422 and "API.nope" in bad.text
    assert bad.json()["errors"][0]["pointer"] == "/changes/0"
    for who, status in (("victor", 403), ("otto", 404)):
        refused = api.client.post(URL, json={"title": "x", "changes": LONGER},
                                  headers=api.token(who))  # fmt: skip
        assert refused.status_code == status, (who, refused.text)
    named = {"title": "x", "changes": LONGER, "approvers": ["mona"]}
    assert api.client.post(URL, json=named, headers=api.token("mona")).status_code == 403
    assert _revision(api) == revision
    assert api.client.get(f"{URL}/CR-404", headers=api.token("paula")).status_code == 404
    # CR-002 of the sample is submitted; its approvers are named users, not paula
    sample = api.client.get(f"{URL}/CR-002", headers=api.token("paula"))
    named_only = _post(api, f"{URL}/CR-002/approve", "paula", sample.headers["etag"])
    assert named_only.status_code == 403 and "katrin" in named_only.json()["detail"]
    rejected = _post(
        api, f"{URL}/CR-002/reject", "alice", sample.headers["etag"], {"comment": "no"}
    )
    assert rejected.status_code == 200 and rejected.json()["item"]["state"] == "rejected"
    again = _post(api, f"{URL}/CR-002/apply", "alice", rejected.headers["etag"])
    assert again.status_code == 409 and again.json()["code"] == "change.wrong_state"
    assert "rejected" in again.json()["detail"]
    applied = api.client.get(f"{URL}/CR-001", headers=api.token("paula"))
    headers = {**api.token("paula"), "If-Match": applied.headers["etag"]}
    deleted = api.client.delete(f"{URL}/CR-001", headers=headers)
    assert deleted.status_code == 409 and "applied already" in deleted.json()["detail"]
