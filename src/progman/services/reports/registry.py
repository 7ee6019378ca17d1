"""Which sections each report level has, in order. A section is a data function (from
:class:`ReportContext` to what it shows) and the template of the same name under
``progman/reports/templates/sections/``; adding one is adding a line here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from progman.services.reports import executive, program_level, team
from progman.services.reports.context import ReportContext


@dataclass(frozen=True)
class Section:
    name: str  # its template: sections/NAME.j2
    title: str
    data: Callable[..., Any]  # (ctx) -> data, or (ctx, project) -> data when per_project
    per_project: bool = False  # once per project the report covers, under its heading


LEVELS: dict[str, tuple[str, tuple[Section, ...]]] = {
    "exec": (
        "Executive status report",
        (
            Section("status", "Program status", executive.status),
            Section("objectives", "Objectives and benefits", executive.objectives),
            Section("milestones", "Milestone forecast", executive.milestones),
            Section("top_risks", "Top risks", executive.risks),
            Section("decisions", "Decisions and change requests waiting", executive.decisions),
        ),
    ),
    "program": (
        "Program status report",
        (
            Section("projects", "Projects against the baseline", program_level.projects),
            Section(
                "dependencies", "Cross-project dependencies at risk", program_level.dependencies
            ),
            Section("conflicts", "Resource conflicts", program_level.conflicts),
            Section("budget", "Budget and cost", program_level.budget),
            Section("project_risks", "Risks by project", program_level.risks_by_project),
            Section("changes", "Change requests", program_level.changes),
        ),
    ),
    "team": (
        "Team status report",
        (
            Section("due", "Due in the next two weeks", team.due, per_project=True),
            Section("overdue", "Overdue and blocked", team.overdue, per_project=True),
            Section("assignments", "Assignments per person", team.assignments, per_project=True),
            Section("sprints", "Sprint progress", team.sprints, per_project=True),
        ),
    ),
}

#: The names ``--level`` accepts, and the long names it accepts for them.
LEVEL_NAMES = {"exec": "exec", "executive": "exec", "program": "program", "team": "team",
               "project": "team"}  # fmt: skip


def sections_of(ctx: ReportContext) -> list[tuple[Section, str | None, Any]]:
    """Each section of the context's level with its project (None: the whole program) and
    its data, in order."""
    _, sections = LEVELS[ctx.level]
    found: list[tuple[Section, str | None, Any]] = []
    if any(s.per_project for s in sections):
        for project in ctx.projects:
            for section in sections:
                found.append((section, project.id, section.data(ctx, project)))
        return found
    return [(section, None, section.data(ctx)) for section in sections]
