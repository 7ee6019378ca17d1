"""The resources of an XER file: ``RSRC`` rows (with their rate from ``RSRCRATE``) →
progman resources, and ``TASKRSRC`` rows → assignments of resources to activities.

Part of :mod:`progman.io.xer_read` (which assembles the program); kept apart so that each
module has one job.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from progman.io.xer_records import XerRecords

RESOURCE_KINDS = {"RT_Labor": "person", "RT_Equip": "material", "RT_Mat": "material"}


def resources(records: XerRecords, calendars: dict[str, str]) -> list[dict[str, Any]]:
    """The resources of ``RSRC`` rows, each with its latest rate (``RSRCRATE``)."""
    rows = list(records.xer.table("RSRC").records())
    names = {row["rsrc_id"]: row.get("rsrc_name", "") for _, row in rows}
    rates: dict[str, list[tuple[datetime | None, float, float, int]]] = defaultdict(list)
    for line, rate in records.xer.table("RSRCRATE").records():
        rates[rate.get("rsrc_id", "")].append(
            (
                records.moment(rate, "start_date", line, "RSRCRATE"),
                records.number(rate, "cost_per_qty", line, "RSRCRATE"),
                records.number(rate, "max_qty_per_hr", line, "RSRCRATE"),
                line,
            )
        )
    resources: list[dict[str, Any]] = []
    ids: dict[str, str] = {}
    for line, row in rows:
        code = row.get("rsrc_short_name") or row.get("rsrc_name") or row["rsrc_id"]
        ident = records.unique(code, row["rsrc_id"], line)
        ids[row["rsrc_id"]] = ident
        kind = RESOURCE_KINDS.get(row.get("rsrc_type", ""), "person")
        resource: dict[str, Any] = {
            "id": ident,
            "name": row.get("rsrc_name") or code,
            "kind": kind,
        }
        calendar = records.calendar_of(row, calendars, line, f"resource {ident}", "the program's")
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
                records.warn(
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
            records.warn(
                line,
                f"resource {ident}: {resource['capacity']:g} units per hour is more than "
                "a person works; imported as a material resource (a pool of units)",
            )
            resource["kind"] = "material"
        resources.append(resource)
        records.resource_kinds[ident] = resource["kind"]
        records.resource_calendars[ident] = resource.get("calendar", "")
    records.resource_ids = ids
    return resources


def assignments(records: XerRecords, tasks: dict[str, dict[str, Any]]) -> None:
    """The ``TASKRSRC`` assignments, added to the activities (``tasks`` by task_id)."""
    apart: list[tuple[int, str]] = []
    for line, row in records.xer.table("TASKRSRC").records():
        item = tasks.get(row.get("task_id", ""))
        if item is None:
            raise records.fail(
                line,
                f"TASKRSRC {row.get('taskrsrc_id')}: activity "
                f"{row.get('task_id')!r} is not in the file",
            )
        who = row.get("rsrc_id", "")
        if not who:
            records.warn(
                line, f"{item['id']}: an assignment of a role without a resource: left out"
            )
            continue
        resource = records.resource_ids.get(who)
        if resource is None:
            raise records.fail(
                line, f"TASKRSRC {row.get('taskrsrc_id')}: resource {who!r} is not in the file"
            )
        units = records.number(row, "target_qty_per_hr", line, "TASKRSRC")
        work = records.number(row, "target_qty", line, "TASKRSRC")
        assignment: dict[str, Any] = {"resource": resource, "units": min(max(units, 0), 100)}
        if work > 0 and records.resource_kinds.get(resource) == "person":
            assignment["work"] = f"{work:g}h"
        item.setdefault("resources", []).append(assignment)
        if _other_days(records, item["id"], resource):
            apart.append((line, f"{item['id']} ({resource})"))
    if apart:
        named = ", ".join(text for _, text in apart[:5])
        more = f" and {len(apart) - 5} more" if len(apart) > 5 else ""
        records.warn(
            apart[0][0],
            f"task-dependent activities with people on other working days than their own "
            f"calendar: {named}{more}; P6 schedules them on the activity's calendar, "
            "progman on the days both the activity's and the person's calendars work",
        )


def _other_days(records: XerRecords, activity: str, resource: str) -> bool:
    """Whether a person's calendar works other days than a task-dependent activity's."""
    own = records.own_calendar.get(activity)
    theirs = records.resource_calendars.get(resource)
    if own is None or not theirs or records.resource_kinds.get(resource) != "person":
        return False
    days = ("workdays", "holidays", "working_days")
    first, second = records.calendar_data.get(own, {}), records.calendar_data.get(theirs, {})
    return any(first.get(key) != second.get(key) for key in days)
