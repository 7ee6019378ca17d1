"""Starts an MSPDI file holds but nothing in it explains, kept as start-no-earlier-than.

MS Project starts an auto-scheduled task that nothing drives (no link of its own or of a
summary above it, as soon as possible) at the project start; when a user types a later
start, it records it as a start-no-earlier-than constraint. Files other tools write as MSPDI
(GanttProject through MPXJ, whose conversion drops most of GanttProject's links) hold such
tasks at a later start with no constraint: read by MS Project's rules they would all move
to the project start. An import never loses the dates the file holds, so such a task keeps
its file start as a start-no-earlier-than date, as MS Project would have stored it, and one
warning names them. A file MS Project wrote never has one (progman places each of its
undriven tasks where MS Project did), so it gains no constraint.

Part of :mod:`progman.io.mspdi_read`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from progman.errors import ProgmanError
from progman.io.mspdi_format import as_float

if TYPE_CHECKING:
    from progman.domain import Program
    from progman.io.mspdi_read import _Reader

OPENING = time(8)
KEPT = (
    "started later in the file than anything in it explains (no link of their own or of a "
    "summary above them, no progress); kept as start-no-earlier-than their file start, as "
    "MS Project records a start typed in: remove the constraint to let them start at the "
    "project start"
)
REPLACED = (
    "held in the file at a start later than their start-no-earlier-than date (the tool that "
    "wrote it did not apply the date); the constraint now holds their file start: set it "
    "back to let them start on the older date"
)


def eligible(fields: dict[str, Any], entry: dict[str, Any], percent: float) -> bool:
    """Whether the task may keep its file start: auto-scheduled, not leveled, not started,
    as soon as possible or start-no-earlier-than (what the file's start can replace)."""
    constraint = entry.get("constraint")
    return (
        fields.get("Manual") != "1"
        and as_float(fields.get("LevelingDelay")) == 0
        and percent <= 0
        and "actual_start" not in entry
        and (constraint is None or constraint["type"] == "snet")
    )


def keep_file_starts(
    reader: _Reader, data: dict[str, Any], program: Program, starts: dict[str, datetime]
) -> Program:
    """``program``, or the program of ``data`` with a start-no-earlier-than date on each
    undriven task of ``starts`` (id → file start, of the :func:`eligible` tasks) that the
    file starts on a later day than progman would; a warning names them."""
    later = [
        entry
        for entry in _undriven_leaves(data["projects"], driven=False)
        if entry["id"] in starts and starts[entry["id"]].date() > _earliest(entry, program.start)
    ]
    if not later:
        return program
    from progman.engine.schedule import schedule  # noqa: PLC0415 - only when a task may move

    try:
        placed = schedule(program)
    except ProgmanError:
        return program  # scheduling the file fails; the plan's commands say why
    changed = False
    for entry in later:
        wanted = starts[entry["id"]]
        if placed.task(entry["id"]).start.date() >= wanted.date():
            continue  # its calendar (or its people's) puts it there: explained
        # a start at or before progman's working day opens (08:00) is that day
        day = wanted.date() if wanted.time() <= OPENING else wanted
        label = reader.labels[entry["id"]]
        old = entry.get("constraint")
        what = REPLACED if old else KEPT
        entry["constraint"] = {"type": "snet", "date": day}
        reader.group(what, f"{label} ({day})")
        changed = True
    return reader.validated(data) if changed else program


def _earliest(entry: dict[str, Any], first: date) -> date:
    """The earliest day progman may start the undriven ``entry``: the program's start, or
    its own start-no-earlier-than date before it (which wins, as in MS Project)."""
    constraint = entry.get("constraint")
    if constraint is None:
        return first
    day = constraint["date"]
    return min(first, day.date() if isinstance(day, datetime) else day)


def _undriven_leaves(items: list[dict[str, Any]], *, driven: bool) -> Iterator[dict[str, Any]]:
    """The tasks without children that no link of their own or of a summary above drives."""
    for entry in items:
        held = driven or bool(entry.get("depends"))
        if entry.get("tasks"):
            yield from _undriven_leaves(entry["tasks"], driven=held)
        elif not held:
            yield entry
