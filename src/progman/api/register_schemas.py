"""What the register and strategy routes read and answer (:mod:`progman.api.register_routes`):
risks, objectives, key results, benefits and stakeholders, per use: ``XCreate`` (a new
one), ``XUpdate`` (the fields to change, the rest left as they are; ``null`` clears an
optional one), ``XPublic`` (with its version, the ETag). Values the domain checks further
(a probability above 1, a date out of range) are ``422 plan.invalid`` naming the field."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field

from progman.api.schemas import Request
from progman.domain.base import ID_MAX_LENGTH, ID_PATTERN

RiskKind = Literal["risk", "issue", "opportunity"]
RiskResponse = Literal["avoid", "mitigate", "transfer", "accept", "exploit", "enhance", "share"]
RiskStatus = Literal["open", "occurred", "closed"]
Perspective = Literal["financial", "customer", "internal", "learning"]
Report = Literal["exec", "program", "team"]
ReportFormat = Literal["md", "html", "pdf"]
Frequency = Literal["weekly", "biweekly", "monthly", "quarterly"]
Channel = Literal["email", "meeting", "portal", "chat"]


def _without_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text cannot hold the NUL character (\\u0000)")
    return value


#: Free text as a plan holds it: anything but NUL, which no database text column takes.
Text = Annotated[str, AfterValidator(_without_nul)]


def _id() -> Any:
    return Field(min_length=1, max_length=ID_MAX_LENGTH, pattern=ID_PATTERN)


def _text(limit: int = 500) -> Any:
    return Field(default=None, max_length=limit)


_VERSION = Field(description="the entry's version: its ETag, sent back as If-Match")
_NEXT = Field(description="cursor of the next page; null on the last one")


# -- risks ----------------------------------------------------------------------------------


class RiskImpactIn(Request):
    schedule: str | None = Field(
        default=None, max_length=40, examples=["15d"], description="delay if it occurs; "
        "negative for an opportunity's gain",
    )  # fmt: skip
    cost: float | None = Field(default=None, description="negative for an opportunity's saving")
    scope: int | None = Field(default=None, ge=1, le=5)
    quality: int | None = Field(default=None, ge=1, le=5)


class RiskImpactPublic(BaseModel):
    schedule: str | None
    cost: float | None
    scope: int | None
    quality: int | None


class ResidualIn(Request):
    """Probability and impact expected once the response is carried out."""

    probability: float = Field(ge=0, le=1)
    impact: RiskImpactIn | None = None


class ResidualPublic(BaseModel):
    probability: float
    impact: RiskImpactPublic


class RiskActionIn(Request):
    title: Text = Field(min_length=1, max_length=500)
    owner: Text | None = _text(200)
    due: date | None = None
    done: bool = False


class RiskActionPublic(BaseModel):
    title: str
    owner: str | None
    due: date | None
    done: bool


class RiskChangePublic(BaseModel):
    date: date
    field: str
    before: str | int | float | bool | None
    after: str | int | float | bool | None
    by: str | None
    note: str | None


class RiskFields(Request):
    """What a risk holds besides its id; every field may be left out of an update."""

    title: Text | None = Field(default=None, min_length=1, max_length=500)
    kind: RiskKind | None = None
    project: str | None = Field(default=None, max_length=ID_MAX_LENGTH,
                                description="null: a program-level risk")  # fmt: skip
    cause: Text | None = _text(20_000)
    event: Text | None = _text(20_000)
    effect: Text | None = _text(20_000)
    category: Text | None = _text(200)
    owner: Text | None = _text(200)
    probability: float | None = Field(default=None, ge=0, le=1)
    impact: RiskImpactIn | None = None
    response: RiskResponse | None = None
    actions: list[RiskActionIn] | None = Field(default=None, max_length=500)
    residual: ResidualIn | None = None
    trigger: Text | None = _text(20_000)
    status: RiskStatus | None = None
    affects: list[str] | None = Field(default=None, max_length=1000,
                                      description="ids of the work items it delays")  # fmt: skip
    escalated: bool | None = None
    escalated_on: date | None = None
    raised: date | None = None


class RiskUpdate(RiskFields):
    """The fields to change (``impact``, ``actions``, ``residual`` and ``affects`` are
    replaced whole)."""


class RiskCreate(RiskFields):
    id: str = _id()
    title: Text = Field(min_length=1, max_length=500)
    probability: float = Field(ge=0, le=1)


class RiskPublic(BaseModel):
    id: str
    title: str
    kind: str
    project: str | None
    cause: str | None
    event: str | None
    effect: str | None
    category: str | None
    owner: str | None
    probability: float
    impact: RiskImpactPublic
    response: str | None
    actions: list[RiskActionPublic]
    residual: ResidualPublic | None
    trigger: str | None
    status: str
    affects: list[str]
    escalated: bool
    escalated_on: date | None
    raised: date | None
    history: list[RiskChangePublic] = Field(description="read only: as the plan records it")
    version: int = _VERSION


class RiskEdited(BaseModel):
    """A successful edit: the risk as it is now (as it was, when deleted) and what moved."""

    item: RiskPublic
    moved: dict[str, Any]


# -- objectives and key results -------------------------------------------------------------


class ObjectiveFields(Request):
    title: Text | None = Field(default=None, min_length=1, max_length=500)
    perspective: Perspective | None = None
    description: Text | None = _text(20_000)
    owner: Text | None = _text(200)


class ObjectiveUpdate(ObjectiveFields):
    """The fields to change; its key results are changed one at a time."""


class ObjectiveCreate(ObjectiveFields):
    """A new objective, without key results (add them under it)."""

    id: str = _id()
    title: Text = Field(min_length=1, max_length=500)


class ObjectivePublic(BaseModel):
    id: str
    title: str
    perspective: str | None
    description: str | None
    owner: str | None
    key_results: list[str] = Field(description="ids of its key results, in order")
    version: int = _VERSION


class ObjectivePage(BaseModel):
    items: list[ObjectivePublic]
    next: str | None = _NEXT


class ObjectiveEdited(BaseModel):
    item: ObjectivePublic
    moved: dict[str, Any]


_UNIT = Field(
    default=None, max_length=100,
    description="the unit it is measured in; when given, the key result's (benefit's) unit",
)  # fmt: skip


class MeasurementIn(Request):
    """A value measured on a date, no later than the program's status date."""

    date: date
    value: float
    unit: Text | None = _UNIT
    note: Text | None = _text(20_000)


