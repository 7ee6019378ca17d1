"""Why a schedule runs past the end of its calendar tables, named in the plan's words.

The tables reach thirty years past the plan's last date (:data:`~progman.engine.build.
HORIZON_YEARS`). A task finishes beyond them when its calendar has no working day left:
a person's vacation, or a calendar's holiday, that runs to 2099 (or a calendar without
working days). :func:`out_of_range` names that entity with its field path (``resources[2].
vacations[0]``, which the plan file places at file:line:col) instead of the tables.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta

from progman.domain import Calendar, DateRange, Program, WorkItem
from progman.domain.validation import format_path
from progman.engine.build import BuiltNetwork, build_network
from progman.engine.network import ScheduleOutOfRange
from progman.errors import Location, ProgmanError

#: what may reach past the tables: (path of the entity, whose it is, what it is, the remedy)
Reach = tuple[tuple[str | int, ...], str, str, str]


def out_of_range(program: Program, built: BuiltNetwork, nodes: Sequence[int]) -> ScheduleOutOfRange:
    """The error naming what keeps the first of ``nodes`` (tasks of ``built`` that finish
    past the end of the calendar tables; none: any task) from finishing: the vacation or
    holiday that reaches the end of the tables, or the task itself when nothing does."""
    tables = built.network.calendars
    end = tables.origin + timedelta(days=tables.days - 1)  # the last day of the tables
    items = [int(built.node_items[node]) for node in nodes] or list(range(len(built.items)))
    for index in dict.fromkeys(items):
        item = built.items[index]
        for path, owner, what, remedy in _reaching(program, built, index, end):
            return ScheduleOutOfRange(
                f"{what} leaves {item.id} no working day before {end}, the end of the "
                f"calendar tables; {remedy}",
                nodes,
                location=Location(path=format_path(path), entity=owner),
            )
    first = built.items[items[0]].id if items and nodes else "the program"
    return ScheduleOutOfRange(
        f"{first} cannot finish before {end}, the end of the calendar tables; check its "
        "duration, lags and constraint dates",
        nodes,
        location=Location(entity=first),
    )


def explained(program: Program, error: ScheduleOutOfRange) -> ScheduleOutOfRange:
    """``error``, raised by a computation on ``program`` whose network is not at hand (a
    simulation, a slip's impact), naming what reaches past the calendar tables when one of
    the program's vacations or holidays does; else ``error`` itself."""
    if error.location.path or error.location.entity:
        return error
    try:
        built = build_network(program)
    except ProgmanError:
        return error
    named = out_of_range(program, built, ())
    return named if named.location.path else error


def _reaching(program: Program, built: BuiltNetwork, index: int, end: date) -> Iterator[Reach]:
    """What runs to ``end`` on the calendar of work item ``index``: its people's vacations,
    its calendar's holidays and its people's, and calendars without a working day."""
    item: WorkItem = built.items[index]
    project = program.projects[int(built.project_of[index])]
    calendars = [item.calendar or project.calendar or program.calendar]
    positions = {resource.id: number for number, resource in enumerate(program.resources)}
    for assignment in item.resources:
        number = positions.get(assignment.resource or "")
        if number is None:
            continue
        resource = program.resources[number]
        if resource.kind != "person":
            continue
        calendars.append(resource.calendar)
        for k, away in enumerate(resource.vacations):
            if _reaches(away, end):
                yield (
                    ("resources", number, "vacations", k),
                    resource.id,
                    f"the vacation of {resource.id} from {away.start} to {away.last}",
                    f"end it sooner, or take {resource.id} off {item.id}",
                )
    for name in dict.fromkeys(c for c in calendars if c is not None):
        calendar: Calendar | None = program.calendars.get(name)
        if calendar is None:
            continue
        for k, holiday in enumerate(calendar.holidays):
            if _reaches(holiday, end):
                called = f" ({holiday.name})" if holiday.name else ""
                yield (
                    ("calendars", name, "holidays", k),
                    f"calendar {name}",
                    f"the holiday{called} of calendar {name} from {holiday.start} to "
                    f"{holiday.last}",
                    "end it sooner",
                )
        if not calendar.workdays and not calendar.working_days:
            yield (
                ("calendars", name, "workdays"),
                f"calendar {name}",
                f"calendar {name}, which has no working day,",
                "give it workdays",
            )


def _reaches(span: DateRange, end: date) -> bool:
    return span.last >= end
