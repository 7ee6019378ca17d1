"""services/impact.py: the change the options of ``progman impact`` name, and its answer."""

from __future__ import annotations

import json
from datetime import date

import pytest

from progman.cli.main import main
from progman.domain import Duration
from progman.engine.impact import LinkChange, ProjectSlip, ResourceLeaves, TaskSlip
from progman.errors import UsageError
from progman.planfile import load_plan
from progman.services.impact import impact_change, impact_of


def test_each_kind_of_change():
    ten = Duration.parse("10d")
    assert impact_change(task="A", slip="10d") == TaskSlip("A", ten)
    assert impact_change(project="P", slip="10d") == ProjectSlip("P", ten)
    assert impact_change(resource="ben", leaving="2027-03-01") == ResourceLeaves(
        "ben", date(2027, 3, 1)
    )
    assert impact_change(resource="ben", leaving="2027-03-01", slip="10d") == ResourceLeaves(
        "ben", date(2027, 3, 1), ten
    )
    assert impact_change(link="A:B") == LinkChange("A", "B")
    assert impact_change(link="A:B", slip="10d") == LinkChange("A", "B", lag=ten)
    assert impact_change(link="A:B", remove=True) == LinkChange("A", "B", remove=True)


@pytest.mark.parametrize(
    ("options", "option", "message"),
    [
        ({"task": "A"}, "--slip", "how much? add e.g. --slip 10d"),
        (
            {"slip": "5d"},
            "--task",
            "name exactly one of --task ID, --project ID, --link PRED:SUCC or --resource ID",
        ),
        (
            {"task": "A", "project": "P", "slip": "5d"},
            "--task",
            "name exactly one of --task ID, --project ID, --link PRED:SUCC or --resource ID "
            "(got --task, --project)",
        ),
        ({"task": "A", "slip": "soon"}, "--slip", "invalid duration 'soon'"),
        ({"resource": "ben"}, "--from", "from when? add --from YYYY-MM-DD"),
        ({"resource": "ben", "leaving": "2027-13-01"}, "--from", "'2027-13-01' is not a date"),
        ({"link": "API.ready", "remove": True}, "--link", "'API.ready': write the link as"),
    ],
)
def test_options_that_make_no_change_are_usage_errors(options, option, message):
    with pytest.raises(UsageError) as caught:
        impact_change(**options)
    assert caught.value.option == option
    assert caught.value.message.startswith(message)


def test_the_answer_is_what_the_command_prints(capsys, contract_plan):
    result = impact_of(load_plan(contract_plan), impact_change(task="API.spec", slip="5d"))
    assert main(["impact", str(contract_plan), "--task", "API.spec", "--slip", "5d", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(result.to_json()))
