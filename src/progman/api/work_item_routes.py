"""``/api/v1/programs/{key}/work-items``: the work breakdown, one item at a time (SPEC §5.1).

Every item answers with its version as ``ETag``; every write names the version it was made
against in ``If-Match`` (none: 428; an older one: 412 with the current version) and is
answered with the item as it is now and what the edit moved (the ``impact --json`` shape).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response

from progman.api.deps import CurrentUser, DatabaseSession
from progman.api.schemas import (
    AssignmentPublic,
    EstimatePublic,
    LinkPublic,
    PeriodCostBody,
    WorkItemCreate,
    WorkItemEdited,
    WorkItemPage,
    WorkItemPublic,
    WorkItemUpdate,
)
from progman.errors import UsageError
from progman.services.work_items import (
    Edit,
    WorkItemView,
    do_create_work_item,
    do_delete_work_item,
    do_update_work_item,
    edit_moved,
    get_work_item,
    list_work_items,
)

router = APIRouter(prefix="/programs/{key}/work-items", tags=["work items"])
IfMatch = Annotated[str | None, Header(description='the version changed, e.g. "3"')]


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def public(view: WorkItemView) -> WorkItemPublic:
    item = view.item
    estimate = None
    if item.estimate is not None:
        estimate = EstimatePublic(
            optimistic=str(item.estimate.optimistic),
            most_likely=str(item.estimate.most_likely),
            pessimistic=str(item.estimate.pessimistic),
        )
    return WorkItemPublic(
        id=item.id,
        name=item.name,
        project=view.project,
        parent=view.parent,
        kind=item.kind,
        milestone=item.milestone,
        summary=bool(item.tasks),
        description=item.description,
        duration=_text(item.duration),
        work=_text(item.work),
        estimate=estimate,
        depends=[LinkPublic(task=d.task, type=d.type, lag=str(d.lag)) for d in item.depends],
        deadline=item.deadline,
        priority=item.priority,
        percent_complete=item.percent_complete,
        actual_start=item.actual_start,
        actual_finish=item.actual_finish,
        status=item.status,
        fixed_cost=item.fixed_cost,
        actual_cost=item.actual_cost,
        actual_costs=[
            PeriodCostBody(start=c.start, end=c.end, amount=c.amount) for c in item.actual_costs
        ],
        resources=[
            AssignmentPublic(
                resource=a.resource, role=a.role, skill=a.skill, units=a.units, work=_text(a.work)
            )
            for a in item.resources
        ],
        tags=list(item.tags),
        version=view.version,
    )


def parse_if_match(header: str | None) -> int | None:
    """``If-Match: "3"`` (or ``W/"3"``, or ``3``) as 3."""
    if header is None:
        return None
    text = header.strip().removeprefix("W/").strip('"')
    if not text.isdigit():
        raise UsageError(
            f'If-Match must be the item\'s ETag, e.g. "3", not {header!r}', option="If-Match"
        )
    return int(text)


def edited(edit: Edit, response: Response) -> WorkItemEdited:
    if edit.view.version:
        response.headers["ETag"] = f'"{edit.view.version}"'
    return WorkItemEdited(item=public(edit.view), moved=edit_moved(edit))


@router.get("", response_model=WorkItemPage)
def list_items(
    key: str,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    project: Annotated[str | None, Query(max_length=120)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> WorkItemPage:
    """The program's work items in plan order (one project's with ``project``)."""
    page = list_work_items(session, user, key, project=project, cursor=cursor, limit=limit)
    return WorkItemPage(items=[public(v) for v in page.items], next=page.next)


@router.get("/{item_id}", response_model=WorkItemPublic)
def get_item(
    key: str, item_id: str, user: CurrentUser, session: DatabaseSession, response: Response
) -> WorkItemPublic:
    """One work item; its ``ETag`` is its version."""
    view = get_work_item(session, user, key, item_id)
    response.headers["ETag"] = f'"{view.version}"'
    return public(view)


@router.patch("/{item_id}", response_model=WorkItemEdited)
def update_item(
    key: str,
    *,
    item_id: str,
    body: WorkItemUpdate,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    if_match: IfMatch = None,
) -> WorkItemEdited:
    """Change some fields of a work item; answers it and what moved."""
    fields: dict[str, Any] = body.model_dump(exclude_unset=True)
    edit = do_update_work_item(
        session, user, key, item_id, fields, if_match=parse_if_match(if_match)
    )
    return edited(edit, response)


@router.post("", response_model=WorkItemEdited, status_code=201)
def create_item(
    key: str, body: WorkItemCreate, user: CurrentUser, session: DatabaseSession, response: Response
) -> WorkItemEdited:
    """A new work item under a project or a work item; answers it and what moved."""
    fields: dict[str, Any] = body.model_dump(exclude={"parent"}, exclude_defaults=True)
    fields["id"], fields["name"] = body.id, body.name
    edit = do_create_work_item(session, user, key, body.parent, fields)
    response.headers["Location"] = f"/api/v1/programs/{key}/work-items/{body.id}"
    return edited(edit, response)


@router.delete("/{item_id}", response_model=WorkItemEdited)
def delete_item(
    key: str,
    *,
    item_id: str,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    if_match: IfMatch = None,
) -> WorkItemEdited:
    """Delete a work item with its subtasks and the links to them; answers it as it was
    and what moved."""
    edit = do_delete_work_item(session, user, key, item_id, parse_if_match(if_match))
    return edited(edit, response)
