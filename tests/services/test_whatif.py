"""services/whatif.py: the what-if question the options ask, and its one answer."""

from __future__ import annotations

import json
from datetime import date

import pytest

from progman.cli.main import main
from progman.engine.compare import ScenarioComparison
from progman.engine.moves import Move
from progman.errors import PlanInvalid, UsageError
from progman.planfile import load_plan
from progman.services.inputs import parse_changes
from progman.services.whatif import (
    WhatIf,
    compare_changes,
    new_scenario,
    parse_move,
    parse_whatif,
    what_if,
)

WINDOW = ("2027-03-01", "2027-03-12")


def test_changes_without_a_move_are_compared():
    changes = parse_changes(["API.spec.duration=8d"])
    assert parse_whatif(changes) == WhatIf(changes=changes)
    assert parse_whatif() == WhatIf()  # the plan against itself and its baseline


def test_any_move_option_asks_for_a_move():
    question = parse_whatif(move="ben", source="WEB", target="API", between=WINDOW)
    assert question == WhatIf(move=Move("ben", "WEB", "API", date(2027, 3, 1), date(2027, 3, 12)))


def test_a_move_and_changes_are_one_question():
    changes = parse_changes(["API.spec.duration=8d"])
    question = parse_whatif(changes, move="ben", source="WEB", target="API", between=WINDOW)
    assert question.changes == changes and question.move is not None
    with pytest.raises(UsageError) as caught:
        parse_whatif(changes, move="ben", source="WEB", target="API", between=WINDOW, leveled=False)
    assert caught.value.option == "--no-leveled"
    assert caught.value.message == "a move is a question for leveling: drop --no-leveled"


def test_a_move_needs_every_part():
    with pytest.raises(UsageError) as caught:
        parse_whatif(move="bob", source="WEB")
    assert caught.value.option == "--to"
    assert caught.value.message.startswith("a move needs --to, --between: e.g. --move bob")
    with pytest.raises(UsageError) as caught:
        parse_move("bob", "WEB", "MOB", ("2027-03-01", "2027-13-12"))
    assert caught.value.option == "--between"


def test_the_comparison_is_what_the_command_prints(capsys, contract_plan):
    program = load_plan(contract_plan)
    question = parse_whatif(parse_changes(["API.spec.duration=8d"], ["WEB.test:WEB.ux FS+2d"]))
    result = what_if(program, question)
    assert isinstance(result, ScenarioComparison)
    args = ["--set", "API.spec.duration=8d", "--add-dep", "WEB.test:WEB.ux FS+2d", "--json"]
    assert main(["whatif", "run", str(contract_plan), *args]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(result.to_json()))


def test_a_change_that_does_not_apply_names_itself(contract_plan):
    with pytest.raises(PlanInvalid, match=r"changes\[0\]"):
        compare_changes(load_plan(contract_plan), parse_changes(["API.spex.duration=8d"]))


def test_a_move_is_answered_with_both_versions_leveled(contract_plan):
    question = parse_whatif(move="ben", source="WEB", target="API", between=WINDOW)
    result = what_if(load_plan(contract_plan), question, time_limit=0.05)
    assert result.leveled and result.move == question.move
    assert {p.id for p in result.projects} == {"API", "WEB"}


def test_the_plan_is_the_same_whatever_is_asked(contract_plan):
    """The "current" dates never depend on the question: --set and --move used to compare
    with different plans (CPM dates, leveled dates)."""
    program = load_plan(contract_plan)
    move = {"move": "ben", "source": "WEB", "target": "API", "between": WINDOW}
    changes = parse_changes(["API.build.estimate=[9d, 12d, 20d]"], ["WEB.test:WEB.ux FS+2d"])
    questions = [
        parse_whatif(),
        parse_whatif(changes),
        parse_whatif(**move),  # type: ignore[arg-type]
        parse_whatif(changes, **move),  # type: ignore[arg-type]
    ]
    answers = [what_if(program, question).to_json() for question in questions]
    for answer in answers:
        assert answer["leveled"] is True  # Ben and Ana are assigned to work
        for kind in ("finish", "projects", "milestones"):
            rows = answer[kind] if kind != "finish" else [answer[kind]]
            first = answers[0][kind] if kind != "finish" else [answers[0][kind]]
            assert [r["current"] for r in rows] == [r["current"] for r in first]
    assert answers[3]["move"]["resource"] == "ben"
    assert answers[3]["finish"]["scenario"] != answers[2]["finish"]["scenario"]  # both apply


def test_a_scenario_name_must_be_an_id():
    scenario = new_scenario("late-auth", "DPL", parse_changes(removals=["API.auth"]))
    assert (scenario.id, scenario.name, scenario.base, len(scenario.changes)) == (
        "late-auth",
        "late-auth",
        "DPL",
        1,
    )
    with pytest.raises(UsageError) as caught:
        new_scenario("bad name!", "DPL", [])
    assert caught.value.option == "NAME"
    assert caught.value.message.startswith("'bad name!': String should match pattern")
