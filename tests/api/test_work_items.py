"""Work items one at a time (SPEC §5.1): read with their version as ETag, edited with
If-Match (428 without, 412 when stale), answered with what moved; roles decide who may."""

from __future__ import annotations

import json

import pytest
import sqlalchemy

from progman.cli.main import main
from progman.samples import sample_plan_path

BASE = "/api/v1/programs/DPL/work-items"


def _version(api, headers, ident: str) -> str:
    response = api.client.get(f"{BASE}/{ident}", headers=headers)
    assert response.status_code == 200, response.text
    return response.headers["etag"]


def test_the_list_is_the_plan_in_order_with_versions_and_pages(api):
    headers = api.token("victor")
    first = api.client.get(f"{BASE}?limit=3", headers=headers).json()
    ids = [item["id"] for item in first["items"]]
    assert ids == ["API.arch", "API.arch_design", "API.arch_infra"]
    assert first["items"][1]["parent"] == "API.arch" and first["items"][0]["summary"] is True
    assert all(item["version"] == 1 for item in first["items"])
    second = api.client.get(f"{BASE}?limit=3&cursor={first['next']}", headers=headers).json()
    assert second["items"][0]["id"] not in ids
    mobile = api.client.get(f"{BASE}?project=MOB&limit=1000", headers=headers).json()
    assert mobile["next"] is None and {i["project"] for i in mobile["items"]} == {"MOB"}
    assert api.client.get(f"{BASE}?project=NOPE", headers=headers).status_code == 400


def test_one_item_speaks_api_shapes_not_plan_file_shorthand(api):
    response = api.client.get(f"{BASE}/API.arch_infra", headers=api.token("victor"))
    assert response.status_code == 200 and response.headers["etag"] == '"1"'
    item = response.json()
    assert item["depends"] == [{"task": "API.arch_design", "type": "SS", "lag": "3d"}]
    assert item["estimate"] == {"optimistic": "10d", "most_likely": "12d", "pessimistic": "20d"}
    assert {"resource": "jonas", "role": None, "skill": None, "units": 1.0, "work": None} in (
        item["resources"]
    )
    missing = api.client.get(f"{BASE}/API.nope", headers=api.token("victor"))
    assert missing.status_code == 404 and missing.json()["code"] == "entity.not_found"


def test_an_edit_needs_the_current_version_and_answers_what_moved(api, capsys):
    headers = api.token("paula")
    url = f"{BASE}/API.cutover"
    body = {"duration": "7d"}
    missing = api.client.patch(url, json=body, headers=headers)
    assert missing.status_code == 428 and missing.json()["code"] == "conflict.precondition_required"
    stale = api.client.patch(url, json=body, headers={**headers, "If-Match": '"7"'})
    assert stale.status_code == 412
    assert stale.json()["code"] == "conflict.stale_etag" and stale.json()["current_version"] == 1
    assert stale.headers["etag"] == '"1"'
    done = api.client.patch(url, json=body, headers={**headers, "If-Match": '"1"'})
    assert done.status_code == 200, done.text
    assert done.headers["etag"] == '"2"'
    answer = done.json()
    assert answer["item"]["duration"] == "7d" and answer["item"]["version"] == 2
    assert set(answer["moved"]) >= {"changed", "milestones", "projects", "chains"}
    # what moved is what a slip of the difference moves
    assert main(["impact", str(sample_plan_path()), "--task", "API.cutover",
                 "--slip", "5d", "--json"]) == 0  # fmt: skip
    slip = json.loads(capsys.readouterr().out)
    assert answer["moved"]["milestones"] == slip["milestones"]
    assert answer["moved"]["projects"] == slip["projects"]
    again = api.client.patch(url, json={"duration": "9d"}, headers={**headers, "If-Match": '"1"'})
    assert again.status_code == 412  # the second writer with the old version loses nothing
    assert api.client.get(url, headers=headers).json()["duration"] == "7d"


def test_an_edit_is_audited_with_who_before_and_after(api):
    headers = api.token("paula")
    url = f"{BASE}/API.data_migration"
    response = api.client.patch(
        url, json={"name": "Data migration (phase 1)"}, headers={**headers, "If-Match": '"1"'}
    )
    assert response.status_code == 200, response.text
    engine = sqlalchemy.create_engine(api.url)
    with engine.connect() as connection:
        rows = connection.execute(
            sqlalchemy.text(
                "SELECT actor, action, before, after FROM audit_log "
                "WHERE entity_key = 'API.data_migration' AND actor = 'paula'"
            )
        ).all()
    engine.dispose()
    assert len(rows) == 1 and rows[0][1] == "updated"
    before, after = (json.loads(v) if isinstance(v, str) else v for v in rows[0][2:])
    assert before["name"] != after["name"] == "Data migration (phase 1)"


