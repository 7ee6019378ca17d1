"""The change request pages on a real database (SQLite, and PostgreSQL through
scripts/with-postgres.sh): the list and the new request form, a request's page with its
impact, and each step of the workflow from the page (submit, approve, reject, apply),
stale versions, viewers refused, mistakes next to their field, titles shown as text."""

from __future__ import annotations

import html
import re

from tests.api_support import ADMIN, PASSWORD

from progman.services.catalog import program_entry, visible_program
from progman.services.change_impact import impact_summary
from progman.services.change_requests import get_change_request
from progman.services.database import unit_of_work
from progman.services.work_items import do_update_work_item, get_work_item

LIST = "/programs/DPL/changes"


def _login(api, name: str) -> None:
    done = api.client.post("/login", data={"username": name, "password": PASSWORD})
    assert done.status_code == 200, done.text[:300]


def _main(text: str) -> str:
    return html.unescape(text.split('<main id="main">', 1)[1])


def _csrf(text: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', text)
    assert found, "no CSRF field on the page"
    return found.group(1)


def _version(text: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', text)
    assert found, "no step form on the page"
    return found.group(1)


def _revision(api) -> int:
    with unit_of_work(api.url, write=False) as session:
        return program_entry(session, ADMIN, "DPL").revision


def _stored(api, ident: str):
    with unit_of_work(api.url, write=False) as session:
        return get_change_request(session, ADMIN, "DPL", ident).request


def _create(api, title: str = "Longer performance tests", changes: str = "API.perf.duration=30d"):
    form = api.client.get(LIST)
    return api.client.post(
        LIST,
        data={"csrf": _csrf(form.text), "title": title, "reason": "load found problems",
              "changes": changes},
        follow_redirects=False,
    )  # fmt: skip


def _step(api, ident: str, step: str, comment: str = "", version: str | None = None):
    shown = api.client.get(f"{LIST}/{ident}")
    data = {"csrf": _csrf(shown.text), "version": version or _version(shown.text)}
    if comment:
        data["comment"] = comment
    return api.client.post(f"{LIST}/{ident}/{step}", data=data, follow_redirects=False)


def test_the_list_shows_the_requests_newest_first_with_their_impact(api):
    _login(api, "victor")
    shown = api.client.get(LIST)
    assert shown.status_code == 200
    main = _main(shown.text)
    rows = re.findall(r'<tr id="cr-([^"]+)"', main)
    assert rows == ["CR-002", "CR-001"]  # the sample's, newest first
    assert "Move the campaign launch by two weeks" in main and "chloe" in main
    with unit_of_work(api.url, write=False) as session:
        stored = visible_program(session, ADMIN, "DPL").change_requests
    assert impact_summary(stored[1].impact) in main
    assert "New change request" not in main  # a viewer may not request
    assert '<a href="/programs/DPL/changes" aria-current="page">Change requests</a>' in shown.text


def test_a_bad_line_is_said_next_to_the_field_and_nothing_is_written(api):
    _login(api, "paula")
    before = _revision(api)
    refused = _create(api, changes="API.perf.duration=30d\nthis is not a change")
    assert refused.status_code == 422
    main = _main(refused.text)
    error = main.split('id="changes-error"')[1].split("</span>")[0]
    assert "line 2" in error and "ID.FIELD=VALUE" in error
    assert 'id="changes" name="changes" class="lines" rows="4" aria-invalid="true"' in main
    assert "this is not a change" in main  # what was typed is kept
    unknown = _create(api, changes="API.nope.duration=30d")
    assert unknown.status_code == 422
    assert "line 1" in _main(unknown.text).split('id="changes-error"')[1].split("</span>")[0]
    assert "API.nope" in _main(unknown.text).split('id="changes-error"')[1]
    untitled = _create(api, title="  ")
    assert untitled.status_code == 422 and 'id="title-error"' in untitled.text
    assert _revision(api) == before
    assert re.findall(r'<tr id="cr-([^"]+)"', _main(api.client.get(LIST).text)) == [
        "CR-002",
        "CR-001",
    ]


def test_a_request_is_created_submitted_approved_and_applied_from_the_pages(api):
    _login(api, "paula")
    made = _create(api)
    assert made.status_code == 303
    assert made.headers["location"] == f"{LIST}/CR-003?done=created"
    draft = api.client.get(made.headers["location"])
    main = _main(draft.text)
    assert "Draft created" in main and 'id="change-state">draft' in main
    assert "set API.perf.duration = 30d" in main
    assert "no impact computed yet" in main
    assert 'id="approve-request"' not in main and 'id="apply-request"' not in main

    submitted = _step(api, "CR-003", "submit")
    assert submitted.status_code == 303
    page = _main(api.client.get(submitted.headers["location"]).text)
    stored = _stored(api, "CR-003")
    assert stored.state == "submitted" and stored.impact is not None
    assert impact_summary(stored.impact) in page  # the service's words
    finish = stored.impact["finish"]
    dates = page.split('id="impact-dates"')[1].split("</table>")[0]
    assert finish["current"][:10] in dates and finish["scenario"][:10] in dates
    assert f"+{finish['delta_working_days']} working days" in dates
    assert "Milestone" in dates and "API.ready" in dates and "missed" in dates
    cost = page.split('id="impact-cost"')[1].split("</p>")[0]
    assert f"{stored.impact['cost']['delta']:+,.2f}" in cost
    critical = page.split('id="impact-critical"')[1].split("</p>")[0]
    assert "entering " + ", ".join(stored.impact["critical_path"]["entering"]) in critical
    assert 'id="approve-request"' in page and 'id="reject-request"' in page

    approved = _step(api, "CR-003", "approve", comment="worth the delay")
    assert approved.status_code == 303
    page = _main(api.client.get(approved.headers["location"]).text)
    decisions = page.split('id="approvals"')[1].split("</table>")[0]
    assert "paula" in decisions and "approved" in decisions and "worth the delay" in decisions
    assert 'id="apply-request"' in page

    applied = _step(api, "CR-003", "apply")
    assert applied.status_code == 303
    page = _main(api.client.get(applied.headers["location"]).text)
    assert "Applied" in page and 'id="change-state">applied' in page
    with unit_of_work(api.url, write=False) as session:
        program = visible_program(session, ADMIN, "DPL")
        task = get_work_item(session, ADMIN, "DPL", "API.perf").item
    assert "CR-003" in [b.id for b in program.baselines]  # the baseline after the apply
    assert str(task.duration) == "30d"
    assert "baseline CR-003" in page.replace('<span class="id">', "").replace("</span>", "")
    assert 'id="apply-request"' not in page and 'id="submit-request"' not in page


def test_a_rejected_request_keeps_the_reason_and_offers_no_step(api):
    _login(api, "paula")
    _create(api, title="Cut the hardening")
    assert _step(api, "CR-003", "submit").status_code == 303
    rejected = _step(api, "CR-003", "reject", comment="too risky before launch")
    assert rejected.status_code == 303
    page = _main(api.client.get(rejected.headers["location"]).text)
    assert 'id="change-state">rejected' in page and "too risky before launch" in page
    assert '<form class="step"' not in page
    assert _stored(api, "CR-003").state == "rejected"
    again = _step(api, "CR-003", "apply", version="1")  # an old form: the state says no
    assert again.status_code == 409


def test_a_stale_version_and_a_stale_impact_are_said_on_the_page(api):
    _login(api, "paula")
    _create(api)
    shown = api.client.get(f"{LIST}/CR-003")
    old = _version(shown.text)
    assert _step(api, "CR-003", "submit").status_code == 303
    stale = _step(api, "CR-003", "approve", version=old)
    assert stale.status_code == 409
    assert "Someone else changed CR-003" in _main(stale.text)
    assert _stored(api, "CR-003").state == "submitted"
    assert _step(api, "CR-003", "approve").status_code == 303
    with unit_of_work(api.url, write=True) as session:  # the plan moves meanwhile
        version = get_work_item(session, ADMIN, "DPL", "WEB.uat").version
        do_update_work_item(session, ADMIN, "DPL", "WEB.uat", {"duration": "20d"}, if_match=version)
    refused = _step(api, "CR-003", "apply")
    assert refused.status_code == 409
    message = _main(refused.text).split('id="change-error">')[1].split("</p>")[0]
    assert "was not applied: the program changed" in message and "WEB.uat" in message
    stored = _stored(api, "CR-003")
    assert stored.state == "submitted" and stored.baseline is None  # back for approval
    assert 'id="approve-request"' in refused.text


def test_a_viewer_sees_no_step_and_the_server_refuses_their_posts(api):
    _login(api, "paula")
    _create(api)
    _login(api, "victor")
    page = api.client.get(f"{LIST}/CR-003")
    assert page.status_code == 200 and '<form class="step"' not in page.text
    token = _csrf(page.text)
    before = _revision(api)
    for step in ("submit", "approve", "apply"):
        refused = api.client.post(f"{LIST}/CR-003/{step}", data={"csrf": token, "version": "1"})
        assert refused.status_code == 403, step
        assert "victor may not" in _main(refused.text)
    created = api.client.post(
        LIST, data={"csrf": token, "title": "x", "changes": "API.perf.duration=30d"}
    )
    assert created.status_code == 403
    garbled = api.client.post(LIST, data={"csrf": token, "title": "", "changes": "nonsense"})
    assert garbled.status_code == 403 and "victor may not request" in _main(garbled.text)
    assert _revision(api) == before
    _login(api, "mona")  # a member may request, but not name approvers nor approve
    named = _create(api)  # no approvers: fine
    assert named.status_code == 303
    form = api.client.get(LIST)
    refused = api.client.post(
        LIST,
        data={"csrf": _csrf(form.text), "title": "x", "changes": "MOB.beta.duration=9d",
              "approvers": "katrin"},
    )  # fmt: skip
    assert refused.status_code == 422
    assert "program manager" in _main(refused.text).split('id="approvers-error"')[1]
    shown = api.client.get(f"{LIST}/CR-004")
    assert 'id="submit-request"' in shown.text
    assert _step(api, "CR-004", "submit").status_code == 303
    assert 'id="approve-request"' not in api.client.get(f"{LIST}/CR-004").text


def test_a_title_with_markup_is_shown_as_text(api):
    _login(api, "paula")
    made = _create(api, title="<script>alert(1)</script> faster")
    assert made.status_code == 303
    for path in (LIST, f"{LIST}/CR-003"):
        text = api.client.get(path).text
        assert "<script>alert(1)</script>" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt; faster" in text
