"""Risks, objectives with their key results, benefits and stakeholders one at a time over
the API (SPEC §5.1): versions as ETags, If-Match on every write, what moved, deletes refused
while something refers to the entry, and program managers (a project's risks: its project
manager too) the only writers."""

from __future__ import annotations

import pytest
from tests.api_support import ADMIN, PASSWORD

from progman.services.database import unit_of_work
from progman.services.users import do_add_user

BASE = "/api/v1/programs/DPL"


def _etag(api, headers, url: str) -> str:
    response = api.client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    return response.headers["etag"]


# -- reading --------------------------------------------------------------------------------


def test_lists_are_in_plan_order_with_versions_and_pages(api):
    headers = api.token("victor")
    first = api.client.get(f"{BASE}/stakeholders?limit=2", headers=headers).json()
    assert [s["id"] for s in first["items"]] == ["katrin", "robert"] and first["next"]
    assert first["items"][0]["communication"][0] == {
        "report": "exec", "format": "pdf", "frequency": "monthly", "channel": "meeting",
        "project": None, "start": None, "last": None,
    }  # fmt: skip
    rest = api.client.get(f"{BASE}/stakeholders?cursor={first['next']}", headers=headers).json()
    assert rest["items"][0]["id"] == "tobias" and rest["next"] is None
    objectives = api.client.get(f"{BASE}/objectives", headers=headers).json()["items"]
    assert [o["id"] for o in objectives] == ["O1", "O2", "O3"]
    assert objectives[0]["key_results"] == ["KR1.1", "KR1.2"] and objectives[0]["version"] == 1
    results = api.client.get(f"{BASE}/objectives/O2/key-results?limit=2", headers=headers).json()
    assert [r["id"] for r in results["items"]] == ["KR2.1", "KR2.2"]
    assert {r["objective"] for r in results["items"]} == {"O2"}
    benefits = api.client.get(f"{BASE}/benefits", headers=headers).json()["items"]
    assert benefits[0]["depends_on"] == ["WEB.launch", "MOB.launch", "API.payments", "MKT.launch"]
    assert benefits[2]["measurements"][1] == {"date": "2027-02-28", "planned": 20000.0,
                                              "realized": 8000.0, "unit": None,
                                              "note": None}  # fmt: skip
    foreign = api.client.get(f"{BASE}/benefits?cursor=bm9wZQ", headers=headers)
    assert foreign.status_code == 400 and foreign.json()["errors"][0]["pointer"] == "/cursor"


def test_one_entry_has_its_version_as_etag_and_api_shapes(api):
    headers = api.token("victor")
    risk = api.client.get(f"{BASE}/risks/R1", headers=headers)
    assert risk.status_code == 200 and risk.headers["etag"] == '"1"'
    body = risk.json()
    assert body["impact"] == {"schedule": "15d", "cost": 40000.0, "scope": 2, "quality": 3}
    assert body["residual"]["impact"]["schedule"] == "5d" and body["actions"][0]["done"] is True
    assert body["project"] == "API" and body["escalated"] is True
    result = api.client.get(f"{BASE}/objectives/O1/key-results/KR1.1", headers=headers)
    assert result.headers["etag"] == '"1"'
    assert result.json()["measurements"][0] == {
        "date": "2027-01-31", "value": 18.1, "unit": None, "note": None,
    }  # fmt: skip
    assert api.client.get(f"{BASE}/stakeholders/nina", headers=headers).json()["influence"] == 4
    assert api.client.get(f"{BASE}/benefits/B2", headers=headers).json()["objective"] == "O2"


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("risks/R99", "no risk 'R99' in program DPL"),
        ("objectives/O9", "no objective 'O9'"),
        ("objectives/O9/key-results", "no objective 'O9'"),
        ("objectives/O1/key-results/KR9", "no key result 'KR9' under objective O1"),
        ("objectives/O1/key-results/KR2.1", "is under objective O2, not O1"),
        ("benefits/B9", "no benefit 'B9'"),
        ("stakeholders/nobody", "no stakeholder 'nobody'"),
    ],
)
def test_what_is_not_there_is_404_saying_what(api, path, says):
    response = api.client.get(f"{BASE}/{path}", headers=api.token("victor"))
    assert response.status_code == 404 and response.json()["code"] == "entity.not_found"
    assert says in response.json()["detail"]


