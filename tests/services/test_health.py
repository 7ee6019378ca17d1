"""Health (RAG) with reasons: each signal of ``program_health`` on a small plan, at and
beyond its default limits and at limits the plan sets, the worst reason setting the
colour; the ``health:`` section's validation (an override needs a comment, limits in the
right order, a known project)."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from progman.domain.health import (
    HealthOverride,
    HealthThresholds,
    Limits,
    Reason,
    health_of,
    rate_high,
    rate_low,
)
from progman.errors import PlanInvalid
from progman.planfile import load_plan
from progman.services.health import program_health

HEAD = """\
key: H
name: Health check
start: 2027-03-01
currency: EUR
"""
#: The user guide's worked example of earned value: SPI 0.8, CPI 2/3, SPI(t) 0.8.
EARNED = """\
status_date: 2027-03-05
projects:
  - id: P
    name: Two tasks
    budget: {budget}
    tasks:
      - {{id: A, name: Design, duration: 10d, fixed_cost: 1000, percent_complete: 40,
         actual_start: 2027-03-01, actual_cost: 600}}
      - {{id: B, name: Build, duration: 10d, fixed_cost: 2000, depends: [A]}}
baselines:
  - id: B1
    created: 2027-02-26
    tasks:
      A: {{start: 2027-03-01T08:00, finish: 2027-03-12T16:00, cost: 1000}}
      B: {{start: 2027-03-15T08:00, finish: 2027-03-26T16:00, cost: 2000}}
