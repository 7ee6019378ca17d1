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
#: The registers and strategy, one entry at a time (a program-level risk, so a program
#: manager's and up: the same people as ``WRITERS`` here). ``{risk_id}``... name entries of
#: the sample (``IN_SAMPLE``); a DELETE's last one is an entry made for it (``VICTIMS``).
REGISTER_READS: dict[tuple[str, str], dict | None] = {
    ("GET", "/api/v1/programs/{key}/risks/{risk_id}"): None,
    ("GET", "/api/v1/programs/{key}/objectives"): None,
    ("GET", "/api/v1/programs/{key}/objectives/{objective_id}"): None,
    ("GET", "/api/v1/programs/{key}/objectives/{objective_id}/key-results"): None,
    ("GET", "/api/v1/programs/{key}/objectives/{objective_id}/key-results/{kr_id}"): None,
    ("GET", "/api/v1/programs/{key}/benefits"): None,
    ("GET", "/api/v1/programs/{key}/benefits/{benefit_id}"): None,
    ("GET", "/api/v1/programs/{key}/stakeholders"): None,
    ("GET", "/api/v1/programs/{key}/stakeholders/{stakeholder_id}"): None,
}
REGISTER_WRITES: dict[tuple[str, str], dict | None] = {
    ("POST", "/api/v1/programs/{key}/risks"): {"id": "R-new", "title": "n", "probability": 0.1},
    ("PATCH", "/api/v1/programs/{key}/risks/{risk_id}"): {"owner": "daniel"},
    ("DELETE", "/api/v1/programs/{key}/risks/{risk_id}"): None,
    ("POST", "/api/v1/programs/{key}/objectives"): {"id": "O-new", "title": "n"},
    ("PATCH", "/api/v1/programs/{key}/objectives/{objective_id}"): {"owner": "daniel"},
    ("DELETE", "/api/v1/programs/{key}/objectives/{objective_id}"): None,
    ("POST", "/api/v1/programs/{key}/objectives/{objective_id}/key-results"): {
        "id": "KR-new",
        "title": "n",
        "target": 1,
    },
    ("PATCH", "/api/v1/programs/{key}/objectives/{objective_id}/key-results/{kr_id}"): {
        "target": 30
    },
    ("DELETE", "/api/v1/programs/{key}/objectives/{objective_id}/key-results/{kr_id}"): None,
    ("POST", "/api/v1/programs/{key}/benefits"): {"id": "B-new", "title": "n"},
    ("PATCH", "/api/v1/programs/{key}/benefits/{benefit_id}"): {"owner": "daniel"},
    ("DELETE", "/api/v1/programs/{key}/benefits/{benefit_id}"): None,
    ("POST", "/api/v1/programs/{key}/stakeholders"): {"id": "s-new", "name": "n"},
    ("PATCH", "/api/v1/programs/{key}/stakeholders/{stakeholder_id}"): {"interest": 4},
    ("DELETE", "/api/v1/programs/{key}/stakeholders/{stakeholder_id}"): None,
}
IN_SAMPLE = {
    "risk_id": "R2", "objective_id": "O1", "kr_id": "KR1.1", "benefit_id": "B1",
    "stakeholder_id": "nina",
}  # fmt: skip
#: Where a victim of each kind is made (under objective O1 for a key result), and with what.
VICTIMS: dict[str, tuple[str, dict]] = {
    "risk_id": ("risks", {"title": "v", "probability": 0.1}),
    "objective_id": ("objectives", {"title": "v"}),
    "kr_id": ("objectives/O1/key-results", {"title": "v", "target": 1}),
    "benefit_id": ("benefits", {"title": "v"}),
    "stakeholder_id": ("stakeholders", {"name": "v"}),
}
#: Projects, calendars, and creating and deleting resources: a program manager's and up
#: (a project's manager's too for PATCH of it: nobody in ``USERS``), the same people as
#: ``WRITERS``. ``{project_id}`` is API, but a DELETE's is a project made for it, as is
#: every ``{resource_id}``; the exception is a holiday of the sample.
STRUCTURE_READS: dict[tuple[str, str], dict | None] = {
    ("GET", "/api/v1/programs/{key}/projects"): None,
    ("GET", "/api/v1/programs/{key}/projects/{project_id}"): None,
    ("GET", "/api/v1/programs/{key}/calendars"): None,
    ("GET", "/api/v1/programs/{key}/calendars/{calendar_id}"): None,
}
STRUCTURE_WRITES: dict[tuple[str, str], dict | None] = {
    ("POST", "/api/v1/programs/{key}/projects"): {"id": "NEWP", "name": "n"},
    ("PATCH", "/api/v1/programs/{key}/projects/{project_id}"): {"priority": 700},
    ("DELETE", "/api/v1/programs/{key}/projects/{project_id}"): None,
    ("PATCH", "/api/v1/programs/{key}/calendars/{calendar_id}"): {"hours_per_day": 7.5},
    ("POST", "/api/v1/programs/{key}/calendars/{calendar_id}/exceptions"): {"start": "2027-06-16"},
    ("DELETE", "/api/v1/programs/{key}/calendars/{calendar_id}/exceptions/{exception_id}"): None,
    ("POST", "/api/v1/programs/{key}/resources"): {"id": "newbie", "name": "n"},
    ("DELETE", "/api/v1/programs/{key}/resources/{resource_id}"): None,
}
#: Plans in and out, baselines and scenarios (writes: a program manager's and up, the same
#: people as ``WRITERS``). ``{baseline_id}`` and ``{scenario_id}`` name ones made for the
#: test; the import sends the program's own plan back with its revision (see the test).
PLAN_READS: dict[tuple[str, str], dict | None] = {
    ("GET", "/api/v1/programs/{key}/export"): None,
    ("GET", "/api/v1/programs/{key}/health"): None,
    ("GET", "/api/v1/programs/{key}/evm"): None,
    ("GET", "/api/v1/programs/{key}/baselines/{baseline_id}/variance"): None,
    ("GET", "/api/v1/programs/{key}/strategy/objectives"): None,
    ("GET", "/api/v1/programs/{key}/strategy/benefits"): None,
    ("GET", "/api/v1/programs/{key}/gates"): None,
    ("GET", "/api/v1/programs/{key}/comms"): None,
    ("GET", "/api/v1/programs/{key}/baselines"): None,
    ("GET", "/api/v1/programs/{key}/baselines/{baseline_id}"): None,
    ("GET", "/api/v1/programs/{key}/scenarios"): None,
    ("GET", "/api/v1/programs/{key}/scenarios/{scenario_id}"): None,
    ("POST", "/api/v1/programs/{key}/scenarios/{scenario_id}/compare"): {"baseline": "BL1"},
}
SCENARIO = [{"op": "set", "target": "API.cutover", "field": "duration", "value": "5d"}]
PLAN_WRITES: dict[tuple[str, str], dict | None] = {
    ("POST", "/api/v1/programs/{key}/baselines"): {"id": "BL-new"},
    ("DELETE", "/api/v1/programs/{key}/baselines/{baseline_id}"): None,
    ("POST", "/api/v1/programs/{key}/scenarios"): {"id": "s-new", "changes": SCENARIO},
    ("DELETE", "/api/v1/programs/{key}/scenarios/{scenario_id}"): None,
    ("POST", "/api/v1/programs/import"): None,
}
#: Change requests: read by readers; drafts made, edited, deleted and submitted by anyone
#: who may edit work in the program (``REQUESTERS``); decided and applied by a program
#: manager and up (``WRITERS``: on a draft made for it, so they are answered 409 wrong state).
CHANGE_READS: dict[tuple[str, str], dict | None] = {
    ("GET", "/api/v1/programs/{key}/change-requests"): None,
    ("GET", "/api/v1/programs/{key}/change-requests/{request_id}"): None,
}
CHANGE = [{"op": "set", "target": "API.cutover", "field": "duration", "value": "5d"}]
CHANGE_WRITES: dict[tuple[str, str], dict | None] = {
    ("POST", "/api/v1/programs/{key}/change-requests"): {"title": "n", "changes": CHANGE},
    ("PATCH", "/api/v1/programs/{key}/change-requests/{request_id}"): {"title": "t"},
    ("DELETE", "/api/v1/programs/{key}/change-requests/{request_id}"): None,
    ("POST", "/api/v1/programs/{key}/change-requests/{request_id}/submit"): None,
}
CHANGE_DECISIONS: dict[tuple[str, str], dict | None] = {
    ("POST", "/api/v1/programs/{key}/change-requests/{request_id}/approve"): None,
    ("POST", "/api/v1/programs/{key}/change-requests/{request_id}/reject"): None,
    ("POST", "/api/v1/programs/{key}/change-requests/{request_id}/apply"): None,
}
REQUESTERS = {"DPL": {"alice", "paula", "mona"}, "OTH": {"alice"}}
#: Routes every caller may use whatever they hold (about themselves, or the list).
OWN: dict[tuple[str, str], dict | None] = {
    ("GET", "/api/v1/auth/me"): None,
    ("POST", "/api/v1/auth/tokens"): {"days": 1},
    ("GET", "/api/v1/programs"): None,
    ("GET", "/api/v1/jobs"): None,
}
#: A job's own routes: its owner's and the admins' (everyone else gets 404).
JOBS: dict[tuple[str, str], dict | None] = {
    ("GET", "/api/v1/jobs/{job_id}"): None,
    ("DELETE", "/api/v1/jobs/{job_id}"): None,
}
#: Long actions that answer 202 and a job with ``Prefer: respond-async``: reads.
ASYNC_READS = {key: body for key, body in READS.items() if key[1].endswith(("/simulate", "/level"))}
#: Routes outside the matrix, each for a reason tested elsewhere.
ELSEWHERE = {
    ("POST", "/api/v1/auth/login"): "public: test_api_basics",
    ("POST", "/api/v1/auth/logout"): "a session's own: test_api_basics",
    **{
        (method, f"/api/v1/users{path}"): "an administrator's only: test_users_api"
        for method, path in [
            ("GET", ""),
            ("POST", ""),
            ("GET", "/{name}"),
            ("PATCH", "/{name}"),
            ("POST", "/{name}/password"),
            ("GET", "/{name}/grants"),
            ("POST", "/{name}/grants"),
            ("DELETE", "/{name}/grants"),
        ]
    },
}
#: Who may read each program's data (the rest get 404) and who may change its API
#: project's work (readers who may not get 403).
READERS = {"DPL": {"alice", "paula", "victor", "mona"}, "OTH": {"alice", "otto"}}
WRITERS = {"DPL": {"alice", "paula"}, "OTH": {"alice"}}


