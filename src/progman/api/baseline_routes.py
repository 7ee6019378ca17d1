"""``/api/v1/programs/{key}/baselines``: the schedule frozen under a name, to measure
variance against: listed, read, taken from the plan as it is now, deleted (SPEC §3.5)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response

from progman.api.deps import CurrentUser, DatabaseSession
from progman.api.exchange_schemas import (
    BaselineCreate,
    BaselineEdited,
    BaselinePage,
    BaselinePublic,
    BaselineSummaryPublic,
    BaselineTaskPublic,
)
from progman.api.work_item_routes import IfMatch, parse_if_match
from progman.services.baselines import (
    BaselineEdit,
    BaselineView,
    do_capture_baseline,
    do_delete_baseline,
    get_baseline,
    list_baselines,
)
from progman.services.work_items import moved_between

router = APIRouter(prefix="/programs/{key}/baselines", tags=["baselines"])


def _day(moment: date | datetime) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def stamp(moment: date | datetime) -> str:
    """A frozen date as the schedule writes it: ``2027-01-04`` or ``2027-01-04T08:00``."""
    if isinstance(moment, datetime):
        return moment.isoformat(timespec="minutes")
    return moment.isoformat()


def summary(view: BaselineView) -> BaselineSummaryPublic:
    baseline = view.baseline
    tasks = baseline.tasks.values()
    finish = max((t.finish for t in tasks), key=_day, default=None)
    return BaselineSummaryPublic(
        id=baseline.id,
        name=baseline.name,
        description=baseline.description,
        created=baseline.created,
        task_count=len(baseline.tasks),
        finish=None if finish is None else stamp(finish),
        cost=round(sum(t.cost or 0.0 for t in tasks), 2),
        version=view.version,
    )


def public(view: BaselineView) -> BaselinePublic:
    tasks = [
        BaselineTaskPublic(
            id=ident,
            start=stamp(task.start),
            finish=stamp(task.finish),
            duration=None if task.duration is None else str(task.duration),
            work=None if task.work is None else str(task.work),
            cost=task.cost,
        )
        for ident, task in view.baseline.tasks.items()
    ]
    return BaselinePublic(**summary(view).model_dump(), tasks=tasks)


def _edited(edit: BaselineEdit, response: Response) -> BaselineEdited:
    if edit.view.version:
        response.headers["ETag"] = f'"{edit.view.version}"'
    return BaselineEdited(item=public(edit.view), moved=moved_between(edit.before, edit.after))


@router.get("", response_model=BaselinePage)
def baselines(
    key: str,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> BaselinePage:
    """The program's baselines, oldest first (each without its tasks)."""
    page = list_baselines(session, user, key, cursor=cursor, limit=limit)
    return BaselinePage(items=[summary(v) for v in page.items], next=page.next)


@router.get("/{baseline_id}", response_model=BaselinePublic)
def baseline(
    key: str, baseline_id: str, user: CurrentUser, session: DatabaseSession, response: Response
) -> BaselinePublic:
    """One baseline with every task it froze; its ``ETag`` is its version."""
    view = get_baseline(session, user, key, baseline_id)
    response.headers["ETag"] = f'"{view.version}"'
    return public(view)


@router.post("", response_model=BaselineEdited, status_code=201)
def capture(
    key: str, body: BaselineCreate, user: CurrentUser, session: DatabaseSession, response: Response
) -> BaselineEdited:
    """Take a baseline: every task's scheduled dates now, with its duration, work and
    planned cost (a program manager's)."""
    edit = do_capture_baseline(
        session,
        user,
        key,
        body.id,
        name=body.name,
        description=body.description,
        created=body.created,
    )
    response.headers["Location"] = f"/api/v1/programs/{key}/baselines/{body.id}"
    return _edited(edit, response)


@router.delete("/{baseline_id}", response_model=BaselineEdited)
def delete(
    key: str,
    baseline_id: str,
    *,
    user: CurrentUser,
    session: DatabaseSession,
    response: Response,
    if_match: IfMatch = None,
) -> BaselineEdited:
    """Delete a baseline (``If-Match``: its version); answers it as it was."""
    edit = do_delete_baseline(session, user, key, baseline_id, parse_if_match(if_match))
    return _edited(edit, response)
