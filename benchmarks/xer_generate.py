"""Generated Primavera P6 XER files: the benchmark's 10,000 activities and the tests' small
programs (projects, WBS, activities of every type, links of the four types with lags,
calendars with exceptions, resources with rates, assignments, activity codes)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

_EPOCH = date(1899, 12, 30)
HEADER = (
    "ERMHDR\t19.12\t2027-01-04\tProject\tadmin\tAdmin\tdbxDatabaseNoName\tProject Management\tUSD"
)
_WEEK = "".join(
    f"(0||{day}()({'' if day in (1, 7) else '(0||0(s|08:00|f|12:00)())(0||1(s|13:00|f|17:00)())'}))"
    for day in range(1, 8)
)


def calendar_data(holidays: list[date]) -> str:
    """``clndr_data`` of a Monday-to-Friday 8-hour week with ``holidays`` off."""
    exceptions = "".join(f"(0||{k}(d|{(day - _EPOCH).days})())" for k, day in enumerate(holidays))
    return (
        f"(0||CalendarData()((0||DaysOfWeek()({_WEEK}))"
        f"(0||VIEW(ShowTotal|Y)())(0||Exceptions()({exceptions}))))"
    )


def table(name: str, fields: list[str], rows: list[list[object]]) -> list[str]:
    lines = [f"%T\t{name}", "%F\t" + "\t".join(fields)]
    lines += ["%R\t" + "\t".join("" if v is None else str(v) for v in row) for row in rows]
    return lines


def _stamp(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M")


def xer_text(
    activities: int = 10_000,
    projects: int = 10,
    *,
    seed: int = 7,
    links_per_activity: float = 1.5,
    start: date = date(2027, 1, 4),
) -> str:
    """An XER file of ``projects`` projects holding ``activities`` activities in a WBS of
    three levels, with links (some across projects), resources and assignments."""
    rng = random.Random(seed)
    out = [HEADER]
    # no CURRTYPE: MPXJ reads the currency table only with all its fields
    holidays = [date(2027, 5, 31), date(2027, 7, 5), date(2027, 12, 24)]
    out += table(
        "CALENDAR",
        [
            "clndr_id",
            "default_flag",
            "clndr_name",
            "proj_id",
            "base_clndr_id",
            "clndr_type",
            "day_hr_cnt",
            "week_hr_cnt",
            "clndr_data",
        ],
        [[1, "Y", "Standard 5 Day", "", "", "CA_Base", 8, 40, calendar_data(holidays)]],
    )
    out += table(
        "PROJECT",
        ["proj_id", "proj_short_name", "clndr_id", "plan_start_date", "last_recalc_date"],
        [[p + 1, f"PRJ{p + 1}", 1, f"{start} 00:00", f"{start} 00:00"] for p in range(projects)],
    )
    wbs_rows: list[list[object]] = []
    leaves: list[tuple[int, int]] = []  # (wbs_id, proj_id)
    wbs_id = 100
    for p in range(1, projects + 1):
        root = wbs_id = wbs_id + 1
        wbs_rows.append([root, p, 0, "Y", f"PRJ{p}", f"Project {p}", ""])
        for phase in range(1, 4):
            node = wbs_id = wbs_id + 1
            wbs_rows.append([node, p, phase, "N", str(phase), f"Phase {phase}", root])
            for part in range(1, 4):
                leaf = wbs_id = wbs_id + 1
                wbs_rows.append([leaf, p, part, "N", str(part), f"Part {phase}.{part}", node])
                leaves.append((leaf, p))
    out += table(
        "PROJWBS",
        [
            "wbs_id",
            "proj_id",
            "seq_num",
            "proj_node_flag",
            "wbs_short_name",
            "wbs_name",
            "parent_wbs_id",
        ],
        wbs_rows,
    )
    resources = 50
    out += table(
        "RSRC",
        ["rsrc_id", "parent_rsrc_id", "clndr_id", "rsrc_name", "rsrc_short_name", "rsrc_type"],
        [[r + 1, "", 1, f"Person {r + 1}", f"R{r + 1}", "RT_Labor"] for r in range(resources)],
    )
    out += table(
        "RSRCRATE",
        ["rsrc_rate_id", "rsrc_id", "max_qty_per_hr", "cost_per_qty", "start_date"],
        [[r + 1, r + 1, 1, 50 + r, "2020-01-01 00:00"] for r in range(resources)],
    )
    per_project = activities // projects
    task_rows: list[list[object]] = []
    ids: list[tuple[int, int]] = []  # (task_id, proj_id)
    for k in range(activities):
        p = min(k // per_project, projects - 1) + 1
        project_leaves = [leaf for leaf, owner in leaves if owner == p]
        leaf = project_leaves[(k % per_project) * len(project_leaves) // per_project]
        task_id = 1000 + k
        kind = "TT_FinMile" if k % 50 == 49 else "TT_Task"
        hours = 0 if kind == "TT_FinMile" else 8 * rng.randint(1, 10)
        task_rows.append(
            [
                task_id,
                p,
                leaf,
                1,
                kind,
                "TK_NotStart",
                f"A{k + 1:05d}",
                f"Activity {k + 1}",
                hours,
                hours,
                "",
                "",
                f"{start} 08:00",
                "",
            ]
        )
        ids.append((task_id, p))
    out += table(
        "TASK",
        [
            "task_id",
            "proj_id",
            "wbs_id",
            "clndr_id",
            "task_type",
            "status_code",
            "task_code",
            "task_name",
            "target_drtn_hr_cnt",
            "remain_drtn_hr_cnt",
            "act_start_date",
            "act_end_date",
            "target_start_date",
            "cstr_type",
        ],
        task_rows,
    )
    links: list[list[object]] = []
    types = ["PR_FS"] * 7 + ["PR_SS", "PR_FF", "PR_SF"]
    seen: set[tuple[int, int]] = set()
    for k in range(1, activities):
        for _ in range(int(links_per_activity) + (rng.random() < links_per_activity % 1)):
            j = rng.randrange(max(0, k - 200), k)
            if (j, k) in seen:
                continue
            seen.add((j, k))
            kind = rng.choice(types)
            lag = rng.choice([0, 0, 0, 8, 16, -8])
            links.append([len(links) + 1, ids[k][0], ids[j][0], ids[k][1], ids[j][1], kind, lag])
    out += table(
        "TASKPRED",
        [
            "task_pred_id",
            "task_id",
            "pred_task_id",
            "proj_id",
            "pred_proj_id",
            "pred_type",
            "lag_hr_cnt",
        ],
        links,
    )
    assignments = [
        [n + 1, task_id, proj, rng.randrange(resources) + 1, 1, 40]
        for n, (task_id, proj) in enumerate(ids[: activities // 2])
    ]
    out += table(
        "TASKRSRC",
        ["taskrsrc_id", "task_id", "proj_id", "rsrc_id", "target_qty_per_hr", "target_qty"],
        assignments,
    )
    out += table("ACTVTYPE", ["actv_code_type_id", "actv_code_type"], [[1, "Area"]])
    out += table(
        "ACTVCODE",
        ["actv_code_id", "actv_code_type_id", "short_name", "actv_code_name"],
        [[1, 1, "North", "North side"], [2, 1, "South", "South side"]],
    )
    out += table(
        "TASKACTV",
        ["task_id", "actv_code_type_id", "actv_code_id", "proj_id"],
        [[task_id, 1, 1 + n % 2, proj] for n, (task_id, proj) in enumerate(ids[::10])],
    )
    out.append("%E")
    return "\r\n".join(out) + "\r\n"


def small_program_text(start: datetime = datetime(2027, 1, 4)) -> str:
    """Two projects of a few activities with a cross-project link, for the tests."""
    return xer_text(activities=40, projects=2, seed=3, start=start.date())


def shift(moment: datetime, days: int) -> datetime:
    return moment + timedelta(days=days)
