"""services/jobs.py: the in-process runner (queue, progress, cancellation, limits, expiry)
on work made up for the test, and the jobs' own work on a real database."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from progman.domain.access import Grant, User
from progman.errors import NotFound, ProgmanError, Unauthenticated, UsageError
from progman.services.catalog import visible_program
from progman.services.database import unit_of_work
from progman.services.jobs import (
    InProcessJobRunner,
    Job,
    JobControl,
    JobRequest,
    JobsBusy,
    TooManyJobs,
    do_cancel_job,
    do_submit_job,
    jobs_page,
    perform_job,
    visible_job,
)
from progman.services.simulation import simulate_program

Work = Callable[[JobRequest, JobControl], Mapping[str, Any]]


def describe(error: ProgmanError) -> dict[str, Any]:
    return {"code": error.code, "status": error.http_status, "detail": error.message}


@pytest.fixture
def make_runner() -> Iterator[Callable[..., InProcessJobRunner]]:
    made: list[InProcessJobRunner] = []

    def make(perform: Work, **options: Any) -> InProcessJobRunner:
        made.append(InProcessJobRunner(perform, describe, **options))
        return made[-1]

    yield make
    for runner in made:
        runner.shutdown(timeout=5)


def request(owner: str = "paula", kind: str = "simulate") -> JobRequest:
    return JobRequest(kind, "DPL", owner, {"seed": 1})


def finished(runner: InProcessJobRunner, job_id: str, seconds: float = 20) -> Job:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = runner.get(job_id)
        assert job is not None
        if job.finished:
            return job
        time.sleep(0.005)
    raise AssertionError(f"job {job_id} still {job.state} after {seconds} s")


def blocked(gate: threading.Event, started: threading.Event | None = None) -> Work:
    """Work that waits for ``gate`` (after saying it ``started``), then answers."""

    def work(request: JobRequest, control: JobControl) -> dict[str, Any]:
        if started is not None:
            started.set()
        assert gate.wait(20)
        return {"kind": request.kind}

    return work


def test_a_job_runs_reports_progress_and_keeps_its_result_as_json(make_runner):
    seen: list[float] = []

    def work(request: JobRequest, control: JobControl) -> dict[str, Any]:
        for done in (0.25, 0.5, 0.75):
            control.report(done)
            seen.append(done)
        return {"when": datetime(2030, 1, 2, tzinfo=UTC), "params": dict(request.params)}

    runner = make_runner(work)
    job = runner.submit(request())
    assert job.state == "queued" and job.progress == 0 and len(job.id) >= 20
    done = finished(runner, job.id)
    assert done.state == "succeeded" and done.progress == 1.0 and seen == [0.25, 0.5, 0.75]
    assert done.result == {"when": "2030-01-02T00:00:00+00:00", "params": {"seed": 1}}
    assert done.problem is None
    assert done.created_at <= done.started_at <= done.finished_at


def test_ids_are_unguessable_and_each_job_is_its_own(make_runner):
    runner = make_runner(lambda request, control: {})
    ids = {runner.submit(request()).id for _ in range(5)}
    assert len(ids) == 5


def test_a_failing_job_keeps_the_problem_and_never_a_traceback(make_runner, caplog):
    def usage(request: JobRequest, control: JobControl) -> dict[str, Any]:
        raise UsageError("seed must be even", option="seed")

    def crash(request: JobRequest, control: JobControl) -> dict[str, Any]:
        raise KeyError("secret internals")

    runner = make_runner(usage)
    failed = finished(runner, runner.submit(request()).id)
    assert failed.state == "failed" and failed.result is None
    assert failed.problem == {"code": "usage.invalid", "status": 400, "detail": "seed must be even"}

    runner = make_runner(crash)
    crashed = finished(runner, runner.submit(request()).id)
    assert crashed.state == "failed"
    assert crashed.problem is not None and crashed.problem["code"] == "internal"
    assert "secret" not in str(crashed.problem) and "Traceback" not in str(crashed.problem)
    assert "secret internals" in caplog.text  # the server log says why


def test_a_queued_job_cancelled_never_runs(make_runner):
    gate, ran = threading.Event(), []

    def work(request: JobRequest, control: JobControl) -> dict[str, Any]:
        ran.append(request.owner)
        assert gate.wait(20)
        return {}

    runner = make_runner(work, workers=1)
    first = runner.submit(request("paula"))
    second = runner.submit(request("victor"))
    cancelled = runner.cancel(second.id)
    assert cancelled is not None and cancelled.state == "cancelled"
    gate.set()
    assert finished(runner, first.id).state == "succeeded"
    assert ran == ["paula"] and runner.get(second.id).state == "cancelled"


def test_a_running_job_stops_at_its_next_progress_report(make_runner):
    started = threading.Event()

    def work(request: JobRequest, control: JobControl) -> dict[str, Any]:
        started.set()
        for _ in range(10_000):
            control.report(0.5)
            time.sleep(0.001)
        return {"ran": "to the end"}

    runner = make_runner(work)
    job = runner.submit(request())
    assert started.wait(10)
    asked = runner.cancel(job.id)
    assert asked is not None and asked.state == "running" and asked.cancel_requested
    done = finished(runner, job.id)
    assert done.state == "cancelled" and done.result is None and done.progress == 0.5


def test_a_job_that_cannot_be_stopped_ends_cancelled_without_its_result(make_runner):
    gate, started = threading.Event(), threading.Event()
    runner = make_runner(blocked(gate, started))
    job = runner.submit(request())
    assert started.wait(10)
    assert runner.cancel(job.id).cancel_requested
    gate.set()
    done = finished(runner, job.id)
    assert done.state == "cancelled" and done.result is None


def test_cancelling_a_finished_job_forgets_it(make_runner):
    runner = make_runner(lambda request, control: {"ok": True})
    job = finished(runner, runner.submit(request()).id)
    assert runner.cancel(job.id) == job
    assert runner.get(job.id) is None and runner.cancel(job.id) is None


def test_the_queue_and_each_user_are_bounded(make_runner):
    gate, started = threading.Event(), threading.Event()
    runner = make_runner(blocked(gate, started), workers=1, queue_size=2, per_owner=2)
    runner.submit(request("paula"))
    assert started.wait(10)  # running: no longer waiting
    runner.submit(request("paula"))
    with pytest.raises(TooManyJobs) as too_many:
        runner.submit(request("paula"))
    assert too_many.value.http_status == 429 and too_many.value.retry_after > 0
    runner.submit(request("victor"))
    with pytest.raises(JobsBusy) as busy:
        runner.submit(request("mona"))
    assert busy.value.http_status == 503 and "waiting" in busy.value.message
    gate.set()


def test_finished_jobs_are_forgotten_after_a_while(make_runner):
    now = [datetime(2030, 1, 1, tzinfo=UTC)]
    runner = make_runner(lambda request, control: {}, keep_seconds=60, clock=lambda: now[0])
    job = finished(runner, runner.submit(request()).id)
    now[0] += timedelta(seconds=59)
    assert runner.get(job.id) is not None
    now[0] += timedelta(seconds=2)
    assert runner.get(job.id) is None and runner.jobs_of("paula") == []


def test_only_so_many_finished_jobs_are_kept(make_runner):
    runner = make_runner(lambda request, control: {}, max_kept=3)
    ids = [finished(runner, runner.submit(request()).id).id for _ in range(5)]
    kept = {job.id for job in runner.jobs_of("paula")}
    assert kept == set(ids[-3:])


def test_shutdown_cancels_what_waits_and_refuses_more(make_runner):
    started = threading.Event()

    def work(request: JobRequest, control: JobControl) -> dict[str, Any]:
        started.set()
        while True:
            control.report(0.1)
            time.sleep(0.001)

    runner = make_runner(work, workers=1)
    running = runner.submit(request())
    assert started.wait(10)
    waiting = runner.submit(request())
    runner.shutdown(timeout=10)
    assert runner.get(running.id).state == "cancelled"
    assert runner.get(waiting.id).state == "cancelled"
    with pytest.raises(JobsBusy):
        runner.submit(request())


def test_a_users_jobs_newest_first_a_page_at_a_time(make_runner):
    now = [datetime(2030, 1, 1, tzinfo=UTC)]

    def tick() -> datetime:
        now[0] += timedelta(seconds=1)
        return now[0]

    runner = make_runner(lambda request, control: {}, clock=tick)
    paula = User("paula", "program_manager", (Grant("program_manager", "DPL"),))
    mine = [runner.submit(request("paula")).id for _ in range(5)]
    runner.submit(request("victor"))
    first = jobs_page(runner, paula, None, 2)
    assert [job.id for job in first.items] == mine[::-1][:2] and first.next
    second = jobs_page(runner, paula, first.next, 2)
    last = jobs_page(runner, paula, second.next, 2)
    assert [job.id for job in second.items + last.items] == mine[::-1][2:]
    assert last.next is None
    with pytest.raises(UsageError):
        jobs_page(runner, paula, "bm90IGEgY3Vyc29y", 2)
    with pytest.raises(UsageError):
        jobs_page(runner, paula, None, 0)


# -- the jobs' own work, on a database ------------------------------------------------------


def test_the_work_looks_the_owner_up_again_when_it_runs(api):
    control = JobControl(lambda fraction: False)
    params = {"iterations": 100, "seed": 3, "status_date": None, "top": 5}
    answer = perform_job(api.url, JobRequest("simulate", "DPL", "victor", params), control)
    with unit_of_work(api.url, write=False) as session:
        program = visible_program(session, User("x", "admin"), "DPL")
    assert answer == simulate_program(program, iterations=100, seed=3, top=5).to_json()
    with pytest.raises(NotFound, match="DPL"):  # otto holds no grant on DPL
        perform_job(api.url, JobRequest("simulate", "DPL", "otto", params), control)
    with pytest.raises(Unauthenticated, match="gone"):
        perform_job(api.url, JobRequest("simulate", "DPL", "gone", params), control)


def test_submitting_checks_the_program_and_the_kind(api, make_runner):
    runner = make_runner(lambda request, control: {})
    otto, victor = User("otto", "viewer"), User("victor", "viewer")
    with unit_of_work(api.url, write=False) as session:
        with pytest.raises(NotFound):
            do_submit_job(session, otto, "DPL", runner=runner, kind="level", params={})
        with pytest.raises(UsageError, match="level, simulate"):
            do_submit_job(session, victor, "DPL", runner=runner, kind="bake", params={})


def test_a_job_is_seen_by_its_owner_and_admins_only(make_runner):
    runner = make_runner(lambda request, control: {})
    job = runner.submit(request("paula"))
    paula = User("paula", "program_manager", (Grant("program_manager", "DPL"),))
    admin, other = User("alice", "admin"), User("victor", "viewer", (Grant("viewer", "DPL"),))
    assert visible_job(runner, paula, job.id) == job
    assert visible_job(runner, admin, job.id) == job
    with pytest.raises(NotFound):
        visible_job(runner, other, job.id)
    with pytest.raises(NotFound):
        do_cancel_job(runner, other, job.id)
    with pytest.raises(NotFound):  # no grant on DPL (any more): not theirs to see
        visible_job(runner, User("paula", "program_manager"), job.id)
    assert do_cancel_job(runner, paula, job.id).id == job.id
