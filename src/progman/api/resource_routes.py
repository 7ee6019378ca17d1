"""``/api/v1/programs/{key}/resources``: the shared resource pool, one resource at a time
(a resource still assigned to work is not deleted: 409 naming the work items), and
``…/work-items/{id}/assignments``: who works on a task."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from progman.api.deps import CurrentUser, DatabaseSession
from progman.api.schemas import (
    AssignmentIn,
    CapacityPublic,
    ResourceEdited,
    ResourcePublic,
    ResourceUpdate,
    WorkItemEdited,
)
from progman.api.structure_schemas import ResourceCreate
from progman.api.work_item_routes import IfMatch, edited, parse_if_match
from progman.services.resource_pool import (
    ResourceEdit,
    ResourceView,
    do_create_resource,
    do_delete_resource,
    do_update_resource,
    get_resource,
    list_resources,
)
from progman.services.work_items import do_set_assignments, moved_between

router = APIRouter(prefix="/programs/{key}", tags=["resources"])


def public(view: ResourceView) -> ResourcePublic:
    resource = view.resource
    return ResourcePublic(
        id=resource.id,
        name=resource.name,
        kind=resource.kind,
        role=resource.role,
        skills=list(resource.skills),
        team=resource.team,
        capacity=resource.capacity,
        availability=[
            CapacityPublic(start=p.start, finish=p.finish, capacity=p.capacity)
            for p in resource.availability
        ],
        rate=resource.rate,
        calendar=resource.calendar,
        version=view.version,
    )


@router.get("/resources", response_model=list[ResourcePublic])
def resources(key: str, user: CurrentUser, session: DatabaseSession) -> list[ResourcePublic]:
    """The program's resource pool, in plan order."""
    return [public(view) for view in list_resources(session, user, key)]


@router.get("/resources/{resource_id}", response_model=ResourcePublic)
def resource(
    key: str, resource_id: str, user: CurrentUser, session: DatabaseSession, response: Response
) -> ResourcePublic:
    """One resource; its ``ETag`` is its version."""
    view = get_resource(session, user, key, resource_id)
    response.headers["ETag"] = f'"{view.version}"'
    return public(view)


@router.patch("/resources/{resource_id}", response_model=ResourceEdited)
def update_resource(
    key: str,
    resource_id: str,
    *,
    body: ResourceUpdate,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    if_match: IfMatch = None,
) -> ResourceEdited:
    """Change a resource (capacity, role, team, skills, rate); answers it and what moved."""
    fields: dict[str, Any] = body.model_dump(exclude_unset=True)
    version = parse_if_match(if_match)
    done = do_update_resource(session, user, key, resource_id, fields, if_match=version)
    response.headers["ETag"] = f'"{done.view.version}"'
    return ResourceEdited(item=public(done.view), moved=moved_between(done.before, done.after))


def _edited(done: ResourceEdit, response: Response) -> ResourceEdited:
    if done.view.version:  # none left after a delete
        response.headers["ETag"] = f'"{done.view.version}"'
    return ResourceEdited(item=public(done.view), moved=moved_between(done.before, done.after))


@router.post("/resources", response_model=ResourceEdited, status_code=201)
def create_resource(
    key: str, body: ResourceCreate, user: CurrentUser, session: DatabaseSession, response: Response
) -> ResourceEdited:
    """A new resource of the pool (a program manager's); answers it and what moved."""
    fields: dict[str, Any] = body.model_dump(mode="json", exclude_defaults=True)
    fields["id"], fields["name"] = body.id, body.name
    done = do_create_resource(session, user, key, fields)
    response.headers["Location"] = f"/api/v1/programs/{key}/resources/{body.id}"
    return _edited(done, response)


@router.delete("/resources/{resource_id}", response_model=ResourceEdited)
def delete_resource(
    key: str,
    resource_id: str,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    if_match: IfMatch = None,
) -> ResourceEdited:
    """Delete a resource no work item is assigned to any more (remove its assignments
    first); answers it as it was and what moved."""
    version = parse_if_match(if_match)
    return _edited(do_delete_resource(session, user, key, resource_id, if_match=version), response)


@router.put("/work-items/{item_id}/assignments", response_model=WorkItemEdited)
def set_assignments(
    key: str,
    item_id: str,
    *,
    body: list[AssignmentIn],
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    if_match: IfMatch = None,
) -> WorkItemEdited:
    """Who works on a task, replacing its assignments (``If-Match``: the task's version)."""
    assignments = [a.model_dump(exclude_none=True) for a in body]
    version = parse_if_match(if_match)
    edit = do_set_assignments(session, user, key, item_id, assignments, if_match=version)
    return edited(edit, response)