"""


def _plan(tmp_path: Path, body: str, health: str = "") -> Path:
    path = tmp_path / "health.yaml"
    path.write_text(HEAD + textwrap.dedent(body) + textwrap.dedent(health), encoding="utf-8")
    return path


def _health(tmp_path: Path, body: str, health: str = ""):
    return program_health(load_plan(_plan(tmp_path, body, health)))


def _reasons(h, signal: str) -> list[Reason]:
    return [r for r in h.reasons if r.signal == signal]


def _late(deadline: str, duration: str = "10d") -> str:
    return f"""\
    projects:
      - id: P
        name: Product
        tasks:
          - {{id: A, name: Build, duration: {duration}}}
          - {{id: M, name: Launch, milestone: true, depends: [A], deadline: {deadline}}}
      - id: Q
        name: Quiet
        tasks:
          - {{id: C, name: Chore, duration: 5d}}
    """


# -- the pure rules ----------------------------------------------------------------------


def test_limits_rate_each_direction_and_the_worst_sets_the_colour():
    low = Limits(amber=0.95, red=0.85)
    assert [rate_low(v, low) for v in (1.0, 0.95, 0.9, 0.85, 0.84)] == [
        "green", "green", "amber", "amber", "red",
    ]  # fmt: skip
    high = Limits(amber=3, red=6)
    assert [rate_high(v, high, inclusive=True) for v in (2, 3, 5, 6)] == [
        "green", "amber", "amber", "red",
    ]  # fmt: skip
    assert [rate_high(v, high) for v in (3, 4, 6, 7)] == ["green", "amber", "amber", "red"]
    reasons = [
        Reason("cost", "amber", "Amber: a"),
        Reason("risk", "green", "Green: b"),
        Reason("scope", "red", "Red: c"),
    ]
    h = health_of(reasons)
    assert h.rag == "red" and [r.rag for r in h.reasons] == ["red", "amber", "green"]
    assert health_of([]).rag == "green"


def test_the_default_limits_are_the_documented_ones():
    t = HealthThresholds()
    assert (t.spi.amber, t.spi.red, t.spi_t.amber, t.spi_t.red) == (0.95, 0.85, 0.95, 0.85)
    assert (t.cpi.amber, t.cpi.red) == (0.95, 0.85)
    assert (t.milestone_slip_days.amber, t.milestone_slip_days.red) == (0, 10)
    assert (t.float_days.amber, t.float_days.red) == (0, -5)
    assert (t.eac_over_budget.amber, t.eac_over_budget.red) == (0, 0.10)
    assert (t.risk_score.amber, t.risk_score.red) == (10, 16)
    assert (t.over_allocated_days.amber, t.over_allocated_days.red) == (0, 10)
    assert (t.change_requests.amber, t.change_requests.red) == (3, 6)


# -- schedule ----------------------------------------------------------------------------


def test_a_milestone_two_working_days_late_is_amber_and_named(tmp_path):
    # A: Mon 1 – Fri 12 March; the deadline is the end of Wednesday 10: Thu and Fri late
    h = _health(tmp_path, _late("2027-03-10"))
    assert h.projects["P"].rag == "amber"
    texts = [r.text for r in _reasons(h.projects["P"], "schedule")]
    assert "Amber: milestone M is forecast 2 working days after its deadline" in texts
    assert "Amber: the least total float of project P is −2 working days" in texts
    assert h.program.rag == "amber"  # the program sees its projects' milestones
    assert h.projects["Q"].rag == "green"


def test_twelve_working_days_late_is_red_by_default_and_a_stricter_plan_reds_two(tmp_path):
    h = _health(tmp_path, _late("2027-03-10", "20d"))  # finishes Fri 26 March
    slip = _reasons(h.projects["P"], "schedule")[0]
    assert slip == Reason(
        "schedule", "red", "Red: milestone M is forecast 12 working days after its deadline"
    )
    strict = """\
    health:
      thresholds:
        milestone_slip_days: {amber: 0, red: 1}
        float_days: {amber: -100, red: -200}
    """
    h = _health(tmp_path, _late("2027-03-10"), strict)
    colours = {r.text.split(" is ")[0]: r.rag for r in _reasons(h.projects["P"], "schedule")}
    assert colours == {
        "Red: milestone M": "red",
        "Green: the least total float of project P": "green",
    }


def test_a_deadline_met_is_a_green_reason(tmp_path):
    h = _health(tmp_path, _late("2027-03-12"))
    assert h.projects["P"].rag == "green"
    assert "Green: every deadline (1) is met by the forecast dates" in [
        r.text for r in h.projects["P"].reasons
    ]


def test_spi_spi_t_and_cpi_come_from_earned_value_with_the_plans_limits(tmp_path):
    h = _health(tmp_path, EARNED.format(budget=10_000))
    texts = {r.text for r in h.projects["P"].reasons}
    assert "Red: SPI of project P is 0.80 against baseline B1 (below 0.85)" in texts
    assert "Red: SPI(t) of project P is 0.80 against baseline B1 (below 0.85)" in texts
    assert "Red: CPI of project P is 0.67 against baseline B1 (below 0.85)" in texts
    assert h.earned_value
    lenient = """\
    health:
      thresholds:
        spi: {amber: 0.8, red: 0.5}
        cpi: {amber: 0.7, red: 0.6}
    """
    h = _health(tmp_path, EARNED.format(budget=10_000), lenient)
    texts = {r.text for r in h.projects["P"].reasons}
    assert "Green: SPI of project P is 0.80 against baseline B1" in texts
    assert "Amber: CPI of project P is 0.67 against baseline B1 (below 0.7)" in texts


def test_without_a_baseline_or_a_status_date_earned_value_is_left_out_without_error(tmp_path):
    no_baseline = EARNED.format(budget=10_000).split("baselines:")[0]
    h = _health(tmp_path, no_baseline)
    assert not h.earned_value
    assert not any("SPI" in r.text or "CPI" in r.text for r in h.program.reasons)
    undated = """\
    projects:
      - id: P
        name: Product
        budget: 100
        tasks: [{id: A, name: Build, duration: 5d, fixed_cost: 1000}]
    """
    h = _health(tmp_path, undated)
    assert h.status_date is None and not h.earned_value
    signals = {r.signal for r in h.program.reasons}
    assert "resources" not in signals and "scope" not in signals  # both need a status date


# -- cost --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("budget", "expected"),
    [
        (3000, "Red: EAC 4,500 EUR is 50 % over the budget of project P (3,000)"),
        (4400, "Amber: EAC 4,500 EUR is 2 % over the budget of project P (4,400)"),
        (5000, "Green: EAC 4,500 EUR is within the budget of project P (5,000)"),
    ],
)
def test_eac_against_the_budget(tmp_path, budget, expected):
    h = _health(tmp_path, EARNED.format(budget=budget))
    assert expected in [r.text for r in _reasons(h.projects["P"], "cost")]


def test_without_earned_value_the_planned_cost_meets_the_budget(tmp_path):
    plan = EARNED.format(budget=2900).split("baselines:")[0] + "budget: 10000\n"
    h = _health(tmp_path, plan)
    cost = {r.text for r in _reasons(h.projects["P"], "cost")}
    assert cost == {"Amber: planned cost 3,000 EUR is 3 % over the budget of project P (2,900)"}
    assert "Green: planned cost 3,000 EUR is within the budget of the program (10,000)" in {
        r.text for r in h.program.reasons
    }


# -- risk --------------------------------------------------------------------------------

RISKS = """\
status_date: 2027-03-05
projects:
  - id: P
    name: Product
    tasks: [{id: A, name: Build, duration: 5d}]
  - id: Q
    name: Quiet
    tasks: [{id: C, name: Chore, duration: 5d}]