def test_the_scored_register_stays_at_the_list_of_risks(api):
    register = api.client.get(f"{BASE}/risks", headers=api.token("victor")).json()
    assert {"program", "risks", "matrix", "escalation_candidates"} <= set(register)


# -- changing -------------------------------------------------------------------------------


def test_a_risk_edit_needs_the_current_version_and_answers_what_moved(api):
    headers = api.token("paula")
    url = f"{BASE}/risks/R2"
    body = {"status": "occurred", "probability": 1, "impact": {"schedule": "12d", "cost": 25000}}
    missing = api.client.patch(url, json=body, headers=headers)
    assert missing.status_code == 428 and missing.json()["code"] == "conflict.precondition_required"
    stale = api.client.patch(url, json=body, headers={**headers, "If-Match": '"4"'})
    assert stale.status_code == 412 and stale.json()["current_version"] == 1
    done = api.client.patch(url, json=body, headers={**headers, "If-Match": '"1"'})
    assert done.status_code == 200, done.text
    assert done.headers["etag"] == '"2"'
    item = done.json()["item"]
    assert item["status"] == "occurred" and item["probability"] == 1.0 and item["version"] == 2
    assert item["impact"] == {"schedule": "12d", "cost": 25000.0, "scope": None, "quality": None}
    assert item["residual"]["probability"] == 0.3  # fields not sent stay as they were
    assert set(done.json()["moved"]) >= {"changed", "milestones", "chains"}
    again = api.client.patch(url, json={"status": "open"}, headers={**headers, "If-Match": '"1"'})
    assert again.status_code == 412  # the second writer with the old version loses nothing
    assert api.client.get(url, headers=headers).json()["status"] == "occurred"
    audit = api.client.get(f"{BASE}/audit?entity=R2", headers=headers).json()["items"]
    assert audit[0]["actor"] == "paula" and audit[0]["entity_kind"] == "risk"
    assert audit[0]["before"]["status"] == "open" and audit[0]["after"]["status"] == "occurred"


def test_a_value_the_plan_refuses_is_422_naming_the_field_and_nothing_is_written(api):
    headers = {**api.token("paula"), "If-Match": '"1"'}
    url = f"{BASE}/risks/I1"
    wrong = api.client.patch(url, json={"probability": 0.5}, headers=headers)
    assert wrong.status_code == 422 and wrong.json()["code"] == "plan.invalid"
    assert wrong.json()["errors"][0]["pointer"] == "/probability"
    assert "issue" in wrong.json()["errors"][0]["message"]
    project = api.client.patch(url, json={"project": "NOPE"}, headers=headers)
    assert project.status_code == 422 and project.json()["errors"][0]["pointer"] == "/project"
    impact = api.client.patch(url, json={"impact": {"schedule": "soon"}}, headers=headers)
    assert impact.status_code == 422 and impact.json()["errors"][0]["pointer"] == "/impact"
    unknown = api.client.patch(url, json={"colour": "red"}, headers=headers)
    assert unknown.status_code == 422 and unknown.json()["code"] == "request.invalid"
    empty = api.client.patch(url, json={}, headers=headers)
    assert empty.status_code == 400
    assert api.client.get(url, headers=headers).headers["etag"] == '"1"'


def test_an_objective_with_a_key_result_is_added_changed_and_read_back(api):
    headers = api.token("paula")
    made = api.client.post(
        f"{BASE}/objectives",
        json={"id": "O4", "title": "Learn faster", "perspective": "learning"},
        headers=headers,
    )
    assert made.status_code == 201, made.text
    assert made.headers["location"] == f"{BASE}/objectives/O4" and made.headers["etag"] == '"1"'
    assert made.json()["item"]["key_results"] == []
    result = {"id": "KR4.1", "title": "Retros held", "target": 12, "due": "2027-12-31",
              "measurements": [{"date": "2027-03-31", "value": 3}]}  # fmt: skip
    added = api.client.post(f"{BASE}/objectives/O4/key-results", json=result, headers=headers)
    assert added.status_code == 201, added.text
    assert added.json()["item"]["objective"] == "O4" and added.json()["item"]["baseline"] == 0.0
    assert added.headers["location"] == f"{BASE}/objectives/O4/key-results/KR4.1"
    url = f"{BASE}/objectives/O4/key-results/KR4.1"
    changed = api.client.patch(url, json={"target": 10, "unit": "retros"},
                               headers={**headers, "If-Match": '"1"'})  # fmt: skip
    assert changed.status_code == 200, changed.text
    assert changed.json()["item"]["target"] == 10.0 and changed.headers["etag"] == '"2"'
    objective = api.client.get(f"{BASE}/objectives/O4", headers=headers)
    assert objective.json()["key_results"] == ["KR4.1"]
    assert objective.headers["etag"] == '"1"'  # its key results are entries of their own
    retitled = api.client.patch(f"{BASE}/objectives/O4", json={"title": "Learn"},
                                headers={**headers, "If-Match": '"1"'})  # fmt: skip
    assert retitled.status_code == 200 and retitled.json()["item"]["key_results"] == ["KR4.1"]


