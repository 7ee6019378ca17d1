"""``/api/v1/programs/{key}/…``: the registers and strategy one entry at a time — risks,
objectives with their key results, benefits and stakeholders (SPEC §5.1).

As work items: every entry answers with its version as ``ETag``; a change or a delete
names the version it was made against in ``If-Match`` (none: 428; an older one: 412) and
is answered with the entry and what moved. A delete is refused (409
``conflict.still_referenced``) while anything refers to the entry, naming what does.
``GET …/risks`` stays the scored register (:mod:`progman.api.analysis_routes`); one risk
is read, added, changed and deleted here.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from progman.api.deps import CurrentUser, DatabaseSession
from progman.api.register_schemas import (
    BenefitCreate,
    BenefitEdited,
    BenefitMeasurementPublic,
    BenefitPage,
    BenefitPublic,
    BenefitUpdate,
    CommunicationPublic,
    KeyResultCreate,
    KeyResultEdited,
    KeyResultPage,
    KeyResultPublic,
    KeyResultUpdate,
    MeasurementPublic,
    ObjectiveCreate,
    ObjectiveEdited,
    ObjectivePage,
    ObjectivePublic,
    ObjectiveUpdate,
    ResidualPublic,
    RiskActionPublic,
    RiskChangePublic,
    RiskCreate,
    RiskEdited,
    RiskImpactPublic,
    RiskPublic,
    RiskUpdate,
    StakeholderCreate,
    StakeholderEdited,
    StakeholderPage,
    StakeholderPublic,
    StakeholderUpdate,
)
from progman.api.work_item_routes import IfMatch, parse_if_match
from progman.domain import RiskImpact
from progman.services.registers import (
    BENEFIT,
    KEY_RESULT,
    OBJECTIVE,
    RISK,
    STAKEHOLDER,
    EntryEdit,
    EntryView,
    do_add_entry,
    do_delete_entry,
    do_update_entry,
    get_entry,
    list_entries,
)
from progman.services.work_items import moved_between

router = APIRouter(prefix="/programs/{key}", tags=["registers and strategy"])
Limit = Annotated[int, Query(ge=1, le=1000)]
Cursor = Annotated[str | None, Query(max_length=200)]


# -- answers --------------------------------------------------------------------------------


def _impact(impact: RiskImpact) -> RiskImpactPublic:
    schedule = None if impact.schedule is None else str(impact.schedule)
    return RiskImpactPublic(
        schedule=schedule, cost=impact.cost, scope=impact.scope, quality=impact.quality
    )


def risk_public(view: EntryView) -> RiskPublic:
    risk = view.entry
    residual = None
    if risk.residual is not None:
        residual = ResidualPublic(
            probability=risk.residual.probability, impact=_impact(risk.residual.impact)
        )
    return RiskPublic(
        **_plain(risk, "id title kind project cause event effect category owner probability"),
        **_plain(risk, "response trigger status escalated escalated_on raised"),
        impact=_impact(risk.impact),
        actions=[RiskActionPublic(**_plain(a, "title owner due done")) for a in risk.actions],
        residual=residual,
        affects=list(risk.affects),
        history=[
            RiskChangePublic(**_plain(c, "date field before after by note")) for c in risk.history
        ],
        version=view.version,
    )


def objective_public(view: EntryView) -> ObjectivePublic:
    objective = view.entry
    return ObjectivePublic(
        **_plain(objective, "id title perspective description owner"),
        key_results=[result.id for result in objective.key_results],
        version=view.version,
    )


def key_result_public(view: EntryView) -> KeyResultPublic:
    result = view.entry
    assert view.objective is not None
    return KeyResultPublic(
        **_plain(result, "id title metric baseline target unit due"),
        objective=view.objective,
        measurements=[MeasurementPublic(date=m.date, value=m.value) for m in result.measurements],
        version=view.version,
    )


def benefit_public(view: EntryView) -> BenefitPublic:
    benefit = view.entry
    return BenefitPublic(
        **_plain(benefit, "id title description objective owner metric baseline target unit due"),
        depends_on=list(benefit.depends_on),
        measurements=[
            BenefitMeasurementPublic(**_plain(m, "date planned realized"))
            for m in benefit.measurements
        ],
        version=view.version,
    )


def stakeholder_public(view: EntryView) -> StakeholderPublic:
    person = view.entry
    return StakeholderPublic(
        **_plain(person, "id name role organisation email interest influence"),
        communication=[
            CommunicationPublic(**_plain(c, "report format frequency channel"))
            for c in person.communication
        ],
        version=view.version,
    )


def _plain(entity: Any, names: str) -> dict[str, Any]:
    """The named fields of a domain entity as they are (scalars, dates)."""
    return {name: getattr(entity, name) for name in names.split()}


def _fields(body: Any) -> dict[str, Any]:
    """The fields a request set, in plan-file form (dates as ISO text)."""
    return dict(body.model_dump(mode="json", exclude_unset=True))


def _tagged(view: EntryView, response: Response) -> EntryView:
    response.headers["ETag"] = f'"{view.version}"'
    return view


def _edited(edit: EntryEdit, response: Response) -> tuple[EntryView, dict[str, Any]]:
    """The entry of an edit (its new ``ETag`` unless deleted) and what moved."""
    if edit.view.version:
        response.headers["ETag"] = f'"{edit.view.version}"'
    return edit.view, moved_between(edit.before, edit.after)


def _created(response: Response, key: str, path: str) -> None:
    response.headers["Location"] = f"/api/v1/programs/{key}/{path}"


# -- risks ----------------------------------------------------------------------------------


@router.post("/risks", response_model=RiskEdited, status_code=201)
def add_risk(
    key: str, body: RiskCreate, user: CurrentUser, session: DatabaseSession, response: Response
) -> RiskEdited:
    """A new risk, issue or opportunity (of the program, or of ``project``)."""
    view, moved = _edited(do_add_entry(session, user, key, RISK, _fields(body)), response)
    _created(response, key, f"risks/{body.id}")
    return RiskEdited(item=risk_public(view), moved=moved)


@router.get("/risks/{risk_id}", response_model=RiskPublic)
def get_risk(
    key: str, risk_id: str, user: CurrentUser, session: DatabaseSession, response: Response
) -> RiskPublic:
    """One risk as the plan holds it; its ``ETag`` is its version (``GET …/risks`` is the
    scored register)."""
    return risk_public(_tagged(get_entry(session, user, key, RISK, risk_id), response))


@router.patch("/risks/{risk_id}", response_model=RiskEdited)
def update_risk(
    key: str,
    risk_id: str,
    *,
    body: RiskUpdate,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    if_match: IfMatch = None,
) -> RiskEdited:
    """Change some fields of a risk (``status``, ``probability``, ``escalated``...)."""
    edit = do_update_entry(
        session, user, key, RISK, risk_id, fields=_fields(body), if_match=parse_if_match(if_match)
    )
    view, moved = _edited(edit, response)
    return RiskEdited(item=risk_public(view), moved=moved)


@router.delete("/risks/{risk_id}", response_model=RiskEdited)
def delete_risk(
    key: str,
    risk_id: str,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    if_match: IfMatch = None,
) -> RiskEdited:
    """Delete a risk nothing refers to (closing it, ``status: closed``, keeps it on
    record); answers it as it was."""
    edit = do_delete_entry(session, user, key, RISK, risk_id, if_match=parse_if_match(if_match))
    view, moved = _edited(edit, response)
    return RiskEdited(item=risk_public(view), moved=moved)


# -- objectives -----------------------------------------------------------------------------


@router.get("/objectives", response_model=ObjectivePage)
def list_objectives(
    key: str,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> ObjectivePage:
    """The program's objectives in plan order."""
    page = list_entries(session, user, key, OBJECTIVE, cursor=cursor, limit=limit)
    return ObjectivePage(items=[objective_public(v) for v in page.items], next=page.next)


