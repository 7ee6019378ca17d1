"""``/api/v1/programs/{key}/links``: add, change or remove one link between work items.

A link belongs to its successor (the task it holds back): ``If-Match`` names the
successor's version, and the answer is the successor as it is now with what moved.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from progman.api.deps import CurrentUser, DatabaseSession
from progman.api.schemas import LinkCreate, LinkUpdate, WorkItemEdited
from progman.api.work_item_routes import IfMatch, edited, parse_if_match
from progman.services.links import do_add_link, do_remove_link, do_update_link

router = APIRouter(prefix="/programs/{key}/links", tags=["links"])


@router.post("", response_model=WorkItemEdited, status_code=201)
def add_link(
    key: str,
    *,
    body: LinkCreate,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    if_match: IfMatch = None,
) -> WorkItemEdited:
    """A new link; a link that would close a cycle is refused, naming the cycle."""
    edit = do_add_link(
        session,
        user,
        key,
        (body.predecessor, body.successor),
        link_type=body.type,
        lag=body.lag,
        if_match=parse_if_match(if_match),
    )
    response.headers["Location"] = (
        f"/api/v1/programs/{key}/links/{body.predecessor}/{body.successor}"
    )
    return edited(edit, response)


@router.patch("/{predecessor}/{successor}", response_model=WorkItemEdited)
def update_link(
    key: str,
    predecessor: str,
    successor: str,
    *,
    body: LinkUpdate,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    if_match: IfMatch = None,
) -> WorkItemEdited:
    """Another type or lag for a link."""
    edit = do_update_link(
        session,
        user,
        key,
        (predecessor, successor),
        link_type=body.type,
        lag=body.lag,
        if_match=parse_if_match(if_match),
    )
    return edited(edit, response)


@router.delete("/{predecessor}/{successor}", response_model=WorkItemEdited)
def remove_link(
    key: str,
    predecessor: str,
    successor: str,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    if_match: IfMatch = None,
) -> WorkItemEdited:
    """Remove a link."""
    edit = do_remove_link(
        session, user, key, (predecessor, successor), if_match=parse_if_match(if_match)
    )
    return edited(edit, response)
