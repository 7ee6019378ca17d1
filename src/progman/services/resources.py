"""Resource load across a program's projects (``progman resources``): capacity, load,
utilisation and over-allocation per person and day, and who with a skill is free.

:func:`progman.services.inputs.parse_free_query` reads the question of ``--skill``,
``--free``, ``--between`` and ``--share`` (usage errors naming the option);
:func:`resource_report` answers it on the plain or the leveled schedule. The load itself
is the engine's :class:`LoadAnalysis` (re-exported for the interfaces that format it);
:meth:`ResourceReport.to_json` is the ``resources --json`` object.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from progman.domain import Program
from progman.engine.leveling import level
from progman.engine.load import FreeResource, LoadAnalysis, OverAllocation, analyse_load
from progman.engine.schedule import schedule
from progman.services.inputs import FreeQuery

__all__ = [
    "FreeQuery",
    "FreeResource",
    "LoadAnalysis",
    "OverAllocation",
    "ResourceReport",
    "resource_report",
]


@dataclass(frozen=True)
class ResourceReport:
    """The load of every resource, and the answer to the free query if one was asked."""

    analysis: LoadAnalysis
    query: FreeQuery | None = None
    free: list[FreeResource] | None = None  # None: no query asked

    def to_json(self) -> dict[str, Any]:
        """The engine's load JSON, with ``"free"`` when a free query was asked."""
        data = self.analysis.to_json()
        if self.query is not None and self.free is not None:
            query = self.query
            data["free"] = {
                "skill": query.skill,
                "days": query.days,
                "share": query.share,
                "between": [query.first.isoformat(), query.last.isoformat()],
                "people": [
                    {
                        "id": p.resource,
                        "name": p.name,
                        "start": p.start.isoformat(),
                        "finish": p.finish.isoformat(),
                        "free": round(p.free, 4),
                    }
                    for p in self.free
                ],
            }
        return data


def resource_report(
    program: Program,
    *,
    status_date: date | None = None,
    leveled: bool = False,
    query: FreeQuery | None = None,
) -> ResourceReport:
    """Load and capacity per resource and day on the program's schedule (after resource
    leveling when ``leveled``), limited to the query's window when there is a query."""
    if leveled:
        planned = level(program, status_date=status_date).schedule
    else:
        planned = schedule(program, status_date=status_date)
    window = (query.first, query.last) if query is not None else (None, None)
    analysis = analyse_load(program, planned, *window)
    if query is None or not query.skill:
        return ResourceReport(analysis)
    found = analysis.free(query.skill, query.days, query.first, query.last, share=query.share)
    return ResourceReport(analysis, query, found)
