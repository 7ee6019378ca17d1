"""The REST API's contract (SPEC §5.1): auth, the program list, one program, the engine's
answers in the CLI's JSON shapes, and every error as problem+json with a stable code."""

from __future__ import annotations

import json
import re

from tests.api_support import PASSWORD

from progman.cli.main import main
from progman.samples import sample_plan_path

PROBLEM = "application/problem+json"


def _problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["code"] == code
    assert set(body) >= {"type", "title", "status", "detail", "code", "errors"}
    return body


def test_without_credentials_every_route_answers_401(api):
    for method, path in [
        ("get", "/api/v1/programs"),
        ("get", "/api/v1/programs/DPL"),
        ("get", "/api/v1/programs/DPL/schedule"),
        ("post", "/api/v1/programs/DPL/simulate"),
        ("get", "/api/v1/auth/me"),
    ]:
        response = getattr(api.client, method)(path)
        _problem(response, 401, "auth.unauthenticated")
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_login_sets_an_http_only_cookie_and_unsafe_methods_need_the_csrf_token(api):
    response = api.client.post(
        "/api/v1/auth/login", json={"username": "paula", "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    cookie = response.headers["set-cookie"]
    assert "progman_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    body = response.json()
    assert body["user"] == {
        "name": "paula",
        "role": "program_manager",
        "grants": [{"role": "program_manager", "program": "DPL", "project": None}],
    }
    assert api.client.get("/api/v1/auth/me").json()["name"] == "paula"
    _problem(api.client.post("/api/v1/auth/logout"), 403, "auth.forbidden")
    response = api.client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": body["csrf_token"]})
    assert response.status_code == 204
    _problem(api.client.get("/api/v1/auth/me"), 401, "auth.unauthenticated")


def test_a_wrong_password_and_an_unknown_name_get_the_same_answer_then_a_pause(api):
    wrong = api.client.post("/api/v1/auth/login", json={"username": "paula", "password": "x"})
    nobody = api.client.post("/api/v1/auth/login", json={"username": "zed", "password": "x"})
    assert (
        _problem(wrong, 401, "auth.unauthenticated")["detail"]
        == (_problem(nobody, 401, "auth.unauthenticated")["detail"])
    )
    for _ in range(9):
        api.client.post("/api/v1/auth/login", json={"username": "paula", "password": "x"})
    response = api.client.post(
        "/api/v1/auth/login", json={"username": "paula", "password": PASSWORD}
    )
    _problem(response, 429, "auth.rate_limited")
    assert int(response.headers["retry-after"]) > 0


def test_a_bearer_token_works_and_a_made_up_one_does_not(api):
    headers = api.token("victor")
    assert api.client.get("/api/v1/auth/me", headers=headers).json()["name"] == "victor"
    made_up = {"Authorization": "Bearer pm_not-a-token"}
    _problem(api.client.get("/api/v1/auth/me", headers=made_up), 401, "auth.unauthenticated")
    created = api.client.post("/api/v1/auth/tokens", json={"days": 7}, headers=headers)
    assert created.status_code == 201
    own = {"Authorization": f"Bearer {created.json()['token']}"}
    assert api.client.get("/api/v1/auth/me", headers=own).json()["name"] == "victor"


def test_the_list_shows_only_the_programs_a_user_holds_a_grant_on(api):
    def keys(name: str) -> list[str]:
        response = api.client.get("/api/v1/programs", headers=api.token(name))
        assert response.status_code == 200
        return [item["key"] for item in response.json()["items"]]

    assert keys("alice") == ["DPL", "OTH"]
    assert keys("victor") == ["DPL"]
    assert keys("mona") == ["DPL"]  # a project grant lets her read its program
    assert keys("otto") == ["OTH"]


def test_another_programs_data_is_404_and_names_no_other_key(api):
    headers = api.token("victor")
    for path in ("/api/v1/programs/OTH", "/api/v1/programs/OTH/schedule"):
        body = _problem(api.client.get(path, headers=headers), 404, "entity.not_found")
        assert "DPL" not in json.dumps(body)
    body = _problem(
        api.client.get("/api/v1/programs/NOPE", headers=api.token("alice")), 404, "entity.not_found"
    )
    assert "DPL" not in json.dumps(body)


def test_the_list_pages_with_a_cursor(api):
    headers = api.token("alice")
    first = api.client.get("/api/v1/programs?limit=1", headers=headers).json()
    assert [i["key"] for i in first["items"]] == ["DPL"] and first["next"]
    second = api.client.get(f"/api/v1/programs?limit=1&cursor={first['next']}", headers=headers)
    assert [i["key"] for i in second.json()["items"]] == ["OTH"]
    assert second.json()["next"] is None
    bad = api.client.get("/api/v1/programs?cursor=%%%", headers=headers)
    assert _problem(bad, 400, "usage.invalid")["errors"][0]["pointer"] == "/cursor"


def test_one_program_has_its_revision_as_etag(api):
    headers = api.token("victor")
    response = api.client.get("/api/v1/programs/DPL", headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert body["key"] == "DPL" and body["projects"] == 5 and body["work_items"] == 102
    assert response.headers["etag"] == f'"{body["revision"]}"'
    again = api.client.get(
        "/api/v1/programs/DPL", headers={**headers, "If-None-Match": response.headers["etag"]}
    )
    assert again.status_code == 304


def test_the_schedule_is_the_clis_schedule_json(api, capsys):
    response = api.client.get("/api/v1/programs/DPL/schedule", headers=api.token("victor"))
    assert response.status_code == 200
    assert main(["schedule", str(sample_plan_path()), "--json"]) == 0
    assert response.json() == json.loads(capsys.readouterr().out)


def test_the_schedule_comes_a_page_at_a_time_filtered_by_project_and_criticality(api):
    headers = api.token("victor")
    url = "/api/v1/programs/DPL/schedule"
    whole = api.client.get(url, headers=headers).json()
    assert "next" not in whole
    for query, wanted in [
        ({}, whole["tasks"]),
        ({"project": "API"}, [t for t in whole["tasks"] if t["project"] == "API"]),
        ({"critical": "true"}, [t for t in whole["tasks"] if t["critical"]]),
        ({"critical": "false", "project": "WEB"},
         [t for t in whole["tasks"] if not t["critical"] and t["project"] == "WEB"]),
    ]:  # fmt: skip
        seen, cursor, pages = [], None, 0
        while True:
            params = {**query, "limit": 7, **({"cursor": cursor} if cursor else {})}
            page = api.client.get(url, params=params, headers=headers).json()
            assert len(page["tasks"]) <= 7
            assert page["finish"] == whole["finish"]
            assert page["critical_path"] == whole["critical_path"]
            seen += page["tasks"]
            pages += 1
            cursor = page["next"]
            if cursor is None:
                break
        assert seen == wanted and wanted
        assert pages == -(-len(wanted) // 7)
    first = api.client.get(url, params={"project": "API"}, headers=headers).json()
    assert first["tasks"] == [t for t in whole["tasks"] if t["project"] == "API"][:100]
    _problem(api.client.get(url, params={"project": "APY"}, headers=headers), 400, "usage.invalid")
    _problem(
        api.client.get(url, params={"cursor": "bm9wZQ"}, headers=headers), 400, "usage.invalid"
    )


def test_simulate_and_impact_answer_the_clis_json(api, capsys):
    headers = api.token("victor")
    response = api.client.post(
        "/api/v1/programs/DPL/simulate", json={"iterations": 200, "seed": 3}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert main(["simulate", str(sample_plan_path()), "--iterations", "200", "--seed", "3",
                 "--json"]) == 0  # fmt: skip
    assert response.json() == json.loads(capsys.readouterr().out)
    response = api.client.post(
        "/api/v1/programs/DPL/impact",
        json={"task": "API.data_migration", "slip": "5d"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    arguments = ["--task", "API.data_migration", "--slip", "5d", "--json"]
    assert main(["impact", str(sample_plan_path()), *arguments]) == 0
    assert response.json() == json.loads(capsys.readouterr().out)


def test_bad_requests_are_problems_naming_the_field(api):
    headers = api.token("victor")
    wrong_type = api.client.post(
        "/api/v1/programs/DPL/simulate", json={"iterations": "many"}, headers=headers
    )
    body = _problem(wrong_type, 422, "request.invalid")
    assert body["errors"][0]["pointer"] == "/body/iterations"
    unknown = api.client.post(
        "/api/v1/programs/DPL/simulate", json={"iterations": 10, "colour": 1}, headers=headers
    )
    assert _problem(unknown, 422, "request.invalid")["errors"][0]["pointer"] == "/body/colour"
    malformed = api.client.post(
        "/api/v1/programs/DPL/simulate",
        content=b"{not json",
        headers={**headers, "Content-Type": "application/json"},
    )
    _problem(malformed, 422, "request.invalid")
    no_slip = api.client.post(
        "/api/v1/programs/DPL/impact", json={"task": "API.data_migration"}, headers=headers
    )
    assert _problem(no_slip, 400, "usage.invalid")["errors"][0]["pointer"] == "/slip"
    unknown_task = api.client.post(
        "/api/v1/programs/DPL/impact", json={"task": "API.nope", "slip": "2d"}, headers=headers
    )
    assert unknown_task.status_code in (400, 404, 422)
    assert unknown_task.headers["content-type"].startswith(PROBLEM)
    _problem(api.client.get("/api/v1/nowhere", headers=headers), 404, "http.not_found")


def test_the_openapi_document_and_the_interactive_docs_are_served(api):
    document = api.client.get("/api/v1/openapi.json")
    assert document.status_code == 200
    paths = document.json()["paths"]
    assert "/api/v1/programs" in paths and "/api/v1/programs/{key}/schedule" in paths
    assert api.client.get("/api/docs").status_code == 200


def test_the_front_page_asks_a_stranger_to_log_in(api):
    response = api.client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/"


def test_an_oversized_body_is_refused_with_413_before_it_is_read(api, monkeypatch):
    from fastapi.testclient import TestClient  # noqa: PLC0415

    from progman.api import create_app  # noqa: PLC0415

    monkeypatch.setenv("PROGMAN_MAX_BODY_MB", "0.001")  # 1 KiB
    headers = {**api.token("victor"), "Content-Type": "application/json"}
    big = b'{"iterations": 10, "pad": "' + b"x" * 4000 + b'"}'
    with TestClient(create_app(api.url)) as client:
        said = client.post("/api/v1/programs/DPL/simulate", content=big, headers=headers)
        assert said.status_code == 413 and said.json()["code"] == "request.too_large"

        def chunks():
            yield big[:600]
            yield big[600:]

        streamed = client.post("/api/v1/programs/DPL/simulate", content=chunks(), headers=headers)
        assert streamed.status_code == 413 and streamed.json()["code"] == "request.too_large"
        small = client.post("/api/v1/programs/DPL/simulate", json={"iterations": 10},
                            headers=headers)  # fmt: skip
        assert small.status_code == 200


def test_a_logout_holds_at_once_although_callers_are_remembered(api):
    body = {"username": "victor", "password": PASSWORD}
    csrf = api.client.post("/api/v1/auth/login", json=body).json()["csrf_token"]
    cookie = api.client.cookies["progman_session"]
    assert api.client.get("/api/v1/auth/me").status_code == 200  # remembered now
    assert api.client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    api.client.cookies.clear()
    replayed = api.client.get("/api/v1/auth/me", headers={"Cookie": f"progman_session={cookie}"})
    _problem(replayed, 401, "auth.unauthenticated")


def test_the_interactive_docs_use_only_assets_the_server_serves(api):
    page = api.client.get("/api/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(url.startswith("/api/") for url in assets), assets  # never a CDN
    for url in assets:
        assert api.client.get(url).status_code == 200, url
