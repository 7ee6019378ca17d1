"""A folder of plan files is one program; problems name the file they are in."""

from __future__ import annotations

import pytest

from progman.errors import PlanInvalid
from progman.planfile import dump_plan, load_plan

PROGRAM = """\
program: Folder demo
key: FD
start: 2027-01-04
resources:
  - {id: alice, name: Alice}
"""
API = """\
id: API
name: Backend
tasks:
  - {id: API.auth, name: Auth, duration: 5d, resources: {alice: 1.0}}
"""
MOB = """\
projects:
  - id: MOB
    name: Mobile
    tasks:
      - {id: MOB.build, name: Build, duration: 10d, depends: ["API.auth SS+2d"]}
risks:
  - {id: R1, title: Store review slow, probability: 0.3, affects: [MOB.build]}
"""


def make_folder(tmp_path, **files):
    folder = tmp_path / "plan"
    for name, text in files.items():
        path = folder / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


def test_folder_is_merged_in_file_order(tmp_path):
    folder = make_folder(
        tmp_path,
        **{"z_program.yaml": PROGRAM, "projects__a_api.yaml": API, "projects__b_mob.yml": MOB},
    )
    program = load_plan(folder)
    assert program.key == "FD"
    assert [p.id for p in program.projects] == ["API", "MOB"]
    assert program.projects[1].tasks[0].depends[0].task == "API.auth"
    assert [r.id for r in program.risks] == ["R1"]


def test_problems_name_their_own_file(tmp_path):
    folder = make_folder(
        tmp_path,
        **{
            "program.yaml": PROGRAM,
            "api.yaml": API,
            "mob.yaml": MOB.replace("API.auth SS", "API.ath SS"),
        },
    )
    with pytest.raises(PlanInvalid) as caught:
        load_plan(folder)
    [problem] = caught.value.problems
    assert str(problem).startswith(f"{folder / 'mob.yaml'}:5:")
    assert "did you mean 'API.auth'" in str(problem)


def test_setting_twice_across_files_is_an_error(tmp_path):
    folder = make_folder(tmp_path, **{"program.yaml": PROGRAM, "other.yaml": "key: OTHER\n"})
    with pytest.raises(PlanInvalid) as caught:
        load_plan(folder)
    assert "'key' is set in more than one file" in str(caught.value)
    assert str(folder / "other.yaml") + ":1:1" in str(caught.value)


def test_folder_without_program_or_files(tmp_path):
    with pytest.raises(PlanInvalid, match="no file in the folder names the program"):
        load_plan(make_folder(tmp_path, **{"api.yaml": API}))
    (tmp_path / "empty").mkdir()
    with pytest.raises(PlanInvalid, match=r"holds no \.yaml"):
        load_plan(tmp_path / "empty")


def test_dump_refuses_a_non_empty_folder(tmp_path, contract_plan):
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(Exception, match="not empty"):
        dump_plan(load_plan(contract_plan), tmp_path)
    assert (tmp_path / "keep.txt").read_text() == "mine"
