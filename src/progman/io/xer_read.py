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
"""

from __future__ import annotations

import codecs
import math
import os
import re
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from progman.domain import Program
from progman.domain.checked import check_once
from progman.errors import Location, Problem
from progman.io.imported import Imported
from progman.io.xer_calendars import CalendarDataInvalid, parse_calendar_data, to_calendar
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
LINK_TYPES = {"PR_FS": "FS", "PR_SS": "SS", "PR_FF": "FF", "PR_SF": "SF"}
CONSTRAINTS = {
    "CS_MSO": "mso",
    "CS_MEO": "mfo",
    "CS_MSOA": "snet",
    "CS_MSOB": "snlt",
    "CS_MEOA": "fnet",
    "CS_MEOB": "fnlt",
    "CS_MANDSTART": "mso",
    "CS_MANDFIN": "mfo",
}
PRIORITIES = {"PT_Top": 900, "PT_High": 700, "PT_Low": 300, "PT_Lowest": 100}
RESOURCE_KINDS = {"RT_Labor": "person", "RT_Equip": "material", "RT_Mat": "material"}
MILESTONES = ("TT_Mile", "TT_FinMile")
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
_NOT_ID = re.compile(r"[^A-Za-z0-9_.\-/:]+")
_NOT_WORD = re.compile(r"[^A-Za-z0-9]+")
_DATE = re.compile(r"\d{4}-\d\d-\d\d(?: \d\d:\d\d(?::\d\d)?)?$")


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
    return _Builder(xer).build()


class _Builder:
    def __init__(self, xer: XerFile) -> None:
        self.xer = xer
        self.warnings: list[Problem] = []
        self.ids: set[str] = set()
        self.lines: dict[str, int] = {}  # plan id -> line of its record
        self.resource_ids: dict[str, str] = {}  # rsrc_id -> resource id
        self.resource_kinds: dict[str, str] = {}  # resource id -> kind
        self.resource_calendars: dict[str, str] = {}  # resource id -> calendar id
        self.own_calendar: dict[str, str] = {}  # task-dependent activity -> its calendar
        self.calendar_data: dict[str, Any] = {}  # calendar id -> progman calendar data

    # -- helpers --------------------------------------------------------------------------

    def warn(self, line: int | None, message: str) -> None:
        where = Location(file=self.xer.path, line=line)
        self.warnings.append(Problem("import.xer_warning", message, where))

    def fail(self, line: int | None, message: str) -> XerInvalid:
        return XerInvalid(message, location=Location(file=self.xer.path, line=line))

    def unique(self, wanted: str, suffix: str, line: int, *, words: bool = False) -> str:
        """An id not taken yet, from ``wanted`` (a name if ``words``: ``Standard-5-Day``)."""
        pattern = _NOT_WORD if words else _NOT_ID
        base = pattern.sub("-" if words else "_", wanted.strip()).strip("_.-/:") or "x"
        ident = base if base[0].isalnum() or base[0] == "_" else f"_{base}"
        ident = ident[:100]
        if ident in self.ids:
            ident = f"{ident}~{suffix}"
            ident = _NOT_ID.sub("_", ident)
        self.ids.add(ident)
        self.lines[ident] = line
        return ident

    def calendar_of(
        self, row: dict[str, str], calendars: dict[str, str], line: int, whose: str, instead: str
    ) -> str | None:
        """The calendar a record names; a warning if the file does not hold it."""
        wanted = row.get("clndr_id", "")
        if wanted and wanted not in calendars:
            self.warn(line, f"{whose}: calendar {wanted!r} is not in the file; on {instead}")
        return calendars.get(wanted)

    def number(self, record: dict[str, str], name: str, line: int, table: str) -> float:
        text = record.get(name, "").strip()
        if not text:
            return 0.0
        try:
            value = float(text)
        except ValueError:
            raise self.fail(
                line, f"{table} {name}: {text!r} is not a number; the file is damaged"
            ) from None
        if not math.isfinite(value):
            raise self.fail(line, f"{table} {name}: {text!r} is not a number")
        return value

    def moment(self, record: dict[str, str], name: str, line: int, table: str) -> datetime | None:
        text = record.get(name, "").strip()
        if not text:
            return None
        try:
            if not _DATE.match(text):
                raise ValueError(text)
            return datetime.fromisoformat(text)
        except ValueError:
            raise self.fail(
                line,
                f"{table} {name}: {text!r} is not a date (YYYY-MM-DD HH:MM); the file is damaged",
            ) from None

    # -- the program ------------------------------------------------------------------------

    def build(self) -> Imported:
        xer = self.xer
        for name, table in xer.tables.items():
            if table.count and name not in READ_TABLES and name not in LOOKUP_TABLES:
                self.warn(
                    table.line,
                    f"table {name} ({table.count} rows) is not imported: progman has no "
                    "place for it",
                )
        projects = list(xer.table("PROJECT").records())
        if not projects:
            raise self.fail(None, "the file holds no PROJECT table row: no project to import")
        calendars, calendar_ids = self.calendars()
        default = next(
            (
                calendar_ids[c["clndr_id"]]
                for _, c in xer.table("CALENDAR").records()
                if c.get("default_flag") == "Y" and c["clndr_id"] in calendar_ids
            ),
            None,
        )
        resources, _ = self.resources(calendar_ids)
        tags = self.codes()
        built = [self.project(line, row, calendar_ids) for line, row in projects]
        by_project = {row["proj_id"]: item for (_, row), item in zip(projects, built, strict=True)}
        tasks = self.activities(by_project, calendar_ids, tags)
        self.links(tasks)
        starts = [item["start"] for item in built if item.get("start")]
        first = min(starts) if starts else None
        dates = [(p.pop("_data_date"), line) for p, (line, _) in zip(built, projects, strict=True)]
        known = [(when, line) for when, line in dates if when is not None]
        data_date = max(known)[0] if known else None
        if len({when for when, _ in known}) > 1:
            shown = ", ".join(sorted({f"{when:%Y-%m-%d %H:%M}" for when, _ in known}))
            self.warn(
                max(known)[1],
                f"the projects have different data dates ({shown}); a program has one status "
                f"date: the latest data date's",
            )
        if first is None:
            first = data_date.date() if data_date else self.earliest(tasks)
        if first is None:
            raise self.fail(None, "no project has a planned start (plan_start_date)")
        for project in built:
            if project.get("calendar") == default:
                project.pop("calendar")
            if project.get("start") == first:
                project.pop("start")
        name = built[0]["name"] if len(built) == 1 else Path(xer.path).stem
        key = built[0]["id"] if len(built) == 1 else self.unique(Path(xer.path).stem, "p", 0)
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
        self.schedule_options(data)
        if default:
            data["calendar"] = default
        currency = xer.header[7].strip() if len(xer.header) > 7 else ""
        if re.fullmatch(r"[A-Z]{3}", currency):
            data["currency"] = currency
        self.status(data, data_date, tasks)
        return Imported(self.validated(data), tuple(self.warnings))

    def schedule_options(self, data: dict[str, Any]) -> None:
        """The lag calendar the projects' scheduling options name (one for the program),
        and a warning for progress override (progman keeps retained logic)."""
        chosen: dict[str, int] = {}
        for line, row in self.xer.table("SCHEDOPTIONS").records():
            lag = LAG_CALENDARS.get(row.get("sched_calendar_on_relationship_lag", ""))
            if lag is not None:
                chosen.setdefault(lag, line)
            if row.get("sched_progress_override") == "Y":
                self.warn(
                    line,
                    "the scheduling options ask for progress override (a started activity's "
                    "successors ignore its links); progman keeps retained logic",
                )
        if chosen:
            lag, line = next(iter(chosen.items()))
            data["scheduling"] = {**data["scheduling"], "lag_calendar": lag}
            if len(chosen) > 1:
                self.warn(
                    line,
                    f"the projects count lags on different calendars ({', '.join(chosen)}); "
                    f"a program counts them on one: {lag}",
                )

    def earliest(self, tasks: dict[str, dict[str, Any]]) -> date | None:
        starts = [
            moment.date()
            for item in tasks.values()
            for moment in (item.get("actual_start"), item.get("_planned"))
            if isinstance(moment, datetime)
        ]
        return min(starts) if starts else None

    def status(
        self, data: dict[str, Any], data_date: datetime | None, tasks: dict[str, dict[str, Any]]
    ) -> None:
        """The status date of P6's data date: remaining work resumes at the data date, so
        the status date (after which progman resumes it) is the day before, unless the data
        date is past the middle of its day. Actual dates after it, which P6 files often
        hold, are kept as recorded (``schedule`` names them)."""
        for item in tasks.values():
            item.pop("_planned", None)
        if data_date is not None:
            data["status_date"] = data_date.date() - timedelta(days=data_date.hour < 12)

    def validated(self, data: dict[str, Any]) -> Program:
        try:
            program = Program.model_validate(data)
        except ValidationError as error:
            first = error.errors()[0]
            ident, path = _entity_at(data, first["loc"])
            where = f" ({ident})" if ident else ""
            raise self.fail(
                self.lines.get(ident or ""),
                f"the file does not fit a plan{where}: {path}: {first['msg']}",
            ) from None
        findings = check_once(program)
        if findings:
            finding = findings[0]
            ident, path = _entity_at(data, finding.path)
            more = f" (and {len(findings) - 1} more problems)" if len(findings) > 1 else ""
            raise self.fail(
                self.lines.get(ident or ""),
                f"the file does not fit a plan: {finding.message}{more}",
            )
        return program

    # -- calendars, resources, codes --------------------------------------------------------

    def calendars(self) -> tuple[dict[str, Any], dict[str, str]]:
        rows = list(self.xer.table("CALENDAR").records())
        texts = {row["clndr_id"]: row.get("clndr_data", "") for _, row in rows}
        calendars: dict[str, Any] = {}
        ids: dict[str, str] = {}
        for line, row in rows:
            name = row.get("clndr_name") or f"calendar {row['clndr_id']}"
            text = texts[row["clndr_id"]]
            base = row.get("base_clndr_id", "")
            if not text.strip() and base in texts:
                text = texts[base]
            hours = self.number(row, "day_hr_cnt", line, "CALENDAR") or None
            try:
                parsed = parse_calendar_data(text)
            except (CalendarDataInvalid, ValueError) as error:
                raise self.fail(
                    line, f"CALENDAR {name!r}: clndr_data is not P6 calendar data: {error}"
                ) from None
            calendar, notes = to_calendar(parsed, name=name, day_hours=hours)
            if not parsed.week:
                notes.append(f"calendar {name!r} has no work week; imported as Monday to Friday")
            for note in notes:
                self.warn(line, note)
            ident = self.unique(name, row["clndr_id"], line, words=True)
            ids[row["clndr_id"]] = ident
            calendars[ident] = calendar
        self.calendar_data = calendars
        return calendars, ids

    def resources(self, calendars: dict[str, str]) -> tuple[list[dict[str, Any]], dict[str, str]]:
        rows = list(self.xer.table("RSRC").records())
        names = {row["rsrc_id"]: row.get("rsrc_name", "") for _, row in rows}
        rates: dict[str, list[tuple[datetime | None, float, float, int]]] = defaultdict(list)
        for line, rate in self.xer.table("RSRCRATE").records():
            rates[rate.get("rsrc_id", "")].append(
                (
                    self.moment(rate, "start_date", line, "RSRCRATE"),
                    self.number(rate, "cost_per_qty", line, "RSRCRATE"),
                    self.number(rate, "max_qty_per_hr", line, "RSRCRATE"),
                    line,
                )
            )
        resources: list[dict[str, Any]] = []
        ids: dict[str, str] = {}
        for line, row in rows:
            code = row.get("rsrc_short_name") or row.get("rsrc_name") or row["rsrc_id"]
            ident = self.unique(code, row["rsrc_id"], line)
            ids[row["rsrc_id"]] = ident
            kind = RESOURCE_KINDS.get(row.get("rsrc_type", ""), "person")
            resource: dict[str, Any] = {
                "id": ident,
                "name": row.get("rsrc_name") or code,
                "kind": kind,
            }
            calendar = self.calendar_of(row, calendars, line, f"resource {ident}", "the program's")
            if calendar:
                resource["calendar"] = calendar
            parent = row.get("parent_rsrc_id", "")
            if names.get(parent):
                resource["team"] = names[parent]
            if row.get("email_addr"):
                resource["email"] = row["email_addr"]
            own = sorted(rates.get(row["rsrc_id"], []), key=lambda r: r[0] or datetime.min)
            if own:
                _, cost, units, _ = own[-1]
                if len({r[1] for r in own}) > 1:
                    self.warn(
                        own[-1][3],
                        f"resource {ident}: its rate changes over time "
                        f"({', '.join(f'{r[1]:g}' for r in own)}); progman holds one: the "
                        f"latest, {cost:g}",
                    )
                if cost:
                    resource["rate"] = cost
                if units:
                    resource["capacity"] = units
            if kind == "person" and resource.get("capacity", 1.0) > 2.0:
                self.warn(
                    line,
                    f"resource {ident}: {resource['capacity']:g} units per hour is more than "
                    "a person works; imported as a material resource (a pool of units)",
                )
                resource["kind"] = "material"
            resources.append(resource)
            self.resource_kinds[ident] = resource["kind"]
            self.resource_calendars[ident] = resource.get("calendar", "")
        self.resource_ids = ids
        return resources, ids

    def codes(self) -> dict[str, list[str]]:
        """Tags of each activity (``task_id``) from its activity codes: ``TYPE:CODE``."""
        types = {
            row.get("actv_code_type_id", ""): row.get("actv_code_type", "")
            for _, row in self.xer.table("ACTVTYPE").records()
        }
        values = {}
        for _, row in self.xer.table("ACTVCODE").records():
            kind = types.get(row.get("actv_code_type_id", ""), "")
            value = row.get("short_name") or row.get("actv_code_name") or ""
            values[row.get("actv_code_id", "")] = f"{kind}:{value}" if kind else value
        tags: dict[str, list[str]] = defaultdict(list)
        for line, row in self.xer.table("TASKACTV").records():
            tag = values.get(row.get("actv_code_id", ""))
            if tag is None:
                self.warn(
                    line,
                    f"TASKACTV of activity {row.get('task_id')}: activity code "
                    f"{row.get('actv_code_id')!r} is not in the file; left out",
                )
                continue
            tags[row.get("task_id", "")].append(tag)
        return tags

    # -- projects, WBS, activities ----------------------------------------------------------

    def project(self, line: int, row: dict[str, str], calendars: dict[str, str]) -> dict[str, Any]:
        code = row.get("proj_short_name") or f"P{row['proj_id']}"
        project: dict[str, Any] = {
            "id": self.unique(code, row["proj_id"], line),
            "name": code,
            "tasks": [],
        }
        start = self.moment(row, "plan_start_date", line, "PROJECT")
        if start is not None:
            project["start"] = start.date()
        finish = self.moment(row, "plan_end_date", line, "PROJECT")
        if finish is not None:
            project["deadline"] = finish.date()
        calendar = self.calendar_of(
            row, calendars, line, f"project {project['id']}", "the program's"
        )
        if calendar:
            project["calendar"] = calendar
        project["_data_date"] = self.moment(row, "last_recalc_date", line, "PROJECT")
        return project

    def activities(
        self,
        projects: dict[str, dict[str, Any]],
        calendars: dict[str, str],
        tags: dict[str, list[str]],
    ) -> dict[str, dict[str, Any]]:
        """The WBS trees and activities, placed into ``projects``; activities by task_id."""
        nodes: dict[str, dict[str, Any]] = {}
        order: dict[str, tuple[int, int]] = {}
        roots: dict[str, str] = {}  # wbs_id of a project's root node -> proj_id
        wbs_rows = list(self.xer.table("PROJWBS").records())
        codes = {row["wbs_id"]: row.get("wbs_short_name", "") for _, row in wbs_rows}
        parents = {row["wbs_id"]: row.get("parent_wbs_id", "") for _, row in wbs_rows}
        for line, row in wbs_rows:
            project = projects.get(row.get("proj_id", ""))
            if project is None:
                raise self.fail(
                    line,
                    f"PROJWBS {row.get('wbs_short_name')!r} belongs to project "
                    f"{row.get('proj_id')!r}, which the file does not hold",
                )
            if row.get("proj_node_flag") == "Y":
                roots[row["wbs_id"]] = row["proj_id"]
                if row.get("wbs_name"):
                    project["name"] = row["wbs_name"]
        for line, row in wbs_rows:
            if row["wbs_id"] in roots:
                continue
            path: list[str] = []
            seen: set[str] = set()
            step = row["wbs_id"]
            while step in codes and step not in roots and step not in seen:
                seen.add(step)
                path.append(codes[step] or step)
                step = parents[step]
            project = projects[row["proj_id"]]
            wanted = ".".join([project["id"], *reversed(path)])
            ident = self.unique(wanted, row["wbs_id"], line)
            nodes[row["wbs_id"]] = {"id": ident, "name": row.get("wbs_name") or ident, "tasks": []}
            order[row["wbs_id"]] = (int(self.number(row, "seq_num", line, "PROJWBS")), line)
        wbs_project = {row["wbs_id"]: row["proj_id"] for _, row in wbs_rows}
        tasks: dict[str, dict[str, Any]] = {}
        placed: dict[str, list[tuple[tuple[int, int], str, dict[str, Any]]]] = defaultdict(list)
        for line, row in self.xer.table("TASK").records():
            project = projects.get(row.get("proj_id", ""))
            if project is None:
                raise self.fail(
                    line,
                    f"TASK {row.get('task_code')!r} belongs to project {row.get('proj_id')!r}, "
                    "which the file does not hold",
                )
            if row["task_id"] in tasks:
                raise self.fail(line, f"TASK: activity {row['task_id']} is listed twice")
            item = self.activity(line, row, project, calendars, tags)
            tasks[row["task_id"]] = item
            wbs = row.get("wbs_id", "")
            if wbs in nodes:
                nodes[wbs]["tasks"].append(item)
            else:
                if wbs not in roots:
                    self.warn(
                        line,
                        f"{item['id']}: its WBS node {wbs!r} is not in the file; "
                        "placed at the top of its project",
                    )
                project["tasks"].append(item)
        for wbs, node in nodes.items():
            placed[parents[wbs]].append((order[wbs], wbs, node))
        for parent, children in placed.items():
            children.sort(key=lambda entry: entry[0])
            for _, wbs, node in children:
                if parent in nodes:
                    nodes[parent]["tasks"].append(node)
                    continue
                if parent not in roots:
                    self.warn(
                        self.lines.get(node["id"]),
                        f"{node['id']}: its parent WBS node {parent!r} is not in the file; "
                        "placed at the top of its project",
                    )
                projects[wbs_project[wbs]]["tasks"].append(node)
        for project in projects.values():
            self.prune(project["tasks"])
        return tasks

    def prune(self, items: list[dict[str, Any]]) -> None:
        """Leave out WBS nodes holding no activity (a progman summary has work below it)."""
        kept = []
        for item in items:
            if "tasks" in item:
                self.prune(item["tasks"])
                if not item["tasks"]:
                    self.warn(
                        self.lines.get(item["id"]),
                        f"WBS node {item['id']} holds no activity: left out",
                    )
                    continue
            kept.append(item)
        items[:] = kept

    def activity(
        self,
        line: int,
        row: dict[str, str],
        project: dict[str, Any],
        calendars: dict[str, str],
        tags: dict[str, list[str]],
    ) -> dict[str, Any]:
        code = row.get("task_code") or row["task_id"]
        ident = self.unique(f"{project['id']}.{code}", row["task_id"], line)
        item: dict[str, Any] = {"id": ident, "name": row.get("task_name") or code}
        kind = row.get("task_type", "TT_Task")
        status = row.get("status_code", "TK_NotStart")

        def number(name: str) -> float:
            return self.number(row, name, line, "TASK")

        def moment(name: str) -> datetime | None:
            return self.moment(row, name, line, "TASK")

        actual_start, actual_finish = moment("act_start_date"), moment("act_end_date")
        item["_planned"] = moment("target_start_date") or moment("early_start_date")
        calendar = self.calendar_of(row, calendars, line, ident, "its project's")
        if calendar and calendar != project.get("calendar"):
            item["calendar"] = calendar
        if kind != "TT_Rsrc":  # P6 schedules it on its own calendar, whoever works on it
            self.own_calendar[ident] = calendar or project.get("calendar") or ""
        if kind in MILESTONES:
            item["milestone"] = True
            reached = actual_finish or actual_start if status != "TK_NotStart" else None
            if reached is not None:
                item["actual_finish"] = reached
        else:
            if kind == "TT_LOE":
                self.warn(
                    line,
                    f"{ident}: a level-of-effort activity; progman does not stretch "
                    "it between its links: imported as a task of its duration",
                )
            elif kind == "TT_WBS":
                self.warn(
                    line,
                    f"{ident}: a WBS summary activity; imported as a task of its "
                    "duration (progman's summaries are the WBS nodes)",
                )
            target, remain = number("target_drtn_hr_cnt"), number("remain_drtn_hr_cnt")
            if target < 0 or remain < 0:
                raise self.fail(line, f"TASK {code}: a negative duration")
            hours = remain if status == "TK_NotStart" else target
            item["duration"] = f"{hours:g}h"
            if actual_start is not None:
                item["actual_start"] = actual_start
            if status == "TK_Complete" and actual_finish is not None:
                item["actual_finish"] = actual_finish
            elif actual_start is not None:
                item["remaining"] = f"{remain:g}h"
            percent = self.percent(row, line, target, remain)
            if percent is not None and actual_start is not None:
                item["percent_complete"] = percent
        if status == "TK_Complete":
            item["status"] = "done"
        elif status == "TK_Active":
            item["status"] = "in_progress"
        self.constraint(item, row, line)
        priority = PRIORITIES.get(row.get("priority_type", ""))
        if priority is not None:
            item["priority"] = priority
        if tags.get(row["task_id"]):
            item["tags"] = tags[row["task_id"]]
        return item

    def percent(self, row: dict[str, str], line: int, target: float, remain: float) -> float | None:
        kind = row.get("complete_pct_type", "CP_Drtn")
        if row.get("status_code") == "TK_Complete":
            return 100.0
        if kind == "CP_Phys":
            value = self.number(row, "phys_complete_pct", line, "TASK")
        elif kind == "CP_Units":
            done = self.number(row, "act_work_qty", line, "TASK")
            left = self.number(row, "remain_work_qty", line, "TASK")
            value = 100.0 * done / (done + left) if done + left > 0 else 0.0
        else:
            value = 100.0 * (target - remain) / target if target > 0 else 0.0
        return round(min(max(value, 0.0), 100.0), 2)

    def constraint(self, item: dict[str, Any], row: dict[str, str], line: int) -> None:
        kind = row.get("cstr_type", "")
        when = self.moment(row, "cstr_date", line, "TASK")
        if kind == "CS_ALAP":
            item["constraint"] = {"type": "alap"}
        elif kind in CONSTRAINTS and when is not None:
            item["constraint"] = {"type": CONSTRAINTS[kind], "date": when}
            if kind in ("CS_MANDSTART", "CS_MANDFIN"):
                self.warn(
                    line,
                    f"{item['id']}: a mandatory constraint ({kind}) is imported as "
                    f"{CONSTRAINTS[kind]}, which keeps its links",
                )
        elif kind:
            self.warn(line, f"{item['id']}: constraint {kind} without a date or unknown: left out")
        if row.get("cstr_type2"):
            self.warn(
                line,
                f"{item['id']}: a secondary constraint ({row['cstr_type2']}) is "
                "left out: progman holds one constraint per task",
            )

    # -- links and assignments ----------------------------------------------------------------

    def links(self, tasks: dict[str, dict[str, Any]]) -> None:
        for line, row in self.xer.table("TASKPRED").records():
            successor, predecessor = (
                tasks.get(row.get("task_id", "")),
                tasks.get(row.get("pred_task_id", "")),
            )
            for role, found, key in (
                ("successor", successor, "task_id"),
                ("predecessor", predecessor, "pred_task_id"),
            ):
                if found is None:
                    raise self.fail(
                        line,
                        f"TASKPRED {row.get('task_pred_id')}: its {role} activity "
                        f"{row.get(key)!r} is not in the file (exported without its project?); "
                        "export the projects it links together",
                    )
            assert successor is not None and predecessor is not None
            kind = LINK_TYPES.get(row.get("pred_type", ""))
            if kind is None:
                raise self.fail(
                    line,
                    f"TASKPRED: unknown link type {row.get('pred_type')!r}; "
                    "P6 writes PR_FS, PR_SS, PR_FF or PR_SF",
                )
            lag = self.number(row, "lag_hr_cnt", line, "TASKPRED")
            link: str | dict[str, Any] = {"task": predecessor["id"], "type": kind}
            if lag:
                link["lag"] = f"{lag:+g}h"  # type: ignore[index]
            elif kind == "FS":
                link = predecessor["id"]  # the plain form, which a plan validates fastest
            successor.setdefault("depends", []).append(link)
        apart: list[tuple[int, str]] = []
        for line, row in self.xer.table("TASKRSRC").records():
            item = tasks.get(row.get("task_id", ""))
            if item is None:
                raise self.fail(
                    line,
                    f"TASKRSRC {row.get('taskrsrc_id')}: activity "
                    f"{row.get('task_id')!r} is not in the file",
                )
            who = row.get("rsrc_id", "")
            if not who:
                self.warn(
                    line, f"{item['id']}: an assignment of a role without a resource: left out"
                )
                continue
            resource = self.resource_ids.get(who)
            if resource is None:
                raise self.fail(
                    line, f"TASKRSRC {row.get('taskrsrc_id')}: resource {who!r} is not in the file"
                )
            units = self.number(row, "target_qty_per_hr", line, "TASKRSRC")
            work = self.number(row, "target_qty", line, "TASKRSRC")
            assignment: dict[str, Any] = {"resource": resource, "units": min(max(units, 0), 100)}
            if work > 0 and self.resource_kinds.get(resource) == "person":
                assignment["work"] = f"{work:g}h"
            item.setdefault("resources", []).append(assignment)
            if self.other_days(item["id"], resource):
                apart.append((line, f"{item['id']} ({resource})"))
        if apart:
            named = ", ".join(text for _, text in apart[:5])
            more = f" and {len(apart) - 5} more" if len(apart) > 5 else ""
            self.warn(
                apart[0][0],
                f"task-dependent activities with people on other working days than their own "
                f"calendar: {named}{more}; P6 schedules them on the activity's calendar, "
                "progman on the days both the activity's and the person's calendars work",
            )

    def other_days(self, activity: str, resource: str) -> bool:
        """Whether a person's calendar works other days than a task-dependent activity's."""
        own = self.own_calendar.get(activity)
        theirs = self.resource_calendars.get(resource)
        if own is None or not theirs or self.resource_kinds.get(resource) != "person":
            return False
        days = ("workdays", "holidays", "working_days")
        first, second = self.calendar_data.get(own, {}), self.calendar_data.get(theirs, {})
        return any(first.get(key) != second.get(key) for key in days)


def _entity_at(data: dict[str, Any], path: tuple[Any, ...]) -> tuple[str | None, str]:
    """The id of the deepest entity on ``path`` in ``data``, and the path as text."""
    node: Any = data
    ident = None
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            ident = node["id"]
    return ident, ".".join(str(part) for part in path)
