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


def test_a_program_manager_adds_a_resource_to_the_pool(api):
    headers = api.token("paula")
    body = {"id": "zoe", "name": "Zoe Park", "role": "Data engineer", "skills": ["sql"],
            "capacity": 0.8, "rate": 85, "calendar": "part_time",
            "availability": [{"start": "2027-09-01", "capacity": 0.4}]}  # fmt: skip
    made = api.client.post(f"{BASE}/resources", json=body, headers=headers)
    assert made.status_code == 201, made.text
    assert made.headers["location"] == f"{BASE}/resources/zoe" and made.headers["etag"] == '"1"'
    item = made.json()["item"]
    assert item["capacity"] == 0.8 and item["calendar"] == "part_time"
    assert item["availability"] == [{"start": "2027-09-01", "finish": None, "capacity": 0.4}]
    assert made.json()["moved"]["changes"] == ["resource zoe added"]
    assert api.client.get(f"{BASE}/resources/zoe", headers=headers).json() == item


def test_a_new_resource_that_does_not_fit_is_refused_naming_the_field(api):
    headers = api.token("paula")
    url = f"{BASE}/resources"
    twice = api.client.post(url, json={"id": "jonas", "name": "J"}, headers=headers)
    assert twice.status_code == 409 and twice.json()["errors"][0]["pointer"] == "/id"
    lunar = api.client.post(url, json={"id": "z", "name": "Z", "calendar": "lunar"},
                            headers=headers)  # fmt: skip
    assert lunar.status_code == 422 and "lunar" in lunar.json()["errors"][0]["message"]
    viewer = api.client.post(url, json={"id": "z", "name": "Z"}, headers=api.token("victor"))
    assert viewer.status_code == 403


def test_a_resource_still_assigned_is_not_deleted_until_its_assignments_go(api):
    headers = api.token("paula")
    url = f"{BASE}/resources/hannah"
    refused = api.client.delete(url, headers={**headers, "If-Match": '"1"'})
    assert refused.status_code == 409 and refused.json()["code"] == "conflict.still_referenced"
    assigned = [e["message"].split(":")[0] for e in refused.json()["errors"]]
    assert assigned and f"assigned to {len(assigned)} work item" in refused.json()["detail"]
    for item in assigned:
        task = f"{BASE}/work-items/{item}"
        etag = api.client.get(task, headers=headers).headers["etag"]
        kept = [
            {k: a[k] for k in ("resource", "role", "skill", "units") if a[k] is not None}
            for a in api.client.get(task, headers=headers).json()["resources"]
            if a["resource"] != "hannah"
        ]
        put = api.client.put(f"{task}/assignments", json=kept, headers={**headers,
                             "If-Match": etag})  # fmt: skip
        assert put.status_code == 200, put.text
    done = api.client.delete(url, headers={**headers, "If-Match": '"1"'})
    assert done.status_code == 200 and done.json()["item"]["id"] == "hannah"
    assert api.client.get(url, headers=headers).status_code == 404


def test_deleting_a_resource_needs_its_version_and_a_program_manager(api):
    url = f"{BASE}/resources/hannah"
    assert api.client.delete(url, headers=api.token("paula")).status_code == 428
    stale = api.client.delete(url, headers={**api.token("paula"), "If-Match": '"4"'})
    assert stale.status_code == 412
    member = api.client.delete(url, headers={**api.token("mona"), "If-Match": '"1"'})
    assert member.status_code == 403


def test_many_assignments_are_named_twenty_at_most_and_counted(api):
    headers = api.token("paula")
    for number in range(22):
        body = {"parent": "API", "id": f"API.t{number}", "name": f"T{number}", "duration": "1d"}
        assert api.client.post(f"{BASE}/work-items", json=body, headers=headers).status_code == 201
        task = f"{BASE}/work-items/API.t{number}"
        put = api.client.put(f"{task}/assignments", json=[{"resource": "noah", "units": 0.1}],
                             headers={**headers, "If-Match": '"1"'})  # fmt: skip
        assert put.status_code == 200, put.text
    refused = api.client.delete(f"{BASE}/resources/noah", headers={**headers, "If-Match": '"1"'})
    assert refused.status_code == 409
    errors = refused.json()["errors"]
    assert len(errors) == 21 and errors[-1]["message"].startswith("and ")
    assert "and " in refused.json()["detail"] and "more" in refused.json()["detail"]
