"""One cost model: the planned cost, a baseline taken now, what-if and Monte Carlo agree.

The sample's figures are checked against a plain reading of the plan written here, apart
from the engine: each task's labour (rate × hours) plus its fixed costs.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest

import progman
from progman.domain import ChangeItem, Program, ThreePointEstimate, WorkItem
from progman.domain.durations import Duration
from progman.domain.scenarios import apply_changes
from progman.engine.compare import compare
from progman.engine.cost import planned_cost, planned_costs
from progman.samples import sample_plan_path
from progman.services.baselines import frozen_baseline

# -- the plan read by hand ---------------------------------------------------------------


def _hours(amount: Duration, hours_per_day: float, program_hours_per_day: float) -> float:
    """Working hours of a duration; an elapsed one counts 5 working days a week."""
    if amount.elapsed:
        days = amount.working_minutes() / 1440
        return days * 5 / 7 * program_hours_per_day
    return amount.working_minutes(hours_per_day) / 60


class HandCount:
    """Each work item's planned cost and labour, read straight from the plan."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.resources = {r.id: r for r in program.resources}
        self.program_day = self._day(program.calendar)

    def _day(self, name: str | None) -> float:
        calendar = self.program.calendars.get(name or "")
        return calendar.hours_per_day if calendar is not None else 8.0

    def task_day(self, item: WorkItem, project_calendar: str | None) -> float:
        """Hours a day of the task's calendar, met with its people's calendars."""
        names = [item.calendar or project_calendar or self.program.calendar]
        for assignment in item.resources:
            resource = self.resources.get(assignment.resource or "")
            if resource is not None and resource.kind == "person" and resource.calendar:
                names.append(resource.calendar)
        return min(self._day(name) for name in names)

    def duration_hours(self, item: WorkItem, day: float) -> float:
        """The schedule's duration: own, else most likely, else work over the units."""
        if item.is_summary or item.milestone:
            return 0.0
        chosen = item.duration or (item.estimate.most_likely if item.estimate else None)
        if chosen is not None:
            return _hours(chosen, day, self.program_day)
        if item.work is not None:
            units = sum(
                a.units
                for a in item.resources
                if a.resource is None or self.resources[a.resource].kind == "person"
            )
            return _hours(item.work, day, self.program_day) / (units or 1.0)
        return 0.0

    def item(self, item: WorkItem, project_calendar: str | None) -> tuple[float, float]:
        """(cost, labour hours) of one work item."""
        day = self.task_day(item, project_calendar)
        span = self.duration_hours(item, day)
        cost, labour = item.fixed_cost or 0.0, 0.0
        for assignment in item.resources:
            if assignment.work is not None:
                hours = _hours(assignment.work, day, self.program_day)
            else:
                hours = assignment.units * span
            cost += assignment.cost or 0.0
            resource = self.resources.get(assignment.resource or "")
            if resource is None:  # a role still to be staffed: work, no rate yet
                labour += hours
                continue
            cost += (resource.cost_per_use or 0.0) + (resource.rate or 0.0) * hours
            if resource.kind == "person":
                labour += hours
        return cost, labour

    def all(self) -> dict[str, tuple[float, float]]:
        return {
            item.id: self.item(item, project.calendar)
            for project in self.program.projects
            for top in project.tasks
            for item in top.walk()
        }


@pytest.fixture(scope="module")
def sample() -> Program:
    return progman.load_plan(sample_plan_path())


def pinned(program: Program, *, risks: bool = False) -> Program:
    """A copy whose estimates are all [m, m, m] (and without risks unless asked)."""
    copy = program.model_copy(deep=True)
    for item in copy.work_items():
        if item.estimate is not None:
            m = item.estimate.most_likely
            item.estimate = ThreePointEstimate(optimistic=m, most_likely=m, pessimistic=m)
    if not risks:
        copy.risks = []
    return copy


# -- the sample reconciles ----------------------------------------------------------------


