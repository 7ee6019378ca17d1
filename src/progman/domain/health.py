"""Health (RAG) of a program and its projects: the plan's ``health:`` section (thresholds
of each signal, manual overrides) and the rating rules, pure so that the engine's figures
alone decide a colour.

Each threshold is a pair of limits, ``amber`` and ``red``. For a measure where less is
worse (SPI, CPI, float) a value below ``amber`` is amber and below ``red`` is red; for one
where more is worse (days late, money over budget, risk score, over-allocated days,
change requests) a value above ``amber`` is amber and above ``red`` is red (the risk score
and the change count: at or above). The worst signal sets the colour; an override shows
beside the computed colour, never instead of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, model_validator

from progman.domain.base import Entity, Id, PlanDate

Rag = Literal["green", "amber", "red"]
Signal = Literal["schedule", "cost", "risk", "resources", "scope"]

#: Colours from best to worst (the worst signal sets the colour).
RAGS: tuple[Rag, ...] = ("green", "amber", "red")
SIGNALS: tuple[Signal, ...] = ("schedule", "cost", "risk", "resources", "scope")


class Limits(Entity):
    """The amber and the red limit of one measure."""

    amber: float
    red: float


def _limits(amber: float, red: float, description: str) -> Any:
    return Field(default_factory=lambda: Limits(amber=amber, red=red), description=description)


#: Measures where a smaller value is worse (red must then be the smaller limit).
LOWER_IS_WORSE = frozenset({"spi", "spi_t", "cpi", "float_days"})


class HealthThresholds(Entity):
    """The limits of every measure; each default is documented in plan-format.md."""

    milestone_slip_days: Limits = _limits(
        0, 10, "working days a milestone (or project) is forecast after its deadline"
    )
    float_days: Limits = _limits(0, -5, "least total float of the project, working days")
    spi: Limits = _limits(0.95, 0.85, "schedule performance index, EV / PV")
    spi_t: Limits = _limits(0.95, 0.85, "earned schedule performance index, ES / AT")
    cpi: Limits = _limits(0.95, 0.85, "cost performance index, EV / AC")
    eac_over_budget: Limits = _limits(
        0.0, 0.10, "share by which the estimate at completion exceeds the budget"
    )
    risk_score: Limits = _limits(10, 16, "score (1-25) of an open risk or issue")
    over_allocated_days: Limits = _limits(
        0, 10, "person-days over capacity in the look-ahead window"
    )
    change_requests: Limits = _limits(
        3, 6, "change requests submitted or approved in the change window"
    )

    @model_validator(mode="after")
    def _ordered(self) -> HealthThresholds:
        for name in type(self).model_fields:
            limits: Limits = getattr(self, name)
            if name in LOWER_IS_WORSE and limits.red > limits.amber:
                raise ValueError(
                    f"{name}: red ({limits.red:g}) must not be above amber ({limits.amber:g}); "
                    "a smaller value is worse"
                )
            if name not in LOWER_IS_WORSE and limits.red < limits.amber:
                raise ValueError(
                    f"{name}: red ({limits.red:g}) must not be below amber ({limits.amber:g}); "
                    "a larger value is worse"
                )
        return self


class HealthOverride(Entity):
    """A manual colour for the program (no ``project``) or one project, with why."""

    project: Id | None = Field(default=None, description="the project; none: the program")
    rag: Rag
    comment: str
    by: str | None = None
    on: PlanDate | None = None

    @model_validator(mode="before")
    @classmethod
    def _needs_comment(cls, value: Any) -> Any:
        if isinstance(value, dict) and not str(value.get("comment") or "").strip():
            scope = value.get("project") or "the program"
            raise ValueError(
                f"a health override ({scope}) needs a comment saying why the colour is "
                "overridden: add comment: ..."
            )
        return value


class HealthSettings(Entity):
    """The ``health:`` section of a program."""

    lookahead_weeks: int = Field(
        default=4, ge=1, le=52, description="resources: weeks after the status date to look at"
    )
    change_window_weeks: int = Field(
        default=4, ge=1, le=52, description="scope: weeks up to the status date to count"
    )
    thresholds: HealthThresholds = Field(default_factory=HealthThresholds)
    overrides: list[HealthOverride] = Field(default_factory=list)

    def override_of(self, project: str | None) -> HealthOverride | None:
        """The last override of ``project`` (None: the program's)."""
        found = [o for o in self.overrides if o.project == project]
        return found[-1] if found else None


@dataclass(frozen=True)
class Reason:
    """Why a signal has its colour, in a sentence naming the item and the figure."""

    signal: Signal
    rag: Rag
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"signal": self.signal, "rag": self.rag, "text": self.text}


@dataclass(frozen=True)
class Health:
    """The colour of a program or a project: the worst of its reasons (green without
    any), and the override the plan records, if any."""

    rag: Rag
    reasons: tuple[Reason, ...]
    override: HealthOverride | None = None

    @property
    def shown(self) -> Rag:
        """The colour to show first: the override's when there is one."""
        return self.override.rag if self.override is not None else self.rag

    def to_json(self) -> dict[str, Any]:
        """``H`` of ``health --json`` (SPEC §5)."""
        override = self.override
        return {
            "rag": self.rag,
            "reasons": [reason.to_json() for reason in self.reasons],
            "override": None
            if override is None
            else {
                "rag": override.rag,
                "comment": override.comment,
                "by": override.by,
                "on": override.on.isoformat() if override.on else None,
            },
        }


def worst(rags: list[Rag]) -> Rag:
    """The worst colour of ``rags`` (green when empty)."""
    return max(rags, key=RAGS.index, default="green")


def health_of(reasons: list[Reason], override: HealthOverride | None = None) -> Health:
    """The colour its worst reason sets, worst reasons first (stable within a colour)."""
    ordered = sorted(reasons, key=lambda r: -RAGS.index(r.rag))
    return Health(worst([r.rag for r in reasons]), tuple(ordered), override)


def rate_low(value: float, limits: Limits) -> Rag:
    """The colour of a measure where less is worse: below ``red`` red, below ``amber``
    amber."""
    if value < limits.red - 1e-9:
        return "red"
    return "amber" if value < limits.amber - 1e-9 else "green"


def rate_high(value: float, limits: Limits, *, inclusive: bool = False) -> Rag:
    """The colour of a measure where more is worse: above ``red`` red, above ``amber``
    amber (at or above when ``inclusive``: counts and scores)."""
    slack = -1e-9 if inclusive else 1e-9
    if value > limits.red + slack:
        return "red"
    return "amber" if value > limits.amber + slack else "green"


__all__ = [
    "RAGS",
    "SIGNALS",
    "Health",
    "HealthOverride",
    "HealthSettings",
    "HealthThresholds",
    "Limits",
    "Rag",
    "Reason",
    "Signal",
    "health_of",
    "rate_high",
    "rate_low",
    "worst",
]
