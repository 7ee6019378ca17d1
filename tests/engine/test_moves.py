"""Moving a person between projects: hand-checked finishes of both projects."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from progman.domain import Program
from progman.engine.moves import Move, MoveInvalid, move_people

MONDAY = date(2027, 3, 1)
WINDOW = (date(2027, 3, 1), date(2027, 3, 12))  # two working weeks


def program(
    web: list[dict[str, Any]],
    mob: list[dict[str, Any]],
    people: list[dict[str, Any]] | None = None,
) -> Program:
    return Program.model_validate(
        {
            "program": "Moves",
            "key": "MV",
            "start": MONDAY.isoformat(),
            "resources": people
            or [
                {"id": "bob", "name": "Bob", "role": "Developer"},
                {"id": "eve", "name": "Eve", "role": "Developer"},
            ],
            "projects": [
                {"id": "WEB", "name": "Web", "tasks": web},
                {"id": "MOB", "name": "Mobile", "tasks": mob},
            ],
        }
    )


def test_the_giving_project_waits_and_the_receiving_one_gets_a_pair_of_hands() -> None:
    plan = program(
        [{"id": "w1", "name": "w1", "duration": "5d", "resources": {"bob": 1.0}}],
        [{"id": "m1", "name": "m1", "work": "20d", "resources": {"eve": 1.0}}],
    )
    result = move_people(plan, Move("bob", "WEB", "MOB", *WINDOW), schedules=50)
    web, mob = result.project("WEB"), result.project("MOB")
    assert web.before is not None and web.after is not None
    assert (web.before.date(), web.after.date()) == (date(2027, 3, 5), date(2027, 3, 19))
    assert web.delta_days == 10  # w1 waits until Bob is back
    assert result.staffed == ("m1",)  # effort-driven work of his role
    assert mob.before is not None and mob.after is not None
    assert (mob.before.date(), mob.after.date()) == (date(2027, 3, 26), date(2027, 3, 12))
    assert mob.delta_days == -10  # 20 days of work by two people
    assert result.after.feasible
    body = result.to_json()
    assert body["move"] == {
        "resource": "bob",
        "from": "WEB",
        "to": "MOB",
        "between": ["2027-03-01", "2027-03-12"],
    }
    assert {p["id"]: p["delta_days"] for p in body["projects"]} == {"WEB": 10, "MOB": -10}


def test_an_open_role_is_staffed_and_other_work_keeps_its_person() -> None:
    plan = program(
        [
            {"id": "w1", "name": "w1", "duration": "3d", "resources": {"bob": 1.0}},
            {"id": "w2", "name": "w2", "duration": "3d", "resources": {"eve": 1.0}},
        ],
        [{"id": "m1", "name": "m1", "duration": "2d",
          "resources": [{"role": "Developer", "units": 1.0}]}],
    )  # fmt: skip
    result = move_people(plan, Move("bob", "WEB", "MOB", *WINDOW), schedules=50)
    assert result.staffed == ("m1",)
    after = result.after.schedule
    assert after.task("w2").start.date() == MONDAY  # Eve stays on WEB
    assert after.task("w1").start.date() == date(2027, 3, 15)  # after the window
    assert after.task("m1").start.date() == MONDAY


def test_an_open_skill_is_staffed_when_the_role_fits_too() -> None:
    people = [
        {"id": "bob", "name": "Bob", "role": "Developer", "skills": ["React"]},
        {"id": "eve", "name": "Eve", "role": "Developer"},
        {"id": "kim", "name": "Kim", "skills": ["rust"]},
    ]
    mob = [
        {"id": "m1", "name": "m1", "duration": "2d", "resources": [{"skill": "react"}]},
        {"id": "m2", "name": "m2", "duration": "2d",
         "resources": [{"role": "Designer", "skill": "react"}]},
        {"id": "m3", "name": "m3", "duration": "2d",
         "resources": [{"role": "Developer", "skill": "REACT"}]},
        {"id": "m4", "name": "m4", "duration": "2d", "resources": [{"skill": "rust"}]},
    ]  # fmt: skip
    web = [{"id": "w1", "name": "w1", "duration": "3d", "resources": {"bob": 1.0}}]
    plan = program(web, mob, people)
    result = move_people(plan, Move("bob", "WEB", "MOB", *WINDOW), schedules=50)
    assert result.staffed == ("m1", "m3")  # m2 wants a designer, m4 another skill
    after = result.after.schedule
    staffed = sorted((after.task(t).start.date(), t) for t in ("m1", "m3"))
    assert [day for day, _ in staffed] == [MONDAY, date(2027, 3, 3)]  # Bob does one, then the other
    assert after.task("m2").start.date() == after.task("m4").start.date() == MONDAY
    assert after.task("w1").start.date() == date(2027, 3, 15)

    # someone without a role fills an open skill that names no role
    kim = move_people(plan, Move("kim", "WEB", "MOB", *WINDOW), schedules=50)
    assert kim.staffed == ("m4",)


def test_a_window_without_work_changes_nothing() -> None:
    plan = program(
        [{"id": "w1", "name": "w1", "duration": "5d", "resources": {"bob": 1.0}}],
        [{"id": "m1", "name": "m1", "duration": "5d", "resources": {"eve": 1.0}}],
    )
    later = Move("bob", "WEB", "MOB", date(2027, 6, 1), date(2027, 6, 30))
    result = move_people(plan, later, schedules=50)
    assert all(p.delta_days == 0 for p in result.projects)
    assert result.program_delta_days == 0


@pytest.mark.parametrize(
    ("move", "message"),
    [
        (Move("bobb", "WEB", "MOB", *WINDOW), "no person or material 'bobb'; did you mean 'bob'?"),
        (Move("bob", "WBE", "MOB", *WINDOW), "no project 'WBE'; did you mean 'WEB'?"),
        (Move("bob", "WEB", "WEB", *WINDOW), "WEB is also the project the person leaves"),
        (Move("bob", "WEB", "MOB", WINDOW[1], WINDOW[0]), "the window ends (2027-03-01)"),
    ],
)
def test_a_bad_move_is_a_clear_error(move: Move, message: str) -> None:
    plan = program([], [])
    with pytest.raises(MoveInvalid) as caught:
        move_people(plan, move, schedules=5)
    assert message in str(caught.value)
