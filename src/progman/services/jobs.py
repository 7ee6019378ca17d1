"""Long actions (leveling, Monte Carlo simulation) run as jobs, outside the request.

A client asks for a job, gets its id at once and polls it for progress and the result
(the same JSON the synchronous call answers) or a problem (the error's problem+json body,
never a traceback). :class:`JobRunner` is all the rest of progman knows of where jobs
run: :class:`InProcessJobRunner` runs them on a few threads of the server process and
keeps them in memory; a runner on database-backed workers can take its place, which is why
a job is asked for as plain JSON (:class:`JobRequest`) and performed from its kind
(:data:`KINDS`), never handed over as a closure.

A job's work opens its own database session (the request's is closed by then) and looks
the owner up again, so a grant revoked meanwhile holds for it too.
"""

from __future__ import annotations

import functools
import logging
import queue
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal, Protocol

import orjson
from sqlalchemy.orm import Session

from progman.domain import Program
from progman.domain.access import User
from progman.errors import NotFound, ProgmanError, RateLimited, Unauthenticated, UsageError
from progman.services.catalog import (
    decode_cursor,
    encode_cursor,
    foreign_cursor,
    program_entry,
    visible_program,
)
from progman.services.database import unit_of_work
from progman.services.leveling import level_program
from progman.services.simulation import simulate_program
from progman.storage import access as stored

__all__ = [
    "KINDS",
    "InProcessJobRunner",
    "Job",
    "JobControl",
    "JobPage",
    "JobRequest",
    "JobRunner",
    "JobState",
    "do_cancel_job",
    "do_submit_job",
    "in_process_runner",
    "jobs_page",
    "perform_job",
    "visible_job",
]

log = logging.getLogger("progman.jobs")

JobState = Literal["queued", "running", "succeeded", "failed", "cancelled"]
FINISHED: frozenset[str] = frozenset({"succeeded", "failed", "cancelled"})
MAX_PAGE = 500


@dataclass(frozen=True)
class JobRequest:
    """What to run: ``kind`` (a key of :data:`KINDS`) on ``program`` for ``owner`` (a user
    name), with ``params`` as JSON values (the synchronous call's request body)."""

    kind: str
    program: str
    owner: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class Job:
    """A job as it is at one moment (runners hand out copies, never their own record)."""

    id: str
    request: JobRequest
    state: JobState
    created_at: datetime
    progress: float = 0.0  # 0..1
    cancel_requested: bool = False
    started_at: datetime | None = None
    finished_at: datetime | None = None
    result: dict[str, Any] | None = None  # when succeeded
    problem: dict[str, Any] | None = None  # when failed: a problem+json body

    @property
    def finished(self) -> bool:
        return self.state in FINISHED


class JobCancelled(Exception):
    """Raised inside a job's work at its next progress report once it is asked to stop."""


class JobControl:
    """What a job's work sees of its job: it reports progress, and learns there that it is
    to stop (:meth:`report` then raises :class:`JobCancelled`)."""

    def __init__(self, report: Callable[[float], bool]) -> None:
        self._report = report

    def report(self, fraction: float) -> None:
        """``fraction`` of the work is done (0..1)."""
        if self._report(min(max(float(fraction), 0.0), 1.0)):
            raise JobCancelled


#: What performs a job (in the worker, outside any request).
Perform = Callable[[JobRequest, JobControl], Mapping[str, Any]]
#: The problem+json body of an error (the API's, handed in so that it is written once).
Describe = Callable[[ProgmanError], dict[str, Any]]


class JobRunner(Protocol):
    """Where jobs run. Kept this small so that another runner can replace the in-process
    one."""

    def submit(self, request: JobRequest) -> Job: ...

    def get(self, job_id: str) -> Job | None: ...

    def jobs_of(self, owner: str) -> list[Job]:
        """``owner``'s jobs, newest first."""
        ...

    def cancel(self, job_id: str) -> Job | None:
        """Drop a queued job, ask a running one to stop (it is cancelled when it does),
        forget a finished one; the job as it is then, or None when there is none."""
        ...

    def shutdown(self) -> None: ...


