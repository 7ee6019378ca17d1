"""Risks and issues of the program or of one project."""

from __future__ import annotations

from itertools import pairwise
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

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


class RiskChange(Entity):
    """One entry of a risk's history: which field changed when, from what to what, and by whom."""

    date: PlanDate
    field: str = Field(description="the risk field that changed, e.g. status, probability")
    before: str | int | float | bool | None = None
    after: str | int | float | bool | None = None
    by: str | None = None
    note: str | None = None


def _increasing(values: list[float]) -> list[float]:
    if any(later <= earlier for earlier, later in pairwise(values)):
        shown = ", ".join(f"{v:g}" for v in values)
        raise ValueError(
            f"thresholds [{shown}] must increase strictly: each is the upper bound of a level"
        )
    return values


def _non_negative(values: list[float]) -> list[float]:
    if values and values[0] < 0:
        raise ValueError("thresholds are magnitudes and cannot be negative")
    return values


def _fractions(values: list[float]) -> list[float]:
    if values and values[-1] > 1:
        raise ValueError("probability thresholds are fractions between 0 and 1")
    return values


#: Upper bounds of levels 1 to 4 (inclusive); a value above the last one is level 5.
Thresholds = Annotated[
    list[float],
    Field(min_length=4, max_length=4),
    AfterValidator(_increasing),
    AfterValidator(_non_negative),
]
ProbabilityThresholds = Annotated[Thresholds, AfterValidator(_fractions)]


class RatingBands(Entity):
    """Highest score (1–25) of the low, medium and high ratings; above ``high`` is critical."""

    low: int = Field(default=4, ge=1, le=25)
    medium: int = Field(default=9, ge=1, le=25)
    high: int = Field(default=15, ge=1, le=25)

    @model_validator(mode="after")
    def _ordered(self) -> RatingBands:
        if not self.low < self.medium < self.high:
            raise ValueError(
                f"rating bands must increase: low ({self.low}) < medium ({self.medium}) "
                f"< high ({self.high})"
            )
        return self


class RiskScales(Entity):
    """The program's 5×5 probability × impact scales, rating bands and escalation score.

    Each list holds the upper bounds of levels 1–4 (a value equal to a bound is in the
    lower level); anything above the fourth bound is level 5, so a certain event
    (probability 1) always has a level. Scope and quality impacts are levels 1–5 already.
    """

    probability: ProbabilityThresholds = Field(default_factory=lambda: [0.1, 0.3, 0.5, 0.7])
    schedule_days: Thresholds = Field(
        default_factory=lambda: [2.0, 5.0, 10.0, 20.0],
        description="working days of delay; elapsed days count 5 working days a week",
    )
    cost: Thresholds = Field(
        default_factory=lambda: [10_000.0, 50_000.0, 100_000.0, 500_000.0],
        description="in the program currency",
    )
    ratings: RatingBands = Field(default_factory=RatingBands)
    escalation_score: int = Field(
        default=15, ge=1, le=25, description="project risks scoring this or more go to the program"
    )


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
    escalated_on: PlanDate | None = None
    raised: PlanDate | None = None
    history: list[RiskChange] = Field(default_factory=list)
