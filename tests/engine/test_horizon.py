"""A schedule past the end of the calendar tables names what reaches so far: the vacation
or the holiday, with its field path, and the command line places it at file:line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

import progman
from progman.cli.main import main
from progman.engine.network import ScheduleOutOfRange

PLAN = """\
program: Far
key: FAR
start: 2027-03-01
calendar: std
calendars:
  std: {workdays: [mon, tue, wed, thu, fri], hours_per_day: 8}
resources:
  - {id: bo, name: Bo}
  - {id: ana, name: Ana, vacations: [2027-03-03, {start: 2027-03-08, finish: 2099-12-31}]}
projects:
  - id: S
    name: S
    tasks:
      - {id: S.a, name: A, duration: 3d, resources: {bo: 1}}
      - {id: S.b, name: B, duration: 4d, resources: {ana: 1}, depends: [S.a]}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "far.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_vacation_to_2099_is_named_with_its_path(tmp_path):
    program = progman.load_plan(write(tmp_path, PLAN))
    with pytest.raises(ScheduleOutOfRange) as caught:
        progman.schedule(program)
    error = caught.value
    assert error.location.path == "resources[1].vacations[1]" and error.location.entity == "ana"
    assert error.message.startswith(
        "the vacation of ana from 2027-03-08 to 2099-12-31 leaves S.b no working day before "
    )
    assert error.message.endswith("end it sooner, or take ana off S.b")


def test_a_holiday_to_2099_is_named_with_its_path(tmp_path):
    closed = "holidays: [{start: 2027-03-10, finish: 2099-01-01, name: closed}]"
    text = PLAN.replace("hours_per_day: 8}", f"hours_per_day: 8,\n        {closed}}}")
    text = text.replace(", finish: 2099-12-31}", ", finish: 2027-03-09}")
    program = progman.load_plan(write(tmp_path, text))
    with pytest.raises(ScheduleOutOfRange) as caught:
        progman.schedule(program)
    assert caught.value.location.path == "calendars.std.holidays[0]"
    assert "the holiday (closed) of calendar std from 2027-03-10 to 2099-01-01" in str(caught.value)


@pytest.mark.parametrize(
    "command",
    [["schedule"], ["simulate", "--iterations", "10"], ["impact", "--task", "S.a", "--slip", "1"]],
)
def test_the_command_line_places_it_in_the_file(capsys, tmp_path, command):
    path = write(tmp_path, PLAN)
    assert main([command[0], str(path), *command[1:]]) == 1
    err = capsys.readouterr().err
    line = PLAN.splitlines().index(next(x for x in PLAN.splitlines() if "id: ana" in x)) + 1
    column = PLAN.splitlines()[line - 1].index("{start: 2027-03-08") + 1
    assert err.startswith(f"{path}:{line}:{column}: the vacation of ana from 2027-03-08 ")
    assert "calendar tables (" not in err  # not the tables' size: what reaches so far
