"""How the engine reads a plan where schedulers differ: the program's ``scheduling`` block.

A plan written by hand keeps progman's defaults; an importer sets what the file's own tool
does (MS Project, Primavera P6), so that the dates progman computes are the ones that tool
stored. See docs/scheduling.md (*Scheduling settings*).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from progman.domain.base import Entity

#: On which calendar a link's lag counts (P6's "calendar for scheduling relationship lag").
LagCalendar = Literal["successor", "predecessor", "24h", "program"]
#: How progress and the status date place the remaining work.
ProgressMode = Literal["data_date", "continuous"]

LAG_CALENDARS: tuple[LagCalendar, ...] = ("successor", "predecessor", "24h", "program")
PROGRESS_MODES: tuple[ProgressMode, ...] = ("data_date", "continuous")


class SchedulingSettings(Entity):
    """The scheduling rules a program follows where MS Project and P6 differ."""

    lag_calendar: LagCalendar = Field(
        default="successor",
        description="the calendar a link's lag counts on: the successor's (default, as MS "
        "Project), the predecessor's (Primavera P6's default), 24h (wall-clock time) or the "
        "program's calendar",
    )
    progress: ProgressMode = Field(
        default="data_date",
        description="data_date (default, as Primavera P6): the status date is the data "
        "date, remaining work and work not started come after it; continuous (as MS "
        "Project): a started task's remaining work follows its actual start and the work "
        "done, and the status date holds nothing back",
    )


DEFAULT_SCHEDULING = SchedulingSettings()
