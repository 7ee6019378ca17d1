"""What :func:`progman.impact` returns: the moved tasks, milestones, projects, benefits,
objectives and chains, most severe first, and their JSON form (SPEC §5 ``impact --json``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any


@dataclass(frozen=True)
class TaskImpact:
    """A task whose dates moved. Delays in working days of its calendar."""

    id: str
    name: str
    project: str
    milestone: bool
    before: datetime  # early finish
    after: datetime
    delay_days: float
    start_before: datetime
    start_after: datetime
    start_delay_days: float
    total_float_before: float
    total_float_after: float
    critical: bool  # after the change


@dataclass(frozen=True)
class MilestoneImpact:
    id: str
    name: str
    project: str
    before: datetime
    after: datetime
    delay_days: float
    deadline: date | None
    deadline_missed: bool  # after the change
    was_missed: bool


@dataclass(frozen=True)
class ProjectImpact:
    id: str
    name: str
    before: datetime  # the project's finish
    after: datetime
    delay_days: float


@dataclass(frozen=True)
class BenefitImpact:
    """A benefit whose dependencies moved; dates are its latest dependency's finish."""

    id: str
    title: str
    objective: str | None
    due: date | None
    before: datetime
    after: datetime
    delay_days: float  # of its latest dependency
    moved_by: tuple[str, ...]  # the dependencies that moved
    due_at_risk: bool  # the latest dependency now finishes after ``due``
    was_at_risk: bool


@dataclass(frozen=True)
class ObjectiveImpact:
    """An objective reached through moved benefits or moved aligned projects."""

    id: str
    title: str
    delay_days: float  # the largest delay among its moved benefits and projects
    benefits: tuple[str, ...]
    projects: dict[str, float]  # moved aligned project -> alignment weight
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ImpactResult:
    """What moved, most severe first. Empty tuples: nothing of that kind moved."""

    changes: tuple[str, ...]  # one description per change
    finish_before: datetime
    finish_after: datetime
    finish_delay_days: float
    tasks: tuple[TaskImpact, ...]
    milestones: tuple[MilestoneImpact, ...]
    projects: tuple[ProjectImpact, ...]
    benefits: tuple[BenefitImpact, ...]
    objectives: tuple[ObjectiveImpact, ...]
    chains: tuple[tuple[str, ...], ...]  # changed task ... moved milestone, in link order
    unstaffed: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: the calendar every delay counts working days of: the program's (None: the default)
    calendar: str | None = None

    def summary(self) -> str:
        """``MOB.build slips 10 days: 2 milestones, 1 project, 1 benefit move``."""
        subject = "; ".join(self.changes)
        counts = [
            count_text(len(self.milestones), "milestone"),
            count_text(len(self.projects), "project"),
            count_text(len(self.benefits), "benefit"),
        ]
        if self.objectives:
            counts.append(count_text(len(self.objectives), "objective"))
        if not (self.milestones or self.projects or self.benefits or self.objectives):
            moved = count_text(len(self.tasks), "task")
            return f"{subject}: no milestone, project or benefit moves ({moved} moved)"
        return f"{subject}: {', '.join(counts)} move"

    def to_json(self) -> dict[str, Any]:
        """The ``progman impact --json`` object of SPEC §5 (plus detail)."""
        stamp = cache(_moment_text)  # a slip of 4,600 tasks: 18,000 stamps, 1,000 moments
        return {
            "changes": list(self.changes),
            "calendar": self.calendar,
            "finish": {
                "before": stamp(self.finish_before),
                "after": stamp(self.finish_after),
                "delay_days": self.finish_delay_days,
            },
            "changed": [
                {
                    "id": t.id,
                    "name": t.name,
                    "project": t.project,
                    "milestone": t.milestone,
                    "before": stamp(t.before),
                    "after": stamp(t.after),
                    "delay_days": t.delay_days,
                    "start_before": stamp(t.start_before),
                    "start_after": stamp(t.start_after),
                    "start_delay_days": t.start_delay_days,
                    "total_float_before": t.total_float_before,
                    "total_float_after": t.total_float_after,
                    "critical": t.critical,
                }
                for t in self.tasks
            ],
            "milestones": [
                {
                    "id": m.id,
                    "name": m.name,
                    "project": m.project,
                    "before": stamp(m.before),
                    "after": stamp(m.after),
                    "delay_days": m.delay_days,
                    "deadline": m.deadline.isoformat() if m.deadline else None,
                    "deadline_missed": m.deadline_missed,
                    "was_missed": m.was_missed,
                }
                for m in self.milestones
            ],
            "projects": [
                {
                    "id": p.id,
                    "name": p.name,
                    "before": stamp(p.before),
                    "after": stamp(p.after),
                    "delay_days": p.delay_days,
                }
                for p in self.projects
            ],
            "benefits": [
                {
                    "id": b.id,
                    "title": b.title,
                    "objective": b.objective,
                    "due": b.due.isoformat() if b.due else None,
                    "before": stamp(b.before),
                    "after": stamp(b.after),
                    "delay_days": b.delay_days,
                    "moved_by": list(b.moved_by),
                    "due_at_risk": b.due_at_risk,
                    "was_at_risk": b.was_at_risk,
                }
                for b in self.benefits
            ],
            "objectives": [
                {
                    "id": o.id,
                    "title": o.title,
                    "delay_days": o.delay_days,
                    "benefits": list(o.benefits),
                    "projects": dict(o.projects),
                    "reasons": list(o.reasons),
                }
                for o in self.objectives
            ],
            "chains": [list(chain) for chain in self.chains],
            "unstaffed": list(self.unstaffed),
            "notes": list(self.notes),
        }


def count_text(number: int, noun: str) -> str:
    """``1 task``, ``2 tasks``."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _moment_text(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")


def days_text(days: float) -> str:
    """``1 day``, ``2.5 days``."""
    return f"{days:g} day{'' if abs(days) == 1 else 's'}"
