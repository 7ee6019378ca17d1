"""The risk register: 5×5 scales, scores and bands, residual checks, escalation, round trip."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from progman.domain import Program, Risk, RiskScales
from progman.domain.durations import Duration
from progman.domain.risk_register import (
    assess,
    escalation_candidates,
    level_of,
    matrix,
    rating_of,
    register,
    working_days,
)
from progman.domain.validation import check_program
from progman.errors import PlanInvalid
from progman.planfile import dump_plan, dumps_plan, load_plan

DEFAULT = RiskScales()


def risk(**fields: Any) -> Risk:
    data: dict[str, Any] = {"id": "R", "title": "t", "probability": 0.5}
    data.update(fields)
    return Risk.model_validate(data)


def program(*risks: dict[str, Any], **fields: Any) -> Program:
    data: dict[str, Any] = {
        "program": "P",
        "key": "P",
        "start": date(2027, 1, 4),
        "projects": [{"id": "A", "name": "a"}, {"id": "B", "name": "b"}],
        "risks": list(risks),
    }
    data.update(fields)
    return Program.model_validate(data)


# -- scales and scores ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "level"),
    [(0.0, 1), (0.1, 1), (0.11, 2), (0.3, 2), (0.5, 3), (0.7, 4), (0.71, 5), (1.0, 5)],
)
def test_probability_levels_use_inclusive_upper_bounds(value, level):
    assert level_of(value, DEFAULT.probability) == level


@pytest.mark.parametrize(
    ("schedule", "level"),
    [("1d", 1), ("2d", 1), ("3d", 2), ("16h", 1), ("2w", 3), ("20d", 4), ("21d", 5), ("-3d", 2)],
)
def test_schedule_levels_in_working_days(schedule, level):
    assessed = assess(risk(impact={"schedule": schedule}), DEFAULT)
    assert assessed.inherent.impacts == {"schedule": level}


def test_elapsed_days_count_five_working_days_a_week():
    assert working_days(Duration.parse("14ed")) == pytest.approx(10.0)
    assert working_days(Duration.parse("1w")) == 5.0


def test_impact_level_is_the_highest_dimension_and_score_the_product():
    assessed = assess(
        risk(probability=0.6, impact={"schedule": "3d", "cost": 120_000, "quality": 2}), DEFAULT
    )
    assert assessed.inherent.impacts == {"schedule": 2, "cost": 4, "quality": 2}
    assert (assessed.inherent.probability, assessed.inherent.impact) == (4, 4)
    assert assessed.score == 16
    assert assessed.rating == "critical"


def test_no_impact_scores_impact_level_one():
    assert assess(risk(probability=0.95), DEFAULT).score == 5


def test_expected_days_and_cost_are_probability_weighted():
    assessed = assess(risk(probability=0.25, impact={"schedule": "8d", "cost": 40_000}), DEFAULT)
    assert assessed.expected_days == pytest.approx(2.0)
    assert assessed.expected_cost == pytest.approx(10_000)


def test_hours_count_in_the_calendar_of_the_risk():
    plan = program(
        {"id": "R", "title": "t", "probability": 0.5, "project": "A"}
        | {"impact": {"schedule": "30h"}},
        calendars={"short": {"hours_per_day": 6}},
        calendar="short",
    )
    (entry,) = register(plan)
    assert entry.schedule_days == pytest.approx(5.0)


def test_residual_is_scored_too():
    assessed = assess(
        risk(
            probability=0.5,
            impact={"cost": 60_000},
            residual={"probability": 0.2, "impact": {"cost": 5_000}},
        ),
        DEFAULT,
    )
    assert assessed.score == 9
    assert assessed.residual is not None
    assert (assessed.residual.score, assessed.residual.rating) == (2, "low")
    assert assess(risk(), DEFAULT).residual is None


@pytest.mark.parametrize(
    ("score", "rating"),
    [
        (1, "low"),
        (4, "low"),
        (5, "medium"),
        (9, "medium"),
        (10, "high"),
        (15, "high"),
        (16, "critical"),
        (25, "critical"),
    ],
)
def test_default_rating_bands(score, rating):
    assert rating_of(score, DEFAULT) == rating


def test_rating_bands_are_configurable():
    scales = RiskScales.model_validate({"ratings": {"low": 2, "medium": 6, "high": 12}})
    assert [rating_of(s, scales) for s in (2, 3, 6, 12, 13)] == [
        "low",
        "medium",
        "medium",
        "high",
        "critical",
    ]


@pytest.mark.parametrize(
    ("scales", "message"),
    [
        ({"probability": [0.1, 0.3, 0.3, 0.7]}, "must increase strictly"),
        ({"probability": [0.1, 0.3, 0.5]}, "at least 4"),
        ({"probability": [0.1, 0.3, 0.5, 1.5]}, "between 0 and 1"),
        ({"cost": [-1, 5, 10, 20]}, "cannot be negative"),
        ({"ratings": {"low": 9, "medium": 9, "high": 15}}, "rating bands must increase"),
        ({"escalation_score": 26}, "less than or equal to 25"),
        ({"impact": [1, 2, 3, 4]}, "Extra inputs"),
    ],
)
def test_bad_scales_are_refused(scales, message):
    with pytest.raises(ValueError, match=message):
        RiskScales.model_validate(scales)


# -- register, matrix, escalation -----------------------------------------------------------

RISKS = [
    {"id": "low", "title": "t", "probability": 0.1, "impact": {"cost": 1_000}, "project": "A"},
    {"id": "big", "title": "t", "probability": 0.9, "impact": {"cost": 600_000}, "project": "A"},
    {"id": "mid1", "title": "t", "probability": 0.5, "impact": {"cost": 40_000}, "project": "B"},
    {"id": "mid2", "title": "t", "probability": 0.5, "impact": {"cost": 45_000}},
    {
        "id": "gone",
        "title": "t",
        "probability": 0.9,
        "impact": {"scope": 5},
        "project": "B",
        "status": "closed",
    },
    {"id": "up", "title": "t", "probability": 0.9, "impact": {"scope": 4}, "project": "B"}
    | {"escalated": True},
    {"id": "iss", "title": "t", "kind": "issue", "probability": 1, "impact": {"quality": 3}}
    | {"project": "B"},
    {"id": "opp", "title": "t", "kind": "opportunity", "probability": 0.5}
    | {"impact": {"cost": -30_000}},
]


def test_register_sorts_by_score_then_expected_cost():
    ids = [entry.risk.id for entry in register(program(*RISKS))]
    assert ids == ["big", "gone", "up", "iss", "mid2", "mid1", "opp", "low"]


def test_register_filters_by_project_and_status():
    plan = program(*RISKS)
    assert [e.risk.id for e in register(plan, project="B", include_closed=False)] == [
        "up",
        "iss",
        "mid1",
    ]


def test_matrix_places_open_threats_by_probability_and_impact():
    grid = matrix(program(*RISKS))
    assert grid.ids(5, 5) == ("big",)
    assert grid.ids(5, 4) == ("up",)
    assert grid.ids(3, 2) == ("mid2", "mid1")
    assert grid.count(1, 1) == 1
    assert sum(grid.count(p, i) for p in range(1, 6) for i in range(1, 6)) == 5
    assert grid.rating(5, 5) == "critical"
    assert grid.rating(1, 4) == "low"
    assert matrix(program(*RISKS), include_closed=True).ids(5, 5) == ("big", "gone")


def test_escalation_candidates_are_open_unescalated_project_risks_at_the_threshold():
    plan = program(*RISKS)
    assert [e.risk.id for e in escalation_candidates(plan)] == ["big", "iss"]
    lower = program(*RISKS, risk_scales={"escalation_score": 6})
    assert [e.risk.id for e in escalation_candidates(lower)] == ["big", "iss", "mid1"]


def test_closed_risks_are_never_escalation_candidates():
    plan = program(*RISKS, risk_scales={"escalation_score": 1})
    assert "gone" not in [e.risk.id for e in escalation_candidates(plan)]


def test_sample_register(sample_plan):
    plan = load_plan(sample_plan)
    entries = register(plan, include_closed=False)
    assert len(entries) == 11
    assert [e.risk.id for e in escalation_candidates(plan)] == ["I1"]
    scores = [e.score for e in entries]
    assert scores == sorted(scores, reverse=True)


# -- validation -----------------------------------------------------------------------------


def messages(plan: Program) -> list[str]:
    return [f.message for f in check_program(plan)]


def test_residual_worse_than_the_risk_is_reported_per_dimension():
    plan = program(
        {
            "id": "R7",
            "title": "t",
            "probability": 0.3,
            "impact": {"schedule": "5d", "scope": 2},
            "residual": {"probability": 0.4, "impact": {"schedule": "1w", "cost": 10, "scope": 2}},
        }
    )
    findings = check_program(plan)
    assert [f.path for f in findings] == [
        ("risks", 0, "residual", "probability"),
        ("risks", 0, "residual", "impact", "cost"),
    ]
    assert "residual probability 0.4 of R7 is higher than its probability 0.3" in (
        findings[0].message
    )
    assert "residual cost impact 10.0 of R7 is bigger than its cost impact none" in (
        findings[1].message
    )


def test_residual_schedule_compares_durations_in_any_unit():
    plan = program(
        {
            "id": "R",
            "title": "t",
            "probability": 0.3,
            "impact": {"schedule": "1w"},
            "residual": {"probability": 0.3, "impact": {"schedule": "6d"}},
        }
    )
    assert messages(plan) == [
        "residual schedule impact 6d of R is bigger than its schedule impact 1w; the residual "
        "is what remains after the response, so it cannot be worse"
    ]


def test_an_opportunity_residual_must_not_shrink_the_gain():
    good = {
        "id": "O",
        "title": "t",
        "kind": "opportunity",
        "probability": 0.3,
        "impact": {"schedule": "-3d"},
        "residual": {"probability": 0.6, "impact": {"schedule": "-4d"}},
    }
    assert messages(program(good)) == []
    bad = good | {"residual": {"probability": 0.2, "impact": {"schedule": "-1d"}}}
    found = messages(program(bad))
    assert len(found) == 2
    assert "lower than its probability" in found[0]
    assert "smaller than its schedule impact" in found[1]


def test_an_issue_has_probability_one():
    plan = program({"id": "I9", "title": "t", "kind": "issue", "probability": 0.8})
    assert messages(plan) == [
        "I9 is an issue (it has happened), so its probability is 1; write probability: 1, "
        "or kind: risk if it may still not happen"
    ]


def test_escalated_on_needs_escalated():
    plan = program({"id": "R", "title": "t", "probability": 0.5, "escalated_on": "2027-02-01"})
    assert "write escalated: true or remove escalated_on" in messages(plan)[0]


def test_history_names_risk_fields_and_is_not_in_the_future():
    plan = program(
        {
            "id": "R",
            "title": "t",
            "probability": 0.5,
            "history": [
                {"date": "2027-02-01", "field": "statsu", "before": "open", "after": "closed"},
                {"date": "2027-05-01", "field": "probability", "before": 0.5, "after": 0.3},
            ],
        },
        status_date=date(2027, 4, 30),
    )
    assert messages(plan) == [
        "history of R changes unknown risk field 'statsu'; did you mean 'status'?",
        "history of R has a change on 2027-05-01, after the status date 2027-04-30; "
        "history cannot be in the future",
    ]


# -- plan files -------------------------------------------------------------------------------

PLAN = """\
program: Scaled
key: SC
start: 2027-01-04
currency: EUR
risk_scales:
  schedule_days: [1, 3, 5, 10]
  cost: [1000, 5000, 20000, 50000]
  ratings: {low: 3, medium: 8, high: 12}
  escalation_score: 10
