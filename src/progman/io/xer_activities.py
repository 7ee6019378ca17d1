"""The work breakdown of an XER file: ``PROJECT`` rows → projects, ``PROJWBS`` nodes →
nested summary items, ``TASK`` rows → work items (with their progress, constraint,
priority and activity-code tags) and ``TASKPRED`` rows → links.

Part of :mod:`progman.io.xer_read` (which assembles the program); kept apart so that each
module has one job.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from progman.io.xer_records import XerRecords

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
MILESTONES = ("TT_Mile", "TT_FinMile")


def project(
    records: XerRecords, line: int, row: dict[str, str], calendars: dict[str, str]
) -> dict[str, Any]:
    """A project of a ``PROJECT`` row, empty yet; its data date rides along as
    ``_data_date`` until the program takes the latest one as its status date."""
    code = row.get("proj_short_name") or f"P{row['proj_id']}"
    project: dict[str, Any] = {
        "id": records.unique(code, row["proj_id"], line),
        "name": code,
        "tasks": [],
    }
    start = records.moment(row, "plan_start_date", line, "PROJECT")
    if start is not None:
        project["start"] = start.date()
    finish = records.moment(row, "plan_end_date", line, "PROJECT")
    if finish is not None:
        project["deadline"] = finish.date()
    calendar = records.calendar_of(
        row, calendars, line, f"project {project['id']}", "the program's"
    )
    if calendar:
        project["calendar"] = calendar
    project["_data_date"] = records.moment(row, "last_recalc_date", line, "PROJECT")
    return project


def codes(records: XerRecords) -> dict[str, list[str]]:
    """Tags of each activity (``task_id``) from its activity codes: ``TYPE:CODE``."""
    types = {
        row.get("actv_code_type_id", ""): row.get("actv_code_type", "")
        for _, row in records.xer.table("ACTVTYPE").records()
    }
    values = {}
    for _, row in records.xer.table("ACTVCODE").records():
        kind = types.get(row.get("actv_code_type_id", ""), "")
        value = row.get("short_name") or row.get("actv_code_name") or ""
        values[row.get("actv_code_id", "")] = f"{kind}:{value}" if kind else value
    tags: dict[str, list[str]] = defaultdict(list)
    for line, row in records.xer.table("TASKACTV").records():
        tag = values.get(row.get("actv_code_id", ""))
        if tag is None:
            records.warn(
                line,
                f"TASKACTV of activity {row.get('task_id')}: activity code "
                f"{row.get('actv_code_id')!r} is not in the file; left out",
            )
            continue
        tags[row.get("task_id", "")].append(tag)
    return tags


def activities(
    records: XerRecords,
    projects: dict[str, dict[str, Any]],
    calendars: dict[str, str],
    tags: dict[str, list[str]],
) -> dict[str, dict[str, Any]]:
    """The WBS trees and activities, placed into ``projects``; activities by task_id."""
    nodes: dict[str, dict[str, Any]] = {}
    order: dict[str, tuple[int, int]] = {}
    roots: dict[str, str] = {}  # wbs_id of a project's root node -> proj_id
    wbs_rows = list(records.xer.table("PROJWBS").records())
    codes = {row["wbs_id"]: row.get("wbs_short_name", "") for _, row in wbs_rows}
    parents = {row["wbs_id"]: row.get("parent_wbs_id", "") for _, row in wbs_rows}
    for line, row in wbs_rows:
        project = projects.get(row.get("proj_id", ""))
        if project is None:
            raise records.fail(
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
        ident = records.unique(wanted, row["wbs_id"], line)
        nodes[row["wbs_id"]] = {"id": ident, "name": row.get("wbs_name") or ident, "tasks": []}
        order[row["wbs_id"]] = (int(records.number(row, "seq_num", line, "PROJWBS")), line)
    wbs_project = {row["wbs_id"]: row["proj_id"] for _, row in wbs_rows}
    tasks: dict[str, dict[str, Any]] = {}
    placed: dict[str, list[tuple[tuple[int, int], str, dict[str, Any]]]] = defaultdict(list)
    for line, row in records.xer.table("TASK").records():
        project = projects.get(row.get("proj_id", ""))
        if project is None:
            raise records.fail(
                line,
                f"TASK {row.get('task_code')!r} belongs to project {row.get('proj_id')!r}, "
                "which the file does not hold",
            )
        if row["task_id"] in tasks:
            raise records.fail(line, f"TASK: activity {row['task_id']} is listed twice")
        item = _activity(records, line, row, project, calendars=calendars, tags=tags)
        tasks[row["task_id"]] = item
        wbs = row.get("wbs_id", "")
        if wbs in nodes:
            nodes[wbs]["tasks"].append(item)
        else:
            if wbs not in roots:
                records.warn(
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
                records.warn(
                    records.lines.get(node["id"]),
                    f"{node['id']}: its parent WBS node {parent!r} is not in the file; "
                    "placed at the top of its project",
                )
            projects[wbs_project[wbs]]["tasks"].append(node)
    for project in projects.values():
        _prune(records, project["tasks"])
    return tasks


def _prune(records: XerRecords, items: list[dict[str, Any]]) -> None:
    """Leave out WBS nodes holding no activity (a progman summary has work below it)."""
    kept = []
    for item in items:
        if "tasks" in item:
            _prune(records, item["tasks"])
            if not item["tasks"]:
                records.warn(
                    records.lines.get(item["id"]),
                    f"WBS node {item['id']} holds no activity: left out",
                )
                continue
        kept.append(item)
    items[:] = kept


def _activity(
    records: XerRecords,
    line: int,
    row: dict[str, str],
    project: dict[str, Any],
    *,
    calendars: dict[str, str],
    tags: dict[str, list[str]],
) -> dict[str, Any]:
    """The work item of a ``TASK`` row; its planned start rides along as ``_planned``
    for a program whose projects name no start."""
    code = row.get("task_code") or row["task_id"]
    ident = records.unique(f"{project['id']}.{code}", row["task_id"], line)
    item: dict[str, Any] = {"id": ident, "name": row.get("task_name") or code}
    kind = row.get("task_type", "TT_Task")
    status = row.get("status_code", "TK_NotStart")

    def number(name: str) -> float:
        return records.number(row, name, line, "TASK")

    def moment(name: str) -> datetime | None:
        return records.moment(row, name, line, "TASK")

    actual_start, actual_finish = moment("act_start_date"), moment("act_end_date")
    item["_planned"] = moment("target_start_date") or moment("early_start_date")
    calendar = records.calendar_of(row, calendars, line, ident, "its project's")
    if calendar and calendar != project.get("calendar"):
        item["calendar"] = calendar
    if kind != "TT_Rsrc":  # P6 schedules it on its own calendar, whoever works on it
        records.own_calendar[ident] = calendar or project.get("calendar") or ""
    if kind in MILESTONES:
        item["milestone"] = True
        reached = actual_finish or actual_start if status != "TK_NotStart" else None
        if reached is not None:
            item["actual_finish"] = reached
    else:
        if kind == "TT_LOE":
            records.warn(
                line,
                f"{ident}: a level-of-effort activity; progman does not stretch "
                "it between its links: imported as a task of its duration",
            )
        elif kind == "TT_WBS":
            records.warn(
                line,
                f"{ident}: a WBS summary activity; imported as a task of its "
                "duration (progman's summaries are the WBS nodes)",
            )
        target, remain = number("target_drtn_hr_cnt"), number("remain_drtn_hr_cnt")
        if target < 0 or remain < 0:
            raise records.fail(line, f"TASK {code}: a negative duration")
        hours = remain if status == "TK_NotStart" else target
        item["duration"] = f"{hours:g}h"
        if actual_start is not None:
            item["actual_start"] = actual_start
        if status == "TK_Complete" and actual_finish is not None:
            item["actual_finish"] = actual_finish
        elif actual_start is not None:
            item["remaining"] = f"{remain:g}h"
        percent = _percent(records, row, line, target, remain)
        if percent is not None and actual_start is not None:
            item["percent_complete"] = percent
    if status == "TK_Complete":
        item["status"] = "done"
    elif status == "TK_Active":
        item["status"] = "in_progress"
    _constraint(records, item, row, line)
    priority = PRIORITIES.get(row.get("priority_type", ""))
    if priority is not None:
        item["priority"] = priority
    if tags.get(row["task_id"]):
        item["tags"] = tags[row["task_id"]]
    return item


def _percent(
    records: XerRecords, row: dict[str, str], line: int, target: float, remain: float
) -> float | None:
    """Percent complete the way the activity's ``complete_pct_type`` counts it."""
    kind = row.get("complete_pct_type", "CP_Drtn")
    if row.get("status_code") == "TK_Complete":
        return 100.0
    if kind == "CP_Phys":
        value = records.number(row, "phys_complete_pct", line, "TASK")
    elif kind == "CP_Units":
        done = records.number(row, "act_work_qty", line, "TASK")
        left = records.number(row, "remain_work_qty", line, "TASK")
        value = 100.0 * done / (done + left) if done + left > 0 else 0.0
    else:
        value = 100.0 * (target - remain) / target if target > 0 else 0.0
    return round(min(max(value, 0.0), 100.0), 2)


