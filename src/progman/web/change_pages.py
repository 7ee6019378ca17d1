"""The change request pages: a program's requests with the impact of each, a form to
draft a new one, and a request's page with its changes, decisions and stored impact and
the step its state and the user's rights allow (edit, delete or submit a draft, approve
or reject, apply).

Every step goes through :mod:`progman.services.change_requests` with the request's
version as ``If-Match``. A mistake in the new request form is said next to its field and
nothing is written; a stale version or a step the state no longer allows is said on the
request's page (409); a user without the right is refused with 403 by the service. An
apply refused because the program changed is answered after the recomputed impact is
committed, as the API does, so the page shows the impact the approvers must look at now.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from progman.domain.access import User
from progman.errors import Forbidden, PlanInvalid, ProgmanError, StaleVersion, UsageError
from progman.services.catalog import program_entry, visible_program
from progman.services.change_form import DraftForm, do_edit_draft, draft_form
from progman.services.change_impact import change_text, impact_summary
from progman.services.change_requests import (
    ChangeRequestState,
    check_may_request,
    do_apply_change_request,
    do_create_change_request,
    do_decide_change_request,
    do_delete_change_request,
    do_submit_change_request,
    get_change_request,
    list_change_requests,
    may_approve,
    may_request,
)
from progman.services.whatif_form import WhatIfForm, read_changes
from progman.web.rendering import PageRoute, page
from progman.web.session import FormViewer, PageSession, Viewer

router = APIRouter(route_class=PageRoute, include_in_schema=False)
Text = Annotated[str, Form(max_length=500)]
LongText = Annotated[str, Form(max_length=20_000)]
#: What the page says after a step done (``?done=``): a fixed text, never the query's.
DONE = {
    "created": "Draft created: submit it to compute its impact and ask for approval.",
    "submitted": "Submitted: its impact is computed and stored; it waits for a decision.",
    "approved": "Approved: it can be applied now.",
    "rejected": "Rejected: the decision and its reason are kept on record.",
    "applied": "Applied: the changes are in the plan and a new baseline was taken.",
    "edited": "Draft saved: submit it when it is ready.",
    "deleted": "Draft deleted: the audit log keeps what it held.",
}
Step = Literal["submit", "approve", "reject", "apply"]
#: The error keys of the new request form → the service's field names.
FIELDS = ("title", "reason", "changes", "approvers")
#: The error keys of a draft's edit form.
EDIT_FIELDS = ("title", "reason", "sets", "deps", "removes", "approvers")


def _list_page(
    request: Request,
    seen: tuple[User, str],
    session: Session,
    key: str,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    notice: str | None = None,
) -> HTMLResponse:
    user, csrf = seen
    entry = program_entry(session, user, key)
    program = visible_program(session, user, key)
    listed = list_change_requests(session, user, key, limit=500).items
    return page(
        request, "changes.html", status, user=user, csrf=csrf, program=entry,
        view="Change requests", requests=list(reversed(listed)), summary=impact_summary,
        can_request=may_request(user, program), errors=errors or {}, typed=typed or {},
        notice=notice,
    )  # fmt: skip


@router.get("/programs/{key}/changes")
def changes_page(
    request: Request,
    key: str,
    *,
    seen: Viewer,
    session: PageSession,
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    """The program's change requests, newest first, and the new request form."""
    notice = DONE.get(done or "") if done == "deleted" else None
    return _list_page(request, seen, session, key, notice=notice)


def _form_errors(error: ProgmanError, lines: list[tuple[str, int]]) -> dict[str, str]:
    """A refusal of the new request as messages by form field (``form``: the whole);
    ``lines``: the line each change was typed on."""
    if isinstance(error, PlanInvalid):
        return {"changes": " ".join(_on_line(p.location.path, p.message, lines)
                                    for p in error.problems)}  # fmt: skip
    if isinstance(error, UsageError):
        field = error.option if error.option in FIELDS else "form"
        return {field: error.message}
    path = error.location.path
    return {path if path in FIELDS else "form": error.message}