risks:
  - {id: R1, title: Vendor late, project: P, probability: 0.6, impact: {cost: 60000}}
  - {id: R2, title: Small, project: Q, probability: 0.4, impact: {cost: 60000}}
  - {id: R3, title: Gone, project: Q, probability: 0.9, impact: {cost: 600000}, status: closed}
  - {id: O1, title: Windfall, kind: opportunity, project: Q, probability: 0.9,
     impact: {cost: 600000}}
"""


def test_open_high_risks_set_the_colour_closed_ones_and_opportunities_do_not(tmp_path):
    h = _health(tmp_path, RISKS)
    # R1: probability 0.6 (level 4) x cost 60,000 (level 3) = 12; R2: 3 x 3 = 9
    assert _reasons(h.projects["P"], "risk") == [
        Reason("risk", "amber", "Amber: risk R1 of project P scores 12 (high)")
    ]
    assert _reasons(h.projects["Q"], "risk") == [
        Reason("risk", "green", "Green: no open risk of project Q scores 10 or more (top: R2, 9)")
    ]
    assert _reasons(h.program, "risk") == []  # no program risk, none escalated


def test_a_critical_project_risk_is_red_and_waits_for_escalation(tmp_path):
    h = _health(tmp_path, RISKS.replace("impact: {cost: 60000}}", "impact: {cost: 600000}}", 1))
    risk = _reasons(h.projects["P"], "risk")  # 4 x 5 = 20: critical, above the escalation 15
    assert risk[0] == Reason("risk", "red", "Red: risk R1 of project P scores 20 (critical)")
    assert risk[1].rag == "amber" and "not escalated: R1 (P, 20)" in risk[1].text
    assert [r.rag for r in _reasons(h.program, "risk")] == ["amber"]  # the escalation
    escalated = RISKS.replace("project: P, probability: 0.6, impact: {cost: 60000}", (
        "project: P, escalated: true, probability: 0.6, impact: {cost: 600000}"
    ))  # fmt: skip
    h = _health(tmp_path, escalated)
    assert _reasons(h.program, "risk") == [
        Reason("risk", "red", "Red: risk R1 of the program scores 20 (critical)")
    ]


# -- resources ---------------------------------------------------------------------------

LOAD = """\
status_date: 2027-03-05
resources:
  - {{id: ann, name: Ann}}
projects:
  - id: P
    name: Product
    tasks:
      - {{id: X, name: One, duration: {days}, resources: {{ann: 1}}}}
      - {{id: Y, name: Two, duration: {days}, resources: {{ann: 1}}}}
  - id: Q
    name: Quiet
    tasks: [{{id: C, name: Chore, duration: 5d}}]
