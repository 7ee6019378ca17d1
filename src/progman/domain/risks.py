"""Risks and issues of the program or of one project."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from progman.domain.base import Entity, Fraction, Id, PlanDate, Score
from progman.domain.durations import Duration

Response = Literal["avoid", "mitigate", "transfer", "accept", "exploit", "enhance", "share"]
RiskStatus = Literal["open", "occurred", "closed"]


class RiskImpact(Entity):
    """What happens if the risk occurs: schedule delay, cost and scope/quality scores."""

    schedule: Duration | None = None
    cost: float | None = Field(default=None, description="negative for an opportunity's saving")
    scope: Score | None = None
    quality: Score | None = None


class ResidualRisk(Entity):
    """Probability and impact expected after the response is carried out."""

    probability: Fraction
    impact: RiskImpact = Field(default_factory=RiskImpact)


class RiskAction(Entity):
    title: str
    owner: str | None = None
    due: PlanDate | None = None
    done: bool = False


class Risk(Entity):
    """A risk (uncertain threat), opportunity, or issue (has happened).

    ``project`` empty means program level.
    """

    id: Id
    title: str
    kind: Literal["risk", "issue", "opportunity"] = "risk"
    project: Id | None = None
    cause: str | None = None
    event: str | None = None
    effect: str | None = None
    category: str | None = None
    owner: str | None = None
    probability: Fraction
    impact: RiskImpact = Field(default_factory=RiskImpact)
    response: Response | None = None
    actions: list[RiskAction] = Field(default_factory=list)
    residual: ResidualRisk | None = None
    trigger: str | None = None
    status: RiskStatus = "open"
    affects: list[Id] = Field(default_factory=list)
    escalated: bool = False
    raised: PlanDate | None = None
