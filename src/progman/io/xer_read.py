"""Primavera P6 XER files → a progman :class:`Program` (``progman import FILE.xer``).

The mapping: each ``PROJECT`` is a project of one program (its WBS root node gives its
name); ``PROJWBS`` nodes below the root are nested summary work items; ``TASK`` rows are
activities (milestones ``TT_Mile``/``TT_FinMile``; durations in hours on the activity's
calendar; actual dates, remaining duration and percent complete; ``cstr_type``
constraints); ``TASKPRED`` are links of the four types with ``lag_hr_cnt`` lags, across
projects too; ``CALENDAR`` rows are calendars (:mod:`progman.io.xer_calendars`); ``RSRC``
resources with their rate (``RSRCRATE``) and ``TASKRSRC`` assignments; activity codes
(``ACTVTYPE``/``ACTVCODE``/``TASKACTV``) become tags ``TYPE:CODE``. The data date
(``last_recalc_date``) becomes the status date.

Ids: a project is its short name, an activity ``PROJECT.ACTIVITY_ID``, a WBS node
``PROJECT.CODE.CODE`` (its WBS code path); characters an id cannot hold become ``_``.
What progman cannot express (level of effort, weeks with uneven hours, secondary
constraints, tables it does not read, ...) is a warning at the record's file:line, never a
silent drop. What is wrong (a link to an activity the file does not hold, a cycle, a value
that is not a number or date) is an :class:`XerInvalid` at file:line, and nothing is
imported.

This module reads the file and assembles the program (calendars, data date, scheduling
options, validation); :mod:`progman.io.xer_activities` reads the work breakdown and
links, :mod:`progman.io.xer_resources` the resources and assignments, and
:mod:`progman.io.xer_records` holds what they share (ids, warnings, field readers).
"""

from __future__ import annotations

import codecs
import os
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from progman.domain import Program
from progman.domain.checked import check_once
from progman.errors import Location
from progman.io import xer_activities, xer_resources
from progman.io.imported import Imported, entity_at
from progman.io.xer_calendars import CalendarDataInvalid, parse_calendar_data, to_calendar
from progman.io.xer_records import XerRecords
from progman.io.xer_tables import XerFile, XerInvalid, read_tables

__all__ = ["XerInvalid", "read_xer", "xer_to_program"]

#: Tables the importer reads.
READ_TABLES = (
    "PROJECT",
    "CALENDAR",
    "PROJWBS",
    "TASK",
    "TASKPRED",
    "RSRC",
    "RSRCRATE",
    "TASKRSRC",
    "ACTVTYPE",
    "ACTVCODE",
    "TASKACTV",
    "SCHEDOPTIONS",
)
#: Look-up tables whose content reaches the plan through the tables above, or describes
#: the exporting database only (currencies, units, the organisation breakdown).
LOOKUP_TABLES = frozenset(
    {"CURRTYPE", "OBS", "UMEASURE", "FINTMPL", "COSTTYPE", "ACCOUNT", "ROLES"}
)
#: How a program imported from P6 is scheduled: P6's default counts a link's lag on the
#: predecessor's calendar, and its data date holds back the remaining work.
P6_PROGRAM_SETTINGS: dict[str, Any] = {
    "scheduling": {"lag_calendar": "predecessor", "progress": "data_date"}
}
#: ``SCHEDOPTIONS.sched_calendar_on_relationship_lag``: a project's own lag calendar.
LAG_CALENDARS = {
    "rcal_Predecessor": "predecessor",
    "rcal_Successor": "successor",
    "rcal_24Hour": "24h",
    "rcal_ProjDefault": "program",
}


