"""``/api/v1/programs/{key}/strategy/objectives`` and ``…/strategy/benefits``: strategy of a
stored program in the CLI's ``--json`` shapes (``progman objectives --json``, ``progman benefits
--json``): key-result progress and objective forecasts, and the benefits register with
the benefits at risk and the chain that causes it. (``…/objectives`` and ``…/benefits``
themselves are the registers' entities, :mod:`progman.api.register_routes`.)"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from progman.api.answers import documented, json_answer
from progman.api.deps import CurrentUser, DatabaseSession
from progman.services.strategy import benefits_json, objectives_json, stored_strategy

router = APIRouter(prefix="/programs/{key}/strategy", tags=["strategy"])
OBJECT = documented({"type": "object"})
#: Runs a request may simulate (a request waits for them: about a second on the sample).
Simulate = Annotated[int | None, Query(ge=1, le=10_000)]
Seed = Annotated[int, Query(ge=0, le=2**32 - 1)]


@router.get("/objectives", response_class=Response, responses=OBJECT)
def objectives(
    key: str, user: CurrentUser, session: DatabaseSession, simulate: Simulate = None, seed: Seed = 0
) -> Response:
    """Each objective's key results (latest measurement, progress from baseline to target)
    and forecast (when the projects and benefits it rests on finish; P80 when ``simulate``
    runs are asked for), the projects aligned to no objective and the objectives no
    project is aligned to: ``progman objectives --json``."""
    report = stored_strategy(session, user, key, iterations=simulate, seed=seed)
    return json_answer(objectives_json(report))


@router.get("/benefits", response_class=Response, responses=OBJECT)
def benefits(
    key: str, user: CurrentUser, session: DatabaseSession, simulate: Simulate = None, seed: Seed = 0
) -> Response:
    """The benefits register: forecast of what each benefit depends on against its due
    date (P80 when ``simulate`` runs are asked for), at risk with the driving chain and a
    reason, planned vs realized to date: ``progman benefits --json``."""
    report = stored_strategy(session, user, key, iterations=simulate, seed=seed)
    return json_answer(benefits_json(report))
