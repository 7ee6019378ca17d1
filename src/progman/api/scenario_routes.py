"""``/api/v1/programs/{key}/scenarios``: named what-if scenarios kept beside a program,
listed, read, saved, deleted, and compared with the plan as it is now (the ``whatif
--json`` shape: what the scenario moves)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from progman.api.answers import documented, json_answer
from progman.api.deps import CurrentUser, DatabaseSession
from progman.api.exchange_schemas import (
    ScenarioChangePublic,
    ScenarioCompareRequest,
    ScenarioCreate,
    ScenarioEdited,
    ScenarioPage,
    ScenarioPublic,
    ScenarioSummaryPublic,
)
from progman.api.work_item_routes import IfMatch, parse_if_match
from progman.services.scenario_catalog import (
    ScenarioView,
    compare_saved_scenario,
    do_delete_scenario,
    do_save_scenario,
    get_scenario,
    parse_changes,
    scenarios_page,
)

router = APIRouter(prefix="/programs/{key}/scenarios", tags=["scenarios"])


def summary(view: ScenarioView) -> ScenarioSummaryPublic:
    entry = view.summary
    return ScenarioSummaryPublic(
        id=entry.key,
        name=entry.name,
        description=entry.description,
        change_count=entry.changes,
        base_revision=entry.base_revision,
        version=entry.version,
        updated_at=entry.updated_at,
    )


def public(view: ScenarioView) -> ScenarioPublic:
    assert view.scenario is not None  # a single scenario is read with its changes
    changes = [
        ScenarioChangePublic(
            op=change.op, target=change.target, field=change.field, value=change.value
        )
        for change in view.scenario.changes
    ]
    return ScenarioPublic(
        **summary(view).model_dump(), created=view.scenario.created, changes=changes
    )


@router.get("", response_model=ScenarioPage)
def scenarios(
    key: str,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> ScenarioPage:
    """The program's scenarios by id (each without its changes)."""
    page = scenarios_page(session, user, key, cursor=cursor, limit=limit)
    return ScenarioPage(items=[summary(v) for v in page.items], next=page.next)


@router.get("/{scenario_id}", response_model=ScenarioPublic)
def scenario(
    key: str, scenario_id: str, user: CurrentUser, session: DatabaseSession, response: Response
) -> ScenarioPublic:
    """One scenario with its changes; its ``ETag`` is its version."""
    view = get_scenario(session, user, key, scenario_id)
    response.headers["ETag"] = f'"{view.version}"'
    return public(view)


@router.post("", response_model=ScenarioEdited, status_code=201)
def save(
    key: str, body: ScenarioCreate, user: CurrentUser, session: DatabaseSession, response: Response
) -> ScenarioEdited:
    """Save a named scenario of changes (they must apply to the plan as it is now); the
    plan itself is not changed. A program manager's."""
    changes = parse_changes([change.model_dump() for change in body.changes])
    view = do_save_scenario(
        session, user, key, body.id, changes, title=body.name, description=body.description
    )
    response.headers["ETag"] = f'"{view.version}"'
    response.headers["Location"] = f"/api/v1/programs/{key}/scenarios/{body.id}"
    return ScenarioEdited(item=public(view))


@router.delete("/{scenario_id}", response_model=ScenarioEdited)
def delete(
    key: str,
    scenario_id: str,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    if_match: IfMatch = None,
) -> ScenarioEdited:
    """Delete a scenario (``If-Match``: its version); answers it as it was."""
    view = do_delete_scenario(session, user, key, scenario_id, parse_if_match(if_match))
    return ScenarioEdited(item=public(view))


@router.post(
    "/{scenario_id}/compare", response_class=Response, responses=documented({"type": "object"})
)
def compare(
    key: str,
    scenario_id: str,
    user: CurrentUser,
    session: DatabaseSession,
    body: ScenarioCompareRequest | None = None,
) -> Response:
    """What the scenario moves: the plan as it is now side by side with the scenario
    applied and with a baseline (``progman whatif compare --json``); nothing is saved."""
    asked = body or ScenarioCompareRequest()
    result = compare_saved_scenario(
        session, user, key, scenario_id, baseline=asked.baseline, status_date=asked.status_date
    )
    return json_answer(result.to_json())