"""


def test_person_days_over_capacity_in_the_look_ahead(tmp_path):
    h = _health(tmp_path, LOAD.format(days="5d"))  # Ann twice over Mon 8 – Fri 12 March
    expected = (
        "Amber: 5 person-days over capacity on project P in the 4 weeks after 2027-03-05; "
        "ann 5 days"
    )
    assert [r.text for r in _reasons(h.projects["P"], "resources")] == [expected]
    assert _reasons(h.projects["Q"], "resources")[0].rag == "green"
    assert _reasons(h.program, "resources")[0].rag == "amber"
    h = _health(tmp_path, LOAD.format(days="15d"))  # 15 days, 15 > 10: red
    assert _reasons(h.projects["P"], "resources")[0].rag == "red"
    short = "health: {lookahead_weeks: 1}\n"
    h = _health(tmp_path, LOAD.format(days="15d"), short)  # only Mon 8 – Fri 12 March
    assert _reasons(h.projects["P"], "resources")[0].text.startswith(
        "Amber: 5 person-days over capacity on project P in the week after 2027-03-05"
    )


# -- scope -------------------------------------------------------------------------------


def _changes(count: int, submitted: str = "2027-03-01") -> str:
    return "change_requests:\n" + "".join(
        f"  - {{id: CR{n}, title: Change {n}, state: submitted, submitted: {submitted}, "
        f"changes: [{{target: A, field: duration, value: 6d}}]}}\n"
        for n in range(1, count + 1)
    )


def test_change_requests_in_the_window(tmp_path):
    body = RISKS.split("risks:", maxsplit=1)[0]
    h = _health(tmp_path, body + _changes(3))
    assert _reasons(h.projects["P"], "scope") == [
        Reason(
            "scope", "amber",
            "Amber: 3 change requests of project P submitted or approved in the 4 weeks to "
            "2027-03-05 (CR1, CR2, CR3)",
        )
    ]  # fmt: skip
    assert _reasons(h.projects["Q"], "scope")[0].rag == "green"
    assert _reasons(h.program, "scope")[0].rag == "amber"
    assert _reasons(_health(tmp_path, body + _changes(6)).projects["P"], "scope")[0].rag == "red"
    old = _health(tmp_path, body + _changes(6, submitted="2027-01-04"))
    assert _reasons(old.projects["P"], "scope")[0].rag == "green"  # before the window


# -- overrides and the section's validation ----------------------------------------------


def test_an_override_shows_beside_the_computed_colour(tmp_path):
    section = """\
    health:
      overrides:
        - {project: P, rag: green, comment: "the sponsor accepted the slip", by: paula,
           on: 2027-03-04}
    """
    h = _health(tmp_path, _late("2027-03-10"), section)
    p = h.projects["P"]
    assert p.rag == "amber" and p.shown == "green"
    assert p.to_json()["override"] == {
        "rag": "green", "comment": "the sponsor accepted the slip", "by": "paula",
        "on": "2027-03-04",
    }  # fmt: skip
    assert h.program.override is None and h.to_json()["program"]["override"] is None


def test_an_override_without_a_comment_is_a_plan_error_with_its_place(tmp_path):
    section = """\
    health:
      overrides:
        - {project: P, rag: green}
        - {project: NOPE, rag: red, comment: why}
    """
    path = _plan(tmp_path, _late("2027-03-10"), section)
    with pytest.raises(PlanInvalid) as raised:
        load_plan(path)
    shown = str(raised.value)
    assert f"{path}:" in shown
    assert "a health override (P) needs a comment saying why the colour is overridden" in shown
    with pytest.raises(ValueError, match="needs a comment"):
        HealthOverride(rag="red", comment="  ")


def test_limits_in_the_wrong_order_and_an_unknown_project_are_plan_errors(tmp_path):
    section = """\
    health:
      thresholds:
        spi: {amber: 0.8, red: 0.9}
    """
    with pytest.raises(PlanInvalid, match=r"spi: red \(0.9\) must not be above amber \(0.8\)"):
        load_plan(_plan(tmp_path, _late("2027-03-10"), section))
    section = """\
    health:
      overrides: [{project: NOPE, rag: red, comment: why}]
    """
    with pytest.raises(PlanInvalid, match="unknown project 'NOPE' in project of a health override"):
        load_plan(_plan(tmp_path, _late("2027-03-10"), section))
    section = """\
    health:
      thresholds: {cpu: {amber: 1, red: 2}}
    """
    with pytest.raises(PlanInvalid, match="unknown field 'cpu'; did you mean 'cpi'"):
        load_plan(_plan(tmp_path, _late("2027-03-10"), section))


def test_a_simulation_adds_the_p80_of_each_deadline(tmp_path):
    from progman.services.simulation import simulate_program  # noqa: PLC0415

    body = _late("2027-03-12").replace(
        "duration: 10d}", "duration: 10d, estimate: [10d, 14d, 30d]}"
    )
    program = load_plan(_plan(tmp_path, body))
    simulation = simulate_program(program, iterations=400, seed=1)
    plain = program_health(program)
    assert not any("P80" in r.text for r in plain.projects["P"].reasons)
    h = program_health(program, simulation=simulation)
    p80 = simulation.milestones["M"].p80
    assert p80.date() > date(2027, 3, 12)  # the estimate's tail is past the deadline
    # working days (Mon-Fri, 8:00-16:00) from the end of Friday 12 March to the P80 moment
    whole = int(np.busday_count(date(2027, 3, 13), p80.date()))
    part = min(max((p80.hour * 60 + p80.minute - 8 * 60) / (8 * 60), 0.0), 1.0)
    late = round(whole + part, 1)
    expected = f"milestone M has its P80 {late:g} working days after its deadline"
    found = [r for r in _reasons(h.projects["P"], "schedule") if "P80" in r.text]
    assert len(found) == 1 and found[0].text.endswith(expected)
    assert found[0].rag == ("red" if late > 10 else "amber")
    assert h.simulated and not plain.simulated
