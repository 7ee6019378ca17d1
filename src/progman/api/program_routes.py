"""``/api/v1/programs``: the programs the caller may see, and what the engine says of one
(schedule, Monte Carlo simulation, slip impact), in the CLI's ``--json`` shapes (SPEC §5).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response

from progman.api.answers import JSON, documented, json_answer
from progman.api.deps import CurrentUser, DatabaseSession
from progman.api.job_routes import ACCEPTED, Jobs, PreferHeader, submit, wants_async
from progman.api.schemas import (
    IMPACT_SCHEMA,
    SCHEDULE_SCHEMA,
    SIMULATION_SCHEMA,
    ImpactRequest,
    ProgramPage,
    ProgramPublic,
    SimulateRequest,
)
from progman.services.catalog import (
    ProgramEntry,
    program_entry,
    programs_page,
    visible_program,
)
from progman.services.impact import impact_change, impact_of
from progman.services.scheduling import stored_schedule_json, stored_schedule_page
from progman.services.simulation import simulate_program

router = APIRouter(prefix="/programs", tags=["programs"])


def _public(entry: ProgramEntry) -> ProgramPublic:
    return ProgramPublic(
        key=entry.key,
        name=entry.name,
        projects=entry.projects,
        work_items=entry.work_items,
        revision=entry.revision,
        updated_at=entry.updated_at,
    )


@router.get("", response_model=ProgramPage)
def list_programs(
    user: CurrentUser,
    session: DatabaseSession,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> ProgramPage:
    """The programs the caller may see, by key, a page at a time."""
    page = programs_page(session, user, cursor, limit)
    return ProgramPage(items=[_public(e) for e in page.items], next=page.next)


@router.get("/{key}", response_model=ProgramPublic)
def get_program(
    key: str,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    if_none_match: Annotated[str | None, Header()] = None,
) -> ProgramPublic | Response:
    """One program's summary; its ETag is its revision."""
    entry = program_entry(session, user, key)
    etag = f'"{entry.revision}"'
    if if_none_match == etag:
        return Response(status_code=304, headers={"ETag": etag})
    response.headers["ETag"] = etag
    return _public(entry)


@router.get("/{key}/schedule", response_class=Response, responses=documented(SCHEDULE_SCHEMA))
def get_schedule(
    key: str,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    status_date: date | None = None,
    project: Annotated[str | None, Query(max_length=200)] = None,
    critical: bool | None = None,
    limit: Annotated[int | None, Query(ge=1, le=1000)] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """The program's critical-path schedule: ``progman schedule --json``. With ``limit``,
    ``cursor``, ``project`` or ``critical``, a page of its tasks (100 unless ``limit``
    says) and the ``next`` page's cursor; the program's finish and critical path stay whole."""
    if limit is None and cursor is None and project is None and critical is None:
        return Response(stored_schedule_json(session, user, key, status_date), media_type=JSON)
    text = stored_schedule_page(
        session,
        user,
        key,
        status_date=status_date,
        project=project,
        critical=critical,
        cursor=cursor,
        limit=100 if limit is None else limit,
    )
    return Response(text, media_type=JSON)


@router.post(
    "/{key}/simulate",
    response_class=Response,
    responses={**documented(SIMULATION_SCHEMA), **ACCEPTED},
)
def simulate(
    key: str,
    body: SimulateRequest,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    jobs: Jobs,
    prefer: PreferHeader = None,
) -> Response:
    """Monte Carlo simulation of the program: ``progman simulate --json`` (with ``Prefer:
    respond-async``, 202 and a job that answers it)."""
    if wants_async(prefer):
        return submit(session, user, key, runner=jobs, kind="simulate", body=body)
    program = visible_program(session, user, key)
    result = simulate_program(
        program,
        iterations=body.iterations,
        seed=body.seed,
        status_date=body.status_date,
        top=body.top,
        leveled=body.leveled,
    )
    return json_answer(result.to_json())


@router.post("/{key}/impact", response_class=Response, responses=documented(IMPACT_SCHEMA))
def impact(key: str, body: ImpactRequest, user: CurrentUser, session: DatabaseSession) -> Response:
    """If this slips, what moves: ``progman impact --json``."""
    change = impact_change(
        task=body.task,
        project=body.project,
        link=body.link,
        resource=body.resource,
        slip=body.slip,
        leaving=body.leaving.isoformat() if body.leaving else None,
        remove=body.remove,
    )
    program = visible_program(session, user, key)
    return json_answer(impact_of(program, change, status_date=body.status_date).to_json())