def read_xer(path: str | Path, *, encoding: str | None = None) -> Imported:
    """Read the XER file ``path`` as a checked program, with a warning for each thing
    progman cannot express; an :class:`XerInvalid` (file:line) if it cannot be imported.
    ``encoding`` (else ``PROGMAN_XER_ENCODING``, else a guess) is the file's code page."""
    chosen = encoding or os.environ.get("PROGMAN_XER_ENCODING", "").strip() or None
    if chosen is not None:
        try:
            chosen = codecs.lookup(chosen).name
        except LookupError:
            raise XerInvalid(
                f"unknown encoding {chosen!r} (PROGMAN_XER_ENCODING); name a code page such "
                "as cp1252, cp1251, cp1250 or utf-8",
                location=Location(file=str(path)),
            ) from None
    xer = read_tables(path, READ_TABLES, encoding=chosen)
    return xer_to_program(xer)


def xer_to_program(xer: XerFile) -> Imported:
    """The program of the tables of an XER file (see the module's docstring)."""
    return _program(XerRecords(xer))


def _program(records: XerRecords) -> Imported:
    """The program of the file's tables, checked, with the warnings found on the way."""
    xer = records.xer
    for name, table in xer.tables.items():
        if table.count and name not in READ_TABLES and name not in LOOKUP_TABLES:
            records.warn(
                table.line,
                f"table {name} ({table.count} rows) is not imported: progman has no place for it",
            )
    projects = list(xer.table("PROJECT").records())
    if not projects:
        raise records.fail(None, "the file holds no PROJECT table row: no project to import")
    calendars, calendar_ids = _calendars(records)
    default = next(
        (
            calendar_ids[c["clndr_id"]]
            for _, c in xer.table("CALENDAR").records()
            if c.get("default_flag") == "Y" and c["clndr_id"] in calendar_ids
        ),
        None,
    )
    resources = xer_resources.resources(records, calendar_ids)
    tags = xer_activities.codes(records)
    built = [xer_activities.project(records, line, row, calendar_ids) for line, row in projects]
    by_project = {row["proj_id"]: item for (_, row), item in zip(projects, built, strict=True)}
    tasks = xer_activities.activities(records, by_project, calendar_ids, tags)
    xer_activities.links(records, tasks)
    xer_resources.assignments(records, tasks)
    starts = [item["start"] for item in built if item.get("start")]
    first = min(starts) if starts else None
    dates = [(p.pop("_data_date"), line) for p, (line, _) in zip(built, projects, strict=True)]
    known = [(when, line) for when, line in dates if when is not None]
    data_date = max(known)[0] if known else None
    if len({when for when, _ in known}) > 1:
        shown = ", ".join(sorted({f"{when:%Y-%m-%d %H:%M}" for when, _ in known}))
        records.warn(
            max(known)[1],
            f"the projects have different data dates ({shown}); a program has one status "
            f"date: the latest data date's",
        )
    if first is None:
        first = data_date.date() if data_date else _earliest(tasks)
    if first is None:
        raise records.fail(None, "no project has a planned start (plan_start_date)")
    for project in built:
        if project.get("calendar") == default:
            project.pop("calendar")
        if project.get("start") == first:
            project.pop("start")
    name = built[0]["name"] if len(built) == 1 else Path(xer.path).stem
    key = built[0]["id"] if len(built) == 1 else records.unique(Path(xer.path).stem, "p", 0)
    data: dict[str, Any] = {
        "program": name,
        "key": key,
        "description": f"Imported from {Path(xer.path).name} (Primavera P6 {xer.version})",
        "start": first,
        "calendars": calendars,
        "resources": resources,
        "projects": built,
        **P6_PROGRAM_SETTINGS,
    }
    _schedule_options(records, data)
    if default:
        data["calendar"] = default
    currency = xer.header[7].strip() if len(xer.header) > 7 else ""
    if re.fullmatch(r"[A-Z]{3}", currency):
        data["currency"] = currency
    _status(data, data_date, tasks)
    return Imported(_validated(records, data), tuple(records.warnings))


