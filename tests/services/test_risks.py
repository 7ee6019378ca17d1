"""services/risks.py: the register as asked for, and the ``risks --json`` object."""

from __future__ import annotations

import json

import pytest

from progman.cli.main import main
from progman.errors import UsageError
from progman.planfile import load_plan
from progman.services.risks import risk_report


@pytest.mark.parametrize(
    "options", [[], ["--all"], ["--project", "MOB"], ["--project", "API", "--all"]]
)
def test_the_json_of_the_sample_is_what_the_command_prints(capsys, sample_plan, options):
    project = options[options.index("--project") + 1] if "--project" in options else None
    report = risk_report(load_plan(sample_plan), project=project, include_closed="--all" in options)
    assert main(["risks", str(sample_plan), "--json", *options]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(report.to_json()))


def test_the_sample_register(sample_plan):
    program = load_plan(sample_plan)
    report = risk_report(program)
    data = report.to_json()
    assert data["program"] == program.key and len(data["matrix"]) == 25
    assert [r["id"] for r in data["risks"]] == [e.risk.id for e in report.entries]
    scores = [r["score"] for r in data["risks"]]
    assert scores == sorted(scores, reverse=True)
    closed = sum(1 for risk in program.risks if risk.status == "closed")
    assert report.closed_not_shown == closed
    assert risk_report(program, include_closed=True).closed_not_shown == 0
    threshold = program.risk_scales.escalation_score
    assert all(e.score >= threshold and e.risk.project for e in report.escalation)


def test_escalation_candidates_of_one_project_only(sample_plan):
    program = load_plan(sample_plan)
    for project in program.projects:
        report = risk_report(program, project=project.id)
        assert all(e.risk.project == project.id for e in report.entries + report.escalation)


def test_an_unknown_project_is_a_usage_error(sample_plan):
    with pytest.raises(UsageError) as caught:
        risk_report(load_plan(sample_plan), project="Alfa")
    assert caught.value.option == "--project"
    assert caught.value.message.startswith("no project 'Alfa' in the plan; the plan has API")