@router.post("/objectives", response_model=ObjectiveEdited, status_code=201)
def add_objective(
    key: str,
    body: ObjectiveCreate,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
) -> ObjectiveEdited:
    """A new objective (its key results are added under it)."""
    view, moved = _edited(do_add_entry(session, user, key, OBJECTIVE, _fields(body)), response)
    _created(response, key, f"objectives/{body.id}")
    return ObjectiveEdited(item=objective_public(view), moved=moved)


@router.get("/objectives/{objective_id}", response_model=ObjectivePublic)
def get_objective(
    key: str, objective_id: str, user: CurrentUser, session: DatabaseSession, response: Response
) -> ObjectivePublic:
    """One objective with the ids of its key results; its ``ETag`` is its version."""
    view = get_entry(session, user, key, OBJECTIVE, objective_id)
    return objective_public(_tagged(view, response))


@router.patch("/objectives/{objective_id}", response_model=ObjectiveEdited)
def update_objective(
    key: str,
    objective_id: str,
    *,
    body: ObjectiveUpdate,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    if_match: IfMatch = None,
) -> ObjectiveEdited:
    """Change an objective's title, perspective, description or owner."""
    version = parse_if_match(if_match)
    edit = do_update_entry(
        session, user, key, OBJECTIVE, objective_id, fields=_fields(body), if_match=version
    )
    view, moved = _edited(edit, response)
    return ObjectiveEdited(item=objective_public(view), moved=moved)


