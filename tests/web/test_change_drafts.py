"""Editing and deleting a draft change request from its page (SQLite, and PostgreSQL
through scripts/with-postgres.sh): the draft's changes as lines that read back as the
same changes, what the form cannot spell kept as it is, only changed fields sent (a
member may edit a draft whose approvers a manager named), mistakes next to their field
with nothing written, stale versions, and viewers refused as by the API."""

from __future__ import annotations

import html
import re

from tests.api_support import ADMIN, PASSWORD

from progman.domain import ChangeItem
from progman.services.catalog import program_entry
from progman.services.change_form import draft_form
from progman.services.change_impact import parse_add
from progman.services.change_requests import (
    do_create_change_request,
    get_change_request,
    list_change_requests,
)
from progman.services.database import unit_of_work
from progman.services.inputs import parse_changes

LIST = "/programs/DPL/changes"


def _login(api, name: str) -> None:
    done = api.client.post("/login", data={"username": name, "password": PASSWORD})
    assert done.status_code == 200, done.text[:300]


def _main(text: str) -> str:
    return html.unescape(text.split('<main id="main">', 1)[1])


def _field(text: str, name: str) -> str:
    """The value the page shows in the form field ``name`` (an input or a textarea)."""
    found = re.search(rf'name="{name}"[^>]*?value="([^"]*)"', text) or re.search(
        rf'name="{name}"[^>]*>([^<]*)</textarea>', text
    )
    assert found, f"no field {name} on the page"
    return html.unescape(found.group(1))


def _revision(api) -> int:
    with unit_of_work(api.url, write=False) as session:
        return program_entry(session, ADMIN, "DPL").revision


def _stored(api, ident: str):
    with unit_of_work(api.url, write=False) as session:
        return get_change_request(session, ADMIN, "DPL", ident)


def _draft(api, changes: list[ChangeItem], approvers: list[str] | None = None) -> str:
    with unit_of_work(api.url, write=True) as session:
        made = do_create_change_request(
            session, ADMIN, "DPL", title="Longer tests", changes=changes,
            reason="load found problems", requester="paula", approvers=approvers or [],
        )  # fmt: skip
    return made.view.request.id


def _form(text: str, **typed: str) -> dict[str, str]:
    """The edit form as the page shows it, with ``typed`` over it."""
    names = ("csrf", "version", "title", "reason", "sets", "deps", "removes", "approvers")
    shown = {name: _field(text, name) for name in names}
    return shown | typed


def test_a_draft_is_shown_as_lines_and_saved_as_typed(api):
    ident = _draft(api, parse_changes(["API.perf.duration=30d"], ["MOB.beta:API.perf FS+2d"]))
    _login(api, "paula")
    page = api.client.get(f"{LIST}/{ident}")
    assert page.status_code == 200
    assert _field(page.text, "sets") == "API.perf.duration=30d"
    assert _field(page.text, "deps") == "MOB.beta:API.perf FS+2d"
    assert 'id="delete-draft"' in page.text and 'id="submit-request"' in page.text
    data = _form(
        page.text, title="Much longer tests", sets="API.perf.duration=35d\nAPI.perf.name=Load",
        deps="", removes="", reason="",
    )  # fmt: skip
    saved = api.client.post(f"{LIST}/{ident}/edit", data=data, follow_redirects=False)
    assert saved.status_code == 303, _main(saved.text)[:500]
    assert saved.headers["location"].endswith(f"/{ident}?done=edited")
    stored = _stored(api, ident)
    assert stored.request.title == "Much longer tests" and stored.request.reason is None
    assert stored.request.changes == parse_changes(["API.perf.duration=35d", "API.perf.name=Load"])
    assert stored.version == int(data["version"]) + 1
    shown = _main(api.client.get(saved.headers["location"]).text)
    assert "Draft saved" in shown and "set API.perf.duration = 35d" in shown


def test_a_bad_line_or_nothing_changed_is_said_at_its_field_and_nothing_is_written(api):
    ident = _draft(api, parse_changes(["API.perf.duration=30d"]))
    _login(api, "paula")
    page = api.client.get(f"{LIST}/{ident}")
    before, revision = _stored(api, ident), _revision(api)
    cases = {
        "edit-sets-error": {"sets": "API.perf.duration=30d\nnot a change"},
        "edit-title-error": {"title": "  "},
        "edit-form-error": {},  # the form as shown: nothing to save
    }
    for where, typed in cases.items():
        refused = api.client.post(f"{LIST}/{ident}/edit", data=_form(page.text, **typed))
        assert refused.status_code == 422, where
        said = _main(refused.text)
        assert f'id="{where}"' in said, where
        assert 'aria-invalid="true"' in said or where == "edit-form-error"
        if typed.get("sets"):
            assert "line 2" in said.split(f'id="{where}"')[1] and "not a change" in refused.text
    unknown = api.client.post(
        f"{LIST}/{ident}/edit", data=_form(page.text, sets="NOPE.duration=3d")
    )
    assert unknown.status_code == 422 and "NOPE" in _main(unknown.text)
    assert _stored(api, ident) == before and _revision(api) == revision


