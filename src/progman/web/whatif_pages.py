"""The what-if page: a stored scenario, or changes typed as ``progman whatif run`` takes
them (``ID.FIELD=VALUE``, ``SUCC:PRED FS+2d``, ids to remove, a person lent), side by side
with the plan and its baseline, and the chain that makes each later project later.

The form is sent with GET: it changes nothing (the question is answered on a copy), so an
answer can be bookmarked and reloaded. A mistake is said next to the field it is in.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from progman.errors import PlanInvalid
from progman.services.catalog import program_entry, visible_program
from progman.services.scenario_catalog import all_scenarios
from progman.services.whatif import ScenarioComparison
from progman.services.whatif_form import WhatIfForm, answer_whatif
from progman.web.rendering import PageRoute, page
from progman.web.session import PageSession, Viewer

router = APIRouter(route_class=PageRoute, include_in_schema=False)
Line = Annotated[str, Query(max_length=200)]
Lines = Annotated[str, Query(max_length=50_000)]


@router.get("/programs/{key}/whatif")
def whatif_page(
    request: Request,
    key: str,
    *,
    seen: Viewer,
    session: PageSession,
    run: Annotated[str | None, Query(max_length=10)] = None,
    scenario: Line = "",
    sets: Lines = "",
    deps: Lines = "",
    removes: Lines = "",
    move: Line = "",
    source: Line = "",
    target: Line = "",
    first: Line = "",
    last: Line = "",
    baseline: Line = "",
    model: Literal["auto", "leveled", "cpm"] = "auto",
) -> HTMLResponse:
    """The what-if form; with ``run``, its answer beside it."""
    user, csrf = seen
    entry = program_entry(session, user, key)
    program = visible_program(session, user, key)
    form = WhatIfForm(
        scenario.strip(), sets, deps, removes, move.strip(), source.strip(), target.strip(),
        first.strip(), last.strip(), baseline.strip(), model,
    )  # fmt: skip
    result: ScenarioComparison | None = None
    errors: dict[str, str] = {}
    if run is not None:
        try:
            result = answer_whatif(session, user, key, form)
        except PlanInvalid as invalid:
            for problem in invalid.problems:
                field = problem.location.path or "form"
                errors[field] = (errors[field] + " " if field in errors else "") + problem.message
    return page(
        request, "whatif.html", 422 if errors else 200, user=user, csrf=csrf, program=entry,
        view="What-if", form=form, result=result, errors=errors,
        scenarios=all_scenarios(session, user, key),
        baselines=[b.id for b in program.baselines],
        people=[r.id for r in program.resources if r.kind != "cost"],
        projects=[p.id for p in program.projects],
    )  # fmt: skip
