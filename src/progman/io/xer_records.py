"""What the parts of the XER reader share: the file, the warnings so far, the ids taken
(each with the line of its record, for a problem found later), and readers of a record's
numbers and dates that fail at file:line.

Kept apart from :mod:`progman.io.xer_read` so that the modules reading the work breakdown
(:mod:`progman.io.xer_activities`) and the resources (:mod:`progman.io.xer_resources`)
draw ids from one pool and warn into one list, without importing the module that calls
them.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any

from progman.errors import Location, Problem
from progman.io.xer_tables import XerFile, XerInvalid

_NOT_ID = re.compile(r"[^A-Za-z0-9_.\-/:]+")
_NOT_WORD = re.compile(r"[^A-Za-z0-9]+")
_DATE = re.compile(r"\d{4}-\d\d-\d\d(?: \d\d:\d\d(?::\d\d)?)?$")


class XerRecords:
    """One import in progress: the tables read, what was found so far and how to read a
    record's values (every problem names the file and the record's line)."""

    def __init__(self, xer: XerFile) -> None:
        self.xer = xer
        self.warnings: list[Problem] = []
        self.ids: set[str] = set()
        self.lines: dict[str, int] = {}  # plan id -> line of its record
        # What one part finds and another needs (assignments compare calendars):
        self.resource_ids: dict[str, str] = {}  # rsrc_id -> resource id
        self.resource_kinds: dict[str, str] = {}  # resource id -> kind
        self.resource_calendars: dict[str, str] = {}  # resource id -> calendar id
        self.own_calendar: dict[str, str] = {}  # task-dependent activity -> its calendar
        self.calendar_data: dict[str, Any] = {}  # calendar id -> progman calendar data

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
        """The number in field ``name`` (0 if blank)."""
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
        """The date and time in field ``name`` (None if blank)."""
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
