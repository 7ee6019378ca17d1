"""The roadmap (the web UI's strategy view): objectives, the projects aligned to each and
their milestones, on one time axis from the program's start to its last date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from progman.engine.schedule_table import TaskTable
from progman.services.scheduling import stored_schedule
from progman.services.strategy import ObjectiveForecast, Strategy, program_strategy

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from progman.domain.access import User


@dataclass(frozen=True)
class RoadmapMilestone:
    id: str
    name: str
    forecast: datetime
    deadline: date | None
    late: bool


@dataclass(frozen=True)
class RoadmapProject:
    id: str
    name: str
    weight: float | None  # its weight on the lane's objective (None: the unaligned lane)
    start: datetime
    finish: datetime
    milestones: tuple[RoadmapMilestone, ...]


@dataclass(frozen=True)
class RoadmapLane:
    objective: str | None  # None: projects aligned to no objective
    title: str
    projects: tuple[RoadmapProject, ...]


@dataclass(frozen=True)
class Roadmap:
    first: date  # the axis: from the first of the program's start month...
    last: date  # ...to the last day of the month of its last date
    months: tuple[date, ...]  # the first day of each month on the axis
    lanes: tuple[RoadmapLane, ...]
    status_date: date | None
    #: key-result progress, objective forecasts and benefits at risk (``progman objectives``)
    goals: Strategy | None = None

    def objective(self, ident: str | None) -> ObjectiveForecast | None:
        """The forecast and key results of the objective ``ident`` (None: none)."""
        if self.goals is None or ident is None:
            return None
        return next((o for o in self.goals.objectives if o.id == ident), None)

    def at(self, moment: date | datetime) -> float:
        """Where ``moment`` sits on the axis, in percent of its width."""
        day = moment.date() if isinstance(moment, datetime) else moment
        span = (self.last - self.first).days + 1
        return round(100.0 * min(max((day - self.first).days, 0), span) / span, 3)


def program_roadmap(session: Session, user: User, key: str) -> Roadmap:
    """The roadmap of the stored program ``key`` as ``user`` may see it."""
    program, schedule = stored_schedule(session, user, key)
    tasks = schedule.tasks
    starts = tasks.project_starts() if isinstance(tasks, TaskTable) else {}
    milestones: dict[str, list[RoadmapMilestone]] = {}
    if isinstance(tasks, TaskTable):
        found = [tasks[int(k)] for k in tasks.positions(milestone=True)]
    else:
        found = [t for t in tasks if t.milestone]
    for t in found:
        late = t.deadline is not None and t.finish.date() > t.deadline
        entry = RoadmapMilestone(t.id, t.name, t.finish, t.deadline, late)
        milestones.setdefault(t.project, []).append(entry)
    spans: dict[str, tuple[datetime, datetime]] = {}
    for project in program.projects:
        finish = schedule.projects.get(project.id, {}).get("finish")
        start = starts.get(project.id)
        if start is not None and finish:
            spans[project.id] = (start, datetime.fromisoformat(finish))

    def lane_projects(objective: str | None) -> tuple[RoadmapProject, ...]:
        chosen = []
        for project in program.projects:
            weight = project.objectives.get(objective) if objective else None
            aligned = weight is not None if objective else not project.objectives
            if aligned and project.id in spans:
                start, finish = spans[project.id]
                chosen.append(
                    RoadmapProject(
                        project.id, project.name, weight, start, finish,
                        tuple(milestones.get(project.id, ())),
                    )
                )  # fmt: skip
        chosen.sort(key=lambda p: (p.start, p.id))
        return tuple(chosen)

    lanes = [RoadmapLane(o.id, o.title, lane_projects(o.id)) for o in program.objectives]
    unaligned = lane_projects(None)
    if unaligned:
        lanes.append(RoadmapLane(None, "Aligned to no objective", unaligned))
    dates = [program.start, schedule.finish.date()]
    dates += [m.deadline for ms in milestones.values() for m in ms if m.deadline]
    first = min(dates).replace(day=1)
    last = month_end(max(dates))
    goals = program_strategy(program).strategy
    return Roadmap(
        first, last, month_starts(first, last), tuple(lanes), schedule.status_date, goals
    )


def month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def month_starts(first: date, last: date) -> tuple[date, ...]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return tuple(months)
