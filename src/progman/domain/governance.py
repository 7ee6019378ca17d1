"""Control and communication: change requests, baselines, gates, decisions, people, sprints."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, JsonValue, model_validator

from progman.domain.base import Entity, Id, Money, PlanDate, PlanDateTime, Score
from progman.domain.durations import Duration

ChangeState = Literal["draft", "submitted", "approved", "rejected", "applied"]


def _dates_as_text(value: Any) -> Any:
    """Keep change values JSON-shaped (dates as ISO text) so every plan format round-trips."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _dates_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    return value


class ChangeItem(Entity):
    """One edit a change request proposes.

    ``set``: give ``field`` of ``target`` the ``value``; ``add``: add ``value`` (a work item,
    risk, ...) under ``target`` (a project or summary task); ``remove``: drop ``target``.
    """

    op: Literal["set", "add", "remove"] = "set"
    target: Id
    field: str | None = None
    value: Annotated[JsonValue, BeforeValidator(_dates_as_text)] = None

    @model_validator(mode="after")
    def _complete(self) -> ChangeItem:
        if self.op == "set" and not self.field:
            raise ValueError(f"a 'set' change of {self.target} needs the field it changes")
        if self.op == "add" and not isinstance(self.value, dict):
            raise ValueError(
                f"an 'add' change under {self.target} needs the new item as a mapping in 'value'"
            )
        return self


class Approval(Entity):
    by: str
    decision: Literal["approved", "rejected"]
    date: PlanDate
    comment: str | None = None


class ChangeRequest(Entity):
    id: Id
    title: str
    description: str | None = None
    requester: str | None = None
    reason: str | None = None
    state: ChangeState = "draft"
    changes: list[ChangeItem] = Field(default_factory=list)
    approvers: list[str] = Field(default_factory=list)
    approvals: list[Approval] = Field(default_factory=list)
    submitted: PlanDate | None = None
    baseline: Id | None = Field(default=None, description="baseline created when applied")
    impact: dict[str, JsonValue] | None = Field(
        default=None, description="what the changes move, computed by the engine on submit"
    )
    impact_revision: int | None = Field(
        default=None, ge=0, description="the program revision the impact was computed on"
    )


class BaselineTask(Entity):
    """Dates, duration, work and cost of one task frozen in a baseline."""

    start: PlanDateTime
    finish: PlanDateTime
    duration: Duration | None = None
    work: Duration | None = None
    cost: Money | None = None


class Baseline(Entity):
    """A named, immutable snapshot of the plan to measure variance against."""

    id: Id
    name: str | None = None
    created: PlanDate
    description: str | None = None
    tasks: dict[Id, BaselineTask] = Field(default_factory=dict)


def latest_baseline(baselines: list[Baseline]) -> Baseline | None:
    """The baseline measured against by default: the latest by ``created``, and of those
    taken the same day the last listed (None when there is none)."""
    if not baselines:
        return None
    latest = max(b.created for b in baselines)
    return [b for b in baselines if b.created == latest][-1]


class GateCriterion(Entity):
    """One line of a gate's checklist: what must hold before the gate may be passed."""

    text: str
    met: bool = False


#: What a gate decides: ``go`` passes it (the next phase may start), ``hold`` waits and
#: decides again, ``stop`` ends the project (or program) there, ``recycle`` sends the
#: phase's work round again. ``no_go``, written by older plans, is read as ``stop``.
GateOutcome = Literal["go", "hold", "stop", "recycle", "no_go"]


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value.strip()


class GateOverride(Entity):
    """Why a gate is passed although some of its criteria are unmet, and who took that on."""

    reason: Annotated[str, AfterValidator(_text)]
    by: Annotated[str, AfterValidator(_text)]


class GateDecision(Entity):
    """Who decided what at a gate, when and why (``comment``)."""

    outcome: GateOutcome
    date: PlanDate
    by: str | None = None
    comment: str | None = Field(default=None, description="why it was decided so")
    override: GateOverride | None = Field(
        default=None, description="passing (go) with unmet criteria needs a reason and who"
    )

    @property
    def verdict(self) -> Literal["go", "hold", "stop", "recycle"]:
        """The outcome, with the deprecated ``no_go`` read as ``stop``."""
        return "stop" if self.outcome == "no_go" else self.outcome


class StageGate(Entity):
    """A governance checkpoint at the end of a lifecycle ``phase`` of a project (or of the
    program when ``project`` is empty), tied to the schedule by ``milestone``."""

    id: Id
    name: str
    project: Id | None = None
    phase: str | None = Field(default=None, description="the phase the gate closes")
    planned: PlanDate | None = None
    milestone: Id | None = Field(
        default=None, description="the work item whose forecast finish readies the gate"
    )
    criteria: list[GateCriterion] = Field(default_factory=list)
    decision: GateDecision | None = None

    @property
    def unmet(self) -> list[GateCriterion]:
        return [c for c in self.criteria if not c.met]


class Decision(Entity):
    """An entry of the decision log."""

    id: Id
    title: str
    date: PlanDate
    by: str | None = None
    outcome: str | None = None
    rationale: str | None = None
    related: list[Id] = Field(default_factory=list)


class Communication(Entity):
    """A report a stakeholder gets: which level and format, how often, by which channel.

    It is due on ``start`` (default: the program's start) and then every ``frequency``
    after it; ``last`` is when it last went out (``progman comms`` lists as due the dates
    after it). A team report covers ``project`` (default: every project)."""

    report: Literal["exec", "program", "team"]
    format: Literal["md", "html", "pdf"] = "html"
    frequency: Literal["weekly", "biweekly", "monthly", "quarterly"] = "monthly"
    channel: Literal["email", "meeting", "portal", "chat"] = "email"
    project: Id | None = Field(default=None, description="the project a report covers")
    start: PlanDate | None = Field(
        default=None, description="the first date it is due (default: the program's start)"
    )
    last: PlanDate | None = Field(default=None, description="when it last went out")


class Stakeholder(Entity):
    id: Id
    name: str
    role: str | None = None
    organisation: str | None = None
    email: str | None = None
    interest: Score | None = None
    influence: Score | None = None
    communication: list[Communication] = Field(default_factory=list)


class Sprint(Entity):
    """An iteration of an agile team, with committed and completed story points."""

    id: Id
    name: str | None = None
    project: Id
    team: str | None = None
    start: PlanDate
    finish: PlanDate
    capacity: float | None = Field(default=None, ge=0)
    committed: float | None = Field(default=None, ge=0)
    completed: float | None = Field(default=None, ge=0)
    goal: str | None = None
    state: Literal["planned", "active", "closed"] = "planned"

    @model_validator(mode="after")
    def _ordered(self) -> Sprint:
        if self.finish < self.start:
            raise ValueError(f"finish {self.finish} is before start {self.start}")
        return self
