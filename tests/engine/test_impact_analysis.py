"""A prepared ImpactAnalysis answers each question as a fresh ``impact`` call would."""

from __future__ import annotations

from progman.engine.impact import ImpactAnalysis, TaskSlip, impact
from progman.planfile import load_plan


def test_questions_do_not_leak_into_each_other(contract_plan):
    program = load_plan(contract_plan)
    analysis = ImpactAnalysis(program)
    big = analysis.impact(TaskSlip("API.spec", 5))
    small = analysis.impact(TaskSlip("WEB.ux", 1))  # within its float: nothing downstream
    assert big.to_json() == impact(program, TaskSlip("API.spec", 5)).to_json()
    assert small.to_json() == impact(program, TaskSlip("WEB.ux", 1)).to_json()
    assert [m.id for m in big.milestones] and not small.milestones
    again = analysis.impact(TaskSlip("API.spec", 5))
    assert again.to_json() == big.to_json()