class JobsBusy(RateLimited):
    """The queue of jobs is full (or the server is stopping): try again later."""

    code = "jobs.busy"
    http_status = 503


class TooManyJobs(RateLimited):
    """One user has as many jobs waiting or running as one user may."""

    code = "jobs.too_many"
    http_status = 429


class JobCrashed(ProgmanError):
    """A job failed for a reason progman did not foresee (logged with its traceback)."""

    code = "internal"
    http_status = 500


class InProcessJobRunner:
    """Jobs on ``workers`` threads of this process, at most ``queue_size`` waiting (and
    ``per_owner`` waiting or running for one user), each kept ``keep_seconds`` after it
    ends. Threads start with the first job, so an app that never runs one costs none."""

    def __init__(
        self,
        perform: Perform,
        describe: Describe,
        *,
        workers: int = 2,
        queue_size: int = 32,
        per_owner: int = 8,
        keep_seconds: float = 3600.0,
        max_kept: int = 1000,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._perform, self._describe, self._clock = perform, describe, clock
        self.workers, self.queue_size, self.per_owner = workers, queue_size, per_owner
        self.keep, self.max_kept = timedelta(seconds=keep_seconds), max_kept
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._closed = False

    def submit(self, request: JobRequest) -> Job:
        with self._lock:
            self._forget_expired()
            if self._closed:
                raise JobsBusy("the server is stopping: ask again in a moment", retry_after=10)
            active = [job for job in self._jobs.values() if not job.finished]
            if sum(job.state == "queued" for job in active) >= self.queue_size:
                raise JobsBusy(
                    f"{self.queue_size} jobs are waiting already: ask again in a minute",
                    retry_after=60,
                )
            if sum(job.request.owner == request.owner for job in active) >= self.per_owner:
                raise TooManyJobs(
                    f"{request.owner} has {self.per_owner} jobs waiting or running: wait for "
                    "one to end (or cancel one with DELETE) before asking for another",
                    retry_after=30,
                )
            job = Job(secrets.token_urlsafe(16), request, "queued", self._clock())
            self._jobs[job.id] = job
            self._start_workers()
        self._queue.put(job.id)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            self._forget_expired()
            return self._jobs.get(job_id)

    def jobs_of(self, owner: str) -> list[Job]:
        with self._lock:
            self._forget_expired()
            mine = [job for job in self._jobs.values() if job.request.owner == owner]
        return sorted(mine, key=lambda job: (job.created_at, job.id), reverse=True)

    def cancel(self, job_id: str) -> Job | None:
        with self._lock:
            self._forget_expired()
            job = self._jobs.get(job_id)
            if job is None:
                return None
            if job.finished:
                del self._jobs[job_id]
                return job
            if job.state == "queued":  # its id stays in the queue; the worker skips it
                job = replace(job, state="cancelled", finished_at=self._clock())
            else:
                job = replace(job, cancel_requested=True)
            self._jobs[job_id] = job
            return job

    def shutdown(self, timeout: float = 10.0) -> None:
        """Cancel what waits, ask what runs to stop, and give the threads ``timeout``
        seconds to end (a leveling run cannot be stopped; its thread dies with the
        process)."""
        with self._lock:
            self._closed = True
            now = self._clock()
            for job in list(self._jobs.values()):
                if job.state == "queued":
                    self._jobs[job.id] = replace(job, state="cancelled", finished_at=now)
                elif job.state == "running":
                    self._jobs[job.id] = replace(job, cancel_requested=True)
            threads = list(self._threads)
        for _ in threads:
            self._queue.put(None)
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    # -- the workers ------------------------------------------------------------------

    def _start_workers(self) -> None:
        while len(self._threads) < self.workers:
            thread = threading.Thread(
                target=self._work, name=f"progman-job-{len(self._threads)}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def _work(self) -> None:
        while (job_id := self._queue.get()) is not None:
            with self._lock:
                job = self._jobs.get(job_id)
                if job is None or job.state != "queued":  # cancelled while it waited
                    continue
                job = replace(job, state="running", started_at=self._clock())
                self._jobs[job_id] = job
            self._run(job)

    def _run(self, job: Job) -> None:
        control = JobControl(functools.partial(self._progress, job.id))
        try:
            value = self._perform(job.request, control)
            result = orjson.loads(orjson.dumps(value))  # plain JSON, as the API answers it
        except JobCancelled:
            self._finish(job.id, "cancelled")
        except ProgmanError as error:
            self._finish(job.id, "failed", problem=self._describe(error))
        except Exception:
            log.exception("job %s (%s of %s) failed", job.id, job.request.kind, job.request.program)
            crash = JobCrashed(f"job {job.id} failed; the server log says why")
            self._finish(job.id, "failed", problem=self._describe(crash))
        else:
            self._finish(job.id, "succeeded", result=result)

    def _progress(self, job_id: str, fraction: float) -> bool:
        """Record progress (it only grows); whether the job is asked to stop."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return True
            if fraction > job.progress:
                self._jobs[job_id] = replace(job, progress=round(fraction, 4))
            return job.cancel_requested

    def _finish(
        self,
        job_id: str,
        state: JobState,
        *,
        result: dict[str, Any] | None = None,
        problem: dict[str, Any] | None = None,
    ) -> None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return
            if job.cancel_requested:  # asked to stop: what it found anyway is dropped
                state, result, problem = "cancelled", None, None
            progress = 1.0 if state == "succeeded" else job.progress
            self._jobs[job_id] = replace(
                job,
                state=state,
                progress=progress,
                finished_at=self._clock(),
                result=result,
                problem=problem,
            )

    def _forget_expired(self) -> None:
        """Drop jobs that ended over ``keep`` ago, and the oldest ended ones beyond
        ``max_kept`` (the lock is held)."""
        now = self._clock()
        ended = sorted(
            (job for job in self._jobs.values() if job.finished_at and job.finished),
            key=lambda job: job.finished_at or now,
        )
        extra = len(self._jobs) - self.max_kept
        for job in ended:
            if extra > 0 or (job.finished_at and job.finished_at + self.keep <= now):
                del self._jobs[job.id]
                extra -= 1


# -- what a job does ---------------------------------------------------------------------


def _status_date(params: Mapping[str, Any]) -> date | None:
    value = params.get("status_date")
    return date.fromisoformat(value) if isinstance(value, str) else value


def _simulate(program: Program, request: JobRequest, control: JobControl) -> dict[str, Any]:
    params = request.params
    iterations = int(params.get("iterations", 10_000))
    result = simulate_program(
        program,
        iterations=iterations,
        seed=int(params.get("seed", 0)),
        status_date=_status_date(params),
        top=int(params.get("top", 10)),
        leveled=bool(params.get("leveled", False)),
        progress=lambda done: control.report(done / iterations),
    )
    return result.to_json()


def _level(program: Program, request: JobRequest, control: JobControl) -> dict[str, Any]:
    """Leveling reports the share of its search budget spent (and a cancel stops it
    between two chunks of the search)."""
    params = request.params
    limit, budget = params.get("time_limit"), params.get("schedules")
    result = level_program(
        program,
        time_limit=None if limit is None else float(limit),
        seed=int(params.get("seed", 0)),
        status_date=_status_date(params),
        schedules=None if budget is None else int(budget),
        progress=control.report,
    )
    return result.to_json(f"program {request.program}")


#: Each kind of job: what it computes from the program (its answer is the synchronous
#: call's).
KINDS: dict[str, Callable[[Program, JobRequest, JobControl], dict[str, Any]]] = {
    "level": _level,
    "simulate": _simulate,
}


def perform_job(database: str, request: JobRequest, control: JobControl) -> dict[str, Any]:
    """Run ``request`` on ``database``: the owner as stored now (a grant revoked since the
    job was asked for holds), the program read in a session of its own and closed before
    the long computation."""
    work = KINDS[request.kind]
    with unit_of_work(database, write=False) as session:
        found = stored.find_user(session, request.owner)
        if found is None:
            raise Unauthenticated(f"user {request.owner!r} no longer exists: the job did not run")
        program = visible_program(session, found.user, request.program)
    control.report(0.0)  # cancelled while it read: stop here
    return work(program, request, control)


def in_process_runner(database: str, describe: Describe, **options: Any) -> InProcessJobRunner:
    """The server's runner: jobs performed on ``database`` (options: see
    :class:`InProcessJobRunner`)."""
    return InProcessJobRunner(functools.partial(perform_job, database), describe, **options)


# -- the use cases ------------------------------------------------------------------------


def do_submit_job(
    session: Session,
    user: User,
    key: str,
    *,
    runner: JobRunner,
    kind: str,
    params: Mapping[str, Any],
) -> Job:
    """Queue ``kind`` on the program ``key`` for ``user`` (who must see it now, and still
    when it runs). Nothing is written: leveling and simulation change no plan."""
    if kind not in KINDS:
        raise UsageError(
            f"no kind of job {kind!r}: one of {', '.join(sorted(KINDS))}", option="kind"
        )
    program_entry(session, user, key)  # an unknown or hidden program: 404 now, not later
    return runner.submit(JobRequest(kind, key, user.name, dict(params)))


def check_can_see_job(user: User, job: Job | None, job_id: str) -> Job:
    """``job`` when it is ``user``'s (or ``user`` is an admin) and they still see its
    program; anyone else's is answered as an unknown id."""
    if job is None or not (
        (job.request.owner == user.name or user.is_admin) and user.can_see(job.request.program)
    ):
        raise NotFound(
            f"no job {job_id!r} of yours: use the id the request answered (a job is forgotten "
            "an hour after it ends)"
        )
    return job


def visible_job(runner: JobRunner, user: User, job_id: str) -> Job:
    return check_can_see_job(user, runner.get(job_id), job_id)


def do_cancel_job(runner: JobRunner, user: User, job_id: str) -> Job:
    """Cancel ``job_id`` (see :meth:`JobRunner.cancel`); the job as it is then."""
    check_can_see_job(user, runner.get(job_id), job_id)
    job = runner.cancel(job_id)
    return check_can_see_job(user, job, job_id)


@dataclass(frozen=True)
class JobPage:
    items: list[Job]
    next: str | None


def _cursor_of(job: Job) -> str:
    return encode_cursor(f"{job.created_at.isoformat()} {job.id}")


def _after(cursor: str) -> tuple[datetime, str]:
    created, _, job_id = decode_cursor(cursor).partition(" ")
    try:
        return datetime.fromisoformat(created), job_id
    except ValueError:
        raise foreign_cursor() from None


def jobs_page(runner: JobRunner, user: User, cursor: str | None, limit: int) -> JobPage:
    """``user``'s own jobs, newest first, ``limit`` at most after ``cursor``."""
    if not 1 <= limit <= MAX_PAGE:
        raise UsageError(f"limit must be 1 to {MAX_PAGE}, not {limit}", option="limit")
    jobs = [job for job in runner.jobs_of(user.name) if user.can_see(job.request.program)]
    if cursor:
        after = _after(cursor)
        try:
            jobs = [job for job in jobs if (job.created_at, job.id) < after]
        except TypeError:  # a naive time in a forged cursor
            raise foreign_cursor() from None
    page = jobs[:limit]
    return JobPage(page, _cursor_of(page[-1]) if len(jobs) > limit else None)