@router.delete("/objectives/{objective_id}", response_model=ObjectiveEdited)
def delete_objective(
    key: str,
    objective_id: str,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    if_match: IfMatch = None,
) -> ObjectiveEdited:
    """Delete an objective with no key results that no benefit, project, change request or
    decision refers to."""
    version = parse_if_match(if_match)
    edit = do_delete_entry(session, user, key, OBJECTIVE, objective_id, if_match=version)
    view, moved = _edited(edit, response)
    return ObjectiveEdited(item=objective_public(view), moved=moved)


# -- key results ----------------------------------------------------------------------------


@router.get("/objectives/{objective_id}/key-results", response_model=KeyResultPage)
def list_key_results(
    key: str,
    objective_id: str,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> KeyResultPage:
    """An objective's key results in plan order."""
    page = list_entries(
        session, user, key, KEY_RESULT, objective=objective_id, cursor=cursor, limit=limit
    )
    return KeyResultPage(items=[key_result_public(v) for v in page.items], next=page.next)


@router.post(
    "/objectives/{objective_id}/key-results", response_model=KeyResultEdited, status_code=201
)
def add_key_result(
    key: str,
    objective_id: str,
    *,
    body: KeyResultCreate,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
) -> KeyResultEdited:
    """A new key result of an objective (its id is unique in the program)."""
    edit = do_add_entry(session, user, key, KEY_RESULT, _fields(body), objective=objective_id)
    view, moved = _edited(edit, response)
    _created(response, key, f"objectives/{objective_id}/key-results/{body.id}")
    return KeyResultEdited(item=key_result_public(view), moved=moved)


@router.get("/objectives/{objective_id}/key-results/{kr_id}", response_model=KeyResultPublic)
def get_key_result(
    key: str,
    objective_id: str,
    kr_id: str,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
) -> KeyResultPublic:
    """One key result with its measurements; its ``ETag`` is its version."""
    view = get_entry(session, user, key, KEY_RESULT, kr_id, objective=objective_id)
    return key_result_public(_tagged(view, response))


@router.patch("/objectives/{objective_id}/key-results/{kr_id}", response_model=KeyResultEdited)
def update_key_result(
    key: str,
    objective_id: str,
    kr_id: str,
    *,
    body: KeyResultUpdate,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    if_match: IfMatch = None,
) -> KeyResultEdited:
    """Change a key result (a new measurement: send ``measurements`` whole)."""
    edit = do_update_entry(
        session,
        user,
        key,
        KEY_RESULT,
        kr_id,
        fields=_fields(body),
        if_match=parse_if_match(if_match),
        objective=objective_id,
    )
    view, moved = _edited(edit, response)
    return KeyResultEdited(item=key_result_public(view), moved=moved)


@router.delete("/objectives/{objective_id}/key-results/{kr_id}", response_model=KeyResultEdited)
def delete_key_result(
    key: str,
    objective_id: str,
    kr_id: str,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    if_match: IfMatch = None,
) -> KeyResultEdited:
    """Delete a key result; answers it as it was."""
    version = parse_if_match(if_match)
    edit = do_delete_entry(
        session, user, key, KEY_RESULT, kr_id, if_match=version, objective=objective_id
    )
    view, moved = _edited(edit, response)
    return KeyResultEdited(item=key_result_public(view), moved=moved)


# -- benefits -------------------------------------------------------------------------------


@router.get("/benefits", response_model=BenefitPage)
def list_benefits(
    key: str,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> BenefitPage:
    """The benefits register in plan order."""
    page = list_entries(session, user, key, BENEFIT, cursor=cursor, limit=limit)
    return BenefitPage(items=[benefit_public(v) for v in page.items], next=page.next)


@router.post("/benefits", response_model=BenefitEdited, status_code=201)
def add_benefit(
    key: str, body: BenefitCreate, user: CurrentUser, session: DatabaseSession, response: Response
) -> BenefitEdited:
    """A new benefit (of an ``objective``, needing the work items of ``depends_on``)."""
    view, moved = _edited(do_add_entry(session, user, key, BENEFIT, _fields(body)), response)
    _created(response, key, f"benefits/{body.id}")
    return BenefitEdited(item=benefit_public(view), moved=moved)


@router.get("/benefits/{benefit_id}", response_model=BenefitPublic)
def get_benefit(
    key: str, benefit_id: str, user: CurrentUser, session: DatabaseSession, response: Response
) -> BenefitPublic:
    """One benefit, planned and realized; its ``ETag`` is its version."""
    return benefit_public(_tagged(get_entry(session, user, key, BENEFIT, benefit_id), response))


@router.patch("/benefits/{benefit_id}", response_model=BenefitEdited)
def update_benefit(
    key: str,
    benefit_id: str,
    *,
    body: BenefitUpdate,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    if_match: IfMatch = None,
) -> BenefitEdited:
    """Change some fields of a benefit."""
    version = parse_if_match(if_match)
    edit = do_update_entry(
        session, user, key, BENEFIT, benefit_id, fields=_fields(body), if_match=version
    )
    view, moved = _edited(edit, response)
    return BenefitEdited(item=benefit_public(view), moved=moved)


@router.delete("/benefits/{benefit_id}", response_model=BenefitEdited)
def delete_benefit(
    key: str,
    benefit_id: str,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    if_match: IfMatch = None,
) -> BenefitEdited:
    """Delete a benefit no change request or decision refers to."""
    version = parse_if_match(if_match)
    edit = do_delete_entry(session, user, key, BENEFIT, benefit_id, if_match=version)
    view, moved = _edited(edit, response)
    return BenefitEdited(item=benefit_public(view), moved=moved)


# -- stakeholders ---------------------------------------------------------------------------


@router.get("/stakeholders", response_model=StakeholderPage)
def list_stakeholders(
    key: str,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> StakeholderPage:
    """The stakeholder register in plan order."""
    page = list_entries(session, user, key, STAKEHOLDER, cursor=cursor, limit=limit)
    return StakeholderPage(items=[stakeholder_public(v) for v in page.items], next=page.next)


@router.post("/stakeholders", response_model=StakeholderEdited, status_code=201)
def add_stakeholder(
    key: str,
    body: StakeholderCreate,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
) -> StakeholderEdited:
    """A new stakeholder with what they are to be told."""
    view, moved = _edited(do_add_entry(session, user, key, STAKEHOLDER, _fields(body)), response)
    _created(response, key, f"stakeholders/{body.id}")
    return StakeholderEdited(item=stakeholder_public(view), moved=moved)


@router.get("/stakeholders/{stakeholder_id}", response_model=StakeholderPublic)
def get_stakeholder(
    key: str, stakeholder_id: str, user: CurrentUser, session: DatabaseSession, response: Response
) -> StakeholderPublic:
    """One stakeholder; its ``ETag`` is its version."""
    view = get_entry(session, user, key, STAKEHOLDER, stakeholder_id)
    return stakeholder_public(_tagged(view, response))


@router.patch("/stakeholders/{stakeholder_id}", response_model=StakeholderEdited)
def update_stakeholder(
    key: str,
    stakeholder_id: str,
    *,
    body: StakeholderUpdate,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    if_match: IfMatch = None,
) -> StakeholderEdited:
    """Change some fields of a stakeholder."""
    version = parse_if_match(if_match)
    edit = do_update_entry(
        session, user, key, STAKEHOLDER, stakeholder_id, fields=_fields(body), if_match=version
    )
    view, moved = _edited(edit, response)
    return StakeholderEdited(item=stakeholder_public(view), moved=moved)


@router.delete("/stakeholders/{stakeholder_id}", response_model=StakeholderEdited)
def delete_stakeholder(
    key: str,
    stakeholder_id: str,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    if_match: IfMatch = None,
) -> StakeholderEdited:
    """Delete a stakeholder no change request or decision refers to."""
    version = parse_if_match(if_match)
    edit = do_delete_entry(session, user, key, STAKEHOLDER, stakeholder_id, if_match=version)
    view, moved = _edited(edit, response)
    return StakeholderEdited(item=stakeholder_public(view), moved=moved)