def _on_line(path: str | None, message: str, lines: list[tuple[str, int]]) -> str:
    """``changes[2]``'s message as that of the line the third change was typed on."""
    if path and path.startswith("changes[") and path.endswith("]"):
        number = int(path[len("changes[") : -1])
        if number < len(lines):
            return f"line {lines[number][1]}: {message}"
    return message


@router.post("/programs/{key}/changes")
def create_request(
    request: Request,
    key: str,
    *,
    seen: FormViewer,
    session: PageSession,
    title: Text = "",
    reason: LongText = "",
    changes: LongText = "",
    approvers: Text = "",
) -> Response:
    """A new draft from the form: its changes one ``ID.FIELD=VALUE`` a line."""
    user = seen[0]
    check_may_request(user, visible_program(session, user, key))  # whatever was typed
    typed = {"title": title, "reason": reason, "changes": changes, "approvers": approvers}
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "give the change request a title (what it changes, in a few words)"
    if not changes.strip():
        errors["changes"] = "give at least one change, e.g. API.perf.duration=15d"
    try:
        parsed, lines = read_changes(WhatIfForm(sets=changes))
    except PlanInvalid as invalid:
        errors.setdefault("changes", " ".join(p.message for p in invalid.problems))
        parsed, lines = [], []
    if not errors:
        names = [n for n in approvers.replace(",", " ").split() if n]
        try:
            made = do_create_change_request(
                session, user, key, title=title.strip(), changes=parsed,
                reason=reason.strip() or None, approvers=names,
            )  # fmt: skip
        except ProgmanError as refused:
            if isinstance(refused, Forbidden) and not _names_approvers(refused):
                raise
            errors = _form_errors(refused, lines)
        else:
            ident = made.view.request.id
            return RedirectResponse(f"/programs/{key}/changes/{ident}?done=created", 303)
    return _list_page(request, seen, session, key, status=422, errors=errors, typed=typed)


def _names_approvers(refused: Forbidden) -> bool:
    """A member naming approvers: said next to that field, not a refused page."""
    return refused.location is not None and refused.location.path == "approvers"


