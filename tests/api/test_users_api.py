"""Users and their grants over the API (an administrator's only): listed a page at a time,
added with a password shown once, their role changed, deactivated and reactivated, their
password reset, roles granted and revoked, each edit against the user's version
(``If-Match``) and written to the audit log as the web admin pages write it; the last
active administrator keeps their role and stays active."""

from __future__ import annotations

from tests.api_support import ADMIN, PASSWORD, USERS

from progman.services.accounts import account_changes
from progman.services.database import unit_of_work

USERS_URL = "/api/v1/users"
PROBLEM = "application/problem+json"


def _problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["code"] == code, body
    return body


def _changes(api, name: str) -> list:
    with unit_of_work(api.url, write=False) as session:
        return account_changes(session, ADMIN, name)


def _login(api, name: str, password: str) -> int:
    response = api.client.post("/api/v1/auth/login", json={"username": name, "password": password})
    api.client.cookies.clear()
    return response.status_code


def test_an_admin_lists_users_by_name_a_page_at_a_time(api):
    headers = api.token("alice")
    whole = api.client.get(USERS_URL, headers=headers)
    assert whole.status_code == 200, whole.text
    assert [u["name"] for u in whole.json()["items"]] == sorted(USERS)
    assert whole.json()["next"] is None
    mona = next(u for u in whole.json()["items"] if u["name"] == "mona")
    assert mona["role"] == "member" and mona["active"] is True
    assert mona["grants"] == [{"role": "member", "program": "DPL", "project": "MOB"}]
    assert mona["version"] == 2  # created, then granted
    assert "password" not in mona and "password_hash" not in mona
    seen, cursor = [], None
    while True:
        query = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = api.client.get(USERS_URL, params=query, headers=headers).json()
        assert len(page["items"]) <= 2
        seen += [u["name"] for u in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == sorted(USERS)
    foreign = api.client.get(USERS_URL, params={"cursor": "%%%"}, headers=headers)
    assert _problem(foreign, 400, "usage.invalid")["errors"][0]["pointer"] == "/cursor"


def test_one_user_has_an_etag_and_an_unknown_one_is_a_404_naming_it(api):
    headers = api.token("alice")
    paula = api.client.get(f"{USERS_URL}/paula", headers=headers)
    assert paula.status_code == 200 and paula.headers["etag"] == '"2"'
    assert paula.json()["role"] == "program_manager" and paula.json()["version"] == 2
    for method, path in [
        ("GET", "/nobody"),
        ("PATCH", "/nobody"),
        ("POST", "/nobody/password"),
        ("GET", "/nobody/grants"),
        ("POST", "/nobody/grants"),
        ("DELETE", "/nobody/grants?program=DPL"),
    ]:
        body = {"role": "viewer", "program": "DPL"} if path.endswith("grants") else {}
        answer = api.client.request(method, USERS_URL + path, json=body,
                                    headers={**headers, "If-Match": '"1"'})  # fmt: skip
        assert "'nobody'" in _problem(answer, 404, "entity.not_found")["detail"], (method, path)


def test_an_admin_adds_a_user_whose_generated_password_is_shown_once(api):
    headers = api.token("alice")
    body = {"name": "nina", "role": "project_manager", "program": "DPL", "project": "API"}
    made = api.client.post(USERS_URL, json=body, headers=headers)
    assert made.status_code == 201, made.text
    assert made.headers["location"] == f"{USERS_URL}/nina" and made.headers["etag"] == '"2"'
    password = made.json()["password"]
    assert password and len(password) >= 12
    item = made.json()["item"]
    assert item["role"] == "project_manager" and item["active"]
    assert item["grants"] == [{"role": "project_manager", "program": "DPL", "project": "API"}]
    assert _login(api, "nina", password) == 200
    shown = api.client.get(f"{USERS_URL}/nina", headers=headers).json()
    assert "password" not in shown  # shown once, never again
    created = _changes(api, "nina")[-1]
    assert (created.actor, created.action) == ("alice", "created")
    assert created.after == {"name": "nina", "role": "project_manager"}
    chosen = {"name": "omar", "role": "admin", "password": "long enough secret"}
    own = api.client.post(USERS_URL, json=chosen, headers=headers)
    assert own.status_code == 201 and own.json()["password"] is None
    assert own.json()["item"]["grants"] == []
    assert _login(api, "omar", "long enough secret") == 200


def test_a_new_user_with_a_bad_role_name_program_or_password_is_refused_and_not_made(api):
    headers = api.token("alice")
    refusals = [
        ({"name": "zed", "role": "overlord"}, 422, "request.invalid", "/body/role"),
        ({"name": "zed", "role": "viewer", "program": "NOPE"}, 400, "usage.invalid", "/program"),
        ({"name": "zed", "role": "viewer", "program": "DPL", "project": "NOPE"}, 400,
         "usage.invalid", "/project"),
        ({"name": "zed", "role": "viewer", "password": "short"}, 400, "usage.invalid",
         "/password"),
        ({"name": "z ed", "role": "viewer"}, 400, "usage.invalid", "/NAME"),
        ({"name": "zed", "role": "admin", "program": "DPL"}, 400, "usage.invalid", "/role"),
    ]  # fmt: skip
    for body, status, code, pointer in refusals:
        answer = _problem(api.client.post(USERS_URL, json=body, headers=headers), status, code)
        assert answer["errors"][0]["pointer"] == pointer, answer
    taken = api.client.post(USERS_URL, json={"name": "paula", "role": "viewer"}, headers=headers)
    assert "exists already" in _problem(taken, 409, "conflict")["detail"]
    names = [u["name"] for u in api.client.get(USERS_URL, headers=headers).json()["items"]]
    assert "zed" not in names and "z ed" not in names


def test_a_role_change_names_the_version_and_is_audited(api):
    headers = api.token("alice")
    url = f"{USERS_URL}/victor"
    _problem(api.client.patch(url, json={"role": "member"}, headers=headers), 428,
             "conflict.precondition_required")  # fmt: skip
    stale = api.client.patch(url, json={"role": "member"}, headers={**headers, "If-Match": '"1"'})
    assert _problem(stale, 412, "conflict.stale_etag")["current_version"] == 2
    assert stale.headers["etag"] == '"2"'
    bad = api.client.patch(url, json={"role": "boss"}, headers={**headers, "If-Match": '"2"'})
    assert _problem(bad, 422, "request.invalid")["errors"][0]["pointer"] == "/body/role"
    changed = api.client.patch(url, json={"role": "member"},
                               headers={**headers, "If-Match": '"2"'})  # fmt: skip
    assert changed.status_code == 200, changed.text
    assert changed.json()["item"]["role"] == "member" and changed.headers["etag"] == '"3"'
    last = _changes(api, "victor")[0]
    assert (last.actor, last.before, last.after) == ("alice", {"role": "viewer"},
                                                     {"role": "member"})  # fmt: skip
    again = api.client.patch(url, json={"role": "admin"}, headers={**headers, "If-Match": '"2"'})
    _problem(again, 412, "conflict.stale_etag")
    assert api.client.get(url, headers=headers).json()["role"] == "member"


def test_a_deactivated_user_is_locked_out_until_reactivated(api):
    headers = api.token("alice")
    victor = api.token("victor")
    assert api.client.get("/api/v1/programs", headers=victor).status_code == 200
    url = f"{USERS_URL}/victor"
    off = api.client.patch(url, json={"active": False}, headers={**headers, "If-Match": '"2"'})
    assert off.status_code == 200 and off.json()["item"]["active"] is False
    _problem(api.client.get("/api/v1/programs", headers=victor), 401, "auth.unauthenticated")
    assert _login(api, "victor", PASSWORD) == 401
    assert _changes(api, "victor")[0].after == {"active": False}
    on = api.client.patch(url, json={"active": True}, headers={**headers, "If-Match": '"3"'})
    assert on.status_code == 200 and on.json()["item"]["active"] is True
    assert on.headers["etag"] == '"4"'
    assert _login(api, "victor", PASSWORD) == 200
    # the tokens revoked at deactivation stay revoked
    _problem(api.client.get("/api/v1/programs", headers=victor), 401, "auth.unauthenticated")


def test_the_last_active_admin_can_be_neither_demoted_nor_deactivated(api):
    headers = api.token("alice")
    url = f"{USERS_URL}/alice"
    demote = api.client.patch(url, json={"role": "viewer"}, headers={**headers, "If-Match": '"1"'})
    assert "last active administrator" in _problem(demote, 409, "conflict")["detail"]
    leave = api.client.patch(url, json={"active": False}, headers={**headers, "If-Match": '"1"'})
    assert "cannot deactivate yourself" in _problem(leave, 409, "conflict")["detail"]
    made = api.client.post(USERS_URL, json={"name": "bob", "role": "admin"}, headers=headers)
    assert made.status_code == 201
    bob = api.token("bob")
    # alice may not deactivate herself even with another admin; bob may deactivate her
    off = api.client.patch(url, json={"active": False}, headers={**bob, "If-Match": '"1"'})
    assert off.status_code == 200, off.text
    assert _login(api, "alice", PASSWORD) == 401
    # bob is now the last active admin (alice, an admin still, is deactivated)
    last = api.client.patch(f"{USERS_URL}/bob", json={"role": "member"},
                            headers={**bob, "If-Match": '"1"'})  # fmt: skip
    assert "bob is the last active administrator" in _problem(last, 409, "conflict")["detail"]
    back = api.client.patch(url, json={"active": True}, headers={**bob, "If-Match": '"2"'})
    assert back.status_code == 200
    # with alice active again, bob may step down, and holds no admin rights at once
    down = api.client.patch(f"{USERS_URL}/bob", json={"role": "viewer"},
                            headers={**bob, "If-Match": '"1"'})  # fmt: skip
    assert down.status_code == 200 and down.json()["item"]["role"] == "viewer"
    _problem(api.client.get(USERS_URL, headers=bob), 403, "auth.forbidden")
    assert [c.actor for c in _changes(api, "alice")[:2]] == ["bob", "bob"]


def test_a_refused_change_of_role_and_status_together_changes_neither(api):
    headers = {**api.token("alice"), "If-Match": '"1"'}
    both = api.client.patch(f"{USERS_URL}/alice", json={"role": "admin", "active": False},
                            headers=headers)  # fmt: skip
    _problem(both, 409, "conflict")
    paula = {**api.token("alice"), "If-Match": '"2"'}
    mixed = api.client.patch(f"{USERS_URL}/paula", json={"role": "viewer", "active": True},
                             headers=paula)  # fmt: skip
    assert mixed.status_code == 200 and mixed.json()["item"]["role"] == "viewer"
    assert mixed.headers["etag"] == '"3"'  # reactivating an active user changes nothing


def test_a_password_reset_is_shown_once_and_ends_the_old_password(api):
    headers = api.token("alice")
    url = f"{USERS_URL}/paula/password"
    reset = api.client.post(url, headers=headers)
    assert reset.status_code == 200, reset.text
    generated = reset.json()["password"]
    assert generated and reset.json()["item"]["name"] == "paula"
    assert reset.headers["etag"] == '"3"'
    assert _login(api, "paula", PASSWORD) == 401
    assert _login(api, "paula", generated) == 200
    assert _changes(api, "paula")[0].after == {"password": "(reset)"}
    chosen = api.client.post(url, json={"password": "a new long secret"},
                             headers={**headers, "If-Match": '"3"'})  # fmt: skip
    assert chosen.status_code == 200 and chosen.json()["password"] is None
    assert _login(api, "paula", "a new long secret") == 200
    short = api.client.post(url, json={"password": "tiny"}, headers=headers)
    assert _problem(short, 400, "usage.invalid")["errors"][0]["pointer"] == "/password"
    stale = api.client.post(url, headers={**headers, "If-Match": '"3"'})
    _problem(stale, 412, "conflict.stale_etag")
    assert _login(api, "paula", "a new long secret") == 200


def test_an_admin_grants_and_revokes_roles_on_programs_and_projects(api):
    headers = api.token("alice")
    url = f"{USERS_URL}/otto/grants"
    listed = api.client.get(url, headers=headers)
    assert listed.json() == {"items": [{"role": "viewer", "program": "OTH", "project": None}],
                             "next": None}  # fmt: skip
    assert listed.headers["etag"] == '"2"'
    otto = api.token("otto")
    assert api.client.get("/api/v1/programs/DPL", headers=otto).status_code == 404
    given = api.client.post(url, json={"role": "member", "program": "DPL", "project": "MOB"},
                            headers={**headers, "If-Match": '"2"'})  # fmt: skip
    assert given.status_code == 201, given.text
    assert given.headers["location"] == url and given.headers["etag"] == '"3"'
    assert {"role": "member", "program": "DPL", "project": "MOB"} in given.json()["item"]["grants"]
    assert api.client.get("/api/v1/programs/DPL", headers=otto).status_code == 200
    grant = _changes(api, "otto")[0]
    assert grant.actor == "alice"
    assert grant.after == {"grant": {"role": "member", "program": "DPL", "project": "MOB"}}
    page = api.client.get(url, params={"limit": 1}, headers=headers).json()
    assert len(page["items"]) == 1 and page["next"]
    rest = api.client.get(url, params={"limit": 1, "cursor": page["next"]}, headers=headers)
    assert rest.json()["items"] == [{"role": "member", "program": "DPL", "project": "MOB"}]
    revoke = f"{url}?program=DPL&project=MOB"
    _problem(api.client.delete(revoke, headers=headers), 428, "conflict.precondition_required")
    _problem(api.client.delete(revoke, headers={**headers, "If-Match": '"2"'}), 412,
             "conflict.stale_etag")  # fmt: skip
    gone = api.client.delete(revoke, headers={**headers, "If-Match": '"3"'})
    assert gone.status_code == 200, gone.text
    assert gone.json()["item"]["grants"] == [{"role": "viewer", "program": "OTH", "project": None}]
    assert _changes(api, "otto")[0].after == {"grant": None}
    assert api.client.get("/api/v1/programs/DPL", headers=otto).status_code == 404
    again = api.client.delete(revoke, headers={**headers, "If-Match": '"4"'})
    assert (
        "holds no grant on project MOB of program DPL"
        in _problem(again, 404, "entity.not_found")["detail"]
    )


def test_a_grant_that_could_give_nothing_or_everything_is_refused(api):
    headers = api.token("alice")
    url = f"{USERS_URL}/otto/grants"
    refusals = [
        ({"role": "admin", "program": "DPL"}, 400, "/role"),
        ({"role": "viewer", "program": "NOPE"}, 400, "/program"),
        ({"role": "viewer", "program": "DPL", "project": "NOPE"}, 400, "/project"),
        ({"role": "ruler", "program": "DPL"}, 422, "/body/role"),
        ({"role": "viewer"}, 422, "/body/program"),
    ]
    for body, status, pointer in refusals:
        answer = api.client.post(url, json=body, headers=headers)
        assert answer.status_code == status, (body, answer.text)
        assert answer.json()["errors"][0]["pointer"] == pointer, answer.json()
    orphan = api.client.delete(f"{url}?project=MOB", headers={**headers, "If-Match": '"2"'})
    assert _problem(orphan, 400, "usage.invalid")["errors"][0]["pointer"] == "/project"
    assert api.client.get(url, headers=headers).headers["etag"] == '"2"'  # nothing written


#: Every route with a body an admin's call would succeed with.
ROUTES = [
    ("GET", "", None),
    ("POST", "", {"name": "newcomer", "role": "viewer"}),
    ("GET", "/victor", None),
    ("PATCH", "/victor", {"role": "member"}),
    ("POST", "/victor/password", None),
    ("GET", "/victor/grants", None),
    ("POST", "/victor/grants", {"role": "viewer", "program": "OTH"}),
    ("DELETE", "/victor/grants?program=DPL", None),
]


def test_no_one_but_an_admin_may_see_or_change_users(api):
    """A viewer (or a program manager, a member) cannot see other users, nor themselves
    here (``/auth/me`` is for that), nor change anything; without credentials, 401."""
    for name in sorted(set(USERS) - {"alice"}):
        headers = {**api.token(name), "If-Match": '"2"'}
        for method, path, body in [*ROUTES, ("GET", f"/{name}", None)]:
            answer = api.client.request(method, USERS_URL + path, json=body, headers=headers)
            problem = _problem(answer, 403, "auth.forbidden")
            assert "victor" not in answer.text and "administrator" in problem["detail"]
        for method, path, body in ROUTES:
            answer = api.client.request(method, USERS_URL + path, json=body)
            _problem(answer, 401, "auth.unauthenticated")
    admin = {**api.token("alice"), "If-Match": '"2"'}
    for method, path, body in ROUTES:
        answer = api.client.request(method, USERS_URL + path, json=body, headers=admin)
        assert answer.status_code in {200, 201}, (method, path, answer.text)
        if method != "GET" and path:  # victor's version moved: name the new one
            admin["If-Match"] = answer.headers["etag"]
