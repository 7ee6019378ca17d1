"""``/api/v1/programs/{key}/…``: the risk register, resource load, leveling, what-if and the
audit log of a stored program, in the CLI's ``--json`` shapes (SPEC §5)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from progman.api.answers import documented, json_answer
from progman.api.deps import CurrentUser, DatabaseSession
from progman.api.job_routes import ACCEPTED, Jobs, PreferHeader, submit, wants_async
from progman.api.schemas import (
    AuditEntryPublic,
    AuditPagePublic,
    LevelRequest,
    WhatIfRequest,
)
from progman.services.audit import audit_page
from progman.services.catalog import visible_program
from progman.services.leveling import level_program
from progman.services.resources import resource_report
from progman.services.risks import risk_report
from progman.services.scenario_catalog import parse_changes
from progman.services.whatif import Move, WhatIf, what_if

router = APIRouter(prefix="/programs/{key}", tags=["analysis"])
OBJECT = documented({"type": "object"})


@router.get("/risks", response_class=Response, responses=OBJECT)
def risks(
    key: str,
    user: CurrentUser,
    session: DatabaseSession,
    project: Annotated[str | None, Query(max_length=120)] = None,
    include_closed: bool = False,
) -> Response:
    """The risk register with scores, the 5x5 matrix and escalations: ``progman risks --json``."""
    program = visible_program(session, user, key)
    report = risk_report(program, project=project, include_closed=include_closed)
    return json_answer(report.to_json())


@router.get("/resource-load", response_class=Response, responses=OBJECT)
def resource_load(
    key: str,
    user: CurrentUser,
    session: DatabaseSession,
    status_date: date | None = None,
    leveled: bool = False,
) -> Response:
    """Load and capacity per resource across every project: ``progman resources --json``."""
    program = visible_program(session, user, key)
    return json_answer(resource_report(program, status_date=status_date, leveled=leveled).to_json())


@router.post("/level", response_class=Response, responses={**OBJECT, **ACCEPTED})
def level(
    key: str,
    body: LevelRequest,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    jobs: Jobs,
    prefer: PreferHeader = None,
) -> Response:
    """Resource leveling across all projects (the plan is not changed): ``progman level
    --json`` (with ``Prefer: respond-async``, 202 and a job that answers it)."""
    if wants_async(prefer):
        return submit(session, user, key, runner=jobs, kind="level", body=body)
    program = visible_program(session, user, key)
    result = level_program(
        program,
        time_limit=body.time_limit,
        seed=body.seed,
        status_date=body.status_date,
        schedules=body.schedules,
    )
    return json_answer(result.to_json(f"program {key}"))


@router.post("/whatif", response_class=Response, responses=OBJECT)
def whatif(key: str, body: WhatIfRequest, user: CurrentUser, session: DatabaseSession) -> Response:
    """The program with the changes applied and the person lent, side by side with it and
    its baseline, leveled as the CLI levels (nothing is saved): ``progman whatif --json``."""
    program = visible_program(session, user, key)
    changes = parse_changes([change.model_dump() for change in body.changes])
    lent = body.move
    move = None if lent is None else Move(lent.resource, lent.source, lent.target, *lent.between)
    result = what_if(
        program,
        WhatIf(changes, move, body.leveled),
        baseline_id=body.baseline,
        time_limit=body.time_limit,
        seed=body.seed,
        relevel=body.relevel,
    )
    return json_answer(result.to_json())


@router.get("/audit", response_model=AuditPagePublic)
def audit(
    key: str,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    entity: Annotated[str | None, Query(max_length=120)] = None,
    actor: Annotated[str | None, Query(max_length=240)] = None,
    action: Annotated[str | None, Query(max_length=10)] = None,
    kind: Annotated[str | None, Query(max_length=40)] = None,
    since: Annotated[date | None, Query(alias="from")] = None,
    until: Annotated[date | None, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=40)] = None,
) -> AuditPagePublic:
    """Who changed what and when, newest first; with the filters, only one entity's, one
    actor's, one action's (created, updated, deleted), one kind of entity's, or those
    made from day ``from`` to day ``to`` (both included, UTC)."""
    page = audit_page(
        session, user, key, entity=entity, actor=actor, action=action, kind=kind,
        since=since, until=until, cursor=cursor, limit=limit,
    )  # fmt: skip
    items = [AuditEntryPublic(**vars(entry)) for entry in page.entries]
    return AuditPagePublic(items=items, next=page.next)
