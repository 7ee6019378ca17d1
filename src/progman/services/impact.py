"""Impact analysis: if this slips, what moves? (``progman impact``; the ``moved`` answer
of an edit in the API.)

:func:`impact_change` turns the options of a question (a task or project slipping, a
link added, changed or removed, a person leaving) into the engine's change, with a usage
error naming the option when they do not make one; :func:`impact_of` answers it. The
result is the engine's :class:`ImpactResult` (its ``to_json`` is SPEC §5's ``impact
--json``), re-exported for the interfaces that format it.
"""

from __future__ import annotations

from datetime import date

from progman.domain import Program
from progman.engine.impact import (
    Change,
    LinkChange,
    ProjectSlip,
    ResourceLeaves,
    TaskSlip,
    impact,
)
from progman.engine.impact_result import ImpactResult
from progman.errors import UsageError
from progman.services.inputs import parse_date, parse_duration, parse_link

__all__ = ["Change", "ImpactResult", "impact_change", "impact_of"]


def impact_change(
    *,
    task: str | None = None,
    project: str | None = None,
    link: str | None = None,
    resource: str | None = None,
    slip: str | None = None,
    leaving: str | None = None,
    remove: bool = False,
) -> Change:
    """The change the options ``--task``/``--project``/``--link``/``--resource`` (exactly
    one of them), ``--slip DURATION``, ``--from YYYY-MM-DD`` and ``--remove`` describe."""
    amount = parse_duration(slip, "--slip")
    first_day = parse_date(leaving, "--from")
    chosen = [
        name
        for name, value in (
            ("--task", task),
            ("--project", project),
            ("--link", link),
            ("--resource", resource),
        )
        if value
    ]
    if len(chosen) != 1:
        raise UsageError(
            "name exactly one of --task ID, --project ID, --link PRED:SUCC or --resource ID"
            + (f" (got {', '.join(chosen)})" if chosen else ""),
            option="--task",
        )
    if task is not None or project is not None:
        if amount is None:
            raise UsageError("how much? add e.g. --slip 10d", option="--slip")
        return TaskSlip(task, amount) if task is not None else ProjectSlip(str(project), amount)
    if resource is not None:
        if first_day is None:
            raise UsageError(
                "from when? add --from YYYY-MM-DD (and --slip for the time to replace them)",
                option="--from",
            )
        if amount is None:
            return ResourceLeaves(resource, first_day)
        return ResourceLeaves(resource, first_day, amount)
    predecessor, successor = parse_link(str(link))
    if remove:
        return LinkChange(predecessor, successor, remove=True)
    return LinkChange(predecessor, successor, lag=amount)


def impact_of(program: Program, change: Change, *, status_date: date | None = None) -> ImpactResult:
    """What ``change`` moves in ``program``: tasks, milestones, projects, benefits,
    objectives and the chains that carry the delay."""
    return impact(program, change, status_date=status_date)
