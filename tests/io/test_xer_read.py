"""P6 XER import on generated files: the mapping of each table, and the encodings."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from benchmarks.xer_generate import HEADER, calendar_data, table, xer_text

from progman.io.xer_read import read_xer
from progman.io.xer_tables import XerInvalid, detect_encoding
from progman.services.scheduling import schedule_program

CALENDAR_FIELDS = ["clndr_id", "default_flag", "clndr_name", "day_hr_cnt", "clndr_data"]
TASK_FIELDS = [
    "task_id", "proj_id", "wbs_id", "clndr_id", "task_type", "status_code", "task_code",
    "task_name", "target_drtn_hr_cnt", "remain_drtn_hr_cnt", "act_start_date", "act_end_date",
    "cstr_type", "cstr_date", "complete_pct_type", "phys_complete_pct",
]  # fmt: skip


def write(tmp_path, lines: list[str], name: str = "plan.xer", encoding: str = "cp1252"):
    path = tmp_path / name
    path.write_bytes(("\r\n".join([*lines, "%E"]) + "\r\n").encode(encoding))
    return path


def two_projects(tasks: list[list[object]], links: list[list[object]] = ()) -> list[str]:
    """Two projects (A from 2027-01-04, B) with a WBS node each and ``tasks``."""
    return [
        HEADER,
        *table("CALENDAR", CALENDAR_FIELDS, [
            [1, "Y", "Standard", 8, calendar_data([date(2027, 1, 6)])],
            [2, "N", "Six days", 8, calendar_data([]).replace("(0||7()())",
                                                              "(0||7()((0||0(s|08:00|f|16:00)())))")],
        ]),
        *table("PROJECT", ["proj_id", "proj_short_name", "clndr_id", "plan_start_date",
                           "last_recalc_date"],
               [[1, "A", 1, "2027-01-04 00:00", "2027-01-04 00:00"],
                [2, "B", 1, "2027-01-04 00:00", "2027-01-04 00:00"]]),
        *table("PROJWBS", ["wbs_id", "proj_id", "seq_num", "proj_node_flag", "wbs_short_name",
                           "wbs_name", "parent_wbs_id"],
               [[10, 1, 0, "Y", "A", "Alpha", ""], [11, 1, 2, "N", "D", "Design", 10],
                [12, 1, 1, "N", "B", "Build", 10], [20, 2, 0, "Y", "B", "Beta", ""]]),
        *table("TASK", TASK_FIELDS, tasks),
        *table("TASKPRED", ["task_pred_id", "task_id", "pred_task_id", "pred_type",
                            "lag_hr_cnt"], list(links)),
    ]  # fmt: skip


def line_of(path, start: str) -> int:
    """The number of the line of ``path`` that starts with ``start``."""
    lines = path.read_bytes().decode("cp1252").split("\r\n")
    return next(n for n, line in enumerate(lines, 1) if line.startswith(start))


def task(ident, project, wbs, code, hours, *, kind="TT_Task", **fields) -> list[object]:
    row = dict.fromkeys(TASK_FIELDS, "")
    row.update(task_id=ident, proj_id=project, wbs_id=wbs, clndr_id=1, task_type=kind,
               status_code="TK_NotStart", task_code=code, task_name=f"Task {code}",
               target_drtn_hr_cnt=hours, remain_drtn_hr_cnt=hours)  # fmt: skip
    row.update(fields)
    return list(row.values())


def test_projects_wbs_activities_links(tmp_path):
    path = write(tmp_path, two_projects(
        [task(1, 1, 11, "A10", 24), task(2, 1, 12, "A20", 8, clndr_id=2),
         task(3, 1, 11, "M1", 0, kind="TT_FinMile"), task(4, 2, 20, "B10", 24),
         task(5, 2, 20, "B20", 8, cstr_type="CS_MSOA", cstr_date="2027-01-20 08:00")],
        [[1, 2, 1, "PR_FS", 0], [2, 3, 2, "PR_SS", 8], [3, 4, 3, "PR_FF", -4],
         [4, 5, 4, "PR_SF", 0]],
    ))  # fmt: skip
    imported = read_xer(path)
    program = imported.program
    assert [p.id for p in program.projects] == ["A", "B"]
    assert [p.name for p in program.projects] == ["Alpha", "Beta"]
    alpha = program.projects[0]
    assert [(t.id, t.name) for t in alpha.tasks] == [("A.B", "Build"), ("A.D", "Design")]
    items = program.task_index()
    assert [t.id for t in items["A.D"].tasks] == ["A.A10", "A.M1"]
    assert str(items["A.A10"].duration) == "24h"
    assert items["A.A20"].calendar == "Six-days"
    assert items["A.M1"].milestone and items["A.M1"].duration is None
    assert [str(d.model_dump()) for d in items["A.A20"].depends] == ["A.A10"]
    assert items["A.M1"].depends[0].model_dump() == "A.A20 SS+8h"
    assert items["B.B10"].depends[0].model_dump() == "A.M1 FF-4h"  # across projects
    assert items["B.B20"].depends[0].model_dump() == "B.B10 SF"
    assert items["B.B20"].constraint.type == "snet"
    assert items["B.B20"].constraint.date == datetime(2027, 1, 20, 8)
    assert program.status_date == date(2027, 1, 3)  # data date 2027-01-04 00:00
    six = program.calendars["Six-days"]
    assert six.workdays == ["mon", "tue", "wed", "thu", "fri", "sat"]
    assert program.calendars["Standard"].holidays[0].start == date(2027, 1, 6)
    dates = {t["id"]: t for t in schedule_program(program).to_json()["tasks"]}
    # 24 hours from Monday 4 January; Wednesday 6 January is a holiday
    assert dates["A.A10"]["finish"] == "2027-01-07T16:00"
    assert imported.warnings == ()


def test_progress_status_and_warnings(tmp_path):
    path = write(tmp_path, two_projects(
        [task(1, 1, 11, "DONE", 16, status_code="TK_Complete",
              act_start_date="2026-12-28 08:00", act_end_date="2026-12-29 17:00"),
         task(2, 1, 11, "HALF", 40, status_code="TK_Active", remain_drtn_hr_cnt=16,
              act_start_date="2026-12-30 08:00", complete_pct_type="CP_Phys",
              phys_complete_pct=50),
         task(3, 1, 11, "LOE", 8, kind="TT_LOE"),
         task(4, 2, 20, "SEC", 8, cstr_type="CS_MEOB", cstr_date="2027-02-01 17:00")],
    ))  # fmt: skip
    imported = read_xer(path)
    items = imported.program.task_index()
    assert items["A.DONE"].status == "done"
    assert items["A.DONE"].actual_finish == datetime(2026, 12, 29, 17)
    assert items["A.HALF"].percent_complete == 50.0 and str(items["A.HALF"].remaining) == "16h"
    assert items["B.SEC"].constraint.type == "fnlt"
    loe, empty = imported.warnings
    assert "A.LOE: a level-of-effort activity" in loe.message
    assert loe.location.line == 20 and loe.location.file == str(path)  # its TASK row
    assert empty.message == "WBS node A.B holds no activity: left out"
    assert empty.location.line == 14  # its PROJWBS row
    assert "A.B" not in items


def test_generated_program_keeps_every_row(tmp_path):
    path = tmp_path / "gen.xer"
    path.write_text(xer_text(activities=300, projects=3), encoding="cp1252", newline="")
    imported = read_xer(path)
    program = imported.program
    items = list(program.work_items())
    assert len(program.projects) == 3
    assert sum(not item.is_summary for item in items) == 300
    assert sum(item.is_summary for item in items) == 3 * 12  # 3 phases of 3 parts each
    assert sum(item.milestone for item in items) == 6
    assert len(program.resources) == 50 and program.resources[0].rate == 50
    assert sum(len(item.resources) for item in items) == 150
    tagged = [item for item in items if item.tags]
    assert len(tagged) == 30 and tagged[0].tags == ["Area:North"]
    assert imported.warnings == ()
    assert schedule_program(program).to_json()["finish"] > "2027-01-04"


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        ("Café Müller Straße", "cp1252", "cp1252"),
        ("Задача строительства", "cp1251", "cp1251"),
        ("Задача строительства", "utf-8", "utf-8"),
        ("Café", "utf-8-sig", "utf-8-sig"),
        ("plain", "ascii", "cp1252"),
    ],
)
def test_encodings_are_detected(tmp_path, text, encoding, expected):
    lines = two_projects([task(1, 1, 11, "A10", 8, task_name=text)])
    path = write(tmp_path, lines, encoding=encoding)
    assert detect_encoding(path.read_bytes()) == expected
    (item,) = [i for i in read_xer(path).program.work_items() if not i.is_summary]
    assert item.name == text


def test_an_encoding_named_in_the_header_wins(tmp_path):
    lines = two_projects([task(1, 1, 11, "A10", 8, task_name="Żółw")])
    lines[0] += "\tcp1250"
    path = write(tmp_path, lines, encoding="cp1250")
    (item,) = [i for i in read_xer(path).program.work_items() if not i.is_summary]
    assert item.name == "Żółw"


def test_a_byte_the_encoding_does_not_have_is_named(tmp_path):
    path = write(tmp_path, two_projects([task(1, 1, 11, "A10", 8, task_name="x")]))
    path.write_bytes(path.read_bytes().replace(b"\tx\t", b"\tx\x81\x8d\t"))
    with pytest.raises(XerInvalid) as caught:
        read_xer(path)
    assert caught.value.location.line == 18  # the TASK row
    assert "byte 0x81" in caught.value.message and "cp1252" in caught.value.message


def test_p6_scheduling_settings_and_the_projects_options(tmp_path):
    lines = two_projects([task(1, 1, 11, "A10", 8)])
    assert read_xer(write(tmp_path, lines)).program.scheduling.lag_calendar == "predecessor"
    options = table(
        "SCHEDOPTIONS",
        ["schedoptions_id", "proj_id", "sched_calendar_on_relationship_lag",
         "sched_progress_override"],
        [[1, 1, "rcal_24Hour", "Y"], [2, 2, "rcal_Successor", "N"]],
    )  # fmt: skip
    path = write(tmp_path, [*lines, *options], "options.xer")
    imported = read_xer(path)
    assert imported.program.scheduling.lag_calendar == "24h"
    assert imported.program.scheduling.progress == "data_date"
    override, differ = [w for w in imported.warnings if "holds no activity" not in w.message]
    assert "progress override" in override.message
    assert override.location.line == line_of(path, "%R\t1\t1\trcal_24Hour")
    assert "different calendars (24h, successor)" in differ.message


def test_people_on_other_days_than_a_task_dependent_activity(tmp_path):
    lines = two_projects([task(1, 1, 11, "A10", 8), task(2, 1, 11, "A20", 8, task_type="TT_Rsrc")])
    people = [
        *table(
            "RSRC",
            ["rsrc_id", "clndr_id", "rsrc_name", "rsrc_short_name", "rsrc_type"],
            [[7, 2, "Sam", "SAM", "RT_Labor"], [8, 1, "Ann", "ANN", "RT_Labor"]],
        ),
        *table(
            "TASKRSRC",
            ["taskrsrc_id", "task_id", "rsrc_id", "target_qty_per_hr", "target_qty"],
            [[1, 1, 7, 1, 8], [2, 1, 8, 1, 8], [3, 2, 7, 1, 8]],
        ),
    ]
    path = write(tmp_path, [*lines, *people])
    warnings = read_xer(path).warnings
    (warning,) = [w for w in warnings if "holds no activity" not in w.message]
    # A10 is task dependent, its calendar works Monday to Friday, Sam's also Saturday; A20
    # is resource dependent (P6 uses Sam's calendar too); Ann shares A10's calendar
    assert "other working days than their own calendar: A.A10 (SAM);" in warning.message
    assert warning.location.line == line_of(path, "%R\t1\t1\t7\t")  # its TASKRSRC row


def test_the_encoding_can_be_named(tmp_path, monkeypatch):
    lines = two_projects([task(1, 1, 11, "A10", 8, task_name="Čas běží")])
    path = write(tmp_path, lines, encoding="cp1250")  # Czech: the guess would be cp1252
    monkeypatch.setenv("PROGMAN_XER_ENCODING", "windows-1250")
    (item,) = [i for i in read_xer(path).program.work_items() if not i.is_summary]
    assert item.name == "Čas běží"
    monkeypatch.setenv("PROGMAN_XER_ENCODING", "klingon")
    with pytest.raises(XerInvalid, match="unknown encoding 'klingon'"):
        read_xer(path)


def test_a_calendar_the_file_does_not_hold_is_a_warning(tmp_path):
    path = write(tmp_path, two_projects([task(1, 1, 11, "A10", 8, clndr_id=99)]))
    warnings = [w for w in read_xer(path).warnings if "holds no activity" not in w.message]
    (warning,) = warnings
    assert warning.message == "A.A10: calendar '99' is not in the file; on its project's"
    assert warning.location.line == line_of(path, "%R\t1\t1\t11\t99")


def test_no_project_and_twice_the_same_activity_are_refused(tmp_path):
    lines = [line for line in two_projects([]) if not line.startswith("%R\t1\tA")]
    lines = [line for line in lines if not line.startswith("%R\t2\tB")]
    with pytest.raises(XerInvalid, match="no PROJECT table row"):
        read_xer(write(tmp_path, lines, "none.xer"))
    path = write(tmp_path, two_projects([task(1, 1, 11, "A10", 8), task(1, 1, 11, "A20", 8)]))
    with pytest.raises(XerInvalid, match="activity 1 is listed twice") as caught:
        read_xer(path)
    assert caught.value.location.line == line_of(path, "%R\t1\t1\t11\t1\tTT_Task\tTK_NotStart\tA20")


def test_projects_with_different_data_dates(tmp_path):
    lines = two_projects([task(1, 1, 11, "A10", 8), task(2, 2, 20, "B10", 8)])
    lines = [
        line.replace("\t2027-01-04 00:00\t2027-01-04 00:00", "\t2027-01-04 00:00\t2027-02-01 00:00")
        if line.startswith("%R\t2\tB")
        else line
        for line in lines
    ]
    path = write(tmp_path, lines)
    imported = read_xer(path)
    assert imported.program.status_date == date(2027, 1, 31)
    (warning,) = [w for w in imported.warnings if "holds no activity" not in w.message]
    assert "different data dates (2027-01-04 00:00, 2027-02-01 00:00)" in warning.message
    assert warning.location.line == line_of(path, "%R\t2\tB")
