"""``/api/v1/programs/{key}/change-requests``: change control on a stored program (SPEC
§3.5): requests listed, read, created and edited as drafts, submitted (the engine computes
their impact), approved or rejected by an approver, and applied with a new baseline.

Every write on a request needs ``If-Match`` with its ``ETag``. An apply refused because
the program changed since the impact was computed is answered 409 ``change.stale_impact``
*after* the recomputed impact is committed (the request is submitted again), so that the
approvers see what they are asked to approve now.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse
from pydantic import Field

from progman.api.answers import documented, json_answer
from progman.api.deps import CurrentUser, DatabaseSession
from progman.api.exchange_schemas import URL_ID_PATTERN
from progman.api.problems import MEDIA_TYPE, problem_body
from progman.api.schemas import ChangePublic, Request
from progman.api.work_item_routes import IfMatch, parse_if_match
from progman.services.change_impact import request_changes
from progman.services.change_requests import (
    ChangeRequestEdit,
    do_apply_change_request,
    do_create_change_request,
    do_decide_change_request,
    do_delete_change_request,
    do_submit_change_request,
    do_update_change_request,
    get_change_request,
    list_change_requests,
    request_json,
)

router = APIRouter(prefix="/programs/{key}/change-requests", tags=["change requests"])

#: The OpenAPI schema of a change request as answered (``progman change show --json``).
REQUEST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "string"},
        "state": {"enum": ["draft", "submitted", "approved", "rejected", "applied"]},
        "changes": {"type": "array", "items": {"type": "object"}},
        "approvers": {"type": "array", "items": {"type": "string"}},
        "approvals": {"type": "array", "items": {"type": "object"}},
        "impact": {"type": ["object", "null"]},
        "impact_revision": {"type": ["integer", "null"]},
        "baseline": {"type": ["string", "null"]},
        "version": {"type": "integer"},
    },
}
EDITED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "item": REQUEST_SCHEMA,
        "revision": {"type": "integer"},
        "baseline": {"type": "string"},
    },
}
PAGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "items": {"type": "array", "items": REQUEST_SCHEMA},
        "next": {"type": ["string", "null"]},
    },
}


class ChangeRequestCreate(Request):
    """A draft change request: what changes and why (the changes must apply now)."""

    id: str | None = Field(
        default=None, min_length=1, max_length=120, pattern=URL_ID_PATTERN, examples=["CR-003"]
    )
    title: str = Field(min_length=1, max_length=500)
    description: str | None = Field(default=None, max_length=20_000)
    reason: str | None = Field(default=None, max_length=20_000)
    requester: str | None = Field(default=None, max_length=120)
    approvers: list[str] = Field(default_factory=list, max_length=50)
    changes: list[ChangePublic] = Field(min_length=1, max_length=500)


class ChangeRequestUpdate(Request):
    """A draft's fields to change (only those sent)."""

    title: str | None = Field(default=None, min_length=1, max_length=500)
    description: str | None = Field(default=None, max_length=20_000)
    reason: str | None = Field(default=None, max_length=20_000)
    requester: str | None = Field(default=None, max_length=120)
    approvers: list[str] | None = Field(default=None, max_length=50)
    changes: list[ChangePublic] | None = Field(default=None, min_length=1, max_length=500)


class DecisionRequest(Request):
    """Why a request is approved or rejected (kept with the decision)."""

    comment: str | None = Field(default=None, max_length=20_000)


def _answer(edit: ChangeRequestEdit, status: int = 200) -> Response:
    body: dict[str, Any] = {"item": request_json(edit.view), "revision": edit.revision}
    if edit.baseline is not None:
        body["baseline"] = edit.baseline
    answer = json_answer(body)
    answer.status_code = status
    if edit.view.version:
        answer.headers["ETag"] = f'"{edit.view.version}"'
    return answer