def test_the_planned_cost_of_the_sample_is_each_tasks_labour_plus_fixed_costs(sample):
    by_hand = HandCount(sample).all()
    figures = planned_costs(sample)
    assert set(figures.by_id) == set(by_hand)
    for ident, (cost, labour) in by_hand.items():
        model_cost, model_labour = figures.by_id[ident]
        assert model_cost == pytest.approx(cost, abs=0.005), ident
        assert model_labour == pytest.approx(labour, abs=1e-6), ident
    assert planned_cost(sample) == pytest.approx(sum(c for c, _ in by_hand.values()), abs=0.01)


def test_tasks_with_only_an_estimate_or_work_are_counted(sample):
    """The bug: the old planned cost left these out (a third of the sample's labour)."""
    figures = planned_costs(sample).by_id
    estimated = [i for i in sample.work_items() if i.duration is None and i.estimate]
    driven = [i for i in sample.work_items() if i.duration is None and not i.estimate and i.work]
    assert len(estimated) > 40 and len(driven) >= 3
    assert all(figures[i.id][0] > 0 for i in estimated if i.resources)
    assert all(figures[i.id][1] == pytest.approx(i.work.working_minutes() / 60) for i in driven)


def test_a_baseline_taken_now_costs_what_the_plan_costs(sample):
    baseline = frozen_baseline(sample, "NOW", created=date(2027, 4, 30))
    figures = planned_costs(sample).by_id
    for ident, frozen in baseline.tasks.items():
        assert (frozen.cost or 0.0) == figures[ident][0], ident
    total = round(sum(t.cost or 0.0 for t in baseline.tasks.values()), 2)
    assert total == planned_cost(sample)
    with_now = sample.model_copy(update={"baselines": [*sample.baselines, baseline]})
    cost = compare(with_now, with_now, baseline_id="NOW").cost
    assert cost.baseline == cost.current == cost.scenario == planned_cost(sample)


def test_the_sample_baseline_was_taken_by_the_same_rule(sample):
    """BL1 (written by hand in January) agrees with the model wherever the task is as it
    was then: same duration, same work (two of its costs are rounded to the euro)."""
    figures = planned_costs(sample).by_id
    same = 0
    for ident, frozen in sample.baselines[0].tasks.items():
        if frozen.cost is None or frozen.work is None:
            continue
        cost, labour = figures[ident]
        if labour == pytest.approx(frozen.work.working_minutes() / 60):
            assert cost == pytest.approx(frozen.cost, abs=0.5), ident
            same += 1
    assert same >= 60


def test_monte_carlo_with_pinned_estimates_and_no_risks_gives_the_planned_cost(sample):
    result = progman.simulate(pinned(sample), iterations=200, seed=5)
    assert np.allclose(result.engine.cost, planned_cost(sample), rtol=0, atol=0.01)
    assert result.cost["p50"] == pytest.approx(planned_cost(sample), abs=0.01)


def test_monte_carlo_with_pinned_estimates_adds_only_the_risks(sample):
    """Each iteration: the planned cost + the fired risks' costs + the labour of the days
    they add to the tasks they affect; never less than planned without an opportunity."""
    result = progman.simulate(pinned(sample, risks=True), iterations=500, seed=5)
    assert not any(r.kind == "opportunity" and r.impact.cost for r in sample.risks)
    assert result.engine.cost.min() >= planned_cost(sample) - 0.01
    issues = sum(r.impact.cost or 0.0 for r in sample.risks if r.kind == "issue")
    assert result.engine.cost.min() >= planned_cost(sample) + issues - 0.01


def test_a_what_if_costs_the_change_at_the_rates(sample):
    """LOY.pos has only an estimate: five more most-likely days (Tomás and Lena half time
    at 90 and 110 an hour) cost 5 × 8 × (0.5 × 90 + 0.5 × 110) more."""
    item = next(i for i in sample.work_items() if i.id == "LOY.pos")
    assert item.duration is None and item.estimate is not None
    assert {a.resource: a.units for a in item.resources} == {"tomas": 0.5, "lena": 0.5}
    change = ChangeItem(op="set", target="LOY.pos", field="estimate", value=["12d", "20d", "30d"])
    cost = compare(sample, apply_changes(sample, [change])).cost
    assert cost.current == planned_cost(sample)
    assert cost.delta == pytest.approx(5 * 8 * (0.5 * 90 + 0.5 * 110))


# -- the rule, one case each ---------------------------------------------------------------


