"""The project page: a project's work breakdown as a tree with its dates, duration and
float, and, for those who may change it, forms to add a task or milestone, rename an item,
change its duration or delete it.

Every edit goes through the REST API's service (:mod:`progman.services.work_items`, with
the item's version as ``If-Match``) and the page answers with what it moved. A stale
version, a field the plan refuses or a viewer's POST writes nothing: the first two are
said next to the form, with the current values; the last is refused with 403.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse

from progman.domain.access import User
from progman.errors import PlanInvalid, ProgmanError, StaleVersion
from progman.services.catalog import program_entry
from progman.services.wbs_view import moved_text, new_item_problems, planned_duration, project_wbs
from progman.services.work_items import (
    Edit,
    do_create_work_item,
    do_delete_work_item,
    do_update_work_item,
    edit_moved,
)
from progman.web.rendering import PageRoute, page
from progman.web.session import FormViewer, PageSession, Viewer

router = APIRouter(route_class=PageRoute, include_in_schema=False)
Text = Annotated[str, Form(max_length=500)]


def _project_page(
    request: Request,
    user: User,
    csrf: str,
    session: Any,
    where: tuple[str, str],
    *,
    status: int = 200,
    **shown: Any,
) -> HTMLResponse:
    key, project = where
    entry = program_entry(session, user, key)
    wbs = project_wbs(session, user, key, project)
    context: dict[str, Any] = {
        "edit": None, "add": None, "errors": {}, "notice": None, "moved": set(), "typed": {},
    }  # fmt: skip
    context.update(shown)
    return page(
        request, "project.html", status, user=user, csrf=csrf, program=entry, view=None,
        wbs=wbs, **context, planned=planned_duration,
    )  # fmt: skip


def _done(edit: Edit, what: str) -> dict[str, Any]:
    """The notice of an edit done, and the ids it moved (highlighted)."""
    moved = edit_moved(edit)
    return {
        "notice": f"{what} {moved_text(moved)}",
        "moved": {t["id"] for t in moved.get("changed", [])},
    }


@router.get("/programs/{key}/projects/{project_id}")
def project_page(
    request: Request,
    key: str,
    project_id: str,
    *,
    seen: Viewer,
    session: PageSession,
    edit: Annotated[str | None, Query(max_length=200)] = None,
    add: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    """The project's breakdown; ``edit`` opens an item's edit form, ``add`` the new item
    form under a summary item."""
    user, csrf = seen
    return _project_page(request, user, csrf, session, (key, project_id), edit=edit, add=add)


@router.post("/programs/{key}/projects/{project_id}/items")
def add_item(
    request: Request,
    key: str,
    project_id: str,
    *,
    seen: FormViewer,
    session: PageSession,
    parent: Text = "",
    id: Annotated[str, Form(max_length=200)] = "",
    name: Text = "",
    kind: Annotated[str, Form(pattern="^(task|milestone)$")] = "task",
    duration: Annotated[str, Form(max_length=40)] = "",
) -> HTMLResponse:
    """A new task or milestone under the project or one of its items."""
    user, token = seen
    typed = {"parent": parent, "id": id.strip(), "name": name.strip(), "kind": kind,
             "duration": duration.strip()}  # fmt: skip
    errors: dict[str, str] = {}
    if not typed["id"]:
        errors["new-id"] = "give the new item an id, e.g. " + project_id + ".review"
    if not typed["name"]:
        errors["new-name"] = "give the new item a name"
    if kind == "task" and not typed["duration"]:
        errors["new-duration"] = "how long does it take? e.g. 5d"
    fields: dict[str, Any] = {"id": typed["id"], "name": typed["name"]}
    if kind == "milestone":
        fields["milestone"] = True
    else:
        fields["duration"] = typed["duration"]
    where = (key, project_id)
    if not errors:
        try:
            done = do_create_work_item(session, user, key, parent or project_id, fields)
        except PlanInvalid as invalid:
            for problem in new_item_problems(invalid):
                field = problem.location.path or "body"
                errors.setdefault(f"new-{field}", problem.message)
        except ProgmanError as refused:
            if refused.http_status == 403:
                raise
            errors["new-body"] = str(refused)
        else:
            what = f"Added {'milestone' if kind == 'milestone' else 'task'} {typed['id']}:"
            return _project_page(request, user, token, session, where, **_done(done, what))
    return _project_page(
        request, user, token, session, where, status=422, errors=errors, typed=typed,
        add=parent or project_id,
    )  # fmt: skip


@router.post("/programs/{key}/projects/{project_id}/items/{item_id:path}")
def change_item(
    request: Request,
    key: str,
    project_id: str,
    item_id: str,
    *,
    seen: FormViewer,
    session: PageSession,
    version: Annotated[int, Form(ge=0)] = 0,
    name: Annotated[str | None, Form(max_length=500)] = None,
    duration: Annotated[str | None, Form(max_length=40)] = None,
    was_name: Annotated[str | None, Form(max_length=500)] = None,
    was_duration: Annotated[str | None, Form(max_length=40)] = None,
    delete: Annotated[str | None, Form(max_length=10)] = None,
) -> HTMLResponse:
    """Rename an item, change its duration, or delete it. Only a field whose value differs
    from the one the form showed (``was_…``) is changed: a task sized by an estimate keeps
    it when only its name is edited."""
    user, token = seen
    where = (key, project_id)
    fields: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if name is not None and name.strip() != was_name:
        if not name.strip():
            errors[f"name-{item_id}"] = "a name cannot be empty"
        fields["name"] = name.strip()
    if duration is not None and duration.strip() != was_duration:
        if not duration.strip():
            errors[f"duration-{item_id}"] = "write a duration, e.g. 5d"
        fields["duration"] = duration.strip()
    typed = {"name": name, "duration": duration}
    if not fields and not delete and not errors:
        notice = f"Nothing to save: {item_id} is as it was."
        return _project_page(request, user, token, session, where, notice=notice)
    if errors:
        return _project_page(
            request, user, token, session, where, status=422, edit=item_id, errors=errors,
            typed=typed,
        )  # fmt: skip
    try:
        if delete:
            done = do_delete_work_item(session, user, key, item_id, version)
            shown = _done(done, f"Deleted {item_id}:")
        else:
            done = do_update_work_item(session, user, key, item_id, fields, if_match=version)
            shown = _done(done, f"Saved {item_id}:")
    except StaleVersion as stale:
        message = (
            f"Someone else changed {item_id} while you edited it (it is at version "
            f"{stale.current} now). Its current values are shown: make your change again."
        )
        return _project_page(
            request, user, token, session, where, status=409, edit=item_id,
            errors={f"row-{item_id}": message},
        )  # fmt: skip
    except PlanInvalid as invalid:
        for problem in invalid.problems:
            field = problem.location.path if problem.location.path in fields else "row"
            errors.setdefault(f"{field}-{item_id}", problem.message)
        return _project_page(
            request, user, token, session, where, status=422, edit=item_id, errors=errors,
            typed=typed,
        )  # fmt: skip
    return _project_page(request, user, token, session, where, **shown)
