"""``/api/v1/programs/{key}/projects``: the program's projects, one at a time (SPEC §5.1).

Each answers with its version as ``ETag``; a change or a delete names it in ``If-Match``
and is answered with the project and what moved. A delete that other projects' work
still points into is refused (409, naming each reference) unless ``?cascade=true``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from progman.api.deps import CurrentUser, DatabaseSession
from progman.api.structure_schemas import (
    ProjectCreate,
    ProjectEdited,
    ProjectPage,
    ProjectPublic,
    ProjectUpdate,
)
from progman.api.work_item_routes import IfMatch, parse_if_match
from progman.services.projects import (
    ProjectEdit,
    ProjectView,
    do_create_project,
    do_delete_project,
    do_update_project,
    get_project,
    list_projects,
)
from progman.services.work_items import moved_between

router = APIRouter(prefix="/programs/{key}/projects", tags=["projects"])


def public(view: ProjectView) -> ProjectPublic:
    project = view.project
    return ProjectPublic(
        id=project.id,
        name=project.name,
        description=project.description,
        manager=project.manager,
        method=project.method,
        phase=project.phase,
        status=project.status,
        priority=project.priority,
        budget=project.budget,
        start=project.start,
        calendar=project.calendar,
        objectives=dict(project.objectives),
        tags=list(project.tags),
        work_items=view.work_items,
        version=view.version,
    )


def _edited(edit: ProjectEdit, response: Response) -> ProjectEdited:
    if edit.view.version:  # none left after a delete
        response.headers["ETag"] = f'"{edit.view.version}"'
    return ProjectEdited(item=public(edit.view), moved=moved_between(edit.before, edit.after))


@router.get("", response_model=ProjectPage)
def projects(
    key: str,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> ProjectPage:
    """The program's projects in plan order, a page at a time."""
    page = list_projects(session, user, key, cursor=cursor, limit=limit)
    return ProjectPage(items=[public(v) for v in page.items], next=page.next)


@router.get("/{project_id}", response_model=ProjectPublic)
def project(
    key: str, project_id: str, user: CurrentUser, session: DatabaseSession, response: Response
) -> ProjectPublic:
    """One project; its ``ETag`` is its version."""
    view = get_project(session, user, key, project_id)
    response.headers["ETag"] = f'"{view.version}"'
    return public(view)


@router.post("", response_model=ProjectEdited, status_code=201)
def create_project(
    key: str, body: ProjectCreate, user: CurrentUser, session: DatabaseSession, response: Response
) -> ProjectEdited:
    """A new project without work items (a program manager's); answers it and what moved."""
    fields: dict[str, Any] = body.model_dump(mode="json", exclude_defaults=True)
    fields["id"], fields["name"] = body.id, body.name
    edit = do_create_project(session, user, key, fields)
    response.headers["Location"] = f"/api/v1/programs/{key}/projects/{body.id}"
    return _edited(edit, response)


@router.patch("/{project_id}", response_model=ProjectEdited)
def update_project(
    key: str,
    project_id: str,
    *,
    body: ProjectUpdate,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    if_match: IfMatch = None,
) -> ProjectEdited:
    """Change some fields of a project (its manager's, or a program manager's); answers
    it and what moved."""
    fields: dict[str, Any] = body.model_dump(mode="json", exclude_unset=True)
    version = parse_if_match(if_match)
    edit = do_update_project(session, user, key, project_id, fields, if_match=version)
    return _edited(edit, response)


@router.delete("/{project_id}", response_model=ProjectEdited)
def delete_project(
    key: str,
    project_id: str,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    if_match: IfMatch = None,
    cascade: Annotated[
        bool,
        Query(description="cut the links and mentions that point into it from elsewhere"),
    ] = False,
) -> ProjectEdited:
    """Delete a project with its work items, sprints and gates (a program manager's);
    answers it as it was and what moved."""
    version = parse_if_match(if_match)
    edit = do_delete_project(session, user, key, project_id, if_match=version, cascade=cascade)
    return _edited(edit, response)
