"""The risk register: scores on the program's 5×5 scales, the matrix and escalation.

Pure functions of the domain model. A risk's *probability level* and *impact level* are
1–5 on the program's :class:`~progman.domain.risks.RiskScales`; the impact level is the
highest over the dimensions the risk names (schedule, cost, scope, quality); the *score*
is their product (1–25) and the *rating* its band. Opportunities are scored on the size
of their gain (a saving of 3 days scores like a delay of 3 days).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from progman.domain.durations import Duration
from progman.domain.program import Program
from progman.domain.risks import ResidualRisk, Risk, RiskImpact, RiskScales

Rating = Literal["low", "medium", "high", "critical"]
Dimension = Literal["schedule", "cost", "scope", "quality"]

LEVELS = 5
DAYS_PER_WEEK = 5.0


@dataclass(frozen=True, slots=True)
class Level:
    """Where a probability and an impact sit on the scales, and what they score."""

    probability: int
    impact: int
    impacts: dict[Dimension, int]  # level of each dimension the risk names
    score: int
    rating: Rating


@dataclass(frozen=True, slots=True)
class RiskAssessment:
    """A risk scored on the program's scales, with its expected (probability-weighted) cost."""

    risk: Risk
    inherent: Level
    residual: Level | None  # None when the risk has no residual
    schedule_days: float  # working days of delay if it occurs (negative: a gain)
    expected_days: float  # probability × schedule_days
    expected_cost: float  # probability × cost

    @property
    def score(self) -> int:
        return self.inherent.score

    @property
    def rating(self) -> Rating:
        return self.inherent.rating


@dataclass(frozen=True, slots=True)
class RiskMatrix:
    """Risk ids per cell of the probability × impact grid: ``cells[p - 1][i - 1]``."""

    cells: tuple[tuple[tuple[str, ...], ...], ...]
    scales: RiskScales

    def ids(self, probability: int, impact: int) -> tuple[str, ...]:
        return self.cells[probability - 1][impact - 1]

    def count(self, probability: int, impact: int) -> int:
        return len(self.ids(probability, impact))

    def rating(self, probability: int, impact: int) -> Rating:
        return rating_of(probability * impact, self.scales)


def level_of(value: float, thresholds: list[float]) -> int:
    """Level 1–5 of a magnitude: the first level whose upper bound holds it, else 5."""
    for level, bound in enumerate(thresholds, start=1):
        if value <= bound:
            return level
    return LEVELS


def rating_of(score: int, scales: RiskScales) -> Rating:
    bands = scales.ratings
    if score <= bands.low:
        return "low"
    if score <= bands.medium:
        return "medium"
    if score <= bands.high:
        return "high"
    return "critical"


def working_days(duration: Duration, hours_per_day: float = 8.0) -> float:
    """Working days in a duration; elapsed time counts five working days a week."""
    if duration.elapsed:
        return duration.working_minutes() / (24 * 60) * DAYS_PER_WEEK / 7
    return duration.working_minutes(hours_per_day, DAYS_PER_WEEK) / (hours_per_day * 60)


def impact_levels(
    impact: RiskImpact, scales: RiskScales, hours_per_day: float = 8.0
) -> dict[Dimension, int]:
    """Level of each impact dimension the risk names (magnitudes: a gain counts as its size)."""
    levels: dict[Dimension, int] = {}
    if impact.schedule is not None:
        days = abs(working_days(impact.schedule, hours_per_day))
        levels["schedule"] = level_of(days, scales.schedule_days)
    if impact.cost is not None:
        levels["cost"] = level_of(abs(impact.cost), scales.cost)
    if impact.scope is not None:
        levels["scope"] = impact.scope
    if impact.quality is not None:
        levels["quality"] = impact.quality
    return levels


def _level(
    probability: float, impact: RiskImpact, scales: RiskScales, hours_per_day: float
) -> Level:
    p_level = level_of(probability, scales.probability)
    impacts = impact_levels(impact, scales, hours_per_day)
    i_level = max(impacts.values(), default=1)
    score = p_level * i_level
    return Level(p_level, i_level, impacts, score, rating_of(score, scales))


def assess(risk: Risk, scales: RiskScales, hours_per_day: float = 8.0) -> RiskAssessment:
    """Score one risk, and its residual if it has one.

    A residual's impact names what remains after the response: a dimension it leaves out
    has no remaining impact.
    """
    days = working_days(risk.impact.schedule, hours_per_day) if risk.impact.schedule else 0.0
    residual: ResidualRisk | None = risk.residual
    return RiskAssessment(
        risk=risk,
        inherent=_level(risk.probability, risk.impact, scales, hours_per_day),
        residual=(
            None
            if residual is None
            else _level(residual.probability, residual.impact, scales, hours_per_day)
        ),
        schedule_days=days,
        expected_days=risk.probability * days,
        expected_cost=risk.probability * (risk.impact.cost or 0.0),
    )


def hours_per_day(program: Program, risk: Risk) -> float:
    """Hours in a working day of the risk's project calendar, else the program's, else 8."""
    project = next((p for p in program.projects if p.id == risk.project), None)
    name = (project.calendar if project else None) or program.calendar
    calendar = program.calendars.get(name) if name else None
    return calendar.hours_per_day if calendar else 8.0


def _selected(risk: Risk, project: str | None, include_closed: bool) -> bool:
    if project is not None and risk.project != project:
        return False
    return include_closed or risk.status != "closed"


def register(
    program: Program, *, project: str | None = None, include_closed: bool = True
) -> list[RiskAssessment]:
    """Every risk assessed, highest score first, then highest expected cost, then by id.

    ``project`` keeps one project's risks; ``include_closed=False`` leaves closed ones out.
    """
    assessments = [
        assess(risk, program.risk_scales, hours_per_day(program, risk))
        for risk in program.risks
        if _selected(risk, project, include_closed)
    ]
    return sorted(assessments, key=lambda a: (-a.score, -a.expected_cost, a.risk.id))


def matrix(
    program: Program, *, project: str | None = None, include_closed: bool = False
) -> RiskMatrix:
    """The 5×5 grid of threats (kind ``risk``) by probability and impact level.

    Issues (certain) and opportunities (gains) stay out of the threat grid; closed risks
    too unless ``include_closed``.
    """
    cells: list[list[list[str]]] = [[[] for _ in range(LEVELS)] for _ in range(LEVELS)]
    for entry in register(program, project=project, include_closed=include_closed):
        if entry.risk.kind == "risk":
            cells[entry.inherent.probability - 1][entry.inherent.impact - 1].append(entry.risk.id)
    frozen = tuple(tuple(tuple(ids) for ids in row) for row in cells)
    return RiskMatrix(frozen, program.risk_scales)


def escalation_candidates(program: Program) -> list[RiskAssessment]:
    """Project risks scoring at least the escalation score, not closed, not yet escalated."""
    threshold = program.risk_scales.escalation_score
    return [
        entry
        for entry in register(program, include_closed=False)
        if entry.risk.project is not None and not entry.risk.escalated and entry.score >= threshold
    ]