def test_what_the_form_cannot_spell_is_kept_and_a_member_may_edit_a_managers_draft(api):
    added = parse_add("API.tasks={id: API.wallet2, name: More wallets, duration: 5d}")
    ident = _draft(api, [added, *parse_changes(["API.perf.duration=30d"])], approvers=["katrin"])
    with unit_of_work(api.url, write=False) as session:
        request = get_change_request(session, ADMIN, "DPL", ident).request
    assert draft_form(request).kept == (added,)
    _login(api, "mona")  # a member: may edit drafts, may not name approvers
    page = api.client.get(f"{LIST}/{ident}")
    assert "Kept as they are" in _main(page.text) and "API.wallet2" in _main(page.text)
    saved = api.client.post(
        f"{LIST}/{ident}/edit", data=_form(page.text, title="Wallets too"), follow_redirects=False
    )
    assert saved.status_code == 303, _main(saved.text)[:500]
    stored = _stored(api, ident).request
    assert stored.title == "Wallets too" and stored.approvers == ["katrin"]
    assert stored.changes == [added, *parse_changes(["API.perf.duration=30d"])]
    page = api.client.get(f"{LIST}/{ident}")
    renamed = api.client.post(f"{LIST}/{ident}/edit", data=_form(page.text, approvers="mona"))
    assert renamed.status_code == 422
    assert "program manager" in _main(renamed.text).split('id="edit-approvers-error"')[1]


def test_a_stale_page_is_answered_with_the_draft_as_it_is_now(api):
    ident = _draft(api, parse_changes(["API.perf.duration=30d"]))
    _login(api, "paula")
    page = api.client.get(f"{LIST}/{ident}")
    first = api.client.post(f"{LIST}/{ident}/edit", data=_form(page.text, title="One"))
    assert first.status_code == 200  # followed to the page
    for action, typed in (("edit", {"title": "Two"}), ("delete", {})):
        data = _form(page.text, **typed)
        stale = api.client.post(f"{LIST}/{ident}/{action}", data=data)
        assert stale.status_code == 409, action
        assert "Someone else changed" in _main(stale.text)
        assert _field(stale.text, "title") == "One"
    assert _stored(api, ident).request.title == "One"


def test_a_draft_is_deleted_and_a_submitted_request_cannot_be(api):
    ident = _draft(api, parse_changes(["API.perf.duration=30d"]))
    _login(api, "paula")
    page = api.client.get(f"{LIST}/{ident}")
    data = {"csrf": _field(page.text, "csrf"), "version": _field(page.text, "version")}
    gone = api.client.post(f"{LIST}/{ident}/delete", data=data, follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"] == f"{LIST}?done=deleted"
    listed = _main(api.client.get(gone.headers["location"]).text)
    assert "Draft deleted" in listed and f'id="cr-{ident}"' not in listed
    with unit_of_work(api.url, write=False) as session:
        left = list_change_requests(session, ADMIN, "DPL", limit=50).items
    assert ident not in [v.request.id for v in left]
    other = api.client.get(f"{LIST}/CR-002")  # the sample's, submitted
    assert 'id="delete-draft"' not in other.text and 'name="sets"' not in other.text
    version = str(_stored(api, "CR-002").version)
    token = _field(other.text, "csrf")
    for action in ("delete", "edit"):
        refused = api.client.post(
            f"{LIST}/CR-002/{action}", data={"csrf": token, "version": version, "title": "x"}
        )
        assert refused.status_code == 409, action
        assert "submitted" in _main(refused.text)


def test_a_viewer_sees_no_edit_form_and_the_server_refuses_their_posts(api):
    ident = _draft(api, parse_changes(["API.perf.duration=30d"]))
    _login(api, "victor")
    page = api.client.get(f"{LIST}/{ident}")
    assert page.status_code == 200 and 'name="sets"' not in page.text
    before, revision = _stored(api, ident), _revision(api)
    token = _field(page.text, "csrf")
    data = {"csrf": token, "version": str(before.version), "title": "mine", "sets": ""}
    for action in ("edit", "delete"):
        refused = api.client.post(f"{LIST}/{ident}/{action}", data=data)
        assert refused.status_code == 403, action
        assert "victor may not" in _main(refused.text)
    forged = api.client.post(f"{LIST}/{ident}/delete", data={**data, "csrf": "forged"})
    assert forged.status_code in (400, 403)
    assert _stored(api, ident) == before and _revision(api) == revision
