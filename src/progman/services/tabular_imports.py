"""Imports of tables (CSV of tasks and links, Jira's CSV export): the reader in ``io``
turns the cells into plan-file data with the cell of every value; here that data is
checked as a plan file is, and each problem is placed at its ``file:line:column`` and
names its column. Nothing is returned unless the whole file is right."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from progman.errors import PlanInvalid

if TYPE_CHECKING:
    from progman.domain import Program
    from progman.io.csv_import import TabularPlan
    from progman.io.imported import Imported


def read_csv_program(file: Path, start: date | None = None) -> Program:
    """The program in a CSV file of tasks and links (docs/interop.md)."""
    from progman.io.csv_import import read_csv  # noqa: PLC0415 - the readers: when used
    from progman.planfile.loader import max_plan_bytes  # noqa: PLC0415

    return checked_table(read_csv(file, start, limit=max_plan_bytes()))


def checked_table(plan: TabularPlan) -> Program:
    """The program ``plan`` holds, checked; every problem at its cell and column."""
    from progman.planfile import validate_plan_data  # noqa: PLC0415 - pydantic: when used

    try:
        return validate_plan_data(plan.data, plan.places)
    except PlanInvalid as invalid:
        raise PlanInvalid(plan.places.named(invalid.problems)) from None


def read_jira_program(file: Path, start: date | None = None) -> Imported:
    """The program in Jira's CSV export (docs/interop.md), with a warning for each thing
    of the file it could not keep (sprint dates, links to issues outside the file)."""
    from progman.io.imported import Imported  # noqa: PLC0415
    from progman.io.jira_csv import read_jira_csv  # noqa: PLC0415 - the readers: when used
    from progman.planfile.loader import max_plan_bytes  # noqa: PLC0415

    plan, warnings = read_jira_csv(file, start, limit=max_plan_bytes())
    return Imported(checked_table(plan), tuple(warnings))