def test_every_endpoint_is_in_the_matrix():
    paths = create_app("sqlite://").openapi()["paths"]
    routes = {(method.upper(), path) for path, methods in paths.items() for method in methods}
    matrix = (READS, WRITES, OWN, JOBS, ELSEWHERE, REGISTER_READS, REGISTER_WRITES)
    matrix += (STRUCTURE_READS, STRUCTURE_WRITES, PLAN_READS, PLAN_WRITES)
    matrix += (CHANGE_READS, CHANGE_WRITES, CHANGE_DECISIONS)
    assert routes == set().union(*matrix)


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


@pytest.mark.parametrize("user", sorted(USERS))
def test_a_job_is_asked_for_by_readers_and_seen_by_its_owner_and_admins(api, user):
    headers = api.token(user)
    owners = {"DPL": "paula", "OTH": "otto"}
    for key, owner in owners.items():
        for (method, path), body in ASYNC_READS.items():
            url = path.format(key=key)
            asked = api.client.request(
                method, url, json=body, headers={**headers, "Prefer": "respond-async"}
            )
            expected = 202 if user in READERS[key] else 404
            assert asked.status_code == expected, (user, url, asked.text)
        made = api.client.post(
            f"/api/v1/programs/{key}/simulate",
            json={"iterations": 20},
            headers={**api.token(owner), "Prefer": "respond-async"},
        )
        job_id = made.json()["id"]
        for method, path in JOBS:
            response = api.client.request(method, path.format(job_id=job_id), headers=headers)
            expected = 200 if user in (owner, "alice") else 404
            assert response.status_code == expected, (user, method, key, response.text)