def test_a_new_id_taken_already_is_409_and_a_missing_field_is_named(api):
    headers = api.token("paula")
    taken = api.client.post(f"{BASE}/objectives/O1/key-results",
                            json={"id": "KR2.1", "title": "x", "target": 1},
                            headers=headers)  # fmt: skip
    assert taken.status_code == 409 and "under objective O2" in taken.json()["detail"]
    risk = api.client.post(f"{BASE}/risks", json={"id": "R1", "title": "x", "probability": 0.1},
                           headers=headers)  # fmt: skip
    assert risk.status_code == 409 and "a risk 'R1' exists already" in risk.json()["detail"]
    issue = api.client.post(f"{BASE}/risks", json={"id": "I9", "title": "Down", "kind": "issue",
                            "probability": 0.4}, headers=headers)  # fmt: skip
    assert issue.status_code == 422
    assert issue.json()["errors"][0]["pointer"] == "/probability"
    benefit = api.client.post(f"{BASE}/benefits", json={"id": "B9", "title": "x",
                              "objective": "O9"}, headers=headers)  # fmt: skip
    assert benefit.status_code == 422 and benefit.json()["errors"][0]["pointer"] == "/objective"
    assert "unknown objective 'O9'" in benefit.json()["errors"][0]["message"]
    viewer = api.client.post(f"{BASE}/stakeholders", json={"id": "x", "name": "X"},
                             headers=api.token("victor"))  # fmt: skip
    assert viewer.status_code == 403


def test_a_risk_of_a_project_is_its_project_managers_too(api):
    with unit_of_work(api.url, write=True) as session:
        do_add_user(session, ADMIN, "pete", "project_manager", program="DPL", project="MOB",
                    password=PASSWORD)  # fmt: skip
    headers = api.token("pete")
    mobile = {"id": "R-MOB-9", "title": "Store review backlog", "project": "MOB",
              "probability": 0.2}  # fmt: skip
    made = api.client.post(f"{BASE}/risks", json=mobile, headers=headers)
    assert made.status_code == 201, made.text
    url = f"{BASE}/risks/R-MOB-9"
    escalated = api.client.patch(url, json={"escalated": True},
                                 headers={**headers, "If-Match": '"1"'})  # fmt: skip
    assert escalated.status_code == 200, escalated.text
    to_program = api.client.patch(url, json={"project": None},
                                  headers={**headers, "If-Match": '"2"'})  # fmt: skip
    assert to_program.status_code == 403  # the program's risks are a program manager's
    other = api.client.patch(f"{BASE}/risks/R1", json={"owner": "x"},
                             headers={**headers, "If-Match": '"1"'})  # fmt: skip
    assert other.status_code == 403  # R1 is a risk of API
    program = api.client.post(f"{BASE}/risks", json={**mobile, "id": "R-P", "project": None},
                              headers=headers)  # fmt: skip
    assert program.status_code == 403
    objective = api.client.post(f"{BASE}/objectives", json={"id": "O7", "title": "x"},
                                headers=headers)  # fmt: skip
    assert objective.status_code == 403
    gone = api.client.delete(url, headers={**headers, "If-Match": '"2"'})
    assert gone.status_code == 200 and gone.json()["item"]["id"] == "R-MOB-9"


# -- deleting -------------------------------------------------------------------------------


