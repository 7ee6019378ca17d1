"""The resource pool one resource at a time, and who works on a task, over the API."""

from __future__ import annotations

BASE = "/api/v1/programs/DPL"


def test_the_pool_lists_people_with_versions_and_one_has_an_etag(api):
    headers = api.token("victor")
    pool = api.client.get(f"{BASE}/resources", headers=headers).json()
    jonas = next(r for r in pool if r["id"] == "jonas")
    assert jonas["version"] == 1 and jonas["kind"] == "person"
    one = api.client.get(f"{BASE}/resources/jonas", headers=headers)
    assert one.headers["etag"] == '"1"' and one.json() == jonas
    assert api.client.get(f"{BASE}/resources/nobody", headers=headers).status_code == 404


def test_a_program_manager_halves_a_persons_capacity_and_sees_what_moved(api):
    headers = api.token("paula")
    url = f"{BASE}/resources/jonas"
    changed = api.client.patch(url, json={"capacity": 0.5}, headers={**headers, "If-Match": '"1"'})
    assert changed.status_code == 200, changed.text
    assert changed.json()["item"]["capacity"] == 0.5 and changed.headers["etag"] == '"2"'
    assert "milestones" in changed.json()["moved"]
    stale = api.client.patch(url, json={"capacity": 0.7}, headers={**headers, "If-Match": '"1"'})
    assert stale.status_code == 412
    too_much = api.client.patch(url, json={"capacity": 5000}, headers={**headers,
                                "If-Match": '"2"'})  # fmt: skip
    assert too_much.status_code == 422
    member = api.client.patch(
        url, json={"capacity": 0.7}, headers={**api.token("mona"), "If-Match": '"2"'}
    )
    assert member.status_code == 403


def test_assigning_people_to_a_task_replaces_its_assignments(api):
    headers = api.token("paula")
    url = f"{BASE}/work-items/API.cutover"
    etag = api.client.get(url, headers=headers).headers["etag"]
    body = [{"resource": "jonas", "units": 0.5}, {"role": "Developer"}]
    done = api.client.put(f"{url}/assignments", json=body, headers={**headers, "If-Match": etag})
    assert done.status_code == 200, done.text
    assigned = done.json()["item"]["resources"]
    assert {"resource": "jonas", "role": None, "skill": None, "units": 0.5, "work": None} in (
        assigned
    )
    assert any(a["role"] == "Developer" and a["resource"] is None for a in assigned)
    unknown = api.client.put(
        f"{url}/assignments", json=[{"resource": "nobody"}],
        headers={**headers, "If-Match": done.headers["etag"]},
    )  # fmt: skip
    assert unknown.status_code == 422 and unknown.json()["code"] == "plan.invalid"
