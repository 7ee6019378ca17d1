"""Checks of the risk register that a single field cannot make.

An issue is certain; a residual is no worse than the risk; a risk's history names risk
fields and is not dated after the status date.
"""

from __future__ import annotations

from datetime import date

from progman.domain.durations import Duration
from progman.domain.findings import Path, Report, did_you_mean
from progman.domain.program import Program
from progman.domain.risks import Risk

_RISK_FIELDS = tuple(name for name in Risk.model_fields if name not in ("id", "history"))
_IMPACT_DIMENSIONS = ("schedule", "cost", "scope", "quality")


def check_risks(program: Program, report: Report) -> None:
    """Call ``report(code, message, path)`` for every problem of the risks section."""
    for i, risk in enumerate(program.risks):
        _check_risk(report, risk, ("risks", i), program.status_date)


def _check_risk(report: Report, risk: Risk, path: Path, status_date: date | None) -> None:
    """An issue is certain; a residual is no worse than the risk; history names risk fields."""
    if risk.kind == "issue" and risk.probability != 1:
        report(
            "plan.invalid_risk",
            f"{risk.id} is an issue (it has happened), so its probability is 1; write "
            f"probability: 1, or kind: risk if it may still not happen",
            (*path, "probability"),
        )
    if risk.escalated_on is not None and not risk.escalated:
        report(
            "plan.invalid_risk",
            f"{risk.id} has escalated_on {risk.escalated_on} but is not escalated; "
            "write escalated: true or remove escalated_on",
            (*path, "escalated_on"),
        )
    if risk.residual is not None:
        _check_residual(report, risk, path)
    for k, change in enumerate(risk.history):
        if change.field not in _RISK_FIELDS:
            report(
                "plan.invalid_risk",
                f"history of {risk.id} changes unknown risk field '{change.field}'"
                f"{did_you_mean(change.field, _RISK_FIELDS)}",
                (*path, "history", k, "field"),
            )
        if status_date is not None and change.date > status_date:
            report(
                "plan.date_range",
                f"history of {risk.id} has a change on {change.date}, after the status date "
                f"{status_date}; history cannot be in the future",
                (*path, "history", k, "date"),
            )


def _check_residual(report: Report, risk: Risk, path: Path) -> None:
    """A response cannot make a threat likelier or bigger, nor an opportunity less so.

    A dimension the residual leaves out has no remaining impact, so only stated ones count.
    """
    assert risk.residual is not None
    residual = risk.residual
    gain = risk.kind == "opportunity"
    worse = "lower" if gain else "higher"
    if (
        (residual.probability < risk.probability)
        if gain
        else (residual.probability > risk.probability)
    ):
        report(
            "plan.invalid_risk",
            f"residual probability {residual.probability:g} of {risk.id} is {worse} than its "
            f"probability {risk.probability:g}; a response cannot make "
            f"{'an opportunity less' if gain else 'a risk more'} likely",
            (*path, "residual", "probability"),
        )
    for dimension in _IMPACT_DIMENSIONS:
        after = _magnitude(getattr(residual.impact, dimension))
        if after is None:
            continue
        before = _magnitude(getattr(risk.impact, dimension)) or 0.0
        if (after < before) if gain else (after > before):
            stated = getattr(risk.impact, dimension)
            report(
                "plan.invalid_risk",
                f"residual {dimension} impact {getattr(residual.impact, dimension)} of "
                f"{risk.id} is {'smaller' if gain else 'bigger'} than its {dimension} impact "
                f"{stated if stated is not None else 'none'}; the residual is what remains "
                "after the response, so it cannot be worse",
                (*path, "residual", "impact", dimension),
            )


def _magnitude(value: Duration | float | int | None) -> float | None:
    """Size of an impact: working minutes of a duration (8 h days), else the number."""
    if value is None:
        return None
    if isinstance(value, Duration):
        return abs(value.working_minutes())
    return abs(float(value))
