"""``/api/v1/programs/{key}/evm`` and ``…/baselines/{id}/variance``: money and control of
a stored program, in the CLI's ``--json`` shapes (SPEC §5): earned value and earned
schedule against a baseline, and the variance of the plan against one."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from progman.api.answers import documented, json_answer
from progman.api.deps import CurrentUser, DatabaseSession
from progman.services.baseline_variance import stored_baseline_variance, variance_json
from progman.services.evm import earned_value_json, stored_earned_value
from progman.services.health import health_json, stored_health

router = APIRouter(prefix="/programs/{key}", tags=["control"])
OBJECT = documented({"type": "object"})


@router.get("/evm", response_class=Response, responses=OBJECT)
def evm(
    key: str,
    user: CurrentUser,
    session: DatabaseSession,
    baseline: Annotated[str | None, Query(max_length=120)] = None,
    status_date: date | None = None,
) -> Response:
    """Earned value (PV, EV, AC, SPI, CPI, EACs…) and earned schedule of the program, its
    projects and tasks against ``baseline`` (default: the latest taken) as of
    ``status_date`` (default: the program's), with the weekly S-curve: ``progman evm
    --json``."""
    result = stored_earned_value(session, user, key, baseline=baseline, status_date=status_date)
    return json_answer(earned_value_json(result))


@router.get("/baselines/{baseline_id}/variance", response_class=Response, responses=OBJECT)
def baseline_variance(
    key: str,
    baseline_id: str,
    user: CurrentUser,
    session: DatabaseSession,
    every_task: bool = False,
) -> Response:
    """The program as it is now against its baseline ``baseline_id``: start, finish, duration,
    work and cost variance of each task (only those that vary unless ``every_task``), of
    each project and the program: ``progman baseline --compare ID --json``."""
    found = stored_baseline_variance(session, user, key, baseline_id)
    return json_answer(variance_json(found, every_task=every_task))


@router.get("/health", response_class=Response, responses=OBJECT)
def health(key: str, user: CurrentUser, session: DatabaseSession) -> Response:
    """Health (RAG) of the program and each project, with a reason per signal (schedule,
    cost, risk, resources, scope) and any manual override: ``progman health --json``."""
    return json_answer(health_json(stored_health(session, user, key)))
