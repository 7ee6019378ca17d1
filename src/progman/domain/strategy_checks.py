"""Checks of the strategy sections that a single field cannot make: a measurement is in
its key result's (or benefit's) unit and is not dated after the status date (a measured
value cannot come from the future; a *planned* benefit value may), and a benefit's
``projects`` name projects of the program.

A project's alignment weight outside 0–1 is refused by the field itself
(:data:`progman.domain.base.Fraction`), with the project and objective named.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from progman.domain.findings import Path, Report
from progman.domain.program import Program


def check_strategy(program: Program, report: Report, projects: set[str]) -> None:
    """Call ``report(code, message, path)`` for every problem of the objectives and
    benefits sections."""
    status = program.status_date
    for i, objective in enumerate(program.objectives):
        for k, kr in enumerate(objective.key_results):
            where: Path = ("objectives", i, "key_results", k, "measurements")
            for m, measured in enumerate(kr.measurements):
                for problem, field in _measurement_problems(
                    f"key result {kr.id}", kr.unit, measured.unit, measured.date, status
                ):
                    report(problem[0], problem[1], (*where, m, field))
    for i, benefit in enumerate(program.benefits):
        for k, project in enumerate(benefit.projects):
            if project not in projects:
                report(
                    "plan.unknown_reference",
                    f"unknown project '{project}' in projects of benefit {benefit.id}",
                    ("benefits", i, "projects", k),
                )
        for m, value in enumerate(benefit.measurements):
            when = value.date if value.realized is not None else None
            for problem, field in _measurement_problems(
                f"benefit {benefit.id}", benefit.unit, value.unit, when, status
            ):
                report(problem[0], problem[1], ("benefits", i, "measurements", m, field))


def _measurement_problems(
    owner: str, unit: str | None, written: str | None, day: date | None, status: date | None
) -> Iterator[tuple[tuple[str, str], str]]:
    if written is not None and written != unit:
        expected = f"'{unit}'" if unit else "no unit (set the unit of the measure first)"
        yield (
            (
                "plan.invalid_value",
                f"a measurement of {owner} is in '{written}', but {owner} is measured in "
                f"{expected}; convert the value or fix the unit",
            ),
            "unit",
        )
    if day is not None and status is not None and day > status:
        yield (
            (
                "plan.invalid_value",
                f"a measurement of {owner} is dated {day.isoformat()}, after the status date "
                f"{status.isoformat()}; a measured value cannot come from the future (a "
                "planned value of a benefit may: leave its realized value out)",
            ),
            "date",
        )