@router.get("", response_class=Response, responses=documented(PAGE_SCHEMA))
def change_requests(
    key: str,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    state: Annotated[str | None, Query(max_length=20)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """The program's change requests in plan order (``state``: only those in it)."""
    page = list_change_requests(session, user, key, state=state, cursor=cursor, limit=limit)
    return json_answer({"items": [request_json(v) for v in page.items], "next": page.next})


@router.post("", response_class=Response, status_code=201, responses=documented(EDITED_SCHEMA))
def create(
    key: str, body: ChangeRequestCreate, user: CurrentUser, session: DatabaseSession
) -> Response:
    """Create a draft (any user who may edit work in the program; naming approvers is a
    program manager's). Its id defaults to the next ``CR-NNN``."""
    changes = request_changes([change.model_dump() for change in body.changes])
    edit = do_create_change_request(
        session,
        user,
        key,
        title=body.title,
        changes=changes,
        ident=body.id,
        description=body.description,
        reason=body.reason,
        requester=body.requester,
        approvers=body.approvers,
    )
    answer = _answer(edit, 201)
    answer.headers["Location"] = f"/api/v1/programs/{key}/change-requests/{edit.view.request.id}"
    return answer


@router.get("/{request_id}", response_class=Response, responses=documented(REQUEST_SCHEMA))
def change_request(
    key: str, request_id: str, user: CurrentUser, session: DatabaseSession
) -> Response:
    """One change request with its changes, decisions and impact; its ``ETag`` is its
    version."""
    view = get_change_request(session, user, key, request_id)
    answer = json_answer(request_json(view))
    answer.headers["ETag"] = f'"{view.version}"'
    return answer


@router.patch("/{request_id}", response_class=Response, responses=documented(EDITED_SCHEMA))
def update(
    key: str,
    request_id: str,
    body: ChangeRequestUpdate,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    if_match: IfMatch = None,
) -> Response:
    """Change a draft's title, description, reason, requester, approvers or changes."""
    fields: dict[str, Any] = body.model_dump(exclude_unset=True)
    if body.changes is not None:
        fields["changes"] = request_changes([c.model_dump() for c in body.changes])
    edit = do_update_change_request(
        session, user, key, request_id, fields, if_match=parse_if_match(if_match)
    )
    return _answer(edit)


@router.delete("/{request_id}", response_class=Response, responses=documented(EDITED_SCHEMA))
def delete(
    key: str,
    request_id: str,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    if_match: IfMatch = None,
) -> Response:
    """Delete a draft; answers it as it was (a submitted request stays on record)."""
    edit = do_delete_change_request(
        session, user, key, request_id, if_match=parse_if_match(if_match)
    )
    return _answer(edit)


@router.post("/{request_id}/submit", response_class=Response, responses=documented(EDITED_SCHEMA))
def submit(
    key: str,
    request_id: str,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    if_match: IfMatch = None,
) -> Response:
    """Submit a draft: the engine computes its impact (dates, cost, critical path,
    benefits), stored with it and the program revision it was computed on."""
    edit = do_submit_change_request(
        session, user, key, request_id, if_match=parse_if_match(if_match)
    )
    return _answer(edit)


def _decide(
    decision: Literal["approved", "rejected"],
    key: str,
    request_id: str,
    body: DecisionRequest | None,
    context: tuple[Any, Any, str | None],
) -> Response:
    user, session, if_match = context
    edit = do_decide_change_request(
        session,
        user,
        key,
        request_id,
        decision,
        if_match=parse_if_match(if_match),
        comment=(body or DecisionRequest()).comment,
    )
    return _answer(edit)


@router.post("/{request_id}/approve", response_class=Response, responses=documented(EDITED_SCHEMA))
def approve(
    key: str,
    request_id: str,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    if_match: IfMatch = None,
    body: DecisionRequest | None = None,
) -> Response:
    """Approve a submitted request (its approvers, else a program manager, or an admin)."""
    return _decide("approved", key, request_id, body, (user, session, if_match))


@router.post("/{request_id}/reject", response_class=Response, responses=documented(EDITED_SCHEMA))
def reject(
    key: str,
    request_id: str,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    if_match: IfMatch = None,
    body: DecisionRequest | None = None,
) -> Response:
    """Reject a submitted request (who may approve it)."""
    return _decide("rejected", key, request_id, body, (user, session, if_match))


@router.post("/{request_id}/apply", response_class=Response, responses=documented(EDITED_SCHEMA))
def apply(
    key: str,
    request_id: str,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    if_match: IfMatch = None,
) -> Response:
    """Apply an approved request: every change in one save and a new baseline named after
    it. 409 ``change.stale_impact`` when the program changed since its impact was
    computed: the impact is computed again and stored, and the request is submitted again
    for the approvers."""
    edit = do_apply_change_request(
        session, user, key, request_id, if_match=parse_if_match(if_match)
    )
    if edit.refused is not None:  # answered, not raised: the new impact is committed
        error = edit.refused
        headers = {"ETag": f'"{edit.view.version}"'}
        return JSONResponse(
            problem_body(error),
            status_code=error.http_status,
            media_type=MEDIA_TYPE,
            headers=headers,
        )
    return _answer(edit)
