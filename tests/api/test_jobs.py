"""Long actions as jobs: ``Prefer: respond-async`` on level and simulate answers 202 with a
job whose result is the synchronous answer; jobs are their owner's (and the admins'),
fail with a problem, and can be cancelled."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from tests.storage.helpers import do_delete_program

from progman.api.problems import problem_body
from progman.services.jobs import InProcessJobRunner, JobControl, JobRequest, perform_job

ASYNC = {"Prefer": "respond-async"}
SIMULATE = "/api/v1/programs/DPL/simulate"


def poll(api, location: str, headers: dict[str, str], seconds: float = 60) -> dict[str, Any]:
    """The job at ``location`` once it has ended."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        response = api.client.get(location, headers=headers)
        assert response.status_code == 200, response.text
        job = response.json()
        assert 0 <= job["progress"] <= 1
        if job["state"] in ("succeeded", "failed", "cancelled"):
            return job
        time.sleep(0.01)
    raise AssertionError(f"{location} still {job['state']} after {seconds} s")


def until(api, location: str, headers: dict[str, str], state: str) -> None:
    deadline = time.monotonic() + 20
    while api.client.get(location, headers=headers).json()["state"] != state:
        assert time.monotonic() < deadline, f"{location} never {state}"
        time.sleep(0.005)


@pytest.fixture
def gate(api) -> Iterator[threading.Event]:
    """The app's jobs run one at a time, each waiting for this event before its work."""
    opened = threading.Event()

    def perform(request: JobRequest, control: JobControl) -> dict[str, Any]:
        assert opened.wait(30)
        return perform_job(api.url, request, control)

    api.client.app.state.jobs = InProcessJobRunner(perform, problem_body, workers=1)
    try:
        yield opened
    finally:
        opened.set()


def test_a_simulation_job_answers_what_the_synchronous_call_does(api):
    headers = api.token("victor")
    body = {"iterations": 300, "seed": 11, "top": 5}
    accepted = api.client.post(SIMULATE, json=body, headers={**headers, **ASYNC})
    assert accepted.status_code == 202, accepted.text
    job = accepted.json()
    assert accepted.headers["location"] == f"/api/v1/jobs/{job['id']}"
    assert accepted.headers["preference-applied"] == "respond-async"
    assert job["kind"] == "simulate" and job["program"] == "DPL" and job["owner"] == "victor"
    assert job["state"] in ("queued", "running") and job["result"] is None
    assert job["params"] == {**body, "status_date": None, "leveled": False}
    done = poll(api, accepted.headers["location"], headers)
    assert done["state"] == "succeeded" and done["progress"] == 1 and done["problem"] is None
    assert done["started_at"] and done["finished_at"]
    synchronous = api.client.post(SIMULATE, json=body, headers=headers)
    assert synchronous.status_code == 200
    assert done["result"] == synchronous.json()


def test_a_leveled_simulation_job_answers_the_leveled_synchronous_call(api):
    headers = api.token("victor")
    body = {"iterations": 200, "seed": 4, "leveled": True}
    accepted = api.client.post(SIMULATE, json=body, headers={**headers, **ASYNC})
    assert accepted.status_code == 202, accepted.text
    assert accepted.json()["params"]["leveled"] is True
    done = poll(api, accepted.headers["location"], headers)
    assert done["state"] == "succeeded", done["problem"]
    leveled = done["result"]
    assert leveled["leveled"] is True
    synchronous = api.client.post(SIMULATE, json=body, headers=headers)
    assert synchronous.status_code == 200 and synchronous.json() == leveled
    plain = api.client.post(SIMULATE, json={**body, "leveled": False}, headers=headers).json()
    assert plain["leveled"] is False
    # the sample's people are shared: the leveled plan finishes later, and so do its runs
    assert leveled["deterministic"]["finish"] > plain["deterministic"]["finish"]
    assert leveled["finish"]["p50"] > plain["finish"]["p50"]


def test_a_leveling_job_answers_what_the_synchronous_call_does(api):
    headers = api.token("mona")
    # a fixed budget: a time limit alone stops the search by the wall clock on a busy machine
    body = {"time_limit": 5, "seed": 2, "schedules": 300}
    accepted = api.client.post(
        "/api/v1/programs/DPL/level",
        json=body,
        headers={**headers, "Prefer": "wait=5, respond-async"},
    )
    assert accepted.status_code == 202, accepted.text
    done = poll(api, accepted.headers["location"], headers)
    assert done["state"] == "succeeded", done
    synchronous = api.client.post("/api/v1/programs/DPL/level", json=body, headers=headers).json()
    for answer in (done["result"], synchronous):
        answer.pop("seconds")
    assert done["result"] == synchronous and synchronous["input"] == "program DPL"


