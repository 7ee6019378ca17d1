"""The communication plan (``progman comms``, SPEC §3.7): which reports are due to whom
on a day, the stakeholders' interest/influence grid, and every due report written into a
folder through the report service.

The rule of when a report is due is :mod:`progman.domain.communication`'s. The reports
are rendered once per level, format and project, all of them before anything is written,
so a failure writes nothing; they share one schedule (and health, earned value, ...) of
the program.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from progman.domain import Program
from progman.domain.communication import QUADRANTS, Quadrant, due_on, quadrant
from progman.errors import Location, ProgmanError, UsageError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from progman.domain.access import User


@dataclass(frozen=True)
class ReportLine:
    """One report to one stakeholder, as of the day asked about."""

    stakeholder: str
    name: str
    report: str
    format: str
    frequency: str
    channel: str
    project: str | None
    due: tuple[date, ...]  # the dates it is due, oldest first; empty: not due
    next: date

    @property
    def file(self) -> str:
        """The file name its report is written to (shared by everyone who gets it)."""
        scope = f"-{self.project}" if self.project else ""
        return f"{self.report}{scope}.{self.format}"

    def to_json(self) -> dict[str, Any]:
        return {
            "stakeholder": self.stakeholder,
            "name": self.name,
            "report": self.report,
            "project": self.project,
            "format": self.format,
            "frequency": self.frequency,
            "channel": self.channel,
            "due": self.due[0].isoformat() if self.due else None,
            "missed": max(len(self.due) - 1, 0),
            "next": self.next.isoformat(),
        }


@dataclass(frozen=True)
class GridEntry:
    stakeholder: str
    name: str
    role: str | None
    interest: int | None
    influence: int | None


@dataclass(frozen=True)
class CommsPlan:
    """The communication plan of a program on the day ``on``."""

    program: str
    name: str
    on: date
    lines: tuple[ReportLine, ...]
    grid: dict[Quadrant, tuple[GridEntry, ...]]

    @property
    def due(self) -> tuple[ReportLine, ...]:
        return tuple(line for line in self.lines if line.due)

    def to_json(self) -> dict[str, Any]:
        """The ``comms --json`` object."""
        return {
            "program": self.program,
            "date": self.on.isoformat(),
            "due": [line.to_json() for line in self.due],
            "reports": [line.to_json() for line in self.lines],
            "grid": {
                name: [
                    {
                        "stakeholder": e.stakeholder,
                        "name": e.name,
                        "interest": e.interest,
                        "influence": e.influence,
                    }
                    for e in entries
                ]
                for name, entries in self.grid.items()
            },
        }


def communication_plan(program: Program, on: date | None = None) -> CommsPlan:
    """Every stakeholder's report lines on the day ``on`` (default: the program's status
    date, else today) and the interest/influence grid."""
    day = on or program.status_date or date.today()
    lines = []
    for person in program.stakeholders:
        for line in person.communication:
            when = due_on(line, program.start, day)
            lines.append(
                ReportLine(
                    person.id,
                    person.name,
                    line.report,
                    line.format,
                    line.frequency,
                    line.channel,
                    line.project,
                    when.dates,
                    when.next,
                )
            )
    grid: dict[Quadrant, list[GridEntry]] = {name: [] for name in QUADRANTS}
    for person in program.stakeholders:
        grid[quadrant(person)].append(
            GridEntry(person.id, person.name, person.role, person.interest, person.influence)
        )
    return CommsPlan(
        program.key,
        program.name,
        day,
        tuple(lines),
        {name: tuple(entries) for name, entries in grid.items()},
    )


def stored_comms(session: Session, user: User, key: str, on: date | None = None) -> CommsPlan:
    """The communication plan of the stored program ``key`` as ``user`` may see it."""
    from progman.services.catalog import visible_program  # noqa: PLC0415 - database stack

    return communication_plan(visible_program(session, user, key), on)


@dataclass(frozen=True)
class WrittenReport:
    path: Path
    size: int
    recipients: tuple[str, ...]


def check_folder(folder: Path, plan: CommsPlan, *, force: bool = False) -> None:
    """A usage error, before any report is rendered, if the due reports cannot all be
    written into ``folder`` (it is a file, or holds one of them and ``force`` is not
    given)."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file: name a folder for the reports", option="--write")
    taken = sorted({line.file for line in plan.due if (folder / line.file).exists()})
    if taken and not force:
        raise UsageError(
            f"{folder} holds {', '.join(taken)} already: add --force to replace them",
            option="--write",
        )


def do_write_reports(
    program: Program, plan: CommsPlan, folder: Path, *, force: bool = False
) -> list[WrittenReport]:
    """Each due report of ``plan`` rendered once (level, format, project) and written into
    ``folder`` (made if missing); nothing is written unless every one renders."""
    from progman.services.exports import write_atomically  # noqa: PLC0415
    from progman.services.reports import ProgramReports  # noqa: PLC0415 - heavy: when used

    check_folder(folder, plan, force=force)
    reports = ProgramReports(program)  # one schedule (health, ...) for all of them
    rendered: dict[str, bytes] = {}
    recipients: dict[str, list[str]] = {}
    for line in plan.due:
        if line.file not in rendered:
            try:
                rendered[line.file] = reports.render(line.report, line.format, project=line.project)
            except ProgmanError as error:
                raise ProgmanError(
                    f"the {line.report} report for {line.stakeholder} cannot be made: "
                    f"{error.message}",
                    location=Location(entity=line.stakeholder, path="stakeholders"),
                ) from None
        recipients.setdefault(line.file, []).append(line.stakeholder)
    written = []
    for name, data in rendered.items():
        write_atomically(folder / name, data)
        written.append(WrittenReport(folder / name, len(data), tuple(recipients[name])))
    return written