class MeasurementPublic(BaseModel):
    date: date
    value: float
    unit: str | None
    note: str | None


class KeyResultFields(Request):
    title: Text | None = Field(default=None, min_length=1, max_length=500)
    metric: Text | None = _text(500)
    baseline: float | None = None
    target: float | None = None
    unit: Text | None = _text(100)
    due: date | None = None
    measurements: list[MeasurementIn] | None = Field(default=None, max_length=10_000)


class KeyResultUpdate(KeyResultFields):
    """The fields to change (``measurements`` are replaced whole)."""


class KeyResultCreate(KeyResultFields):
    id: str = _id()
    title: Text = Field(min_length=1, max_length=500)
    target: float


class KeyResultPublic(BaseModel):
    id: str
    objective: str = Field(description="the objective it measures")
    title: str
    metric: str | None
    baseline: float
    target: float
    unit: str | None
    due: date | None
    measurements: list[MeasurementPublic]
    version: int = _VERSION


class KeyResultPage(BaseModel):
    items: list[KeyResultPublic]
    next: str | None = _NEXT


class KeyResultEdited(BaseModel):
    item: KeyResultPublic
    moved: dict[str, Any]


# -- benefits -------------------------------------------------------------------------------


class BenefitMeasurementIn(Request):
    """A benefit's planned and realized value on a date (a realized one: no later than the
    program's status date)."""

    date: date
    planned: float | None = None
    realized: float | None = None
    unit: Text | None = _UNIT
    note: Text | None = _text(20_000)


class BenefitMeasurementPublic(BaseModel):
    date: date
    planned: float | None
    realized: float | None
    unit: str | None
    note: str | None


class BenefitFields(Request):
    title: Text | None = Field(default=None, min_length=1, max_length=500)
    description: Text | None = _text(20_000)
    objective: str | None = Field(default=None, max_length=ID_MAX_LENGTH,
                                  description="the objective it serves")  # fmt: skip
    owner: Text | None = _text(200)
    metric: Text | None = _text(500)
    baseline: float | None = None
    target: float | None = None
    unit: Text | None = _text(100)
    due: date | None = None
    depends_on: list[str] | None = Field(default=None, max_length=1000,
                                         description="ids of the work items it needs")  # fmt: skip
    projects: list[str] | None = Field(
        default=None, max_length=1000, description="ids of the projects whose whole finish "
        "it needs",
    )  # fmt: skip
    measurements: list[BenefitMeasurementIn] | None = Field(default=None, max_length=10_000)


class BenefitUpdate(BenefitFields):
    """The fields to change (``depends_on``, ``projects`` and ``measurements`` are replaced
    whole)."""


class BenefitCreate(BenefitFields):
    id: str = _id()
    title: Text = Field(min_length=1, max_length=500)


class BenefitPublic(BaseModel):
    id: str
    title: str
    description: str | None
    objective: str | None
    owner: str | None
    metric: str | None
    baseline: float
    target: float | None
    unit: str | None
    due: date | None
    depends_on: list[str]
    projects: list[str]
    measurements: list[BenefitMeasurementPublic]
    version: int = _VERSION


class BenefitPage(BaseModel):
    items: list[BenefitPublic]
    next: str | None = _NEXT


class BenefitEdited(BaseModel):
    item: BenefitPublic
    moved: dict[str, Any]


# -- stakeholders ---------------------------------------------------------------------------


class CommunicationIn(Request):
    """Which report a stakeholder gets, in which format, how often, by which channel."""

    report: Report
    format: ReportFormat = "html"
    frequency: Frequency = "monthly"
    channel: Channel = "email"
    project: str | None = Field(default=None, max_length=ID_MAX_LENGTH, pattern=ID_PATTERN)
    start: date | None = None
    last: date | None = None


class CommunicationPublic(BaseModel):
    report: str
    format: str
    frequency: str
    channel: str
    project: str | None = None
    start: date | None = None
    last: date | None = None


class StakeholderFields(Request):
    name: Text | None = Field(default=None, min_length=1, max_length=500)
    role: Text | None = _text(500)
    organisation: Text | None = _text(500)
    email: Text | None = _text(320)
    interest: int | None = Field(default=None, ge=1, le=5)
    influence: int | None = Field(default=None, ge=1, le=5)
    communication: list[CommunicationIn] | None = Field(default=None, max_length=100)


class StakeholderUpdate(StakeholderFields):
    """The fields to change (``communication`` is replaced whole)."""


class StakeholderCreate(StakeholderFields):
    id: str = _id()
    name: Text = Field(min_length=1, max_length=500)


class StakeholderPublic(BaseModel):
    id: str
    name: str
    role: str | None
    organisation: str | None
    email: str | None
    interest: int | None
    influence: int | None
    communication: list[CommunicationPublic]
    version: int = _VERSION


class StakeholderPage(BaseModel):
    items: list[StakeholderPublic]
    next: str | None = _NEXT


class StakeholderEdited(BaseModel):
    item: StakeholderPublic
    moved: dict[str, Any]
