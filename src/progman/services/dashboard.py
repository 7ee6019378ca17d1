"""The program dashboard (the web UI's first page of a program): where the program stands,
read from the stored program, its schedule, its risk register, its people's load and its
audit log. Everything is computed here, once per request; the page only shows it."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import TYPE_CHECKING

import numpy as np

from progman.engine.load import analyse_load
from progman.engine.schedule_table import TaskTable
from progman.services.audit import audit_page
from progman.services.catalog import ProgramEntry, program_entry, visible_program_at
from progman.services.risks import risk_report
from progman.services.scheduling import stored_schedule
from progman.services.single_flight import Kept
from progman.services.strategy import KeyResultProgress, program_strategy

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from progman.domain import Program
    from progman.domain.access import User
    from progman.engine.load import LoadAnalysis
    from progman.engine.schedule import Schedule
    from progman.services.strategy import BenefitStatus, ObjectiveForecast

#: The risks and the changes a dashboard lists, the highest scores and the newest first.
TOP_RISKS = 5
LAST_CHANGES = 8


@dataclass(frozen=True)
class MilestoneLine:
    id: str
    name: str
    project: str
    forecast: datetime
    deadline: date | None
    late: bool  # the forecast falls after the deadline's day
    float_days: float


@dataclass(frozen=True)
class ProjectLine:
    id: str
    name: str
    finish: datetime | None
    tasks: int
    critical: int
    float_days: float | None  # the least total float of its tasks


@dataclass(frozen=True)
class BenefitLine:
    id: str
    title: str
    objective: str | None
    due: date | None
    forecast: datetime | None  # the latest finish of what it depends on
    at_risk: bool
    depends_on: tuple[str, ...]
    reason: str | None = None  # why it is at risk, with the driving chain


@dataclass(frozen=True)
class ObjectiveLine:
    id: str
    title: str
    benefits: tuple[str, ...]
    projects: tuple[tuple[str, float], ...]  # aligned projects and their weights
    progress: float | None = None  # mean progress of its measured key results
    key_results: tuple[KeyResultProgress, ...] = ()


@dataclass(frozen=True)
class RiskLine:
    id: str
    title: str
    project: str | None
    status: str
    score: int
    rating: str
    expected_days: float


@dataclass(frozen=True)
class ConflictLine:
    resource: str
    name: str
    start: date
    finish: date
    peak_load: float
    tasks: tuple[str, ...]


@dataclass(frozen=True)
class ChangeLine:
    at: datetime
    actor: str
    action: str
    kind: str
    entity: str


@dataclass(frozen=True)
class Dashboard:
    entry: ProgramEntry
    status_date: date | None
    finish: datetime
    milestones: tuple[MilestoneLine, ...]  # late ones first, then by forecast
    projects: tuple[ProjectLine, ...]
    objectives: tuple[ObjectiveLine, ...]
    benefits: tuple[BenefitLine, ...]
    risks: tuple[RiskLine, ...]
    open_risks: int
    conflicts: tuple[ConflictLine, ...]
    changes: tuple[ChangeLine, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class _Standing:
    """What a dashboard shows of one revision of a program (the audit log aside)."""

    status_date: date | None
    finish: datetime
    milestones: tuple[MilestoneLine, ...]
    projects: tuple[ProjectLine, ...]
    objectives: tuple[ObjectiveLine, ...]
    benefits: tuple[BenefitLine, ...]
    risks: tuple[RiskLine, ...]
    open_risks: int
    conflicts: tuple[ConflictLine, ...]
    warnings: tuple[str, ...]


#: by the program's stamp (database, key, revision, saved at): a revision never changes
_STANDINGS: Kept[_Standing] = Kept(8)


def program_dashboard(session: Session, user: User, key: str) -> Dashboard:
    """The dashboard of the stored program ``key`` as ``user`` may see it. What it shows
    of a revision is computed once and kept for the next viewers (the load analysis of a
    20,000-task program takes most of a second); the last changes are read each time."""
    entry = program_entry(session, user, key)
    _, _, stamp = visible_program_at(session, user, key)
    standing = _STANDINGS.get(stamp, lambda: _standing(*stored_schedule(session, user, key)))
    changes = audit_page(session, user, key, limit=LAST_CHANGES).entries
    return Dashboard(
        entry=entry,
        **{f.name: getattr(standing, f.name) for f in fields(_Standing)},
        changes=tuple(
            ChangeLine(c.at, c.actor, c.action, c.entity_kind, c.entity_key) for c in changes
        ),
    )


def _standing(program: Program, schedule: Schedule) -> _Standing:
    assessed = risk_report(program).entries
    goals = program_strategy(program).strategy
    return _Standing(
        status_date=schedule.status_date,
        finish=schedule.finish,
        milestones=milestone_lines(schedule),
        projects=project_lines(program, schedule),
        objectives=_objectives(program, goals.objectives),
        benefits=_benefits(goals.benefits),
        risks=tuple(
            RiskLine(
                a.risk.id,
                a.risk.title,
                a.risk.project,
                a.risk.status,
                a.score,
                a.rating,
                a.expected_days,
            )
            for a in sorted(assessed, key=lambda a: -a.score)[:TOP_RISKS]
        ),
        open_risks=sum(1 for a in assessed if a.risk.status != "closed"),
        conflicts=conflict_lines(program, schedule),
        warnings=schedule.warnings,
    )


def milestone_lines(schedule: Schedule) -> tuple[MilestoneLine, ...]:
    tasks = schedule.tasks
    if isinstance(tasks, TaskTable):
        found = [tasks[int(k)] for k in tasks.positions(milestone=True)]
    else:
        found = [t for t in tasks if t.milestone]
    lines = [
        MilestoneLine(
            t.id,
            t.name,
            t.project,
            t.finish,
            t.deadline,
            t.deadline is not None and t.finish.date() > t.deadline,
            t.total_float,
        )
        for t in found
    ]
    lines.sort(key=lambda m: (not m.late, m.forecast, m.id))
    return tuple(lines)


def project_lines(program: Program, schedule: Schedule) -> tuple[ProjectLine, ...]:
    tasks = schedule.tasks
    figures = tasks.project_figures() if isinstance(tasks, TaskTable) else {}
    lines = []
    for project in program.projects:
        count, critical, least = figures.get(project.id, (0, 0, None))
        finish = schedule.projects.get(project.id, {}).get("finish")
        lines.append(
            ProjectLine(
                project.id,
                project.name,
                datetime.fromisoformat(finish) if finish else None,
                count,
                critical,
                least,
            )
        )
    return tuple(lines)


def _objectives(
    program: Program, goals: tuple[ObjectiveForecast, ...]
) -> tuple[ObjectiveLine, ...]:
    return tuple(
        ObjectiveLine(
            o.id,
            o.title,
            tuple(b.id for b in program.benefits if b.objective == o.id),
            tuple(
                (p.id, weight)
                for p in program.projects
                if (weight := p.objectives.get(o.id)) is not None
            ),
            goal.progress,
            goal.key_results,
        )
        for o, goal in zip(program.objectives, goals, strict=True)
    )


def _benefits(goals: tuple[BenefitStatus, ...]) -> tuple[BenefitLine, ...]:
    """The benefits as :mod:`progman.engine.strategy` assesses them (``progman benefits``)."""
    return tuple(
        BenefitLine(
            b.id,
            b.title,
            b.objective,
            b.due,
            b.forecast,
            b.at_risk,
            (*b.depends_on, *b.projects),
            b.reason,
        )
        for b in goals
    )


def conflict_lines(
    program: Program, schedule: Schedule, analysis: LoadAnalysis | None = None
) -> tuple[ConflictLine, ...]:
    """Each person's periods over capacity, the earliest first (``analysis``: the load of
    ``schedule`` when the caller has it already)."""
    analysis = analysis or analyse_load(program, schedule)
    names = dict(zip(analysis.resources, analysis.names, strict=True))
    lines = [
        ConflictLine(
            o.resource,
            names.get(o.resource, o.resource),
            o.start,
            o.finish,
            float(np.round(o.peak_load, 2)),
            tuple(task for task, _, _ in o.tasks),
        )
        for o in analysis.over_allocations
    ]
    lines.sort(key=lambda c: (c.start, c.resource))
    return tuple(lines)
