"""The risk register of a program (``progman risks``): every risk scored on the plan's
5×5 scales, the probability × impact matrix, and the project risks to escalate.

:func:`risk_report` selects and scores (the scoring itself is the domain's
:mod:`progman.domain.risk_register`); :meth:`RiskReport.to_json` is the ``risks --json``
object, the one shape every interface returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from progman.domain import Program
from progman.domain.risk_register import (
    LEVELS,
    Level,
    Rating,
    RiskAssessment,
    RiskMatrix,
    escalation_candidates,
    matrix,
    register,
)
from progman.services.inputs import check_project

__all__ = [
    "LEVELS",
    "Level",
    "Rating",
    "RiskAssessment",
    "RiskMatrix",
    "RiskReport",
    "risk_report",
]


@dataclass(frozen=True)
class RiskReport:
    """The register of ``program`` (or of its project ``project``) as asked for."""

    program: Program
    project: str | None
    entries: list[RiskAssessment]  # highest score first
    matrix: RiskMatrix
    escalation: list[RiskAssessment]  # project risks at or above the escalation score
    closed_not_shown: int  # closed risks left out (0 when they are included)

    def to_json(self) -> dict[str, Any]:
        """``{"program", "currency", "scales", "risks": [...], "matrix": [...],
        "escalation_candidates": [ids]}``."""
        program, grid = self.program, self.matrix
        cells = [
            {
                "probability_level": p,
                "impact_level": i,
                "score": p * i,
                "rating": grid.rating(p, i),
                "count": grid.count(p, i),
                "ids": list(grid.ids(p, i)),
            }
            for p in range(1, LEVELS + 1)
            for i in range(1, LEVELS + 1)
        ]
        return {
            "program": program.key,
            "currency": program.currency,
            "scales": program.risk_scales.model_dump(mode="json"),
            "risks": [_risk_json(entry) for entry in self.entries],
            "matrix": cells,
            "escalation_candidates": [c.risk.id for c in self.escalation],
        }


def risk_report(
    program: Program, *, project: str | None = None, include_closed: bool = False
) -> RiskReport:
    """The risks of ``program`` (only those of ``project``, which must be one of its
    projects: a usage error naming ``--project`` if not), closed ones only when
    ``include_closed``; escalation candidates are never closed."""
    if project is not None:
        check_project(program, project)
    candidates = [
        entry
        for entry in escalation_candidates(program)
        if project is None or entry.risk.project == project
    ]
    closed = 0
    if not include_closed:
        closed = sum(
            1
            for risk in program.risks
            if risk.status == "closed" and (project is None or risk.project == project)
        )
    return RiskReport(
        program=program,
        project=project,
        entries=register(program, project=project, include_closed=include_closed),
        matrix=matrix(program, project=project, include_closed=include_closed),
        escalation=candidates,
        closed_not_shown=closed,
    )


def _risk_json(entry: RiskAssessment) -> dict[str, Any]:
    risk = entry.risk
    inherent = _level_json(entry.inherent)
    assert inherent is not None
    return {
        "id": risk.id,
        "title": risk.title,
        "kind": risk.kind,
        "project": risk.project,
        "owner": risk.owner,
        "status": risk.status,
        "response": risk.response,
        "escalated": risk.escalated,
        "probability": risk.probability,
        **inherent,
        "residual": _level_json(entry.residual),
        "schedule_days": entry.schedule_days,
        "expected_days": entry.expected_days,
        "expected_cost": entry.expected_cost,
    }


def _level_json(level: Level | None) -> dict[str, Any] | None:
    if level is None:
        return None
    return {
        "probability_level": level.probability,
        "impact_level": level.impact,
        "impact_levels": dict(level.impacts),
        "score": level.score,
        "rating": level.rating,
    }
