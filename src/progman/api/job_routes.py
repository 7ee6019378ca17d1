"""``/api/v1/jobs``: long actions answered ``202 Accepted`` with a job to poll.

``POST /programs/{key}/level`` and ``/simulate`` with ``Prefer: respond-async`` (RFC 7240)
queue a job and answer at once with ``Location: /api/v1/jobs/{id}``; without it they answer
the result as before. A job is its owner's (and the admins'): anyone else gets 404.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Header, Path, Query, Request, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from progman.api import problems
from progman.api.answers import JSON
from progman.api.deps import CurrentUser
from progman.api.job_schemas import JobPage, JobProblem, JobPublic
from progman.api.schemas import Problem
from progman.domain.access import User
from progman.services.jobs import (
    Job,
    JobRunner,
    do_cancel_job,
    do_submit_job,
    in_process_runner,
    jobs_page,
    visible_job,
)

router = APIRouter(prefix="/jobs", tags=["jobs"])
JOBS_PATH = "/api/v1/jobs"


def runner_for(database: str) -> JobRunner:
    """The runner an app owns: jobs on threads of the server process, on ``database``."""
    return in_process_runner(database, problems.problem_body)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Shut the app's runner down with the app: waiting jobs are cancelled, running ones
    asked to stop."""
    try:
        yield
    finally:
        await run_in_threadpool(app.state.jobs.shutdown)


def job_runner(request: Request) -> JobRunner:
    runner: JobRunner = request.app.state.jobs
    return runner


Jobs = Annotated[JobRunner, Depends(job_runner)]
PreferHeader = Annotated[
    str | None,
    Header(
        alias="Prefer",
        max_length=1000,
        description="respond-async: answer 202 with a job to poll instead of the result",
    ),
]
#: The OpenAPI ``responses`` a route that may answer with a job adds.
ACCEPTED: dict[int | str, dict[str, Any]] = {
    202: {
        "model": JobPublic,
        "description": "with Prefer: respond-async, the job queued (poll its Location)",
        "headers": {"Location": {"schema": {"type": "string"}, "description": "the job"}},
    },
    503: {
        "model": Problem,
        "description": "too many jobs waiting: try again after Retry-After",
        "content": {"application/problem+json": {}},
    },
}


def wants_async(prefer: str | None) -> bool:
    """Whether ``Prefer`` asks for ``respond-async`` among its comma-separated preferences
    (each ``token[=value]`` with ``;`` parameters, RFC 7240 §2)."""
    for preference in (prefer or "").split(","):
        token = preference.split(";", 1)[0].split("=", 1)[0].strip().lower()
        if token == "respond-async":
            return True
    return False


def submit(
    session: Session, user: User, key: str, *, runner: JobRunner, kind: str, body: BaseModel
) -> Response:
    """Queue ``kind`` with the synchronous call's ``body``: ``202`` and the job."""
    job = do_submit_job(
        session, user, key, runner=runner, kind=kind, params=body.model_dump(mode="json")
    )
    headers = {"Location": f"{JOBS_PATH}/{job.id}", "Preference-Applied": "respond-async"}
    return Response(
        public(job).model_dump_json(), status_code=202, media_type=JSON, headers=headers
    )


def public(job: Job) -> JobPublic:
    request = job.request
    return JobPublic(
        id=job.id,
        kind=request.kind,  # one of KINDS
        program=request.program,
        owner=request.owner,
        params=dict(request.params),
        state=job.state,
        progress=job.progress,
        cancel_requested=job.cancel_requested,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        result=job.result,
        problem=None if job.problem is None else JobProblem.model_validate(job.problem),
    )


JobId = Annotated[str, Path(max_length=100)]


@router.get("", response_model=JobPage)
def list_jobs(
    user: CurrentUser,
    runner: Jobs,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
) -> JobPage:
    """The caller's own jobs, newest first, a page at a time."""
    page = jobs_page(runner, user, cursor, limit)
    return JobPage(items=[public(job) for job in page.items], next=page.next)


@router.get("/{job_id}", response_model=JobPublic)
def get_job(job_id: JobId, user: CurrentUser, runner: Jobs) -> JobPublic:
    """A job's state and progress; once it ends, its result or its problem."""
    return public(visible_job(runner, user, job_id))


@router.delete("/{job_id}", response_model=JobPublic)
def cancel_job(job_id: JobId, user: CurrentUser, runner: Jobs) -> JobPublic:
    """Cancel a job: a queued one never runs, a running one is asked to stop (it ends
    ``cancelled``); a finished one is forgotten. Answers the job as it is then."""
    return public(do_cancel_job(runner, user, job_id))
