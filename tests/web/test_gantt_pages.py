"""The Gantt page and its feed on a real database (SQLite, and PostgreSQL through
scripts/with-postgres.sh): what the chart is given (WBS order, parents, dates, float,
flags, baseline, links with their types and lags, versions), who may edit, and that an edit
the page makes through the REST API is refused to a viewer."""

from __future__ import annotations

import re

from tests.api_support import ADMIN, PASSWORD

from progman.services.database import unit_of_work
from progman.services.work_items import do_update_work_item


def _login(api, name: str) -> str:
    page = api.client.post(
        "/login", data={"username": name, "password": PASSWORD, "next": "/programs/DPL/gantt"}
    )
    assert page.status_code == 200, page.text[:300]
    return page.text


def _feed(api, query: str = "") -> dict:
    response = api.client.get(f"/programs/DPL/gantt/data{query}")
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == "application/json"
    feed = response.json()
    feed["rows"] = {row[0]: dict(zip(feed["columns"], row, strict=True)) for row in feed["tasks"]}
    return feed


def test_the_feed_gives_the_wbs_in_order_with_dates_float_flags_and_baseline(api):
    _login(api, "victor")
    feed = _feed(api)
    ids = [row[0] for row in feed["tasks"]]
    assert ids[:4] == ["API", "API.arch", "API.arch_design", "API.arch_infra"]
    assert ids.index("WEB") < ids.index("WEB.discovery") < ids.index("MOB")
    rows = feed["rows"]
    assert rows["API"]["kind"] == "project" and rows["API"]["parent"] is None
    assert rows["API.arch"]["parent"] == "API" and rows["API.arch"]["summary"]
    design = rows["API.arch_design"]
    assert design["parent"] == "API.arch"
    assert (design["start"], design["finish"]) == ("2027-01-04T08:00", "2027-01-19T16:00")
    assert design["duration"] == "10d" and design["percent_complete"] == 100.0
    assert (design["baseline_start"], design["baseline_finish"]) == ("2027-01-04", "2027-01-15")
    assert feed["baseline"]["id"] == "BL1" and design["version"] == 1
    launch = rows["MOB.launch"]
    assert launch["milestone"] and launch["start"] == launch["finish"]
    assert any(r["critical"] for r in rows.values()) and any(
        r["near_critical"] for r in rows.values()
    )
    assert all(r["total_float"] is not None for r in rows.values() if r["kind"] != "project")
    assert ["API.arch_design", "API.arch_infra", 1, "3d"] in feed["links"]  # SS +3d
    assert {link[2] for link in feed["links"]} >= {0, 1}
    program = feed["program"]
    assert program["timezone"] == "Europe/Berlin" and program["status_date"] == "2027-04-30"
    assert program["workdays"] == [True] * 5 + [False] * 2 and "2027-05-01" in program["holidays"]
    assert feed["viewer"] == {"editable": [], "user": "victor"}


def test_the_feed_follows_an_edit_and_a_chosen_baseline(api):
    _login(api, "paula")
    before = _feed(api)
    assert sorted(before["viewer"]["editable"]) == ["API", "LOY", "MKT", "MOB", "WEB"]
    was = before["rows"]["MOB.launch"]["finish"]
    with unit_of_work(api.url, write=True) as session:
        do_update_work_item(
            session, ADMIN, "DPL", "MOB.beta", {"constraint": "SNET 2027-08-20"}, if_match=1
        )
    after = _feed(api)["rows"]
    assert after["MOB.beta"]["version"] == 2
    assert after["MOB.beta"]["start"] == "2027-08-20T08:00"
    assert after["MOB.launch"]["finish"] > was
    missing = api.client.get("/programs/DPL/gantt/data?baseline=NOPE")
    assert missing.status_code == 400
    assert missing.json()["detail"] == (
        "baseline: no baseline 'NOPE' in program DPL (baselines: BL1)"
    )
    assert _feed(api, "?baseline=BL1")["baseline"]["id"] == "BL1"


def test_the_page_offers_editing_only_to_those_who_may_edit(api):
    editor = _login(api, "paula")
    assert 'data-editable="true"' in editor and 'id="link-form"' in editor
    assert "/static/vendor/dhtmlx-gantt/dhtmlxgantt.js" in editor
    assert re.search(r'data-csrf="[^"]+"', editor)
    assert 'href="/programs/DPL/gantt" aria-current="page"' in editor
    api.client.cookies.clear()
    viewer = _login(api, "victor")
    assert 'data-editable="false"' in viewer and 'data-csrf=""' in viewer
    assert 'id="link-form"' not in viewer and 'id="assign-form"' not in viewer


def test_a_viewers_edit_through_the_api_is_refused(api):
    _login(api, "victor")
    login = api.client.post("/api/v1/auth/login", json={"username": "victor", "password": PASSWORD})
    csrf = login.json()["csrf_token"]
    refused = api.client.patch(
        "/api/v1/programs/DPL/work-items/MOB.beta",
        json={"constraint": "SNET 2027-08-20"},
        headers={"If-Match": '"1"', "X-CSRF-Token": csrf},
    )
    assert refused.status_code == 403 and "victor may not change" in refused.json()["detail"]
    assert _feed(api)["rows"]["MOB.beta"]["version"] == 1


def test_the_gantt_needs_a_session_and_a_visible_program(api):
    away = api.client.get("/programs/DPL/gantt", follow_redirects=False)
    assert away.status_code == 303 and away.headers["location"] == "/login?next=/programs/DPL/gantt"
    api.client.post("/login", data={"username": "otto", "password": PASSWORD, "next": "/"})
    assert api.client.get("/programs/DPL/gantt").status_code == 404
    assert api.client.get("/programs/DPL/gantt/data").status_code == 404


def test_a_dragged_bar_becomes_a_start_no_earlier_than_through_the_api(api):
    headers = api.token("paula")
    item = "/api/v1/programs/DPL/work-items/MOB.beta"
    etag = api.client.get(item, headers=headers).headers["etag"]
    body = {"constraint": "SNET 2027-08-20"}
    moved = api.client.patch(item, json=body, headers={**headers, "If-Match": etag})
    assert moved.status_code == 200, moved.text
    changed = {c["id"]: c for c in moved.json()["moved"]["changed"]}
    assert changed["MOB.beta"]["start_after"] == "2027-08-20T08:00"
    assert changed["MOB.launch"]["milestone"] and changed["MOB.launch"]["delay_days"] > 0
    stale = api.client.patch(item, json=body, headers={**headers, "If-Match": etag})
    assert stale.status_code == 412 and "changed by someone else" in stale.json()["detail"]
    bad = api.client.patch(
        item, json={"constraint": "SNET someday"}, headers={**headers, "If-Match": '"2"'}
    )
    assert bad.status_code == 422 and "constraint" in bad.text