def test_a_bad_value_is_a_problem_naming_the_field_and_changes_nothing(api):
    headers = {**api.token("paula"), "If-Match": '"1"'}
    url = f"{BASE}/API.data_migration"
    bad = api.client.patch(url, json={"duration": "soon"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["code"] == "plan.invalid"
    assert bad.json()["errors"][0]["pointer"] == "/duration"
    wrong_type = api.client.patch(url, json={"percent_complete": "half"}, headers=headers)
    assert wrong_type.status_code == 422
    assert wrong_type.json()["errors"][0]["pointer"] == "/body/percent_complete"
    unknown = api.client.patch(url, json={"colour": "red"}, headers=headers)
    assert unknown.status_code == 422
    bad_etag = api.client.patch(url, json={"name": "x"}, headers={**headers, "If-Match": "v1"})
    assert bad_etag.status_code == 400 and bad_etag.json()["errors"][0]["pointer"] == "/If-Match"
    assert api.client.get(url, headers=headers).headers["etag"] == '"1"'


def test_costs_round_trip_and_a_ledger_that_misses_its_total_changes_nothing(api):
    headers = api.token("paula")
    url = f"{BASE}/API.arch_design"
    item = api.client.get(url, headers=headers).json()
    assert (item["actual_cost"], item["actual_costs"], item["fixed_cost"]) == (13900, [], None)
    ledger = [
        {"start": "2027-01-04", "end": "2027-01-11", "amount": 9000},
        {"end": "2027-01-19", "amount": 4900},  # from the day after the entry before
    ]
    saved = api.client.patch(
        url,
        json={"actual_costs": ledger, "fixed_cost": 500},
        headers={**headers, "If-Match": '"1"'},
    )
    assert saved.status_code == 200, saved.text
    again = api.client.get(url, headers=headers).json()
    assert again["actual_costs"] == [{**ledger[0]}, {"start": None, **ledger[1]}]
    assert (again["actual_cost"], again["fixed_cost"]) == (13900, 500)
    short = [{"end": "2027-01-19", "amount": 100}]  # the item's total says 13,900
    bad = api.client.patch(
        url, json={"actual_costs": short}, headers={**headers, "If-Match": '"2"'}
    )
    assert bad.status_code == 422 and bad.json()["code"] == "plan.invalid", bad.text
    assert "13900" in bad.text.replace(",", "") and "API.arch_design" in bad.text
    negative = api.client.patch(
        url, json={"actual_cost": -1}, headers={**headers, "If-Match": '"2"'}
    )
    assert negative.status_code == 422
    assert negative.json()["errors"][0]["pointer"] == "/body/actual_cost"
    assert api.client.get(url, headers=headers).json()["actual_costs"] == again["actual_costs"]


def test_markup_in_a_name_is_kept_as_text(api):
    headers = {**api.token("paula"), "If-Match": '"1"'}
    name = "<script>alert('x')</script> & co"
    response = api.client.patch(f"{BASE}/API.data_migration", json={"name": name}, headers=headers)
    assert response.status_code == 200 and response.json()["item"]["name"] == name


def test_a_member_edits_progress_of_their_project_only(api):
    headers = api.token("mona")
    mobile = api.client.get(f"{BASE}?project=MOB&limit=1000", headers=headers).json()["items"]
    leaf = next(i for i in mobile if not i["summary"] and not i["milestone"])
    url = f"{BASE}/{leaf['id']}"
    version = {"If-Match": f'"{leaf["version"]}"'}
    progress = api.client.patch(url, json={"percent_complete": 40}, headers={**headers, **version})
    assert progress.status_code == 200, progress.text
    version = {"If-Match": progress.headers["etag"]}
    scope = api.client.patch(url, json={"duration": "3d"}, headers={**headers, **version})
    assert scope.status_code == 403 and scope.json()["code"] == "auth.forbidden"
    other = api.client.patch(
        f"{BASE}/API.data_migration", json={"percent_complete": 10},
        headers={**headers, "If-Match": '"1"'},
    )  # fmt: skip
    assert other.status_code == 403


def test_create_then_delete_a_work_item(api):
    headers = api.token("paula")
    created = api.client.post(
        BASE,
        json={"parent": "MOB", "id": "MOB.pilot", "name": "Beta test", "duration": "5d",
              "depends": ["MOB.sprint0"]},
        headers=headers,
    )  # fmt: skip
    assert created.status_code == 201, created.text
    assert created.headers["location"] == f"{BASE}/MOB.pilot"
    assert created.json()["item"]["depends"] == [{"task": "MOB.sprint0", "type": "FS", "lag": "0d"}]
    etag = created.headers["etag"]
    twice = api.client.post(
        BASE, json={"parent": "MOB", "id": "MOB.pilot", "name": "Again"}, headers=headers
    )
    assert twice.status_code == 422 and twice.json()["code"] == "plan.invalid"
    nowhere = api.client.post(
        BASE, json={"parent": "NOPE", "id": "X.y", "name": "x"}, headers=headers
    )
    assert nowhere.status_code == 400 and nowhere.json()["errors"][0]["pointer"] == "/parent"
    gone = api.client.delete(f"{BASE}/MOB.pilot", headers={**headers, "If-Match": etag})
    assert gone.status_code == 200, gone.text
    assert gone.json()["item"]["id"] == "MOB.pilot"
    assert api.client.get(f"{BASE}/MOB.pilot", headers=headers).status_code == 404


@pytest.mark.parametrize("text", ["Data\u0000migration", "a literal \\u0000 is text"])
def test_a_nul_character_is_refused_where_the_database_cannot_store_it(api, text):
    url = f"{BASE}/API.data_migration"
    headers = {
        **api.token("alice"),
        "If-Match": _version(api, api.token("alice"), "API.data_migration"),
    }
    response = api.client.patch(url, json={"name": text}, headers=headers)
    if "\u0000" in text:
        assert response.status_code == 422, response.text
        problem = response.json()
        assert problem["code"] == "plan.invalid"
        assert "NUL character" in problem["errors"][0]["message"], problem
        assert "API.data_migration" in problem["errors"][0]["message"], problem
        assert api.client.get(url, headers=api.token("alice")).json()["name"] != text
    else:
        assert response.status_code == 200, response.text