def test_a_delete_is_refused_while_something_refers_to_it_saying_what(api):
    headers = api.token("paula")
    objective = api.client.delete(f"{BASE}/objectives/O1", headers={**headers, "If-Match": '"1"'})
    assert objective.status_code == 409, objective.text
    problem = objective.json()
    assert problem["code"] == "conflict.still_referenced"
    assert problem["detail"].startswith("objective O1 is still referred to by KR1.1, KR1.2, B1")
    messages = [e["message"] for e in problem["errors"]]
    assert "KR1.1: a key result of it" in messages
    assert "B1: a benefit whose objective it is" in messages
    assert "API: a project aligned to it (its objectives)" in messages
    risk = api.client.delete(f"{BASE}/risks/R1", headers={**headers, "If-Match": '"1"'})
    assert risk.status_code == 409 and "D6: a decision related to it" in risk.text
    assert "close it, status: closed" in risk.json()["detail"]
    assert api.client.get(f"{BASE}/objectives/O1", headers=headers).status_code == 200


def test_deletes_answer_the_entry_as_it_was_and_it_is_gone(api):
    headers = api.token("paula")
    stale = api.client.delete(f"{BASE}/stakeholders/nina", headers={**headers, "If-Match": '"3"'})
    assert stale.status_code == 412
    gone = api.client.delete(f"{BASE}/stakeholders/nina", headers={**headers, "If-Match": '"1"'})
    assert gone.status_code == 200, gone.text
    assert gone.json()["item"]["name"] == "Nina Arslan" and "etag" not in gone.headers
    assert api.client.get(f"{BASE}/stakeholders/nina", headers=headers).status_code == 404
    url = f"{BASE}/objectives/O3/key-results/KR3.2"
    result = api.client.delete(url, headers={**headers, "If-Match": _etag(api, headers, url)})
    assert result.status_code == 200
    assert api.client.get(f"{BASE}/objectives/O3", headers=headers).json()["key_results"] == [
        "KR3.1"
    ]
    benefit = api.client.delete(f"{BASE}/benefits/B3", headers={**headers, "If-Match": '"1"'})
    assert benefit.status_code == 200
    assert [b["id"] for b in api.client.get(f"{BASE}/benefits", headers=headers).json()["items"]
            ] == ["B1", "B2"]  # fmt: skip


def test_an_objective_is_deleted_once_nothing_refers_to_it(api):
    headers = api.token("alice")
    api.client.post(f"{BASE}/objectives", json={"id": "O5", "title": "Tidy up"}, headers=headers)
    result = {"id": "KR5.1", "title": "Rooms", "target": 3}
    api.client.post(f"{BASE}/objectives/O5/key-results", json=result, headers=headers)
    held = api.client.delete(f"{BASE}/objectives/O5", headers={**headers, "If-Match": '"1"'})
    assert held.status_code == 409 and "KR5.1" in held.json()["detail"]
    url = f"{BASE}/objectives/O5/key-results/KR5.1"
    api.client.delete(url, headers={**headers, "If-Match": '"1"'})
    done = api.client.delete(f"{BASE}/objectives/O5", headers={**headers, "If-Match": '"1"'})
    assert done.status_code == 200, done.text
    left = api.client.get(f"{BASE}/objectives", headers=headers).json()["items"]
    assert "O5" not in [o["id"] for o in left]


def test_another_programs_entries_are_not_there_for_its_non_readers(api):
    headers = api.token("otto")  # a viewer of OTH only
    for path in ("risks/R1", "objectives", "benefits/B1", "stakeholders"):
        response = api.client.get(f"{BASE}/{path}", headers=headers)
        assert response.status_code == 404 and "DPL" in response.json()["detail"]
    member = api.client.patch(f"{BASE}/stakeholders/nina", json={"interest": 5},
                              headers={**api.token("mona"), "If-Match": '"1"'})  # fmt: skip
    assert member.status_code == 403


def test_an_id_a_resource_has_too_is_changed_as_the_stakeholder(api):
    headers = api.token("paula")
    made = api.client.post(f"{BASE}/stakeholders", json={"id": "jonas", "name": "Jonas Weber",
                           "interest": 2}, headers=headers)  # fmt: skip
    assert made.status_code == 201, made.text
    changed = api.client.patch(f"{BASE}/stakeholders/jonas", json={"interest": 4},
                               headers={**headers, "If-Match": '"1"'})  # fmt: skip
    assert changed.status_code == 200 and changed.json()["item"]["interest"] == 4
    resource = api.client.get(f"{BASE}/resources/jonas", headers=headers).json()
    assert resource["version"] == 1 and resource["kind"] == "person"
    gone = api.client.delete(f"{BASE}/stakeholders/jonas", headers={**headers, "If-Match": '"2"'})
    assert gone.status_code == 200
    assert api.client.get(f"{BASE}/resources/jonas", headers=headers).status_code == 200
