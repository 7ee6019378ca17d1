"""MS Project XML (MSPDI) → a progman :class:`Program` with one project.

The file is parsed under defusedxml's rules (a DTD, entities and external references are
refused with its errors, :func:`_refuse_dtd`: no entity bomb, no file or URL read on the
file's behalf) after a size check
(:func:`max_bytes`), so time and memory stay bounded. The outline (``OutlineLevel``)
becomes the work breakdown, links keep their type and lag (a percentage lag becomes the
share of its predecessor's duration), calendars are flattened
(:mod:`progman.io.mspdi_calendars`), resources keep rates and calendars, assignments
units and work, every numbered baseline becomes a progman baseline, and actuals, percent
complete, constraints and deadlines are kept. What progman cannot hold is returned as a
warning naming the task or field. A file that is not well-formed, or whose content does
not make a valid plan (a link to a missing task, a cycle), raises :class:`MspdiInvalid`
at ``file:line`` and nothing is returned.

A file progman wrote (:mod:`progman.io.mspdi_write`) carries progman's ids in custom
fields aliased ``progman id`` and ``progman project``; they are read back, so a round
trip keeps ids and projects.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError, fromstring
from xml.parsers import expat

from defusedxml import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)
from pydantic import ValidationError

from progman.collector import collector_paused
from progman.domain import Program
from progman.domain.base import ID_MAX_LENGTH
from progman.domain.checked import check_once
from progman.domain.validation import format_path
from progman.errors import Location, PlanTooLarge, Problem, ProgmanError
from progman.io.imported import Imported, entity_at
from progman.io.mspdi_calendars import (
    MAX_FILE_DAYS,
    RawCalendar,
    progman_calendar,
    read_calendar,
)
from progman.io.mspdi_format import (
    ESTIMATED_OFFSET,
    FORMAT_UNITS,
    ID_ALIAS,
    NS,
    PROJECT_ALIAS,
    RESOURCE_KINDS,
    UNASSIGNED,
    as_float,
    as_int,
    duration_of,
    fields_of,
    moment_of,
    period_minutes,
)
from progman.io.mspdi_tasks import read_tasks
from progman.io.mspdi_undriven import keep_file_starts

#: Largest MSPDI file read, in MiB, unless ``PROGMAN_MAX_IMPORT_MB`` says otherwise.
DEFAULT_MAX_MB = 64
_NOT_ID = re.compile(r"[^A-Za-z0-9_.\-/:]+")
#: Tasks named in one grouped warning before "and N more".
_NAMED = 8


class MspdiInvalid(ProgmanError):
    """An MSPDI file is malformed or does not make a valid plan; located at file:line."""

    code = "input.mspdi_invalid"
    http_status = 422


@dataclass(frozen=True)
class MspdiImport:
    """A program read from an MSPDI file, and what it could not hold."""

    program: Program
    warnings: tuple[str, ...]


def max_bytes() -> int:
    """Largest file read: ``PROGMAN_MAX_IMPORT_MB`` MiB (default 64)."""
    try:
        return int(float(os.environ.get("PROGMAN_MAX_IMPORT_MB", DEFAULT_MAX_MB)) * 2**20)
    except ValueError:
        return DEFAULT_MAX_MB * 2**20


def read_mspdi(path: Path) -> MspdiImport:
    """Read the MSPDI file ``path`` (refused over :func:`max_bytes`)."""
    size = path.stat().st_size
    limit = max_bytes()
    if size > limit:
        raise PlanTooLarge(
            f"the file is {size / 2**20:.0f} MiB, more than the {limit / 2**20:.0f} MiB an "
            "import reads; raise the limit with PROGMAN_MAX_IMPORT_MB if it is meant",
            location=Location(file=str(path)),
        )
    return parse_mspdi(path.read_bytes(), str(path), stem=path.name)


def read_imported(path: Path, start: date | None = None) -> Imported:
    """The import registry's reader (:data:`progman.services.imports.READERS`): the
    program and a warning (at the file) for each thing it could not hold. ``start`` is
    not used: an MSPDI file names its own start."""
    found = read_mspdi(path)
    where = Location(file=str(path))
    problems = tuple(Problem("import.mspdi_warning", text, where) for text in found.warnings)
    return Imported(found.program, problems)


def parse_mspdi(data: bytes, name: str = "<mspdi>", *, stem: str | None = None) -> MspdiImport:
    """Read MSPDI ``data``; ``name`` places errors, ``stem`` (a file name) gives the key.

    The tree (a million elements for 10,000 tasks) and the program are built without
    cyclic collections (:func:`~progman.collector.collector_paused`): each full one walked
    the whole tree again, a third of the read."""
    with collector_paused(keep=True):
        root = _parse(data, name)
        return _Reader(root, data, name, stem or name).program()


class _Prolog(Exception):
    """The root element starts: no DTD can come any more."""


def _refuse_dtd(data: bytes) -> None:
    """defusedxml's ``forbid_dtd``, ``forbid_entities`` and ``forbid_external`` on the
    file's prolog: its errors if a DTD, an entity or an external reference is declared.

    A DTD can only come before the root element, and without one expat knows no entity
    but XML's five (any other is "undefined entity") and reads nothing outside the file,
    so the tree is then built by the C parser: defusedxml's own parser is the pure-Python
    one, which took twice as long on a 10,000-task file."""
    parser = expat.ParserCreate()

    def doctype(name: str, system: str | None, public: str | None, *_: object) -> None:
        raise DTDForbidden(name, system, public)

    def entity(name: str, *args: Any) -> None:
        raise EntitiesForbidden(name, None, None, None, None, None)

    def external(context: str, base: str | None, system: str | None, public: str | None) -> int:
        raise ExternalReferenceForbidden(context, base, system, public)

    def root(*_: object) -> None:
        raise _Prolog

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.ExternalEntityRefHandler = external
    parser.StartElementHandler = root
    try:
        parser.Parse(data, True)
    except (_Prolog, expat.ExpatError):
        return  # the prolog is clean (a malformed one: the parse below says where)


def _parse(data: bytes, name: str) -> Element:
    try:
        _refuse_dtd(data)
        root = fromstring(data)
    except ParseError as error:
        line, column = error.position
        message = str(error).split(":", 1)[0]
        hint = ""
        if "invalid token" in message or "not well-formed" in message:
            hint = (
                " (a truncated or damaged file, or text in another encoding than its XML "
                "declaration names; save it again from MS Project as XML)"
            )
        elif "no element found" in message or "unclosed token" in message:
            hint = " (the file ends too early: it is truncated)"
        raise MspdiInvalid(
            f"not well-formed XML: {message}{hint}",
            location=Location(file=name, line=line, column=column + 1),
        ) from None
    except DefusedXmlException as error:
        found = re.search(rb"<!(DOCTYPE|ENTITY)", data)
        where = data.count(b"\n", 0, found.start()) + 1 if found else None
        raise MspdiInvalid(
            f"the file declares a DTD or entities ({type(error).__name__}); MS Project "
            "never writes them and progman refuses them (they can expand without bound or "
            "read other files)",
            location=Location(file=name, line=where),
        ) from None
    except (ValueError, LookupError) as error:  # an encoding Python's expat cannot read
        raise MspdiInvalid(
            f"cannot read the file's text: {error}; save it as UTF-8 XML",
            location=Location(file=name, line=1),
        ) from None
    if root.tag != NS + "Project":
        raise MspdiInvalid(
            f"not an MS Project XML file: the root element is <{root.tag}>, expected "
            '<Project xmlns="http://schemas.microsoft.com/project">',
            location=Location(file=name, line=1),
        )
    return root


def _ident(text: str, fallback: str) -> str:
    cleaned = _NOT_ID.sub("-", text.strip()).strip("-.:/")[:ID_MAX_LENGTH]
    if not cleaned or not (cleaned[0].isalnum() or cleaned[0] == "_"):
        return fallback
    return cleaned


class _Reader:
    """One pass over a parsed file: header, calendars, tasks, resources, assignments."""

    def __init__(self, root: Element, data: bytes, name: str, stem: str) -> None:
        self.root, self.data, self.name, self.stem = root, data, name, stem
        self.head = fields_of(root)
        self.warnings: list[str] = []
        self.grouped: dict[str, list[str]] = {}
        self.minutes_per_day = as_int(self.head.get("MinutesPerDay"), 480) or 480
        self.minutes_per_week = as_int(self.head.get("MinutesPerWeek"), 2400) or 2400
        self.days_per_month = as_float(self.head.get("DaysPerMonth"), 20) or 20
        self.tasks: dict[int, dict[str, Any]] = {}  # UID → plan data of the task
        self.labels: dict[str, str] = {}  # progman id → "task UID 3 'Name'"
        self.uids: dict[str, int] = {}
        self.calendar_ids: dict[int, str] = {}
        self.calendar_minutes: dict[str, int] = {}
        self.days_left = MAX_FILE_DAYS  # calendar days the exceptions may still expand to
        self.durations: dict[tuple[Any, Any, str | None], Any] = {}
        self.skipped: set[int] = set()  # UIDs of blank rows and the project summary
        self.resource_kinds: dict[str, str] = {}
        self.data_root: dict[str, Any] = {}
        self.title = ""
        self.first_day: date | None = None
        self.file_starts: dict[str, datetime] = {}  # id → start, of tasks that may keep it

    def section(self, name: str) -> Element | None:
        """The project's child element ``name`` if it holds elements."""
        return self.root.find(NS + name)

    # -- warnings --------------------------------------------------------------------

    def warn(self, text: str) -> None:
        self.warnings.append(text)

    def group(self, what: str, label: str) -> None:
        """One warning per kind of loss, naming the tasks it concerns."""
        self.grouped.setdefault(what, []).append(label)

    def _grouped(self) -> list[str]:
        found = []
        for what, labels in self.grouped.items():
            named = ", ".join(labels[:_NAMED])
            more = f" and {len(labels) - _NAMED} more" if len(labels) > _NAMED else ""
            found.append(f"{what}: {named}{more}")
        return found

    # -- the whole file --------------------------------------------------------------

    def program(self) -> MspdiImport:
        head = self.head
        start = moment_of(head.get("StartDate"))
        title = head.get("Title") or head.get("Name") or Path(self.stem).stem
        if head.get("ScheduleFromStart") == "0":
            self.warn(
                "the project is scheduled from its finish date in MS Project; progman "
                "schedules forward from the start"
            )
        self.title = title
        self.first_day = start.date() if start else None
        calendars = self._calendars()
        aliases = self._aliases()
        resources, resource_ids = self._resources(aliases)
        projects, baselines = self._tasks(aliases)
        self._assignments(resource_ids)
        data: dict[str, Any] = {
            "program": title,
            "key": _ident(Path(self.stem).name.split(".")[0], "MSPDI"),
            "description": f"Imported from the MS Project XML file {Path(self.stem).name}",
            "start": self.first_day or date.today(),
            "calendars": calendars,
            "resources": resources,
            "projects": projects,
        }
        # MS Project's rules: a lag counts on the successor's calendar, and a started task's
        # remaining work follows its actuals, unless the file moves the remaining work of
        # late tasks to the status date (MoveRemainingStartsForward: the data date mode)
        forward = head.get("MoveRemainingStartsForward") == "1"
        data["scheduling"] = {
            "lag_calendar": "successor",
            "progress": "data_date" if forward else "continuous",
        }
        default = self.calendar_ids.get(as_int(head.get("CalendarUID"), -1))
        if default:
            data["calendar"] = default
        status = moment_of(head.get("StatusDate"))
        if status:
            data["status_date"] = status.date()
        currency = head.get("CurrencyCode") or ""
        if re.fullmatch(r"[A-Z]{3}", currency):
            data["currency"] = currency
        if baselines:
            data["baselines"] = baselines
        self.data_root = data
        program = keep_file_starts(self, data, self.validated(data), self.file_starts)
        return MspdiImport(program, tuple(self.warnings + self._grouped()))

    # -- calendars -------------------------------------------------------------------

    def _calendars(self) -> dict[str, Any]:
        holder = self.section("Calendars")
        raw: dict[int, RawCalendar] = {}
        for element in holder.findall(NS + "Calendar") if holder is not None else []:
            try:
                calendar = read_calendar(element, self)
            except ValueError as error:
                uid = as_int(element.findtext(NS + "UID"), -1)
                name = element.findtext(NS + "Name") or f"UID {uid}"
                raise self.fail(
                    f"calendar {name!r}: {error}", self.line_of("Calendar", uid)
                ) from None
            raw[calendar.uid] = calendar
        result: dict[str, Any] = {}
        for uid, calendar in raw.items():
            ident = _ident(calendar.name, f"calendar-{uid}")
            if ident in result:
                ident = f"{ident}-{uid}"
            self.calendar_ids[uid] = ident
            result[ident] = progman_calendar(calendar, raw, self)
            self.calendar_minutes[ident] = round(result[ident]["hours_per_day"] * 60)
        return result

    def _aliases(self) -> dict[str, str]:
        """FieldID of each custom field progman reads (by its alias) → what it holds."""
        holder = self.section("ExtendedAttributes")
        found = {}
        for element in holder.findall(NS + "ExtendedAttribute") if holder is not None else []:
            fields = fields_of(element)
            alias = (fields.get("Alias") or "").strip().lower()
            if alias in (ID_ALIAS, PROJECT_ALIAS):
                found[fields.get("FieldID") or ""] = alias
        return found

    @staticmethod
    def custom(fields: dict[str, Any], aliases: dict[str, str]) -> dict[str, str]:
        """The values of progman's custom fields (by alias) among an element's
        ``ExtendedAttribute`` children."""
        values = {}
        for element in fields.get("ExtendedAttribute", []):
            inner = fields_of(element)
            alias = aliases.get(inner.get("FieldID") or "")
            if alias and inner.get("Value"):
                values[alias] = inner["Value"]
        return values

    # -- durations -------------------------------------------------------------------

    def duration(self, text: Any, code: Any, calendar: str | None, what: str = "") -> Any:
        """The progman duration of an MSPDI ``Duration`` text shown in format ``code``,
        on ``calendar`` (a file repeats a few: each is worked out once)."""
        key = (text, code, calendar)
        if key not in self.durations:
            try:
                self.durations[key] = self._duration(text, code, calendar)
            except ValueError as error:  # a length no plan holds (a million days)
                raise self.bad_value(what, f"duration {text!r}: {error}") from None
        return self.durations[key]

    def _duration(self, text: Any, code: Any, calendar: str | None) -> Any:
        minutes = period_minutes(text) if isinstance(text, str) and text else None
        if minutes is None:
            return None
        fmt = as_int(code, 7)
        unit, elapsed = FORMAT_UNITS.get(fmt - ESTIMATED_OFFSET if fmt > 32 else fmt, ("d", False))
        if unit == "%":
            unit = "d"
        per_day = self.calendar_minutes.get(calendar or "", self.minutes_per_day)
        return duration_of(
            minutes,
            unit,
            elapsed,
            minutes_per_day=self.minutes_per_day,
            minutes_per_week=self.minutes_per_week,
            days_per_month=self.days_per_month,
            calendar_minutes_per_day=per_day,
        )

    # -- resources -------------------------------------------------------------------

    def _resources(self, aliases: dict[str, str]) -> tuple[list[dict[str, Any]], dict[int, str]]:
        holder = self.section("Resources")
        resources: list[dict[str, Any]] = []
        ids: dict[int, str] = {}
        for element in holder.findall(NS + "Resource") if holder is not None else []:
            fields = fields_of(element)
            uid = as_int(fields.get("UID"), -1)
            if uid <= 0 or fields.get("IsNull") == "1":
                continue  # MS Project's blank resource 0
            name = fields.get("Name") or f"Resource {uid}"
            custom = self.custom(fields, aliases).get(ID_ALIAS)
            ident = _ident(custom or "", f"R{uid}")
            if ident in ids.values():
                ident = f"R{uid}"
            ids[uid] = ident
            kind = RESOURCE_KINDS.get(as_int(fields.get("Type"), 1), "person")
            self.resource_kinds[ident] = kind
            entry: dict[str, Any] = {"id": ident, "name": name, "kind": kind}
            capacity = as_float(fields.get("MaxUnits"), 1.0)
            if kind == "person" and capacity > 2.0:
                self.warn(
                    f"resource {name!r} (UID {uid}) works {capacity:.0%} at most: a team "
                    "counted in units, imported as kind material"
                )
                entry["kind"] = "material"
            if kind != "cost":
                entry["capacity"] = min(max(capacity, 0.0), 1000.0)
            for source, target in (
                ("StandardRate", "rate"),
                ("OvertimeRate", "overtime_rate"),
                ("CostPerUse", "cost_per_use"),
            ):
                value = as_float(fields.get(source))
                if value > 0:
                    entry[target] = value
            calendar = self.calendar_ids.get(as_int(fields.get("CalendarUID"), -1))
            if calendar:
                entry["calendar"] = calendar
            if fields.get("Group"):
                entry["team"] = fields["Group"]
            if fields.get("EmailAddress"):
                entry["email"] = fields["EmailAddress"]
            if fields.get("IsGeneric") == "1":
                entry["role"] = name
            periods = element.find(NS + "AvailabilityPeriods")
            if periods is not None and kind != "cost":
                entry["availability"] = self._availability(periods)
            resources.append(entry)
        return resources, ids

    @staticmethod
    def _availability(periods: Element) -> list[dict[str, Any]]:
        found = []
        for element in periods.findall(NS + "AvailabilityPeriod"):
            fields = fields_of(element)
            first, last = (
                moment_of(fields.get("AvailableFrom")),
                moment_of(fields.get("AvailableTo")),
            )
            if first is None:
                continue
            entry: dict[str, Any] = {
                "start": first.date(),
                "capacity": min(max(as_float(fields.get("AvailableUnits"), 1.0), 0.0), 1000.0),
            }
            if last is not None:
                entry["finish"] = max(last.date(), first.date())
            found.append(entry)
        return found

    # -- tasks -----------------------------------------------------------------------

    def _tasks(self, aliases: dict[str, str]) -> tuple[list[dict[str, Any]], list[Any]]:
        return read_tasks(self, aliases)

    def _assignments(self, resource_ids: dict[int, str]) -> None:
        holder = self.section("Assignments")
        baselined = 0
        for element in holder.findall(NS + "Assignment") if holder is not None else []:
            fields = fields_of(element)
            task_uid, resource_uid = (
                as_int(fields.get("TaskUID"), -1),
                as_int(fields.get("ResourceUID")),
            )
            if resource_uid == UNASSIGNED or resource_uid <= 0:  # no resource (-65535, -1, 0)
                continue
            task = self.tasks.get(task_uid)
            if task is None:
                if task_uid in self.skipped:
                    continue
                raise self.fail(
                    f"assignment UID {fields.get('UID')} names task UID {task_uid}, which "
                    "the file does not have",
                    self.line_of("Assignment", as_int(fields.get("UID"), -1)),
                )
            resource = resource_ids.get(resource_uid)
            if resource is None:
                raise self.fail(
                    f"assignment UID {fields.get('UID')} of {self.labels[task['id']]} names "
                    f"resource UID {resource_uid}, which the file does not have",
                    self.line_of("Assignment", as_int(fields.get("UID"), -1)),
                )
            entry: dict[str, Any] = {"resource": resource}
            units = as_float(fields.get("Units"), 1.0)
            entry["units"] = min(max(units, 0.0), 100.0)
            work = period_minutes(fields.get("Work") or "")
            if work:
                entry["work"] = f"{round(work / 60, 4):g}h"
            cost = as_float(fields.get("Cost"))
            if cost > 0 and self._kind_of(resource) == "cost":
                entry["cost"] = cost
            if fields.get("Baseline"):
                baselined += 1
            task.setdefault("resources", []).append(entry)
        for task in self.tasks.values():
            if task.pop("_own_calendar", False) and task.get("resources"):
                self.group(
                    "set to ignore their resources' calendars; progman schedules on the "
                    "task's calendar and its people's",
                    self.labels[task["id"]],
                )
        if baselined:
            self.warn(
                f"{baselined} assignment baseline(s) are not imported: progman keeps "
                "baselines per task (their dates, duration, work and cost are imported)"
            )

    def _kind_of(self, resource: str) -> str:
        return self.resource_kinds.get(resource, "person")

    # -- errors ----------------------------------------------------------------------

    def line_of(self, element: str, uid: int) -> int | None:
        """The line of the ``element`` with ``uid`` (found only for an error)."""
        pattern = rb"<" + element.encode() + rb">\s*<UID>" + str(uid).encode() + rb"</UID>"
        found = re.search(pattern, self.data)
        return self.data.count(b"\n", 0, found.start()) + 1 if found else None

    def bad_value(self, label: str, message: str) -> MspdiInvalid:
        """A value of the task ``label`` names (``task UID 3 'Name'``) that no plan holds,
        at the task's line."""
        found = re.match(r"task UID (-?\d+)", label)
        line = self.line_of("Task", int(found[1])) if found else None
        return self.fail(f"{label or 'a baseline'}: {message}", line)

    def fail(self, message: str, line: int | None = None) -> MspdiInvalid:
        return MspdiInvalid(message, location=Location(file=self.name, line=line))

    def validated(self, data: dict[str, Any]) -> Program:
        """The program of the plan data ``data``, or the first problem at its task's line."""
        try:
            program = Program.model_validate(data)
        except ValidationError as error:
            first = error.errors()[0]
            path = tuple(first["loc"])
            raise self._at(path, f"{format_path(path)}: {first['msg']}") from None
        findings = check_once(program)
        if findings:
            first_finding = findings[0]
            more = f" ({len(findings) - 1} more problems)" if len(findings) > 1 else ""
            raise self._at(first_finding.path, f"{first_finding.message}{more}")
        return program

    def _at(self, path: tuple[Any, ...], message: str) -> MspdiInvalid:
        """``message`` about the plan data at ``path``, placed at its task's line."""
        ident = entity_at(self.data_root, path)
        uid = self.uids.get(ident or "")
        if uid is None:
            return self.fail(f"the file does not make a valid plan: {message}")
        return self.fail(f"{self.labels[ident or '']}: {message}", self.line_of("Task", uid))
