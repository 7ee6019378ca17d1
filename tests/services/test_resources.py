"""services/resources.py: the load report and the free query, as ``resources --json``."""

from __future__ import annotations

import json

from progman.cli.main import main
from progman.planfile import load_plan
from progman.services.inputs import parse_free_query
from progman.services.resources import resource_report

FREE = ["--skill", "java", "--free", "1w", "--share", "0.2"]
FREE += ["--between", "2027-01-01", "2027-12-30"]


def test_the_json_is_what_the_command_prints(capsys, sample_plan):
    program = load_plan(sample_plan)
    report = resource_report(program)
    assert report.query is None and report.free is None
    assert main(["resources", str(sample_plan), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(report.to_json()))


def test_the_free_query_is_answered_in_its_window(capsys, sample_plan):
    query = parse_free_query("java", "1w", ("2027-01-01", "2027-12-30"), 0.2)
    assert query is not None
    report = resource_report(load_plan(sample_plan), query=query)
    assert report.free and {p.resource for p in report.free} <= {
        r.id for r in load_plan(sample_plan).resources
    }
    data = report.to_json()
    assert data["free"]["skill"] == "java" and data["free"]["days"] == 5
    assert data["free"]["between"] == ["2027-01-01", "2027-12-30"]
    assert main(["resources", str(sample_plan), "--json", *FREE]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(data))


def test_the_leveled_load_is_the_command_s(capsys, contract_plan):
    report = resource_report(load_plan(contract_plan), leveled=True)
    assert main(["resources", str(contract_plan), "--json", "--leveled"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(report.to_json()))