def _request_page(
    request: Request,
    seen: tuple[User, str],
    session: Session,
    where: tuple[str, str],
    *,
    status: int = 200,
    notice: str | None = None,
    error: str | None = None,
    typed: DraftForm | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    """A request's page; ``typed``: its edit form as the user typed it (else as stored)
    with ``errors`` by field."""
    user, csrf = seen
    key, ident = where
    entry = program_entry(session, user, key)
    program = visible_program(session, user, key)
    view = get_change_request(session, user, key, ident)
    can_request = may_request(user, program)
    editing = view.request.state == "draft" and can_request
    return page(
        request, "change.html", status, user=user, csrf=csrf, program=entry,
        view="Change requests", cr=view.request, version=view.version,
        changes=[change_text(c) for c in view.request.changes],
        summary=impact_summary(view.request.impact),
        can_request=can_request,
        can_approve=may_approve(user, key, view.request), notice=notice, error=error,
        draft=(typed or draft_form(view.request)) if editing else None,
        kept=draft_form(view.request).kept_text if editing else [], errors=errors or {},
    )  # fmt: skip


@router.get("/programs/{key}/changes/{request_id}")
def request_page(
    request: Request,
    key: str,
    request_id: str,
    *,
    seen: Viewer,
    session: PageSession,
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    """One change request: its changes, decisions and impact, and the next step."""
    notice = DONE.get(done or "")
    return _request_page(request, seen, session, (key, request_id), notice=notice)


def _conflict_page(
    request: Request,
    seen: tuple[User, str],
    session: Session,
    where: tuple[str, str],
    conflict: StaleVersion | ChangeRequestState,
    *,
    version: int,
) -> HTMLResponse:
    """The request's page as it is now (409), saying why a step at ``version`` was not
    taken: someone else changed it, or its state no longer allows the step."""
    message = conflict.message
    if isinstance(conflict, StaleVersion):
        message = (
            f"Someone else changed {where[1]} while you looked at it (it is at version "
            f"{conflict.current} now, you saw version {version}). It is shown as it is now: "
            "look at it again before you act on it."
        )
    return _request_page(request, seen, session, where, status=409, error=message)


def _edit_errors(error: ProgmanError) -> dict[str, str]:
    """A refused edit as messages by field of the edit form (``form``: the whole)."""
    if isinstance(error, PlanInvalid):
        found: dict[str, str] = {}
        for problem in error.problems:
            path = problem.location.path
            field = path if path in EDIT_FIELDS else "form"
            found[field] = " ".join(filter(None, (found.get(field), problem.message)))
        return found
    if isinstance(error, UsageError):
        field = {"changes": "sets"}.get(error.option, error.option)
        return {field if field in EDIT_FIELDS else "form": error.message}
    path = error.location.path
    return {path if path in EDIT_FIELDS else "form": error.message}


# (registered before the steps' route, which would take "edit" and "delete" for a step)
@router.post("/programs/{key}/changes/{request_id}/edit")
def edit_draft(
    request: Request,
    key: str,
    request_id: str,
    *,
    seen: FormViewer,
    session: PageSession,
    version: Annotated[int, Form(ge=0)] = 0,
    title: Text = "",
    reason: LongText = "",
    sets: LongText = "",
    deps: LongText = "",
    removes: LongText = "",
    approvers: Text = "",
) -> Response:
    """Save the draft's edit form (the changes the page could show as lines; the others
    stay) at the version the page showed."""
    user = seen[0]
    where = (key, request_id)
    typed = DraftForm(title, reason, approvers, sets, deps, removes)
    try:
        do_edit_draft(session, user, key, request_id, typed, if_match=version)
    except (StaleVersion, ChangeRequestState) as conflict:
        return _conflict_page(request, seen, session, where, conflict, version=version)
    except ProgmanError as refused:
        if isinstance(refused, Forbidden) and not _names_approvers(refused):
            raise
        errors = _edit_errors(refused)
        return _request_page(request, seen, session, where, status=422, typed=typed, errors=errors)
    return RedirectResponse(f"/programs/{key}/changes/{request_id}?done=edited", 303)


@router.post("/programs/{key}/changes/{request_id}/delete")
def delete_draft(
    request: Request,
    key: str,
    request_id: str,
    *,
    seen: FormViewer,
    session: PageSession,
    version: Annotated[int, Form(ge=0)] = 0,
) -> Response:
    """Delete the draft at the version the page showed."""
    user = seen[0]
    where = (key, request_id)
    try:
        do_delete_change_request(session, user, key, request_id, if_match=version)
    except (StaleVersion, ChangeRequestState) as conflict:
        return _conflict_page(request, seen, session, where, conflict, version=version)
    return RedirectResponse(f"/programs/{key}/changes?done=deleted", 303)


@router.post("/programs/{key}/changes/{request_id}/{step}")
def request_step(
    request: Request,
    key: str,
    request_id: str,
    step: Step,
    *,
    seen: FormViewer,
    session: PageSession,
    version: Annotated[int, Form(ge=0)] = 0,
    comment: LongText = "",
) -> Response:
    """Submit, approve, reject or apply the request at the version the page showed."""
    user = seen[0]
    where = (key, request_id)
    try:
        if step == "submit":
            done = do_submit_change_request(session, user, key, request_id, if_match=version)
        elif step == "apply":
            done = do_apply_change_request(session, user, key, request_id, if_match=version)
        else:
            decision: Literal["approved", "rejected"] = (
                "approved" if step == "approve" else "rejected"
            )
            done = do_decide_change_request(
                session, user, key, request_id, decision, if_match=version,
                comment=comment.strip() or None,
            )  # fmt: skip
    except (StaleVersion, ChangeRequestState) as conflict:
        return _conflict_page(request, seen, session, where, conflict, version=version)
    if done.refused is not None:  # the recomputed impact is committed with this page
        refused = done.refused
        return _request_page(request, seen, session, where, status=409, error=refused.message)
    state = done.view.request.state
    return RedirectResponse(f"/programs/{key}/changes/{request_id}?done={state}", 303)
