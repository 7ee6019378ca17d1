"""Every endpoint against every role, on the program they hold a grant on and on another
one: allowed or denied exactly. A new endpoint fails here until it is in the matrix."""

from __future__ import annotations

import pytest
from tests.api_support import USERS

from progman.api import create_app

#: What a call sends: (method, path, JSON body). ``{key}`` is the program asked about.
CALLS: dict[tuple[str, str], dict | None] = {
    ("GET", "/api/v1/programs"): None,
    ("GET", "/api/v1/programs/{key}"): None,
    ("GET", "/api/v1/programs/{key}/schedule"): None,
    ("POST", "/api/v1/programs/{key}/simulate"): {"iterations": 50},
    ("POST", "/api/v1/programs/{key}/impact"): {"task": "API.data_migration", "slip": "2d"},
    ("GET", "/api/v1/auth/me"): None,
    ("POST", "/api/v1/auth/tokens"): {"days": 1},
}
#: Routes every caller may use whatever they hold (about themselves, or public).
OWN = {("GET", "/api/v1/auth/me"), ("POST", "/api/v1/auth/tokens"), ("GET", "/api/v1/programs")}
#: Routes outside the matrix, each for a reason tested elsewhere.
ELSEWHERE = {
    ("POST", "/api/v1/auth/login"): "public: test_api_basics",
    ("POST", "/api/v1/auth/logout"): "a session's own: test_api_basics",
}
#: Reading a program's data: who may, on which program (the rest get 404).
READERS = {
    "DPL": {"alice", "paula", "victor", "mona"},
    "OTH": {"alice", "otto"},
}


def test_every_endpoint_is_in_the_matrix():
    paths = create_app("sqlite://").openapi()["paths"]
    routes = {(method.upper(), path) for path, methods in paths.items() for method in methods}
    assert routes == set(CALLS) | set(ELSEWHERE)


@pytest.mark.parametrize("user", sorted(USERS))
def test_each_role_gets_exactly_what_it_may(api, user):
    headers = api.token(user)
    for (method, path), body in CALLS.items():
        for key in ("DPL", "OTH") if "{key}" in path else ("DPL",):
            url = path.format(key=key)
            response = api.client.request(method, url, json=body, headers=headers)
            allowed = (method, path) in OWN or user in READERS[key]
            expected = {200, 201} if allowed else {404}
            assert response.status_code in expected, (user, method, url, response.text)