@pytest.mark.parametrize("user", sorted(USERS))
def test_each_role_reads_and_changes_the_registers_exactly_as_it_may(api, user):
    headers = api.token(user)
    admin = api.token("alice")
    for key in ("DPL", "OTH"):
        base = f"/api/v1/programs/{key}"
        for where, body in VICTIMS.values():
            made = api.client.post(f"{base}/{where}", json={**body, "id": "victim"},
                                   headers=admin)  # fmt: skip
            assert made.status_code == 201, made.text
        calls = [(m, p, b, False) for (m, p), b in REGISTER_READS.items()]
        calls += [(m, p, b, True) for (m, p), b in REGISTER_WRITES.items()]
        for method, path, body, write in calls:
            ids = dict(IN_SAMPLE)
            if method == "DELETE":
                ids[path.rsplit("{", 1)[1].rstrip("}")] = "victim"
            url = path.format(key=key, **ids)
            extra = {}
            if method in ("PATCH", "DELETE"):
                extra["If-Match"] = api.client.get(url, headers=admin).headers["etag"]
            response = api.client.request(method, url, json=body, headers={**headers, **extra})
            assert response.status_code in _expected(user, key, write), (
                user, method, url, response.text,
            )  # fmt: skip


@pytest.mark.parametrize("user", sorted(USERS))
def test_each_role_reads_and_changes_projects_calendars_and_the_pool_as_it_may(api, user):
    headers = api.token(user)
    admin = api.token("alice")
    for key in ("DPL", "OTH"):
        base = f"/api/v1/programs/{key}"
        for where in ("projects", "resources"):  # the victims of the deletes
            made = api.client.post(f"{base}/{where}", json={"id": "victim", "name": "v"},
                                   headers=admin)  # fmt: skip
            assert made.status_code == 201, made.text
        calls = [(m, p, b, False) for (m, p), b in STRUCTURE_READS.items()]
        calls += [(m, p, b, True) for (m, p), b in STRUCTURE_WRITES.items()]
        for method, path, body, write in calls:
            project = "victim" if method == "DELETE" else "API"
            url = path.format(key=key, project_id=project, resource_id="victim",
                              calendar_id="standard", exception_id="2027-05-01")  # fmt: skip
            extra = {}
            if method in ("PATCH", "DELETE"):  # an exception's version is its calendar's
                versioned = url.split("/exceptions/")[0]
                extra["If-Match"] = api.client.get(versioned, headers=admin).headers["etag"]
            response = api.client.request(method, url, json=body, headers={**headers, **extra})
            assert response.status_code in _expected(user, key, write), (
                user, method, url, response.text,
            )  # fmt: skip


