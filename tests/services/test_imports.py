"""services/imports.py: the format registry, the checks before reading, the import."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from progman.errors import InputNotFound
from progman.planfile import load_plan
from progman.services.imports import (
    DEFAULT_START,
    ImportUnsupported,
    OutputExists,
    check_import,
    direct_format,
    do_import_file,
    resolve_format,
)

SMALL_SM = """\
************************************************************************
jobs (incl. supersource/sink ):  4
horizon                       :  10
RESOURCES
  - renewable                 :  1   R
  - nonrenewable              :  0   N
  - doubly constrained        :  0   D
************************************************************************
PRECEDENCE RELATIONS:
jobnr.    #modes  #successors   successors
   1        1          2           2   3
   2        1          1           4
   3        1          1           4
   4        1          0
************************************************************************
REQUESTS/DURATIONS:
jobnr. mode duration  R 1
------------------------------------------------------------------------
  1      1     0       0
  2      1     3       2
  3      1     2       2
  4      1     0       0
************************************************************************
RESOURCEAVAILABILITIES:
  R 1
    3
************************************************************************
"""


@pytest.fixture
def sm(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.sm"
    path.write_text(SMALL_SM)
    return path


@pytest.mark.parametrize(
    ("name", "fmt", "expected"),
    [
        ("a.sm", "auto", "psplib"),
        ("a.XML", "auto", "mspdi"),
        ("a.xer", "auto", "xer"),
        ("a.csv", " CSV ", "csv"),
        ("a.csv", "jira-csv", "jira-csv"),
    ],
)
def test_formats(name, fmt, expected):
    assert resolve_format(Path(name), fmt) == expected


def test_a_csv_is_jira_s_export_by_its_header(tmp_path):
    tasks = tmp_path / "tasks.csv"
    tasks.write_text("id,name,summary\nA,a,\n")  # 'summary' alone: a tasks CSV's parent
    jira = tmp_path / "issues.csv"
    jira.write_text("\n Summary ; ISSUE KEY;Issue  Type\nx;A-1;Story\n")  # blank first row
    assert resolve_format(tasks, "auto") == direct_format(tasks) == "csv"
    assert resolve_format(jira, "auto") == direct_format(jira) == "jira-csv"
    assert resolve_format(jira, "csv") == "csv"  # what the user names wins
    assert direct_format(tmp_path / "plan.yaml") is None
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    assert direct_format(folder) is None


def test_unknown_formats():
    with pytest.raises(ImportUnsupported, match="unknown import format 'nope'; use one of auto"):
        resolve_format(Path("a.sm"), "nope")
    with pytest.raises(ImportUnsupported, match=r"cannot tell the format from the suffix '\.zzz'"):
        resolve_format(Path("a.zzz"), "auto")


def test_checks_before_anything_is_read(sm, tmp_path):
    out = tmp_path / "plan.yaml"
    assert check_import(sm, out) == "psplib"
    with pytest.raises(InputNotFound, match="no such file to import"):
        check_import(tmp_path / "none.sm", out)
    with pytest.raises(InputNotFound, match="is a folder, not a file to import"):
        check_import(tmp_path, out, "psplib")
    with pytest.raises(ImportUnsupported, match=r"write the plan to a \.yaml, \.yml or \.json"):
        check_import(sm, tmp_path / "plan.txt")
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    with pytest.raises(OutputExists, match="the output is a folder"):
        check_import(sm, folder)
    out.write_text("x")
    with pytest.raises(OutputExists, match="give --force to replace it"):
        check_import(sm, out)
    assert check_import(sm, out, force=True) == "psplib"
    assert out.read_text() == "x"  # nothing written


def test_an_import_writes_a_valid_plan(sm, tmp_path):
    out = tmp_path / "plan.yaml"
    done = do_import_file(sm, out)
    assert (done.jobs, done.milestones, done.links, done.resources) == (4, 2, 4, 1)
    assert done.start == DEFAULT_START and done.output == out
    program = load_plan(out)
    assert program.start == DEFAULT_START
    assert sum(1 for _ in program.work_items()) == 4
    again = do_import_file(sm, out, start=date(2028, 1, 3), force=True)
    assert load_plan(out).start == again.start == date(2028, 1, 3)
