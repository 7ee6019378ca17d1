"""The program's projects one at a time over the API: listed, read with an ETag, created
empty, changed by their manager, and deleted only when nothing else points into them (or
with ``?cascade=true``), never half-way."""

from __future__ import annotations

from tests.api_support import ADMIN, PASSWORD

from progman.services.database import unit_of_work
from progman.services.users import do_add_user

BASE = "/api/v1/programs/DPL"


def test_projects_are_listed_a_page_at_a_time_with_counts_and_versions(api):
    headers = api.token("victor")
    first = api.client.get(f"{BASE}/projects?limit=2", headers=headers).json()
    assert [p["id"] for p in first["items"]] == ["API", "WEB"]
    api_project = first["items"][0]
    assert api_project["manager"] == "ingrid" and api_project["work_items"] == 20
    assert api_project["version"] == 1 and api_project["objectives"] == {"O3": 0.8, "O1": 0.3}
    rest = api.client.get(f"{BASE}/projects?cursor={first['next']}", headers=headers).json()
    assert [p["id"] for p in rest["items"]] == ["MOB", "LOY", "MKT"] and rest["next"] is None
    foreign = api.client.get(f"{BASE}/projects?cursor=bm9wZQ", headers=headers)
    assert foreign.status_code == 400 and foreign.json()["errors"][0]["pointer"] == "/cursor"


def test_one_project_has_an_etag_and_another_programs_reader_gets_404(api):
    one = api.client.get(f"{BASE}/projects/MOB", headers=api.token("mona"))
    assert one.status_code == 200 and one.headers["etag"] == '"1"'
    assert one.json()["method"] == "agile"
    missing = api.client.get(f"{BASE}/projects/NOPE", headers=api.token("mona"))
    assert missing.status_code == 404 and "NOPE" in missing.json()["detail"]
    other = api.client.get(f"{BASE}/projects/MOB", headers=api.token("otto"))
    assert other.status_code == 404 and other.json()["detail"] == "no program with key 'DPL'"


def test_a_program_manager_adds_an_empty_project(api):
    headers = api.token("paula")
    body = {"id": "DATA", "name": "Data platform", "manager": "david", "priority": 650,
            "start": "2027-05-03", "calendar": "standard"}  # fmt: skip
    made = api.client.post(f"{BASE}/projects", json=body, headers=headers)
    assert made.status_code == 201, made.text
    assert made.headers["location"] == f"{BASE}/projects/DATA" and made.headers["etag"] == '"1"'
    item = made.json()["item"]
    assert item["work_items"] == 0 and item["start"] == "2027-05-03" and item["priority"] == 650
    assert made.json()["moved"]["changes"] == ["project DATA added"]
    task = {"parent": "DATA", "id": "DATA.lake", "name": "Lake", "duration": "5d"}
    assert api.client.post(f"{BASE}/work-items", json=task, headers=headers).status_code == 201
    listed = api.client.get(f"{BASE}/projects/DATA", headers=headers).json()
    assert listed["work_items"] == 1 and listed["version"] == 1  # its work is not its version


def test_a_new_project_that_does_not_fit_the_plan_is_refused_naming_the_field(api):
    headers = api.token("paula")
    twice = api.client.post(f"{BASE}/projects", json={"id": "API", "name": "x"}, headers=headers)
    assert twice.status_code == 409 and twice.json()["errors"][0]["pointer"] == "/id"
    unknown = api.client.post(
        f"{BASE}/projects", json={"id": "X", "name": "x", "calendar": "lunar"}, headers=headers
    )
    assert unknown.status_code == 422 and "lunar" in unknown.json()["errors"][0]["message"]
    extra = api.client.post(
        f"{BASE}/projects", json={"id": "X", "name": "x", "tasks": []}, headers=headers
    )
    assert extra.status_code == 422 and extra.json()["code"] == "request.invalid"
    viewer = api.client.post(f"{BASE}/projects", json={"id": "X", "name": "x"},
                             headers=api.token("victor"))  # fmt: skip
    assert viewer.status_code == 403


def _project_manager(api, name: str, project: str) -> dict[str, str]:
    with unit_of_work(api.url, write=True) as session:
        do_add_user(session, ADMIN, name, "project_manager", program="DPL", project=project,
                    password=PASSWORD)  # fmt: skip
    return api.token(name)


