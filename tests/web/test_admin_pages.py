"""The administrator's pages and the audit log's filters on a real database (SQLite, and
PostgreSQL through scripts/with-postgres.sh): adding users and granting them programs,
form errors next to their field with nothing written, the 403 for everyone else, the
last administrator kept, and the audit log filtered by day, action and kind."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient
from tests.api_support import ADMIN, PASSWORD

from progman.services.accounts import accounts
from progman.services.audit import audit_page
from progman.services.database import unit_of_work
from progman.services.work_items import do_update_work_item
from progman.storage import models as m


def _login(client: TestClient, name: str, password: str = PASSWORD):
    return client.post("/login", data={"username": name, "password": password, "next": "/"})


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "no CSRF field on the page"
    return found.group(1)


def _admin(api) -> str:
    """Log in as alice (the only administrator); the CSRF token of her session."""
    return _csrf(_login(api.client, "alice").text)


def _main(page: str) -> str:
    return html.unescape(page.split('<main id="main">', 1)[1])


def _users(api) -> dict[str, tuple[str, bool, tuple]]:
    with unit_of_work(api.url, write=False) as session:
        return {a.name: (a.role, a.active, a.grants) for a in accounts(session, ADMIN)}


def _user_audit_rows(api) -> int:
    from sqlalchemy import func, select  # noqa: PLC0415

    with unit_of_work(api.url, write=False) as session:
        query = select(func.count()).where(m.AuditRow.entity_kind == "user")
        return int(session.scalar(query) or 0)


def test_an_admin_adds_a_user_grants_a_program_and_the_user_then_sees_it(api):
    csrf = _admin(api)
    listed = api.client.get("/admin/users")
    assert listed.status_code == 200
    for name in ("alice", "paula", "victor", "mona", "otto"):
        assert f'href="/admin/users/{name}">{name}</a>' in listed.text
    added = api.client.post(
        "/admin/users",
        data={"csrf": csrf, "name": "nina", "role": "viewer", "program": "OTH", "password": ""},
    )
    assert added.status_code == 201
    secret = re.search(r'<code id="secret">([^<]+)</code>', added.text)
    assert secret and len(secret.group(1)) >= 12  # generated, shown this once
    assert "User nina added as viewer." in _main(added.text)
    assert _users(api)["nina"][0] == "viewer"
    again = api.client.get("/admin/users").text
    assert secret.group(1) not in again  # never shown a second time

    granted = api.client.post(
        "/admin/users/nina/grants",
        data={"csrf": csrf, "role": "project_manager", "program": "DPL", "project": "MOB"},
        follow_redirects=False,
    )
    assert granted.status_code == 303
    assert granted.headers["location"] == "/admin/users/nina?done=granted&who=nina"
    detail = _main(api.client.get(granted.headers["location"]).text)
    assert "nina: role granted." in detail
    assert "<td>project manager</td><td>DPL</td><td>MOB</td>" in detail
    assert "<td>viewer</td><td>OTH</td><td>all of it</td>" in detail
    changes = detail.split('id="changes"', 1)[1]
    # added, its first grant (OTH), the grant on MOB: each in the audit log, by alice
    assert changes.count("<td>alice</td>") == 3 and "created: name" in changes

    with TestClient(api.client.app) as nina:
        home = _login(nina, "nina", secret.group(1))
        assert home.status_code == 200
        assert "/programs/OTH" in home.text and "/programs/DPL" in home.text
        assert "/admin/users" not in home.text  # no Admin link for a non-admin
        assert nina.get("/programs/DPL").status_code == 200

    revoked = api.client.post(
        "/admin/users/nina/grants/revoke",
        data={"csrf": csrf, "program": "DPL", "project": "MOB"},
        follow_redirects=False,
    )
    assert revoked.status_code == 303
    assert _users(api)["nina"][2] == (_users(api)["nina"][2][0],)  # only OTH is left
    with TestClient(api.client.app) as nina:
        _login(nina, "nina", secret.group(1))
        assert nina.get("/programs/DPL").status_code == 404


def test_form_errors_are_said_next_to_the_field_and_nothing_is_written(api):
    csrf = _admin(api)
    before, rows = _users(api), _user_audit_rows(api)
    cases = [
        ({"name": "paula", "role": "viewer"}, 409, "name", "a user named 'paula' exists already"),
        ({"name": "bo", "role": "viewer", "password": "short"}, 400, "password", "at least 8"),
        ({"name": "bo", "role": "viewer", "program": "NOPE"}, 400, "program", "no program"),
        ({"name": "bo", "role": "member", "program": "DPL", "project": "XYZ"}, 400, "project",
         "program DPL has no project 'XYZ'"),
        ({"name": "bo bo", "role": "viewer"}, 400, "name", "is not a user name"),
        ({"name": "bo", "role": "admin", "program": "DPL"}, 400, "role", "admin is a role on"),
    ]  # fmt: skip
    for fields, status, field, message in cases:
        sent = api.client.post("/admin/users", data={"csrf": csrf, **fields})
        assert sent.status_code == status, fields
        shown = re.search(rf'id="{field}-error" role="alert">([^<]+)<', sent.text)
        assert shown and message in html.unescape(shown.group(1)), (fields, sent.text[-2000:])
        assert f'id="{field}" ' in sent.text and 'aria-invalid="true"' in sent.text
        assert f'value="{fields["name"]}"' in sent.text  # what was typed stays in the form
    for fields, field, message in [
        ({"role": "viewer", "program": "NOPE"}, "program", "no program with key 'NOPE'"),
        ({"role": "viewer", "program": ""}, "program", "name the program"),
        ({"role": "viewer", "program": "DPL", "project": "XYZ"}, "project", "no project 'XYZ'"),
        ({"role": "admin", "program": "DPL"}, "role", "change the user's role to admin"),
    ]:
        sent = api.client.post("/admin/users/victor/grants", data={"csrf": csrf, **fields})
        assert sent.status_code == 400
        shown = re.search(rf'id="{field}-error" role="alert">([^<]+)<', sent.text)
        assert shown and message in html.unescape(shown.group(1)), fields
    assert _users(api) == before and _user_audit_rows(api) == rows


def test_anyone_but_an_admin_gets_the_403_page_and_their_forms_are_refused(api):
    page = _login(api.client, "paula").text  # a program manager
    assert "/admin/users" not in page  # no Admin link
    csrf = _csrf(page)
    before = _users(api)
    for path in ("/admin/users", "/admin/users/victor"):
        refused = api.client.get(path)
        assert refused.status_code == 403
        assert "only an administrator may add users" in _main(refused.text)
    for path, fields in [
        ("/admin/users", {"name": "mallory", "role": "admin"}),
        ("/admin/users/paula/role", {"role": "admin"}),
        ("/admin/users/alice/active", {"active": "false"}),
        ("/admin/users/alice/password", {}),
        ("/admin/users/paula/grants", {"role": "program_manager", "program": "OTH"}),
        ("/admin/users/victor/grants/revoke", {"program": "DPL"}),
    ]:
        refused = api.client.post(path, data={"csrf": csrf, **fields})
        assert refused.status_code == 403, path
    assert _users(api) == before
    _login(api.client, "alice")
    assert 'href="/admin/users">Admin</a>' in api.client.get("/").text


def test_the_last_active_admin_can_be_neither_demoted_nor_deactivated(api):
    csrf = _admin(api)
    demoted = api.client.post("/admin/users/alice/role", data={"csrf": csrf, "role": "viewer"})
    assert demoted.status_code == 409
    shown = re.search(r'id="role-error-\d+" role="alert">([^<]+)<', demoted.text)
    assert shown and "alice is the last active administrator" in html.unescape(shown.group(1))
    itself = api.client.post("/admin/users/alice/active", data={"csrf": csrf, "active": "false"})
    assert itself.status_code == 409 and "cannot deactivate yourself" in html.unescape(itself.text)
    assert _users(api)["alice"][:2] == ("admin", True)

    def post(path: str, **fields: str):
        return api.client.post(path, data={"csrf": csrf, **fields}, follow_redirects=False)

    assert post("/admin/users/paula/role", role="admin").status_code == 303
    assert post("/admin/users/paula/active", active="false").status_code == 303
    assert post("/admin/users/alice/role", role="viewer").status_code == 409  # paula is inactive
    assert post("/admin/users/paula/active", active="true").status_code == 303
    assert post("/admin/users/alice/role", role="viewer").status_code == 303  # paula is admin now
    assert api.client.get("/admin/users").status_code == 403  # alice's new role holds at once
    roles = _users(api)
    assert roles["alice"][0] == "viewer" and roles["paula"][:2] == ("admin", True)


def test_a_deactivated_user_is_logged_out_and_a_reset_password_is_shown_once(api):
    csrf = _admin(api)
    with TestClient(api.client.app) as victor:
        assert _login(victor, "victor").status_code == 200
        assert victor.get("/programs/DPL", follow_redirects=False).status_code == 200
        done = api.client.post("/admin/users/victor/active", data={"csrf": csrf, "active": "false"})
        assert "victor is deactivated" in _main(done.text)
        assert "✖ deactivated" in done.text
        assert victor.get("/programs/DPL", follow_redirects=False).status_code == 303
        again = _login(victor, "victor")
        assert again.status_code == 401 and "victor is deactivated" in html.unescape(again.text)
    reset = api.client.post("/admin/users/mona/password", data={"csrf": csrf})
    assert reset.status_code == 200
    secret = re.search(r'<code id="secret">([^<]+)</code>', reset.text)
    assert secret
    with TestClient(api.client.app) as mona:
        assert _login(mona, "mona").status_code == 401  # the old password is gone
        assert _login(mona, "mona", secret.group(1)).status_code == 200
    detail = _main(api.client.get("/admin/users/mona").text).split('id="changes"', 1)[1]
    assert '"(reset)"' in detail and "password" in detail  # audited, the password never shown
    assert secret.group(1) not in detail


def _rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [row for row in body.split("<tr>")[1:] if "colspan" not in row]


def test_the_audit_log_filters_by_day_action_and_kind_and_keeps_them_on_every_page(api):
    with unit_of_work(api.url, write=True) as session:
        do_update_work_item(session, ADMIN, "DPL", "API.pentest", {"duration": "12d"}, if_match=1)
        edit = session.query(m.AuditRow).filter_by(actor=ADMIN.name, program_key="DPL").one()
        edit.at = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)  # an edit made on a known day
    _login(api.client, "victor")
    today = date.today().isoformat()

    that_day = api.client.get("/programs/DPL/audit?from=2026-01-15&to=2026-01-15").text
    rows = _rows(that_day)
    assert len(rows) == 1 and "API.pentest" in rows[0] and "2026-01-15 09:30" in rows[0]
    assert 'id="from" name="from" type="date" value="2026-01-15"' in that_day
    assert len(_rows(api.client.get("/programs/DPL/audit?to=2026-01-14").text)) == 0
    assert len(_rows(api.client.get("/programs/DPL/audit?from=2026-01-16&to=2026-01-16").text)) == 0

    updated = _rows(api.client.get("/programs/DPL/audit?action=updated").text)
    assert len(updated) == 1 and "<td>updated</td>" in updated[0]
    created = api.client.get(f"/programs/DPL/audit?action=created&kind=work_item&from={today}").text
    rows = _rows(created)
    assert len(rows) == 50 and all(
        "<td>created</td>" in r and "<td>work item</td>" in r for r in rows
    )
    assert '<option value="work_item" selected>' in created
    older = re.search(r'id="older" href="\?([^"]+)"', created)
    assert older, "no link to the older entries"
    query = html.unescape(older.group(1))
    assert f"action=created&kind=work_item&from={today}&cursor=" in query
    second = _rows(api.client.get(f"/programs/DPL/audit?{query}").text)
    assert second and all("<td>created</td>" in r and "<td>work item</td>" in r for r in second)
    assert not set(second) & set(rows)
    with unit_of_work(api.url, write=False) as session:
        tasks = audit_page(session, ADMIN, "DPL", action="created", kind="work_item", limit=500)
    assert len(rows) + len(second) == min(len(tasks.entries), 100)

    bad = api.client.get("/programs/DPL/audit?from=15.01.2026")
    assert bad.status_code == 400
    assert 'id="from-error" role="alert">&#39;15.01.2026&#39; is not a day' in bad.text
    swapped = api.client.get("/programs/DPL/audit?from=2026-02-01&to=2026-01-01")
    assert swapped.status_code == 400 and 'id="to-error"' in swapped.text
    assert "swap the two days" in html.unescape(swapped.text)


def test_the_rest_apis_audit_takes_the_same_filters(api):
    with unit_of_work(api.url, write=True) as session:
        do_update_work_item(session, ADMIN, "DPL", "API.pentest", {"duration": "12d"}, if_match=1)
    headers = api.token("victor")
    today = date.today()
    found = api.client.get(
        f"/api/v1/programs/DPL/audit?action=updated&kind=work_item&from={today}&to={today}",
        headers=headers,
    )
    assert found.status_code == 200
    items = found.json()["items"]
    assert [(i["action"], i["entity_key"]) for i in items] == [("updated", "API.pentest")]
    tomorrow = today + timedelta(days=1)
    later = api.client.get(f"/api/v1/programs/DPL/audit?from={tomorrow}", headers=headers)
    assert later.json()["items"] == []
    wrong = api.client.get("/api/v1/programs/DPL/audit?action=renamed", headers=headers)
    assert wrong.status_code == 400 and "choose one of created, updated, deleted" in wrong.text