@pytest.mark.parametrize("user", sorted(USERS))
def test_each_role_moves_plans_and_keeps_baselines_and_scenarios_as_it_may(api, user):
    """As everywhere, but for the import: a program the caller may not see is answered
    403 like a key nobody has taken (an import must not tell which keys are), and only an
    admin creates a program."""
    headers = api.token(user)
    admin = api.token("alice")
    for key in ("DPL", "OTH"):
        base = f"/api/v1/programs/{key}"
        for where, made_with in (("baselines", {}), ("scenarios", {"changes": SCENARIO})):
            made = api.client.post(f"{base}/{where}", json={**made_with, "id": "victim"},
                                   headers=admin)  # fmt: skip
            assert made.status_code == 201, made.text
        calls = [(m, p, b, False) for (m, p), b in PLAN_READS.items()]
        calls += [(m, p, b, True) for (m, p), b in PLAN_WRITES.items()]
        for method, path, body, write in calls:
            url = path.format(key=key, baseline_id="victim", scenario_id="victim")
            expected, extra, plan = _expected(user, key, write), {}, None
            if method == "DELETE":
                extra["If-Match"] = api.client.get(url, headers=admin).headers["etag"]
            if path.endswith("/import"):
                exported = api.client.get(f"{base}/export", headers=admin)
                plan = exported.content
                extra = {"Content-Type": "application/yaml", "If-Match": exported.headers["etag"]}
                expected = {200} if user in WRITERS[key] else {403}
            response = api.client.request(method, url, json=body, content=plan,
                                          headers={**headers, **extra})  # fmt: skip
            assert response.status_code in expected, (user, method, url, response.text)
    exported = api.client.get("/api/v1/programs/DPL/export", headers=admin).content
    new = exported.replace(b"key: DPL", b"key: NEW", 1)
    created = api.client.post("/api/v1/programs/import", content=new,
                              headers={**headers, "Content-Type": "application/yaml"})  # fmt: skip
    assert created.status_code == (201 if user == "alice" else 403), (user, created.text)


@pytest.mark.parametrize("user", sorted(USERS))
def test_each_role_requests_decides_and_applies_changes_as_it_may(api, user):
    headers = api.token(user)
    admin = api.token("alice")
    for key in ("DPL", "OTH"):
        base = f"/api/v1/programs/{key}/change-requests"
        calls = [(m, p, b, "read") for (m, p), b in CHANGE_READS.items()]
        calls += [(m, p, b, "request") for (m, p), b in CHANGE_WRITES.items()]
        calls += [(m, p, b, "decide") for (m, p), b in CHANGE_DECISIONS.items()]
        for number, (method, path, body, what) in enumerate(calls):
            ident = f"victim-{number}"  # a draft of its own for each call
            made = api.client.post(base, json={"id": ident, "title": "v", "changes": CHANGE},
                                   headers=admin)  # fmt: skip
            assert made.status_code == 201, made.text
            url = path.format(key=key, request_id=ident)
            extra = {"If-Match": made.headers["etag"]} if "{request_id}" in path else {}
            response = api.client.request(method, url, json=body, headers={**headers, **extra})
            allowed = {"read": READERS, "request": REQUESTERS, "decide": WRITERS}[what][key]
            if user not in READERS[key]:
                expected = {404}
            elif user not in allowed:
                expected = {403}
            elif what == "decide":  # allowed, but a draft is neither decided nor applied
                expected = {409}
                assert response.json()["code"] == "change.wrong_state", response.text
            else:
                expected = {200, 201}
            assert response.status_code in expected, (user, method, url, response.text)