def test_without_respond_async_the_answer_is_the_result(api):
    headers = {**api.token("victor"), "Prefer": "return=minimal"}
    response = api.client.post(SIMULATE, json={"iterations": 20}, headers=headers)
    assert response.status_code == 200 and "finish" in response.json()
    assert api.client.get("/api/v1/jobs", headers=headers).json() == {"items": [], "next": None}


def test_a_job_is_asked_for_only_on_a_program_the_caller_sees(api):
    headers = {**api.token("otto"), **ASYNC}
    for key in ("DPL", "NOPE"):
        response = api.client.post(f"/api/v1/programs/{key}/simulate", json={}, headers=headers)
        assert response.status_code == 404, response.text
    bad = api.client.post(
        SIMULATE, json={"iterations": 0}, headers={**api.token("victor"), **ASYNC}
    )
    assert bad.status_code == 422 and bad.json()["code"] == "request.invalid"
    assert api.client.get("/api/v1/jobs", headers=headers).json()["items"] == []


def test_a_failing_job_answers_a_problem(api, gate):
    headers = api.token("paula")
    accepted = api.client.post(SIMULATE, json={"iterations": 50}, headers={**headers, **ASYNC})
    assert accepted.status_code == 202
    do_delete_program(api.url, "DPL", "t")  # gone before the job reads it
    gate.set()
    done = poll(api, accepted.headers["location"], api.token("alice"))
    assert done["state"] == "failed" and done["result"] is None
    problem = done["problem"]
    assert problem["status"] == 404 and problem["code"] == "entity.not_found"
    assert problem["type"] == "urn:progman:problem:entity.not_found"
    assert "DPL" in problem["detail"] and "Traceback" not in str(problem)


def test_a_job_is_its_owners_and_the_admins(api):
    owner = api.token("paula")
    accepted = api.client.post(SIMULATE, json={"iterations": 50}, headers={**owner, **ASYNC})
    location, job_id = accepted.headers["location"], accepted.json()["id"]
    poll(api, location, owner)
    for user in ("victor", "mona", "otto"):
        other = api.token(user)
        for method in ("GET", "DELETE"):
            response = api.client.request(method, location, headers=other)
            assert response.status_code == 404, (user, method, response.text)
            assert response.json()["code"] == "entity.not_found"
        assert api.client.get("/api/v1/jobs", headers=other).json()["items"] == []
    assert api.client.get(location, headers=api.token("alice")).status_code == 200
    listed = api.client.get("/api/v1/jobs", headers=owner).json()
    assert [job["id"] for job in listed["items"]] == [job_id] and listed["next"] is None
    assert api.client.get("/api/v1/jobs/nope", headers=owner).status_code == 404


def test_jobs_are_listed_newest_first_a_page_at_a_time(api):
    headers = api.token("victor")
    made = [
        api.client.post(SIMULATE, json={"iterations": 10}, headers={**headers, **ASYNC}).json()[
            "id"
        ]
        for _ in range(3)
    ]
    first = api.client.get("/api/v1/jobs?limit=2", headers=headers).json()
    rest = api.client.get(f"/api/v1/jobs?limit=2&cursor={first['next']}", headers=headers).json()
    assert [job["id"] for job in first["items"] + rest["items"]] == made[::-1]
    assert rest["next"] is None
    foreign = api.client.get("/api/v1/jobs?cursor=bm9wZQ", headers=headers)
    assert foreign.status_code == 400 and foreign.json()["code"] == "usage.invalid"


def test_cancel_drops_a_queued_job_and_stops_a_running_one(api, gate):
    headers = api.token("victor")
    asked = [
        api.client.post(SIMULATE, json={"iterations": 50}, headers={**headers, **ASYNC})
        for _ in range(2)
    ]
    running, queued = (response.headers["location"] for response in asked)
    until(api, running, headers, "running")  # the one worker waits at the gate with it

    dropped = api.client.delete(queued, headers=headers)
    assert dropped.status_code == 200 and dropped.json()["state"] == "cancelled"
    stopping = api.client.delete(running, headers=headers).json()
    assert stopping["state"] == "running" and stopping["cancel_requested"]
    gate.set()
    done = poll(api, running, headers)
    assert done["state"] == "cancelled" and done["result"] is None
    assert poll(api, queued, headers)["started_at"] is None

    forgotten = api.client.delete(queued, headers=headers)  # a finished job is forgotten
    assert forgotten.status_code == 200 and forgotten.json()["state"] == "cancelled"
    assert api.client.get(queued, headers=headers).status_code == 404