def test_a_project_manager_changes_their_project_and_only_theirs(api):
    ingrid = _project_manager(api, "ingrid", "API")
    url = f"{BASE}/projects/API"
    body = {"priority": 950, "status": "on_hold", "tags": ["platform"]}
    changed = api.client.patch(url, json=body, headers={**ingrid, "If-Match": '"1"'})
    assert changed.status_code == 200, changed.text
    assert changed.headers["etag"] == '"2"' and changed.json()["item"]["priority"] == 950
    assert "project API: status, priority, tags changed" in changed.json()["moved"]["changes"]
    other = api.client.patch(f"{BASE}/projects/WEB", json={"priority": 1},
                             headers={**ingrid, "If-Match": '"1"'})  # fmt: skip
    assert other.status_code == 403
    assert api.client.patch(url, json={"priority": 1}, headers=ingrid).status_code == 428
    stale = api.client.patch(url, json={"priority": 1}, headers={**ingrid, "If-Match": '"1"'})
    assert stale.status_code == 412 and stale.json()["current_version"] == 2
    bad = api.client.patch(url, json={"calendar": "lunar"}, headers={**ingrid, "If-Match": '"2"'})
    assert bad.status_code == 422 and bad.json()["errors"][0]["pointer"] == "/calendar"
    empty = api.client.patch(url, json={}, headers={**ingrid, "If-Match": '"2"'})
    assert empty.status_code == 400


def test_deleting_a_project_others_point_into_is_refused_naming_each_reference(api):
    headers = {**api.token("paula"), "If-Match": '"1"'}
    revision = api.client.get(BASE, headers=headers).headers["etag"]
    refused = api.client.delete(f"{BASE}/projects/WEB", headers=headers)
    assert refused.status_code == 409 and refused.json()["code"] == "conflict.still_referenced"
    messages = [e["message"] for e in refused.json()["errors"]]
    assert "MKT.launch: a link from it to WEB.launch (FS)" in messages
    assert "R8: a risk of project WEB" in messages and "B1: a benefit depending on WEB.launch" in (
        messages
    )
    assert "11 times" in refused.json()["detail"] and "?cascade=true" in refused.json()["detail"]
    assert api.client.get(BASE, headers=headers).headers["etag"] == revision  # nothing written


def test_a_cascading_delete_cuts_the_references_and_takes_the_work_with_it(api):
    headers = {**api.token("paula"), "If-Match": '"1"'}
    done = api.client.delete(f"{BASE}/projects/WEB?cascade=true", headers=headers)
    assert done.status_code == 200, done.text
    assert done.json()["item"]["id"] == "WEB" and "etag" not in done.headers
    assert "project WEB removed" in done.json()["moved"]["changes"]
    assert api.client.get(f"{BASE}/projects/WEB", headers=headers).status_code == 404
    assert api.client.get(f"{BASE}/work-items/WEB.launch", headers=headers).status_code == 404
    launch = api.client.get(f"{BASE}/work-items/MKT.launch", headers=headers).json()
    assert all(not link["task"].startswith("WEB.") for link in launch["depends"])
    audit = api.client.get(f"{BASE}/audit?entity=WEB", headers=headers).json()["items"]
    assert audit[0]["action"] == "deleted" and audit[0]["actor"] == "paula"


def test_a_project_a_change_request_changes_is_never_deleted(api):
    headers = {**api.token("alice"), "If-Match": '"1"'}
    refused = api.client.delete(f"{BASE}/projects/API?cascade=true", headers=headers)
    assert refused.status_code == 409
    assert "change request CR-001" in refused.json()["detail"]


def test_an_unreferenced_project_is_deleted_by_a_program_manager_only(api):
    paula = api.token("paula")
    api.client.post(f"{BASE}/projects", json={"id": "TMP", "name": "Tmp"}, headers=paula)
    url = f"{BASE}/projects/TMP"
    assert api.client.delete(url, headers=paula).status_code == 428
    mona = api.client.delete(url, headers={**api.token("mona"), "If-Match": '"1"'})
    assert mona.status_code == 403
    gone = api.client.delete(url, headers={**paula, "If-Match": '"1"'})
    assert gone.status_code == 200 and gone.json()["moved"]["changes"] == ["project TMP removed"]
