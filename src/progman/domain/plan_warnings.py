"""Warnings: what a plan may hold but probably does not mean, said without refusing it.

:func:`plan_warnings` finds them with the path of the field at fault, as the checks of
:mod:`progman.domain.validation` find errors, so ``progman validate`` prints each at its
file:line:col. The engine says the same of the dates it moves
(:func:`dates_before_start`, one rule for both).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from progman.domain.lifecycle import deprecation_warnings
from progman.domain.program import Program, Project
from progman.domain.resources import Resource
from progman.domain.validation import Finding, Path
from progman.domain.work import WorkItem, shown

_MUST = {"mso": "start", "mfo": "finish"}


def plan_warnings(program: Program) -> list[Finding]:
    """Every warning about ``program``, in plan order: assignments above a resource's
    capacity, dates of work items before their program's (or project's) start, and actual
    dates after the status date.

    A level of the breakdown at a time, reading only what a warning needs (a plan of
    100,000 tasks mostly has none): paths are made for the items that have one.
    """
    resources = {r.id: r for r in program.resources if r.kind != "cost"}
    found: list[Finding] = []
    for p, project in enumerate(program.projects):
        start, whose = start_of(program, project)
        levels: list[tuple[list[WorkItem], Path]] = [(project.tasks, ("projects", p))]
        while levels:
            items, above = levels.pop()
            for t, item in enumerate(items):
                dated = (
                    item.constraint is not None
                    or item.actual_start is not None
                    or item.actual_finish is not None
                )
                if item.resources:
                    found += _above_capacity(item, (*above, "tasks", t), resources)
                if dated:
                    for field, text in dates_before_start(item, start, whose):
                        found.append(Finding("plan.early_date", text, (*above, "tasks", t, field)))
                    if program.status_date is not None:
                        for field, text in actuals_after_status(item, program.status_date):
                            path = (*above, "tasks", t, field)
                            found.append(Finding("plan.future_actual", text, path))
                if item.tasks:
                    levels.append((item.tasks, (*above, "tasks", t)))
    found += [
        Finding("plan.deprecated", text, path) for text, path in deprecation_warnings(program)
    ]
    found.sort(key=lambda finding: finding.path)  # a parent's fields sort before "tasks"
    return found


def start_of(program: Program, project: Project) -> tuple[date, str]:
    """When the project's work may start (the later of the program's and the project's own
    start) and whose start that is (``the program``, ``project WEB``)."""
    if project.start is not None and project.start > program.start:
        return project.start, f"project {project.id}"
    return program.start, "the program"


def dates_before_start(item: WorkItem, start: date, whose: str) -> list[tuple[str, str]]:
    """``(field, warning)`` for each date of ``item`` before ``start``, the start of
    ``whose`` work: a constraint date (which then binds nothing, cannot be met, or wins
    over the start) and an actual date (kept as history)."""
    found: list[tuple[str, str]] = []
    ident = item.id
    fix = "correct the date, or the start of " + whose
    constraint = item.constraint
    if constraint is not None and constraint.date is not None and _day(constraint.date) < start:
        when, kind = shown(constraint.date), constraint.type
        if kind in _MUST:
            text = (
                f"{ident} must {_MUST[kind]} on {when}, before {whose} starts ({start}); the "
                f"date wins, so {ident} is scheduled before the start: {fix}"
            )
        elif kind == "snet":  # the task's own date wins, as in MS Project
            text = (
                f"{ident}: constraint SNET {when} is before {whose} starts ({start}); the "
                f"task's own date wins: {ident} starts on it if nothing else holds it: {fix}"
            )
        else:
            effect = (
                " anyway, so the constraint binds nothing"
                if kind == "fnet"
                else ", so it cannot meet the date (negative float)"
            )
            text = (
                f"{ident}: constraint {kind.upper()} {when} is before {whose} starts "
                f"({start}); {ident} cannot start before then{effect}: {fix}"
            )
        found.append(("constraint", text))
    field = "actual_start" if item.actual_start is not None else "actual_finish"
    actual = item.actual_start if item.actual_start is not None else item.actual_finish
    if actual is not None and _day(actual) < start:
        found.append(
            (
                field,
                f"{ident}: {field} {shown(actual)} is before {whose} starts ({start}); "
                f"progress is history, so it is kept: {fix}",
            )
        )
    return found


def actuals_after_status(item: WorkItem, status_date: date) -> list[tuple[str, str]]:
    """``(field, warning)`` for each actual date of ``item`` after the status date: kept as
    recorded (a file saved before its status date was moved on holds them), not refused."""
    found = []
    for field in ("actual_start", "actual_finish"):
        value = getattr(item, field)
        if value is not None and _day(value) > status_date:
            found.append(
                (
                    field,
                    f"{item.id}: {field} {shown(value)} is after the status date "
                    f"{status_date}; kept as recorded: move the status date on, or correct "
                    "the date",
                )
            )
    return found


def _above_capacity(item: WorkItem, path: Path, resources: dict[str, Resource]) -> list[Finding]:
    """An assignment asking more of a person or material than it ever has."""
    units: dict[str, float] = defaultdict(float)
    for assignment in item.resources:
        if assignment.resource in resources:
            units[assignment.resource] += assignment.units
    found = []
    for ident, asked in units.items():
        resource = resources[ident]
        most = max([resource.capacity, *(p.capacity for p in resource.availability)])
        if asked > most + 1e-9:
            whose = "is" if not resource.availability else "is at most"
            scale = " (1.0 = full time)" if resource.kind == "person" else " (units)"
            found.append(
                Finding(
                    "plan.over_capacity",
                    f"{item.id} assigns {ident} at {asked:g}, but the capacity of {ident} "
                    f"{whose} {most:g}{scale}: {ident} is over-allocated all through "
                    f"{item.id}; lower the units, or raise the capacity of {ident}",
                    (*path, "resources", ident),
                )
            )
    return found


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value
