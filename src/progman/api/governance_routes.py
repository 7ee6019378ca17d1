"""``/api/v1/programs/{key}/gates``: lifecycle and governance of a stored program in the
CLI's ``--json`` shape (``progman gates --json``): each stage gate's criteria, decision and
status against the schedule's forecast, each project's phase, and the decision log; and
``/comms``, the communication plan (``progman comms --json``)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Response

from progman.api.answers import documented, json_answer
from progman.api.deps import CurrentUser, DatabaseSession
from progman.services.comms import stored_comms
from progman.services.gates import gates_json, stored_gates

router = APIRouter(prefix="/programs/{key}", tags=["governance"])
OBJECT = documented({"type": "object"})


@router.get("/gates", response_class=Response, responses=OBJECT)
def gates(
    key: str, user: CurrentUser, session: DatabaseSession, status_date: date | None = None
) -> Response:
    """Each stage gate (project, phase, planned date against its milestone's forecast,
    criteria met, decision and any override, status: passed, stopped, overdue, blocked,
    due or upcoming, with a reason), each project's current phase and the decision log by
    date, as of ``status_date`` (default: the program's, else today): ``progman gates
    --json``."""
    return json_answer(gates_json(stored_gates(session, user, key, status_date=status_date)))


@router.get("/comms", response_class=Response, responses=OBJECT)
def comms(
    key: str, user: CurrentUser, session: DatabaseSession, due: date | None = None
) -> Response:
    """The reports due to each stakeholder on the day ``due`` (default: the program's
    status date, else today), every report line with its next date, and the
    interest/influence grid: ``progman comms --json``."""
    return json_answer(stored_comms(session, user, key, due).to_json())