def _calendars(records: XerRecords) -> tuple[dict[str, Any], dict[str, str]]:
    """The calendars (plan data by id) and the id of each ``clndr_id``."""
    rows = list(records.xer.table("CALENDAR").records())
    texts = {row["clndr_id"]: row.get("clndr_data", "") for _, row in rows}
    calendars: dict[str, Any] = {}
    ids: dict[str, str] = {}
    for line, row in rows:
        name = row.get("clndr_name") or f"calendar {row['clndr_id']}"
        text = texts[row["clndr_id"]]
        base = row.get("base_clndr_id", "")
        if not text.strip() and base in texts:
            text = texts[base]
        hours = records.number(row, "day_hr_cnt", line, "CALENDAR") or None
        try:
            parsed = parse_calendar_data(text)
        except (CalendarDataInvalid, ValueError) as error:
            raise records.fail(
                line, f"CALENDAR {name!r}: clndr_data is not P6 calendar data: {error}"
            ) from None
        calendar, notes = to_calendar(parsed, name=name, day_hours=hours)
        if not parsed.week:
            notes.append(f"calendar {name!r} has no work week; imported as Monday to Friday")
        for note in notes:
            records.warn(line, note)
        ident = records.unique(name, row["clndr_id"], line, words=True)
        ids[row["clndr_id"]] = ident
        calendars[ident] = calendar
    records.calendar_data = calendars
    return calendars, ids


def _schedule_options(records: XerRecords, data: dict[str, Any]) -> None:
    """The lag calendar the projects' scheduling options name (one for the program),
    and a warning for progress override (progman keeps retained logic)."""
    chosen: dict[str, int] = {}
    for line, row in records.xer.table("SCHEDOPTIONS").records():
        lag = LAG_CALENDARS.get(row.get("sched_calendar_on_relationship_lag", ""))
        if lag is not None:
            chosen.setdefault(lag, line)
        if row.get("sched_progress_override") == "Y":
            records.warn(
                line,
                "the scheduling options ask for progress override (a started activity's "
                "successors ignore its links); progman keeps retained logic",
            )
    if chosen:
        lag, line = next(iter(chosen.items()))
        data["scheduling"] = {**data["scheduling"], "lag_calendar": lag}
        if len(chosen) > 1:
            records.warn(
                line,
                f"the projects count lags on different calendars ({', '.join(chosen)}); "
                f"a program counts them on one: {lag}",
            )


def _earliest(tasks: dict[str, dict[str, Any]]) -> date | None:
    """The earliest actual or planned start of the activities, for a program whose
    projects name no start and no data date."""
    starts = [
        moment.date()
        for item in tasks.values()
        for moment in (item.get("actual_start"), item.get("_planned"))
        if isinstance(moment, datetime)
    ]
    return min(starts) if starts else None


def _status(
    data: dict[str, Any], data_date: datetime | None, tasks: dict[str, dict[str, Any]]
) -> None:
    """The status date of P6's data date: remaining work resumes at the data date, so
    the status date (after which progman resumes it) is the day before, unless the data
    date is past the middle of its day. Actual dates after it, which P6 files often
    hold, are kept as recorded (``schedule`` names them)."""
    for item in tasks.values():
        item.pop("_planned", None)
    if data_date is not None:
        data["status_date"] = data_date.date() - timedelta(days=data_date.hour < 12)


def _validated(records: XerRecords, data: dict[str, Any]) -> Program:
    try:
        program = Program.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        ident, path = entity_at(data, first["loc"]), ".".join(map(str, first["loc"]))
        where = f" ({ident})" if ident else ""
        raise records.fail(
            records.lines.get(ident or ""),
            f"the file does not fit a plan{where}: {path}: {first['msg']}",
        ) from None
    findings = check_once(program)
    if findings:
        finding = findings[0]
        ident = entity_at(data, finding.path)
        more = f" (and {len(findings) - 1} more problems)" if len(findings) > 1 else ""
        raise records.fail(
            records.lines.get(ident or ""),
            f"the file does not fit a plan: {finding.message}{more}",
        )
    return program