def _constraint(records: XerRecords, item: dict[str, Any], row: dict[str, str], line: int) -> None:
    """The primary constraint; a warning for what progman cannot hold of it."""
    kind = row.get("cstr_type", "")
    when = records.moment(row, "cstr_date", line, "TASK")
    if kind == "CS_ALAP":
        item["constraint"] = {"type": "alap"}
    elif kind in CONSTRAINTS and when is not None:
        item["constraint"] = {"type": CONSTRAINTS[kind], "date": when}
        if kind in ("CS_MANDSTART", "CS_MANDFIN"):
            records.warn(
                line,
                f"{item['id']}: a mandatory constraint ({kind}) is imported as "
                f"{CONSTRAINTS[kind]}, which keeps its links",
            )
    elif kind:
        records.warn(line, f"{item['id']}: constraint {kind} without a date or unknown: left out")
    if row.get("cstr_type2"):
        records.warn(
            line,
            f"{item['id']}: a secondary constraint ({row['cstr_type2']}) is "
            "left out: progman holds one constraint per task",
        )


def links(records: XerRecords, tasks: dict[str, dict[str, Any]]) -> None:
    """The ``TASKPRED`` links, added to their successors (``tasks`` by task_id)."""
    for line, row in records.xer.table("TASKPRED").records():
        successor, predecessor = (
            tasks.get(row.get("task_id", "")),
            tasks.get(row.get("pred_task_id", "")),
        )
        for role, found, key in (
            ("successor", successor, "task_id"),
            ("predecessor", predecessor, "pred_task_id"),
        ):
            if found is None:
                raise records.fail(
                    line,
                    f"TASKPRED {row.get('task_pred_id')}: its {role} activity "
                    f"{row.get(key)!r} is not in the file (exported without its project?); "
                    "export the projects it links together",
                )
        assert successor is not None and predecessor is not None
        kind = LINK_TYPES.get(row.get("pred_type", ""))
        if kind is None:
            raise records.fail(
                line,
                f"TASKPRED: unknown link type {row.get('pred_type')!r}; "
                "P6 writes PR_FS, PR_SS, PR_FF or PR_SF",
            )
        lag = records.number(row, "lag_hr_cnt", line, "TASKPRED")
        link: str | dict[str, Any] = {"task": predecessor["id"], "type": kind}
        if lag:
            link["lag"] = f"{lag:+g}h"  # type: ignore[index]
        elif kind == "FS":
            link = predecessor["id"]  # the plain form, which a plan validates fastest
        successor.setdefault("depends", []).append(link)
