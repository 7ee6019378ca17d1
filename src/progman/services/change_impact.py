"""What a change request proposes and what it would move: its changes parsed and applied
to a program (:func:`applied_changes`), and the impact computed on submit
(:func:`compute_impact`: the what-if comparison and the benefits it moves), in words for
a table (:func:`impact_summary`, :func:`change_text`). The workflow is
:mod:`progman.services.change_requests`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from progman.domain import ChangeItem, Program
from progman.domain.scenarios import apply_changes
from progman.errors import Location, PlanInvalid, Problem, UsageError
from progman.services.inputs import parse_set

# -- changes --------------------------------------------------------------------------------


def parse_add(text: str, option: str = "--add") -> ChangeItem:
    """``PARENT.SECTION=MAPPING``: add the entity ``MAPPING`` (plan syntax) to ``SECTION``
    of ``PARENT``, e.g. ``API.tasks='{id: API.wallet, name: Wallets, duration: 10d}'``."""
    as_set = parse_set(text, option)
    try:
        return ChangeItem(op="add", target=as_set.target, field=as_set.field, value=as_set.value)
    except ValidationError as error:
        message = str(error.errors()[0]["msg"]).removeprefix("Value error, ")
        raise UsageError(f"{text!r}: {message}", option=option) from None


def request_changes(raw: Sequence[Mapping[str, Any]]) -> list[ChangeItem]:
    """Changes as a request body sends them (``{"op", "target", "field", "value"}``);
    :class:`PlanInvalid` naming ``changes[i]`` for those that are not changes."""
    changes, problems = [], []
    for number, change in enumerate(raw):
        try:
            changes.append(ChangeItem.model_validate(dict(change)))
        except ValidationError as error:
            detail = error.errors(include_url=False)[0]
            message = str(detail["msg"]).removeprefix("Value error, ")
            problems.append(Problem("change.invalid", message, Location(path=f"changes[{number}]")))
    if problems:
        raise PlanInvalid(problems)
    return changes


def applied_changes(program: Program, changes: Sequence[ChangeItem], ident: str) -> Program:
    """``program`` with ``changes``; a change that does not apply is refused naming it
    (``changes[2]: ... API.nope``) and the request."""
    if not changes:
        raise UsageError(
            f"change request {ident} has no changes: give at least one (--set, --add, "
            "--add-dep, --remove)",
            option="changes",
        )
    try:
        return apply_changes(without_request(program, ident), changes)
    except PlanInvalid as invalid:
        problems = [
            Problem(
                p.code,
                f"change request {ident}: {p.message}",
                Location(path=_path(p) or "changes"),
            )
            for p in invalid.problems
        ]
        raise PlanInvalid(problems) from None


def without_request(program: Program, ident: str) -> Program:
    """``program`` without the pending request ``ident``, which the program its changes
    make may no longer hold (a removal's target is gone then)."""
    request = next((r for r in program.change_requests if r.id == ident), None)
    if request is None or request.state in ("applied", "rejected"):
        return program
    kept = [r for r in program.change_requests if r.id != ident]
    return program.model_copy(update={"change_requests": kept})


def _path(problem: Problem) -> str:
    return problem.location.path or ""


# -- the impact -----------------------------------------------------------------------------


def compute_impact(
    program: Program, changes: Sequence[ChangeItem], revision: int, ident: str = ""
) -> dict[str, Any]:
    """What ``changes`` (of request ``ident``) move in ``program`` (read at ``revision``):
    the what-if comparison (``whatif --json``), the benefits whose forecast or risk moves,
    and when and on which revision it was computed."""
    from progman.services.strategy import program_strategy  # noqa: PLC0415 - numba: on use
    from progman.services.whatif import compare_changes  # noqa: PLC0415 - numba: on use

    program = without_request(program, ident)
    variant = applied_changes(program, changes, ident)
    comparison = compare_changes(program, changes).to_json()
    before = {b.id: b for b in program_strategy(program).strategy.benefits}
    benefits = []
    for after in program_strategy(variant).strategy.benefits:
        was = before.get(after.id)
        moved = was is None or was.forecast != after.forecast or was.at_risk != after.at_risk
        if moved or after.at_risk:
            benefits.append(
                {
                    "id": after.id,
                    "title": after.title,
                    "due": None if after.due is None else after.due.isoformat(),
                    "current": _stamp(None if was is None else was.forecast),
                    "scenario": _stamp(after.forecast),
                    "at_risk_current": None if was is None else was.at_risk,
                    "at_risk": after.at_risk,
                    "reason": after.reason,
                }
            )
    for key in ("program", "move", "staffed", "feasible"):
        comparison.pop(key, None)
    return {
        **comparison,
        "benefits": benefits,
        "benefits_at_risk": [b["id"] for b in benefits if b["at_risk"]],
        "revision": revision,
        "computed_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _stamp(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="minutes")


def impact_summary(impact: Mapping[str, Any] | None) -> str:
    """One line of what the impact says: finish and cost moved, benefits at risk."""
    if not impact:
        return "no impact computed yet (submitting computes it, and so does an apply)"
    finish = impact.get("finish") or {}
    days = finish.get("delta_working_days")
    cost = (impact.get("cost") or {}).get("delta")
    parts = [
        "program finish " + ("unchanged" if not days else f"{days:+d} working days"),
        "cost " + ("unchanged" if not cost else f"{cost:+,.2f}"),
    ]
    at_risk = impact.get("benefits_at_risk") or []
    if at_risk:
        parts.append("benefits at risk: " + ", ".join(at_risk))
    entering = (impact.get("critical_path") or {}).get("entering") or []
    if entering:
        parts.append(f"{len(entering)} task(s) enter the critical path")
    return "; ".join(parts)


def change_text(change: ChangeItem) -> str:
    """A change in the words of the command line: ``set API.auth.duration = 12d``."""
    if change.op == "remove":
        return f"remove {change.target}"
    if change.op == "add":
        return f"add to {change.target}.{change.field}: {change.value}"
    return f"set {change.target}.{change.field} = {change.value}"
