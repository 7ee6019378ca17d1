"""The task page: one work item's fields, dates, float and links, and its impact panel
("if this slips N days": what moves and through which chain, as ``progman impact``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from progman.errors import ProgmanError
from progman.services.catalog import program_entry
from progman.services.task_view import MAX_SLIP_DAYS, slip_impact, task_detail
from progman.services.wbs_view import can_manage, planned_duration
from progman.web.rendering import PageRoute, page
from progman.web.session import PageSession, Viewer

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/programs/{key}/items/{item_id:path}")
def task_page(
    request: Request,
    key: str,
    item_id: str,
    *,
    seen: Viewer,
    session: PageSession,
    slip: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    """A work item, and with ``slip`` (working days) what moves if it slips that much."""
    user, csrf = seen
    entry = program_entry(session, user, key)
    detail = task_detail(session, user, key, item_id)
    result, error, days = None, None, None
    if slip is not None:
        text = slip.strip()
        if not text.isdigit() or not 1 <= int(text) <= MAX_SLIP_DAYS:
            error = f"write a whole number of working days from 1 to {MAX_SLIP_DAYS}, e.g. 5"
        else:
            days = int(text)
            try:
                result = slip_impact(detail.program, item_id, days)
            except ProgmanError as refused:  # a done task cannot slip: said at the field
                error = str(refused)
    return page(
        request, "task.html", 400 if error else 200, user=user, csrf=csrf, program=entry,
        view=None, detail=detail, slip=slip if slip is not None else "5", days=days,
        impact=result, error=error, can_edit=can_manage(user, key, detail.project),
        planned=planned_duration,
    )  # fmt: skip