projects:
  - {id: A, name: a}
risks:
  - id: R1
    title: Vendor late
    project: A
    probability: 0.4
    impact: {schedule: 4d, cost: 6000}
    status: closed
    escalated: true
    escalated_on: 2027-02-01
    residual:
      probability: 0.2
      impact: {schedule: 1d}
    history:
      - {date: 2027-01-20, field: probability, before: 0.6, after: 0.4, by: ana}
      - {date: 2027-02-01, field: escalated, before: false, after: true, by: ana, note: to board}
      - {date: 2027-03-01, field: status, before: open, after: closed, by: ben}
"""


@pytest.fixture
def scaled_plan(tmp_path: Path) -> Path:
    path = tmp_path / "scaled.yaml"
    path.write_text(PLAN)
    return path


def test_custom_scales_from_a_plan(scaled_plan):
    plan = load_plan(scaled_plan)
    (entry,) = register(plan)
    assert entry.inherent.impacts == {"schedule": 3, "cost": 3}
    assert (entry.score, entry.rating) == (9, "high")
    assert entry.residual is not None and entry.residual.score == 2
    assert plan.risks[0].history[1].before is False
    assert plan.risks[0].history[0].after == 0.4


@pytest.mark.parametrize("target", ["plan.yaml", "plan.json", "folder"])
def test_scales_and_history_round_trip(scaled_plan, tmp_path, target):
    plan = load_plan(scaled_plan)
    dump_plan(plan, tmp_path / target)
    assert load_plan(tmp_path / target) == plan


def test_default_scales_are_left_out_and_partial_ones_keep_only_changes(sample_plan, scaled_plan):
    assert "risk_scales" not in dumps_plan(load_plan(sample_plan))
    text = dumps_plan(load_plan(scaled_plan))
    assert "risk_scales:" in text
    assert "probability: [0.1" not in text  # the default probability scale is not written


def test_a_bad_scale_in_a_plan_is_located(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(PLAN.replace("[1, 3, 5, 10]", "[1, 3, 3, 10]"))
    with pytest.raises(PlanInvalid) as caught:
        load_plan(path)
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"{path}:6:18: schedule_days: ")
    assert "must increase strictly" in problem.message
