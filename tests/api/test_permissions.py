"""Every endpoint against every role, on the program they hold a grant on and on another
one: allowed or denied exactly. A new endpoint fails here until it is in the matrix."""

from __future__ import annotations

import pytest
from tests.api_support import USERS

from progman.api import create_app

#: Reads: (method, path, JSON body). ``{key}`` is the program asked about.
READS: dict[tuple[str, str], dict | list | None] = {
    ("GET", "/api/v1/programs/{key}"): None,
    ("GET", "/api/v1/programs/{key}/schedule"): None,
    ("POST", "/api/v1/programs/{key}/simulate"): {"iterations": 50},
    ("POST", "/api/v1/programs/{key}/impact"): {"task": "API.data_migration", "slip": "2d"},
    ("GET", "/api/v1/programs/{key}/work-items"): None,
    ("GET", "/api/v1/programs/{key}/work-items/{item_id}"): None,
    ("GET", "/api/v1/programs/{key}/risks"): None,
    ("GET", "/api/v1/programs/{key}/resource-load"): None,
    ("GET", "/api/v1/programs/{key}/resources"): None,
    ("GET", "/api/v1/programs/{key}/resources/{resource_id}"): None,
    ("POST", "/api/v1/programs/{key}/level"): {"time_limit": 0.05},
    ("POST", "/api/v1/programs/{key}/whatif"): {
        "changes": [{"op": "set", "target": "API.cutover", "field": "duration", "value": "5d"}]
    },
    ("GET", "/api/v1/programs/{key}/audit"): None,
}
#: Writes of a project's work (a project manager's and up): item ``API.data_migration``.
WRITES: dict[tuple[str, str], dict | list | None] = {
    ("PATCH", "/api/v1/programs/{key}/work-items/{item_id}"): {"name": "Data migration"},
    ("POST", "/api/v1/programs/{key}/work-items"): {"parent": "API", "name": "New"},
    ("DELETE", "/api/v1/programs/{key}/work-items/{item_id}"): None,
    ("POST", "/api/v1/programs/{key}/links"): {"successor": "API.data_migration"},  # + from
    ("PATCH", "/api/v1/programs/{key}/links/{predecessor}/{successor}"): {"lag": "1d"},
    ("DELETE", "/api/v1/programs/{key}/links/{predecessor}/{successor}"): None,
    ("PATCH", "/api/v1/programs/{key}/resources/{resource_id}"): {"capacity": 0.9},
    ("PUT", "/api/v1/programs/{key}/work-items/{item_id}/assignments"): [{"resource": "jonas"}],
}
#: Routes every caller may use whatever they hold (about themselves, or the list).
OWN: dict[tuple[str, str], dict | None] = {
    ("GET", "/api/v1/auth/me"): None,
    ("POST", "/api/v1/auth/tokens"): {"days": 1},
    ("GET", "/api/v1/programs"): None,
}
#: Routes outside the matrix, each for a reason tested elsewhere.
ELSEWHERE = {
    ("POST", "/api/v1/auth/login"): "public: test_api_basics",
    ("POST", "/api/v1/auth/logout"): "a session's own: test_api_basics",
}
#: Who may read each program's data (the rest get 404) and who may change its API
#: project's work (readers who may not get 403).
READERS = {"DPL": {"alice", "paula", "victor", "mona"}, "OTH": {"alice", "otto"}}
WRITERS = {"DPL": {"alice", "paula"}, "OTH": {"alice"}}


def test_every_endpoint_is_in_the_matrix():
    paths = create_app("sqlite://").openapi()["paths"]
    routes = {(method.upper(), path) for path, methods in paths.items() for method in methods}
    assert routes == set(READS) | set(WRITES) | set(OWN) | set(ELSEWHERE)


def _expected(user: str, key: str, write: bool) -> set[int]:
    if user not in READERS[key]:
        return {404}
    if write and user not in WRITERS[key]:
        return {403}
    return {200, 201}


@pytest.mark.parametrize("user", sorted(USERS))
def test_each_role_gets_exactly_what_it_may(api, user):
    headers = api.token(user)
    admin = api.token("alice")
    for (method, path), body in OWN.items():
        response = api.client.request(method, path, json=body, headers=headers)
        assert response.status_code in {200, 201}, (user, method, path, response.text)
    for key in ("DPL", "OTH"):
        base = f"/api/v1/programs/{key}/work-items"
        victim, source = f"API.victim_{user}", f"API.from_{user}"
        for ident in (victim, source):  # an item to delete, one to link from
            made = api.client.post(base, json={"parent": "API", "id": ident, "name": "v"},
                                   headers=admin)  # fmt: skip
            assert made.status_code == 201, made.text
        calls = [(m, p, b, False) for (m, p), b in READS.items()]
        calls += [(m, p, b, True) for (m, p), b in WRITES.items()]
        for method, path, body, write in calls:
            link = "/links" in path
            item = victim if method == "DELETE" and not link else "API.data_migration"
            url = path.format(
                key=key, item_id=item, predecessor=source, successor=item, resource_id="jonas"
            )
            versioned = (
                f"/api/v1/programs/{key}/resources/jonas"
                if "{resource_id}" in path
                else f"{base}/{item}"
            )
            extra = {}
            if method in ("PATCH", "DELETE", "PUT") or link:
                extra["If-Match"] = api.client.get(versioned, headers=admin).headers["etag"]
            sent = body
            if isinstance(body, dict) and "parent" in body:
                sent = {**body, "id": f"API.new_{user}"}
            if link and method == "POST":
                sent = {**body, "predecessor": source}
            response = api.client.request(method, url, json=sent, headers={**headers, **extra})
            assert response.status_code in _expected(user, key, write), (
                user, method, url, response.text,
            )  # fmt: skip
