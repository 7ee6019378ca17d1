"""Domain model of progman: entities and value objects, no I/O."""

from progman.domain.calendars import Calendar, DateRange
from progman.domain.durations import Duration
from progman.domain.governance import (
    Approval,
    Baseline,
    BaselineTask,
    ChangeItem,
    ChangeRequest,
    Communication,
    Decision,
    GateCriterion,
    GateDecision,
    Sprint,
    StageGate,
    Stakeholder,
    latest_baseline,
)
from progman.domain.program import Program, Project
from progman.domain.resources import CapacityPeriod, Resource
from progman.domain.risks import (
    RatingBands,
    ResidualRisk,
    Risk,
    RiskAction,
    RiskChange,
    RiskImpact,
    RiskScales,
)
from progman.domain.scheduling import SchedulingSettings
from progman.domain.strategy import Benefit, BenefitMeasurement, KeyResult, Measurement, Objective
from progman.domain.work import (
    Assignment,
    ChecklistItem,
    Constraint,
    Dependency,
    ThreePointEstimate,
    WorkItem,
)

__all__ = [
    "Approval",
    "Assignment",
    "Baseline",
    "BaselineTask",
    "Benefit",
    "BenefitMeasurement",
    "Calendar",
    "CapacityPeriod",
    "ChangeItem",
    "ChangeRequest",
    "ChecklistItem",
    "Communication",
    "Constraint",
    "DateRange",
    "Decision",
    "Dependency",
    "Duration",
    "GateCriterion",
    "GateDecision",
    "KeyResult",
    "Measurement",
    "Objective",
    "Program",
    "Project",
    "RatingBands",
    "ResidualRisk",
    "Resource",
    "Risk",
    "RiskAction",
    "RiskChange",
    "RiskImpact",
    "RiskScales",
    "SchedulingSettings",
    "Sprint",
    "StageGate",
    "Stakeholder",
    "ThreePointEstimate",
    "WorkItem",
    "latest_baseline",
]