def plan(tasks: list[dict[str, Any]], **extra: Any) -> Program:
    return Program.model_validate(
        {
            "program": "Cost",
            "key": "CST",
            "start": "2027-03-01",
            "resources": [
                {"id": "ann", "name": "Ann", "rate": 100, "cost_per_use": 10},
                {"id": "bob", "name": "Bob", "rate": 50},
                {"id": "rig", "name": "Test rig", "kind": "material", "rate": 4},
                {"id": "cloud", "name": "Cloud", "kind": "cost", "rate": 2},
            ],
            "projects": [{"id": "P", "name": "P", "tasks": tasks}],
            **extra,
        }
    )


def one_task(**fields: Any) -> tuple[float, float]:
    """(cost, labour hours) of a single task ``T``."""
    return planned_costs(plan([{"id": "T", "name": "T", **fields}])).by_id["T"]


@pytest.mark.parametrize(
    ("fields", "cost", "labour"),
    [
        # 2 days of 8 h at half time: 8 h × 100 + 10 per use
        ({"duration": "2d", "resources": {"ann": 0.5}}, 810, 8),
        # an estimate costs its most likely duration, as the schedule takes it
        ({"estimate": ["1d", "2d", "9d"], "resources": {"ann": 0.5}}, 810, 8),
        # work over the units: 24 h shared by Ann and Bob at 1.0 and 0.5 (16 h and 8 h)
        ({"work": "24h", "resources": {"ann": 1.0, "bob": 0.5}}, 1600 + 10 + 400, 24),
        # an assignment's own work wins over units × duration
        ({"duration": "5d", "resources": {"ann": {"units": 1, "work": "6h"}}}, 610, 6),
        # 14 elapsed days are 10 working days of the program calendar
        ({"duration": "14ed", "resources": {"bob": 0.5}}, 40 * 50, 40),
        # a material: rate × units × hours, no labour; a cost resource: amount + rate
        (
            {"duration": "1d", "resources": {"rig": 3, "cloud": 1, "bob": 1}},
            3 * 8 * 4 + 8 * 2 + 400,
            8,
        ),
        (
            {"duration": "1d", "resources": [{"resource": "cloud", "cost": 1500, "units": 0}]},
            1500,
            0,
        ),
        # a role still to be staffed adds work but no cost; fixed cost as is
        ({"duration": "1d", "resources": [{"role": "qa", "units": 2}], "fixed_cost": 70}, 70, 16),
        # a milestone lasts nothing: only what it carries itself
        ({"milestone": True, "resources": {"ann": 1}, "fixed_cost": 5}, 15, 0),
    ],
)
def test_the_cost_rule(fields, cost, labour):
    assert one_task(**fields) == (pytest.approx(cost), pytest.approx(labour))


def test_a_task_costs_the_hours_of_its_own_calendar():
    short = {"short": {"workdays": ["mon", "tue", "wed", "thu", "fri"], "hours_per_day": 6}}
    program = plan(
        [{"id": "T", "name": "T", "duration": "2d", "calendar": "short", "resources": {"bob": 1}}],
        calendars=short,
    )
    assert planned_costs(program).by_id["T"] == (600, 12)


def test_a_summary_counts_its_own_fixed_cost_and_assignments_not_its_span():
    program = plan(
        [
            {
                "id": "S",
                "name": "S",
                "fixed_cost": 1000,
                "resources": {"ann": {"units": 0.2, "work": "10h"}, "bob": 1},
                "tasks": [{"id": "S.a", "name": "a", "duration": "1d", "resources": {"bob": 1}}],
            }
        ]
    )
    figures = planned_costs(program)
    assert figures.by_id["S"] == (1000 + 10 + 1000, 10)
    assert figures.by_id["S.a"] == (400, 8)
    assert figures.total == 2410


def test_progress_does_not_change_the_planned_cost():
    fields = {"id": "T", "name": "T", "duration": "4d", "resources": {"bob": 1}}
    done = {**fields, "actual_start": "2027-03-01", "actual_finish": "2027-03-12"}
    started = {**fields, "actual_start": "2027-03-01", "percent_complete": 50}
    for task in (fields, done, started):
        assert planned_cost(plan([task], status_date="2027-03-15")) == 1600
