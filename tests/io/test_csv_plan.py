"""CSV of tasks and links: export and import round-trip what the columns hold, formulas are
escaped, spreadsheet variants are read, and every bad cell is named by file:line:column."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import progman
from progman.errors import PlanInvalid, ProgmanError
from progman.io.csv_cells import COLUMNS, FORMULA_STARTS, escaped, unescaped
from progman.io.csv_export import write_csv
from progman.planfile import validate_plan_data
from progman.services.tabular_imports import read_csv_program as read_csv

#: What a work item holds that the CSV columns do not (docs/interop.md says so).
NOT_IN_CSV = {"tasks", "sprint", "checklist", "distribution", "interruptible", "calendar"}
PROJECT_FIELDS = ("id", "name", "start", "deadline", "priority", "tags", "description")


def rows_of(data: bytes) -> list[dict[str, str]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheets read UTF-8 right with the mark
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def test_sample_round_trip_keeps_every_column(tmp_path, sample_plan):
    original = progman.load_plan(sample_plan)
    path = tmp_path / "dpl.csv"
    path.write_bytes(write_csv(original))
    back = read_csv(path)

    assert back.start == original.start
    before = {i.id: i for i in original.work_items()}
    after = {i.id: i for i in back.work_items()}
    assert list(after) == list(before)  # same ids, same outline order
    for ident, item in before.items():
        assert after[ident].model_dump(exclude=NOT_IN_CSV) == item.model_dump(exclude=NOT_IN_CSV)
        assert [c.id for c in after[ident].tasks] == [c.id for c in item.tasks]
    for old, new in zip(original.projects, back.projects, strict=True):
        assert [getattr(new, f) for f in PROJECT_FIELDS] == [
            getattr(old, f) for f in PROJECT_FIELDS
        ]
    assert {r.id for r in back.resources} == {
        a.resource for i in before.values() for a in i.resources if a.resource
    }
    # and once more: the second export is the first
    assert write_csv(back).count(b"\n") == path.read_bytes().count(b"\n")


def test_export_has_the_schedule_and_readable_links(sample_plan):
    program = progman.load_plan(sample_plan)
    scheduled = progman.schedule(program)
    rows = rows_of(write_csv(program))
    assert list(rows[0]) == list(COLUMNS)
    items = {r["id"]: r for r in rows if r["kind"] != "project"}
    auth = scheduled.task("API.auth")
    assert items["API.auth"]["start"] == auth.start.strftime("%Y-%m-%d %H:%M")
    assert items["API.auth"]["finish"] == auth.finish.strftime("%Y-%m-%d %H:%M")
    assert items["API.arch_infra"]["depends"] == "API.arch_design SS+3d"
    assert items["API.auth"]["parent"] == "API.core" and items["API.auth"]["wbs"] == "2.1"
    assert items["API.arch_design"]["resources"] == "lena; priya 50%"
    assert [r["id"] for r in rows if r["kind"] == "project"] == [p.id for p in program.projects]


DANGEROUS = [
    '=HYPERLINK("http://x","y")',
    "+1+2",
    "-3",
    "@SUM(A1)",
    "\tTab",
    "\rCR",
    "'=quoted",
    "''",
]


def small_plan(names: list[str]) -> progman.Program:
    tasks = [{"id": f"P.t{n}", "name": name, "duration": "1d"} for n, name in enumerate(names)]
    data = {
        "program": "X",
        "key": "X",
        "start": "2027-01-04",
        "projects": [{"id": "P", "name": "=cmd|' /C calc'!A0", "tasks": tasks}],
    }
    return validate_plan_data(data)


def test_actual_costs_by_period_export_as_their_total(sample_plan):
    program = progman.load_plan(sample_plan)
    data = program.model_dump()
    task = data["projects"][0]["tasks"][0]["tasks"][0]  # API.arch_design, 13,900 spent
    task["actual_cost"] = None
    task["actual_costs"] = [{"end": date(2027, 1, 11), "amount": 9000.5},
                            {"end": date(2027, 1, 19), "amount": 4899.5}]  # fmt: skip
    items = {r["id"]: r for r in rows_of(write_csv(progman.Program.model_validate(data)))}
    assert items["API.arch_design"]["actual_cost"] == "13900"


def test_formula_cells_are_escaped_and_read_back(tmp_path):
    program = small_plan(DANGEROUS)
    data = write_csv(program)
    rows = rows_of(data)
    for row in rows:
        assert row["name"][0] not in "=+-@\t\r", row["name"]
    assert rows[0]["name"] == "'=cmd|' /C calc'!A0"
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    back = read_csv(path)
    assert [t.name for t in back.projects[0].tasks] == [t.name for t in program.projects[0].tasks]
    assert back.projects[0].name == "=cmd|' /C calc'!A0"


@pytest.mark.parametrize("cell", ["plain", "'apostrophe", "=x", "''=x", "-", "'", "@", "a=b"])
def test_escaping_is_undone_exactly(cell):
    assert unescaped(escaped(cell)) == cell


def test_semicolons_aliases_decimal_commas_and_wbs_numbers(tmp_path):
    path = tmp_path / "Road map 2027.csv"
    text = (
        "Project;ID;WBS;Task name;Duration;Predecessors;Resource names;% Complete;Story points\n"
        "R;R.a;1;Design;5d;;anna 50%;12,5;\n"
        "R;R.b;1.1;Wireframes;3d;;anna;100;2,5\n"
        "R;R.c;1.2;Review;1d;R.b FS+1d;bert 0,5 4h;;\n"
        "R;R.d;2;Launch;;R.c, R.b SS;;;\n"
    )
    path.write_bytes(text.encode("utf-8-sig"))
    program = read_csv(path, date(2027, 3, 1))
    assert program.key == "ROAD_MAP_2027" and program.start == date(2027, 3, 1)
    design = program.projects[0].tasks[0]
    assert [t.id for t in design.tasks] == ["R.b", "R.c"]
    review = design.tasks[1]
    assert [d.model_dump() for d in review.depends] == ["R.b FS+1d"]
    assert [d.model_dump() for d in program.projects[0].tasks[1].depends] == ["R.c", "R.b SS"]
    assert (review.resources[0].resource, review.resources[0].units) == ("bert", 0.5)
    assert str(review.resources[0].work) == "4h"
    assert design.percent_complete == 12.5 and design.tasks[0].story_points == 2.5


def test_windows_1252_file(tmp_path):
    path = tmp_path / "w.csv"
    path.write_bytes("id,name,duration,start\nA.x,Prüfung,2d,2027-01-04\n".encode("cp1252"))
    assert read_csv(path).projects[0].tasks[0].name == "Prüfung"


def problems_of(tmp_path: Path, text: str, start: date | None = date(2027, 1, 4)) -> list[str]:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanInvalid) as raised:
        read_csv(path, start)
    return [str(p) for p in raised.value.problems]


def test_bad_cells_are_named_by_line_and_column(tmp_path):
    found = problems_of(
        tmp_path,
        "project,id,parent,name,duration,depends,milestone,priority\n"
        "P,P.a,,Design,8x,,,\n"
        "P,P.b,P.zz,Build,3d,P.aa,,\n"
        "P,P.c,,Test,1d,,maybe,high\n",
    )
    path = tmp_path / "bad.csv"
    assert f"{path}:3:3: column 'parent': unknown parent 'P.zz'" in found[0]
    assert any(p.startswith(f"{path}:4:7: column 'milestone': write yes or no") for p in found)
    assert any(p.startswith(f"{path}:4:8: column 'priority': write a whole number") for p in found)
    assert len(found) == 3  # cell problems first; the plan's own checks once they are fixed


def test_plan_problems_are_placed_at_their_cells(tmp_path):
    found = problems_of(
        tmp_path,
        "id,name,duration,depends\nP.a,Design,8x,\nP.b,Build,3d,P.aa\n",
    )
    path = tmp_path / "bad.csv"
    assert found[0].startswith(f"{path}:2:3: column 'duration': ") and "'8x'" in found[0]
    assert found[1].startswith(f"{path}:3:4: column 'depends': ") and "'P.aa'" in found[1]
    assert "did you mean 'P.a'" in found[1]


def test_header_problems(tmp_path):
    found = problems_of(tmp_path, "id,nmae,duration,duration\nA,x,1d,1d\n")
    path = tmp_path / "bad.csv"
    assert found[0] == f"{path}:1:2: unknown column 'nmae'; did you mean 'name'?"
    assert found[1] == f"{path}:1:4: column 'duration' is given twice (also column 3)"
    assert found[2] == f"{path}:1: the header has no column 'name'"


def test_parent_circle_and_missing_start(tmp_path):
    found = problems_of(tmp_path, "id,name,parent\nA,a,B\nB,b,A\n", start=None)
    assert sum("lead round in a circle" in p for p in found) == 2
    assert any("progman import --start YYYY-MM-DD" in p for p in found)


def test_broken_quoting_is_an_error_with_its_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text('id,name\nA,"open\nB,b\n')
    with pytest.raises(ProgmanError) as raised:
        read_csv(path, date(2027, 1, 4))
    assert str(raised.value).startswith(f"{path}:2: the row starting here cannot be read")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", ": the file is empty: it needs a header row"),
        (b"id,name\r\n", ":2: the file has a header row and nothing below it"),
        (b"id,name\nA\x00,b\n", ": the file holds NUL bytes"),
    ],
)
def test_files_that_are_no_table(tmp_path, content, says):
    path = tmp_path / "t.csv"
    path.write_bytes(content)
    with pytest.raises(ProgmanError) as raised:
        read_csv(path, date(2027, 1, 4))
    assert str(raised.value).startswith(str(path)) and says in str(raised.value)


@given(st.text(max_size=30))
def test_any_cell_escapes_and_reads_back(cell):
    assert unescaped(escaped(cell)) == cell
    assert escaped(cell)[:1] not in FORMULA_STARTS


def test_a_big_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("PROGMAN_MAX_PLAN_MB", "0.001")
    path = tmp_path / "big.csv"
    path.write_text("id,name\n" + "A.x,a\n" * 500)
    with pytest.raises(ProgmanError) as raised:
        read_csv(path, date(2027, 1, 4))
    assert "larger than" in str(raised.value) and "PROGMAN_MAX_PLAN_MB" in str(raised.value)
