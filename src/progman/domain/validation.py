"""Whole-program checks that a single field cannot make: unique ids, references, cycles, dates.

Each finding carries the path of the offending field (``("projects", 1, "tasks", 0,
"depends", 0)``) so that the plan-file layer can turn it into file:line:col, and the
storage layer into a field path. All findings are collected; nothing stops at the first.
:func:`check_program` walks the sections; the work items are checked by
:class:`~progman.domain.plan_checker.PlanChecker`, the risks by
:mod:`~progman.domain.risk_checks`, the strategy and lifecycle sections by their own modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from progman.domain.findings import Finding, Path, did_you_mean, format_path
from progman.domain.lifecycle import check_lifecycle
from progman.domain.plan_checker import PlanChecker
from progman.domain.program import Program
from progman.domain.resources import person_capacity_problems
from progman.domain.risk_checks import check_risks
from progman.domain.strategy_checks import check_strategy

if TYPE_CHECKING:
    from progman.domain.excerpt import Excerpt


def check_program(program: Program, excerpt: Excerpt | None = None) -> list[Finding]:
    """Every cross-reference problem of the program (empty list when it is consistent).

    With an ``excerpt``, ``program`` holds only some tasks of a larger program (the others
    proven right elsewhere): the findings are those of the whole, at its paths."""
    c = PlanChecker(program, excerpt)
    prog = program
    calendars = set(prog.calendars)
    c.reference("calendar", prog.calendar, calendars, ("calendar",), "the program calendar")
    projects = c.unique("project", ((p.id, ("projects", i)) for i, p in enumerate(prog.projects)))
    resources = c.unique(
        "resource", ((r.id, ("resources", i)) for i, r in enumerate(prog.resources))
    )
    objectives = c.unique(
        "objective", ((o.id, ("objectives", i)) for i, o in enumerate(prog.objectives))
    )
    c.unique(
        "key result",
        (
            (kr.id, ("objectives", i, "key_results", k))
            for i, o in enumerate(prog.objectives)
            for k, kr in enumerate(o.key_results)
        ),
    )
    c.unique("benefit", ((b.id, ("benefits", i)) for i, b in enumerate(prog.benefits)))
    c.unique("risk", ((r.id, ("risks", i)) for i, r in enumerate(prog.risks)))
    c.unique("stakeholder", ((s.id, ("stakeholders", i)) for i, s in enumerate(prog.stakeholders)))
    sprints = c.unique("sprint", ((s.id, ("sprints", i)) for i, s in enumerate(prog.sprints)))
    c.unique(
        "change request",
        ((cr.id, ("change_requests", i)) for i, cr in enumerate(prog.change_requests)),
    )
    c.unique("baseline", ((b.id, ("baselines", i)) for i, b in enumerate(prog.baselines)))
    c.unique("gate", ((g.id, ("gates", i)) for i, g in enumerate(prog.gates)))
    c.unique("decision", ((d.id, ("decisions", i)) for i, d in enumerate(prog.decisions)))
    c.index_work_items()
    tasks = c.known

    for i, project in enumerate(prog.projects):
        c.reference(
            "calendar",
            project.calendar,
            calendars,
            ("projects", i, "calendar"),
            f"calendar of project {project.id}",
        )
        for objective in project.objectives:
            c.reference(
                "objective",
                objective,
                objectives,
                ("projects", i, "objectives", objective),
                f"objectives of project {project.id}",
            )
    for i, resource in enumerate(prog.resources):
        c.reference(
            "calendar",
            resource.calendar,
            calendars,
            ("resources", i, "calendar"),
            f"calendar of resource {resource.id}",
        )
        for where, message in person_capacity_problems(resource):
            c.add("plan.invalid_value", message, ("resources", i, *where))
    for i, benefit in enumerate(prog.benefits):
        c.reference(
            "objective",
            benefit.objective,
            objectives,
            ("benefits", i, "objective"),
            f"objective of benefit {benefit.id}",
        )
        for k, task in enumerate(benefit.depends_on):
            c.reference(
                "task",
                task,
                tasks,
                ("benefits", i, "depends_on", k),
                f"depends_on of benefit {benefit.id}",
            )
    check_strategy(prog, c.add, projects)
    check_lifecycle(prog, c.add, tasks)
    for i, risk in enumerate(prog.risks):
        c.reference(
            "project", risk.project, projects, ("risks", i, "project"), f"project of risk {risk.id}"
        )
        for k, task in enumerate(risk.affects):
            c.reference(
                "task", task, tasks, ("risks", i, "affects", k), f"affects of risk {risk.id}"
            )
    for i, sprint in enumerate(prog.sprints):
        c.reference(
            "project",
            sprint.project,
            projects,
            ("sprints", i, "project"),
            f"project of sprint {sprint.id}",
        )
    for i, gate in enumerate(prog.gates):
        c.reference(
            "project", gate.project, projects, ("gates", i, "project"), f"project of gate {gate.id}"
        )
    for i, person in enumerate(prog.stakeholders):
        for k, line in enumerate(person.communication):
            c.reference(
                "project",
                line.project,
                projects,
                ("stakeholders", i, "communication", k, "project"),
                f"project of a report to {person.id}",
            )
    anything = _change_targets(prog, set(tasks), sprints) if prog.change_requests else set()
    for i, change in enumerate(prog.change_requests):
        if change.state in ("applied", "rejected"):  # history: its targets may be gone
            continue
        for k, item in enumerate(change.changes):
            c.reference(
                "entity",
                item.target,
                anything,
                ("change_requests", i, "changes", k, "target"),
                f"changes of change request {change.id}",
            )
    for i, override in enumerate(prog.health.overrides if prog.health else ()):
        c.reference(
            "project",
            override.project,
            projects,
            ("health", "overrides", i, "project"),
            "project of a health override",
        )
    c.check_work_items(resources, calendars, sprints)
    c.check_cycles()
    check_risks(prog, c.add)
    return c.findings


def _change_targets(program: Program, tasks: set[str], sprints: set[str]) -> set[str]:
    """What a change request's change may target: what ``apply_changes`` reaches, by id
    or as ``kind:id`` (``stakeholder:tomas``, ``calendar:office``), and sprints."""
    by_kind: dict[str, set[str]] = {
        "project": {p.id for p in program.projects},
        "resource": {r.id for r in program.resources},
        "risk": {r.id for r in program.risks},
        "benefit": {b.id for b in program.benefits},
        "objective": {o.id for o in program.objectives},
        "key_result": {k.id for o in program.objectives for k in o.key_results},
        "stakeholder": {s.id for s in program.stakeholders},
        "calendar": set(program.calendars),
    }
    targets = {program.key, *tasks, *sprints}
    for kind, ids in by_kind.items():
        targets |= ids
        targets |= {f"{kind}:{ident}" for ident in ids}
    return targets


__all__ = ["Finding", "Path", "check_program", "did_you_mean", "format_path"]
