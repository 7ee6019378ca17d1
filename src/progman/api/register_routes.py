"""``/api/v1/programs/{key}/…``: the registers and strategy one entry at a time — risks,
objectives with their key results, benefits and stakeholders (SPEC §5.1).

As work items: every entry answers with its version as ``ETag``; a change or a delete
names the version it was made against in ``If-Match`` (none: 428; an older one: 412) and
is answered with the entry and what moved. A delete is refused (409
``conflict.still_referenced``) while anything refers to the entry, naming what does.
``GET …/risks`` stays the scored register (:mod:`progman.api.analysis_routes`); one risk
is read, added, changed and deleted here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel

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
    RegisterKind,
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
        measurements=[
            MeasurementPublic(**_plain(m, "date value unit note")) for m in result.measurements
        ],
        version=view.version,
    )


def benefit_public(view: EntryView) -> BenefitPublic:
    benefit = view.entry
    return BenefitPublic(
        **_plain(benefit, "id title description objective owner metric baseline target unit due"),
        depends_on=list(benefit.depends_on),
        projects=list(benefit.projects),
        measurements=[
            BenefitMeasurementPublic(**_plain(m, "date planned realized unit note"))
            for m in benefit.measurements
        ],
        version=view.version,
    )


def stakeholder_public(view: EntryView) -> StakeholderPublic:
    person = view.entry
    return StakeholderPublic(
        **_plain(person, "id name role organisation email interest influence"),
        communication=[
            CommunicationPublic(**_plain(c, "report format frequency channel project start last"))
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


# -- risks, objectives, benefits, stakeholders: the same five routes each ------------------


@dataclass(frozen=True)
class _Register:
    """What the routes of one kind of entry need: its kind, names and schemas."""

    kind: RegisterKind
    plural: str  # the path segment: ``risks``
    param: str  # the entry id's name in the path: ``risk_id``
    create: type[BaseModel]
    update: type[BaseModel]
    public: Callable[[EntryView], BaseModel]
    public_type: type[BaseModel]
    edited: type[BaseModel]
    page: type[BaseModel] | None  # None: the list is elsewhere (the scored risk register)
    docs: dict[str, str]  # route name -> its description


def _add_routes(register: _Register) -> None:
    """The list, add, get, update and delete routes of one kind (``If-Match`` on writes)."""
    kind, plural, public = register.kind, register.plural, register.public
    singular = plural.removesuffix("s")
    one = f"/{plural}/{{{register.param}}}"
    EntryId = Annotated[str, Path(alias=register.param)]
    Create, Update = register.create, register.update

    def listed(
        key: str, *, user: CurrentUser, session: DatabaseSession, limit: Limit = 100,
        cursor: Cursor = None,
    ) -> Any:  # fmt: skip
        page = list_entries(session, user, key, kind, cursor=cursor, limit=limit)
        assert register.page is not None
        return register.page(items=[public(view) for view in page.items], next=page.next)

    def add(
        key: str,
        body: Create,  # type: ignore[valid-type]  # the kind's schema: FastAPI reads it here
        user: CurrentUser,
        session: DatabaseSession,
        response: Response,
    ) -> Any:
        view, moved = _edited(do_add_entry(session, user, key, kind, _fields(body)), response)
        _created(response, key, f"{plural}/{body.id}")  # type: ignore[attr-defined]
        return register.edited(item=public(view), moved=moved)

    def get(
        key: str, entry_id: EntryId, user: CurrentUser, session: DatabaseSession,
        response: Response,
    ) -> Any:  # fmt: skip
        return public(_tagged(get_entry(session, user, key, kind, entry_id), response))

    def update(
        key: str, entry_id: EntryId, *,
        body: Update,  # type: ignore[valid-type]  # the kind's schema: FastAPI reads it here
        user: CurrentUser, session: DatabaseSession, response: Response,
        if_match: IfMatch = None,
    ) -> Any:  # fmt: skip
        version = parse_if_match(if_match)
        edit = do_update_entry(
            session, user, key, kind, entry_id, fields=_fields(body), if_match=version
        )
        view, moved = _edited(edit, response)
        return register.edited(item=public(view), moved=moved)

    def delete(
        key: str, entry_id: EntryId, *, user: CurrentUser, session: DatabaseSession,
        response: Response, if_match: IfMatch = None,
    ) -> Any:  # fmt: skip
        version = parse_if_match(if_match)
        edit = do_delete_entry(session, user, key, kind, entry_id, if_match=version)
        view, moved = _edited(edit, response)
        return register.edited(item=public(view), moved=moved)

    routes: list[tuple[str, Callable[..., Any], str, str, type[BaseModel] | None, int]] = [
        (f"/{plural}", listed, "GET", f"list_{plural}", register.page, 200),
        (f"/{plural}", add, "POST", f"add_{singular}", register.edited, 201),
        (one, get, "GET", f"get_{singular}", register.public_type, 200),
        (one, update, "PATCH", f"update_{singular}", register.edited, 200),
        (one, delete, "DELETE", f"delete_{singular}", register.edited, 200),
    ]
    for path, endpoint, method, name, model, status in routes:
        if model is None:
            continue
        router.add_api_route(
            path, endpoint, methods=[method], name=name, response_model=model,
            status_code=status, description=register.docs[name.split("_")[0]],
        )  # fmt: skip


for _register in (
    _Register(
        RISK, "risks", "risk_id", RiskCreate, RiskUpdate, risk_public, RiskPublic, RiskEdited,
        None,
        {
            "add": "A new risk, issue or opportunity (of the program, or of ``project``).",
            "get": "One risk as the plan holds it; its ``ETag`` is its version (``GET …/risks``"
            " is the scored register).",
            "update": "Change some fields of a risk (``status``, ``probability``, "
            "``escalated``...).",
            "delete": "Delete a risk nothing refers to (closing it, ``status: closed``, keeps "
            "it on record); answers it as it was.",
        },
    ),
    _Register(
        OBJECTIVE, "objectives", "objective_id", ObjectiveCreate, ObjectiveUpdate,
        objective_public, ObjectivePublic, ObjectiveEdited, ObjectivePage,
        {
            "list": "The program's objectives in plan order.",
            "add": "A new objective (its key results are added under it).",
            "get": "One objective with the ids of its key results; its ``ETag`` is its "
            "version.",
            "update": "Change an objective's title, perspective, description or owner.",
            "delete": "Delete an objective with no key results that no benefit, project, "
            "change request or decision refers to; answers it as it was.",
        },
    ),
    _Register(
        BENEFIT, "benefits", "benefit_id", BenefitCreate, BenefitUpdate, benefit_public,
        BenefitPublic, BenefitEdited, BenefitPage,
        {
            "list": "The benefits register in plan order.",
            "add": "A new benefit (of an ``objective``, needing the work items of "
            "``depends_on``).",
            "get": "One benefit, planned and realized; its ``ETag`` is its version.",
            "update": "Change some fields of a benefit.",
            "delete": "Delete a benefit no change request or decision refers to; answers it "
            "as it was.",
        },
    ),
    _Register(
        STAKEHOLDER, "stakeholders", "stakeholder_id", StakeholderCreate, StakeholderUpdate,
        stakeholder_public, StakeholderPublic, StakeholderEdited, StakeholderPage,
        {
            "list": "The stakeholder register in plan order.",
            "add": "A new stakeholder with what they are to be told.",
            "get": "One stakeholder; its ``ETag`` is its version.",
            "update": "Change some fields of a stakeholder.",
            "delete": "Delete a stakeholder no change request or decision refers to; answers "
            "it as it was.",
        },
    ),
):  # fmt: skip
    _add_routes(_register)


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
