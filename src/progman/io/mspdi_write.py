"""A progman :class:`Program` → MS Project XML (MSPDI), for ``progman export --format mspdi``.

The program is scheduled first, so each task carries the start and finish progman
computed (MS Project and MPXJ show them as they are). Each project becomes a summary task
at the top of the outline; calendars are base calendars (workdays from 08:00 for their
hours a day, holidays and extra working days as exceptions); resources keep kind,
capacity, rates and calendar; assignments units and work; the latest baseline is MS
Project's Baseline, earlier ones Baseline 1..10. progman's ids ride in custom fields
aliased ``progman id`` and ``progman project`` (Text1, Text2), which
:mod:`progman.io.mspdi_read` reads back. What MSPDI has no place for (objectives, risks,
sprints, story points, tags, three-point estimates...) is not written: the plan file is
the whole program.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from progman.domain import Program
from progman.domain.calendars import Calendar, DateRange
from progman.domain.durations import Duration
from progman.domain.governance import Baseline
from progman.domain.work import WorkItem
from progman.io.mspdi_format import (
    CONSTRAINT_CODES,
    DAY_CODES,
    LINK_CODES,
    NAMESPACE,
    RESOURCE_CODES,
    UNIT_FORMATS,
    period_text,
)

#: Custom fields holding progman's ids: task Text1, task Text2, resource Text1.
TASK_ID_FIELD = "188743731"
TASK_PROJECT_FIELD = "188743734"
RESOURCE_ID_FIELD = "205520904"
_OPENING = time(8, 0)
#: MS Project keeps Baseline and Baseline 1..10.
MAX_BASELINES = 11


def _stamp(value: date | datetime) -> str:
    moment = value if isinstance(value, datetime) else datetime.combine(value, time())
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _end_of(value: date | datetime) -> datetime:
    """A finish as a moment: a plain day ends at 23:59 (read back as that day)."""
    return value if isinstance(value, datetime) else datetime.combine(value, time(23, 59))


def _add(parent: Element, tag: str, value: Any) -> Element:
    child = SubElement(parent, tag)
    if isinstance(value, bool):
        child.text = "1" if value else "0"
    elif isinstance(value, float):
        child.text = f"{value:.6g}" if value != int(value) else str(int(value))
    elif value is not None:
        child.text = str(value)
    return child


def write_mspdi(program: Program) -> bytes:
    """The MSPDI file of ``program`` (scheduled here), as UTF-8 bytes."""
    from progman.engine.schedule import describe  # noqa: PLC0415 - numba: only when exporting
    from progman.engine.scheduled import scheduled  # noqa: PLC0415

    done = scheduled(program)
    table = describe(program, done.built, done.result, status=program.status_date)
    dates = {row.id: (row.start, row.finish) for row in table.tasks}
    # the working minutes each task lasts (from its estimate, or work over units, where
    # it has no duration of its own)
    minutes = dict(zip(done.built.ids, done.built.network.duration.tolist(), strict=False))
    return _Writer(program, dates, table.finish, minutes).document()


class _Writer:
    def __init__(
        self,
        program: Program,
        dates: dict[str, tuple[datetime, datetime]],
        finish: datetime,
        minutes: dict[str, int],
    ) -> None:
        self.program, self.dates, self.finish, self.minutes = program, dates, finish, minutes
        self.calendar_uids = {ident: k for k, ident in enumerate(program.calendars, 1)}
        default = program.calendar or next(iter(program.calendars), None)
        self.default_calendar = program.calendars.get(default or "") or Calendar()
        self.default_uid = self.calendar_uids.get(default or "", 1)
        self.minutes_per_day = round(self.default_calendar.hours_per_day * 60)
        self.task_uids: dict[str, int] = {}
        self.resource_uids = {r.id: k for k, r in enumerate(program.resources, 1)}
        self.vacation_calendars: dict[str, int] = {}

    def document(self) -> bytes:
        program = self.program
        root = Element("Project", xmlns=NAMESPACE)
        _add(root, "SaveVersion", 14)
        _add(root, "Name", f"{program.key}.xml")
        _add(root, "Title", program.name)
        _add(root, "ScheduleFromStart", True)
        _add(root, "StartDate", _stamp(datetime.combine(program.start, _OPENING)))
        _add(root, "FinishDate", _stamp(self.finish))
        _add(root, "CurrencyCode", program.currency)
        _add(root, "CalendarUID", self.default_uid)
        _add(root, "DefaultStartTime", "08:00:00")
        _add(root, "MinutesPerDay", self.minutes_per_day)
        _add(root, "MinutesPerWeek", self.minutes_per_day * 5)
        _add(root, "DaysPerMonth", 20)
        if program.status_date:
            _add(root, "StatusDate", _stamp(datetime.combine(program.status_date, time(17))))
        _add(root, "NewTasksAreManual", False)
        # the status date holds back remaining work (progman's data_date mode), or not
        data_date = program.scheduling.progress == "data_date"
        _add(root, "MoveRemainingStartsForward", data_date)
        attributes = SubElement(root, "ExtendedAttributes")
        for field, name, alias in (
            (TASK_ID_FIELD, "Text1", "progman id"),
            (TASK_PROJECT_FIELD, "Text2", "progman project"),
            (RESOURCE_ID_FIELD, "Text1", "progman id"),
        ):
            attribute = SubElement(attributes, "ExtendedAttribute")
            _add(attribute, "FieldID", field)
            _add(attribute, "FieldName", name)
            _add(attribute, "Alias", alias)
        calendars = SubElement(root, "Calendars")
        for ident, calendar in program.calendars.items() or [("Standard", Calendar())]:
            self._calendar(calendars, self.calendar_uids.get(ident, 1), ident, calendar)
        for resource in program.resources:  # vacations: the resource's own calendar
            if resource.vacations:
                uid = len(self.calendar_uids) + 1
                base = program.calendars.get(resource.calendar or "") or self.default_calendar
                self._calendar(
                    calendars,
                    uid,
                    f"{resource.id} vacations",
                    base.model_copy(update={"holidays": base.holidays + resource.vacations}),
                )
                self.calendar_uids[f"{resource.id} vacations"] = uid
                self.vacation_calendars[resource.id] = uid
        self._tasks(SubElement(root, "Tasks"))
        self._resources(SubElement(root, "Resources"))
        self._assignments(SubElement(root, "Assignments"))
        text: bytes = tostring(root, encoding="utf-8", xml_declaration=True)
        return text

    # -- calendars -------------------------------------------------------------------

    def _calendar(self, parent: Element, uid: int, ident: str, calendar: Calendar) -> None:
        element = SubElement(parent, "Calendar")
        _add(element, "UID", uid)
        _add(element, "Name", ident)
        _add(element, "IsBaseCalendar", True)
        _add(element, "BaseCalendarUID", -1)
        days = SubElement(element, "WeekDays")
        for name, code in sorted(DAY_CODES.items(), key=lambda pair: pair[1]):
            day = SubElement(days, "WeekDay")
            _add(day, "DayType", code)
            working = name in calendar.workdays
            _add(day, "DayWorking", working)
            if working:
                self._hours(day, calendar)
        exceptions = SubElement(element, "Exceptions")
        for entry, working in [(h, False) for h in calendar.holidays] + [
            (w, True) for w in calendar.working_days
        ]:
            self._exception(exceptions, entry, working, calendar)

    @staticmethod
    def _hours(parent: Element, calendar: Calendar) -> None:
        times = SubElement(parent, "WorkingTimes")
        span = SubElement(times, "WorkingTime")
        first = datetime.combine(date(2000, 1, 1), _OPENING)
        if calendar.hours_per_day > 16:  # progman's long days open earlier
            first = datetime.combine(date(2000, 1, 1), time()) + timedelta(
                hours=max(0.0, 24 - calendar.hours_per_day) / 2
            )
        last = first + timedelta(hours=calendar.hours_per_day)
        _add(span, "FromTime", first.strftime("%H:%M:%S"))
        _add(span, "ToTime", "00:00:00" if last.day > first.day else last.strftime("%H:%M:%S"))

    def _exception(
        self, parent: Element, entry: DateRange, working: bool, calendar: Calendar
    ) -> None:
        element = SubElement(parent, "Exception")
        _add(element, "EnteredByOccurrences", False)
        period = SubElement(element, "TimePeriod")
        _add(period, "FromDate", _stamp(entry.start))
        _add(period, "ToDate", _stamp(datetime.combine(entry.last, time(23, 59))))
        _add(element, "Occurrences", (entry.last - entry.start).days + 1)
        if entry.name:
            _add(element, "Name", entry.name)
        _add(element, "Type", 1)
        _add(element, "DayWorking", working)
        if working:
            self._hours(element, calendar)

    # -- tasks -----------------------------------------------------------------------

    def _tasks(self, parent: Element) -> None:
        summary = SubElement(parent, "Task")  # MS Project's project summary task
        _add(summary, "UID", 0)
        _add(summary, "ID", 0)
        _add(summary, "Name", self.program.name)
        _add(summary, "OutlineNumber", 0)
        _add(summary, "OutlineLevel", 0)
        _add(summary, "Summary", True)
        rows: list[tuple[WorkItem | None, str, int, str, Any]] = []
        for p, project in enumerate(self.program.projects, 1):
            rows.append((None, project.id, 1, str(p), project))
            stack = [(item, 2, f"{p}.{k}") for k, item in enumerate(project.tasks, 1)]
            stack.reverse()
            while stack:
                node, depth, place = stack.pop()
                rows.append((node, node.id, depth, place, project))
                stack.extend(
                    reversed([(c, depth + 1, f"{place}.{k}") for k, c in enumerate(node.tasks, 1)])
                )
        for uid, (row_item, ident, _, _, _) in enumerate(rows, 1):
            self.task_uids[(("project:" + ident) if row_item is None else ident)] = uid
        for uid, (item, _ident, level, number, project) in enumerate(rows, 1):
            task = SubElement(parent, "Task")
            _add(task, "UID", uid)
            _add(task, "ID", uid)
            _add(task, "Name", project.name if item is None else item.name)
            _add(task, "Active", True)
            _add(task, "Manual", False)
            _add(task, "WBS", number)
            _add(task, "OutlineNumber", number)
            _add(task, "OutlineLevel", level)
            if item is None:
                self._project_row(task, project)
            else:
                self._task_row(task, item)

    def _project_row(self, task: Element, project: Any) -> None:
        items = list(project.work_items())
        moments = [self.dates[i.id] for i in items if i.id in self.dates]
        if moments:
            _add(task, "Start", _stamp(min(m[0] for m in moments)))
            _add(task, "Finish", _stamp(max(m[1] for m in moments)))
        _add(task, "Summary", True)
        _add(task, "Milestone", False)
        if project.description:
            _add(task, "Notes", project.description)
        attribute = SubElement(task, "ExtendedAttribute")
        _add(attribute, "FieldID", TASK_PROJECT_FIELD)
        _add(attribute, "Value", project.id)

    def _minutes_per_day(self, item: WorkItem) -> int:
        calendar = self.program.calendars.get(item.calendar or "") or self.default_calendar
        return round(calendar.hours_per_day * 60)

    def _task_row(self, task: Element, item: WorkItem) -> None:
        start, finish = self.dates.get(item.id, (None, None))
        if start is not None and finish is not None and finish < start:
            finish = start  # no work: progman ends it the working moment before
        if item.priority is not None:
            _add(task, "Priority", item.priority)
        if start is not None and finish is not None:
            _add(task, "Start", _stamp(start))
            _add(task, "Finish", _stamp(finish))
        per_day = self._minutes_per_day(item)
        if not item.is_summary:
            length = item.duration
            if length is None:  # an estimate, or work over units: what progman computed
                length = Duration(self.minutes.get(item.id, 0) / per_day, "d")
            _add(task, "Duration", period_text(length.working_minutes(per_day / 60)))
            _add(task, "DurationFormat", UNIT_FORMATS[(length.unit, length.elapsed)])
        _add(task, "Milestone", item.milestone)
        _add(task, "Summary", item.is_summary)
        _add(task, "Estimated", False)
        if item.fixed_cost:
            _add(task, "FixedCost", item.fixed_cost)
        if item.percent_complete:
            _add(task, "PercentComplete", round(item.percent_complete))
        if item.remaining is not None and not item.is_summary:
            minutes = item.remaining.working_minutes(per_day / 60)
            _add(task, "RemainingDuration", period_text(minutes))
        if item.actual_start is not None and start is not None:
            _add(task, "ActualStart", _stamp(start))  # where progman placed it: MS Project's rule
        if item.actual_finish is not None and finish is not None:
            _add(task, "ActualFinish", _stamp(finish))
        constraint = item.constraint
        _add(task, "ConstraintType", CONSTRAINT_CODES[constraint.type] if constraint else 0)
        if constraint is not None and constraint.date is not None:
            moment = constraint.date
            if not isinstance(moment, datetime):  # a day: its start, or the end of a finish
                ends = constraint.type in ("fnet", "fnlt", "mfo")
                moment = datetime.combine(moment, time(23, 59) if ends else time())
            _add(task, "ConstraintDate", _stamp(moment))
        if item.calendar and item.calendar in self.calendar_uids:
            _add(task, "CalendarUID", self.calendar_uids[item.calendar])
        if item.deadline is not None:
            _add(task, "Deadline", _stamp(datetime.combine(item.deadline, time(17))))
        if item.description:
            _add(task, "Notes", item.description)
        attribute = SubElement(task, "ExtendedAttribute")
        _add(attribute, "FieldID", TASK_ID_FIELD)
        _add(attribute, "Value", item.id)
        self._baselines(task, item, per_day)
        for link in item.depends:
            element = SubElement(task, "PredecessorLink")
            _add(element, "PredecessorUID", self.task_uids.get(link.task, 0))
            _add(element, "Type", LINK_CODES[link.type])
            _add(element, "CrossProject", False)
            _add(element, "LinkLag", round(link.lag.working_minutes(per_day / 60) * 10))
            _add(element, "LagFormat", UNIT_FORMATS[(link.lag.unit, link.lag.elapsed)])

    def _baselines(self, task: Element, item: WorkItem, per_day: int) -> None:
        ordered: list[Baseline] = sorted(
            self.program.baselines,
            key=lambda b: (b.created, self.program.baselines.index(b)),
            reverse=True,
        )[:MAX_BASELINES]
        for number, baseline in enumerate(ordered):
            frozen = baseline.tasks.get(item.id)
            if frozen is None:
                continue
            element = SubElement(task, "Baseline")
            _add(element, "Number", number)
            _add(element, "Start", _stamp(frozen.start))
            _add(element, "Finish", _stamp(_end_of(frozen.finish)))
            if frozen.duration is not None:
                minutes = frozen.duration.working_minutes(per_day / 60)
                _add(element, "Duration", period_text(minutes))
                unit = (frozen.duration.unit, frozen.duration.elapsed)
                _add(element, "DurationFormat", UNIT_FORMATS[unit])
            if frozen.work is not None:
                _add(element, "Work", period_text(frozen.work.working_minutes(per_day / 60)))
            if frozen.cost is not None:
                _add(element, "Cost", frozen.cost)

    # -- resources and assignments ---------------------------------------------------

    def _resources(self, parent: Element) -> None:
        for resource in self.program.resources:
            element = SubElement(parent, "Resource")
            uid = self.resource_uids[resource.id]
            _add(element, "UID", uid)
            _add(element, "ID", uid)
            _add(element, "Name", resource.name)
            _add(element, "Type", RESOURCE_CODES[resource.kind])
            if resource.email:
                _add(element, "EmailAddress", resource.email)
            if resource.team:
                _add(element, "Group", resource.team)
            _add(element, "MaxUnits", float(resource.capacity))
            for field, value in (
                ("StandardRate", resource.rate),
                ("OvertimeRate", resource.overtime_rate),
                ("CostPerUse", resource.cost_per_use),
            ):
                if value is not None:
                    _add(element, field, float(value))
                    if field != "CostPerUse":
                        _add(element, field + "Format", 2)  # per hour
            if resource.id in self.vacation_calendars:
                _add(element, "CalendarUID", self.vacation_calendars[resource.id])
            elif resource.calendar and resource.calendar in self.calendar_uids:
                _add(element, "CalendarUID", self.calendar_uids[resource.calendar])
            attribute = SubElement(element, "ExtendedAttribute")
            _add(attribute, "FieldID", RESOURCE_ID_FIELD)
            _add(attribute, "Value", resource.id)
            if resource.availability:
                periods = SubElement(element, "AvailabilityPeriods")
                for period in resource.availability:
                    entry = SubElement(periods, "AvailabilityPeriod")
                    _add(entry, "AvailableFrom", _stamp(period.start))
                    if period.finish is not None:
                        last = datetime.combine(period.finish, time(23, 59))
                        _add(entry, "AvailableTo", _stamp(last))
                    _add(entry, "AvailableUnits", float(period.capacity))

    def _assignments(self, parent: Element) -> None:
        uid = 0
        for item in self.program.work_items():
            for assignment in item.resources:
                if assignment.resource not in self.resource_uids:
                    continue  # a role or skill still to be staffed: MSPDI names resources
                uid += 1
                element = SubElement(parent, "Assignment")
                _add(element, "UID", uid)
                _add(element, "TaskUID", self.task_uids[item.id])
                _add(element, "ResourceUID", self.resource_uids[assignment.resource])
                _add(element, "Units", float(assignment.units))
                if assignment.work is not None:
                    minutes = assignment.work.working_minutes(self._minutes_per_day(item) / 60)
                    _add(element, "Work", period_text(minutes))
                if assignment.cost is not None:
                    _add(element, "Cost", float(assignment.cost))
