"""Earned value against a worked example published outside progman, put into a plan so
that ``progman evm``'s own computation (baseline spread, percent complete, actual costs)
gives the book's figures.

Source: "Earned Value Exercise", https://studylib.net/doc/5898152/earned-value-exercise,
whose example is credited there to *PMP Exam Prep*, p. 210 (author and edition not given
on that page). A fence of four sides, each built in one day for a budget of $1,000, one
after the other; at the end of day 3: side 1 complete, $1,000 spent; side 2 complete,
$1,200 spent; side 3 50 % done, $600 spent; side 4 not started. The page's answers: PV
3,000, EV 2,500, AC 2,800, BAC 4,000, CV −300, CPI .893, SV −500, SPI .833, EAC 4,479,
ETC 1,679, VAC −479. The page divides BAC by the CPI rounded to .893
(4,000 / .893 = 4,479.3); progman divides by the exact CPI, 2,500 / 2,800, and gets 4,480
(ETC 1,680, VAC −480): the test checks both.

The page has no earned schedule; those figures follow from Lipke's definition as given in
W. Lipke, "Earned Schedule … an emerging enhancement to EVM" (slides, International
Metrics Congress 2007, PMI MetSIG; as stored at scribd.com/document/471962566), slide
"Earned Schedule Metric": ES = C + I, C the number of whole periods whose PV the EV has
reached, I = (EV − PV_C) / (PV_C+1 − PV_C); SV(t) = ES − AT, SPI(t) = ES / AT.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from progman.domain import Program
from progman.services.evm import program_earned_value


def _side(n: int, **progress: Any) -> dict[str, Any]:
    depends = [f"S{n - 1}"] if n > 1 else []
    return {"id": f"S{n}", "name": f"Side {n}", "duration": "1d", "fixed_cost": 1000,
            "depends": depends, **progress}  # fmt: skip


# Monday 1 to Thursday 4 March 2027 on the standard calendar; the status date is day 3.
FENCE: dict[str, Any] = {
    "key": "FENCE",
    "name": "Build a fence (PMP Exam Prep, p. 210)",
    "start": "2027-03-01",
    "status_date": "2027-03-03",
    "currency": "USD",
    "projects": [
        {
            "id": "F",
            "name": "Fence",
            "tasks": [
                _side(1, actual_start="2027-03-01", actual_finish="2027-03-01",
                      actual_cost=1000),
                _side(2, actual_start="2027-03-02", actual_finish="2027-03-02",
                      actual_cost=1200),
                _side(3, actual_start="2027-03-03", percent_complete=50,
                      actual_cost=600),
                _side(4),
            ],
        }
    ],
    "baselines": [
        {
            "id": "PLAN",
            "created": "2027-02-26",
            "tasks": {
                f"S{n}": {"start": f"2027-03-0{n}T08:00", "finish": f"2027-03-0{n}T16:00",
                          "cost": 1000}
                for n in range(1, 5)
            },
        }
    ],
}  # fmt: skip


def test_the_fence_gives_the_books_figures() -> None:
    result = program_earned_value(Program.model_validate(FENCE))
    fence = result.program
    assert (fence.pv, fence.ev, fence.ac, fence.bac) == (3000, 2500, 2800, 4000)
    assert (fence.cv, fence.sv) == (-300, -500)
    assert round(fence.cpi or 0, 3) == 0.893 and round(fence.spi or 0, 3) == 0.833
    # the book's EAC divides by the CPI rounded to three places
    assert round(fence.bac / round(fence.cpi or 0, 3)) == 4479
    assert (fence.eac, fence.etc, fence.vac) == (4480, 1680, -480)  # exact: 4,000 × 2,800 / 2,500
    assert fence.tcpi == pytest.approx((4000 - 2500) / (4000 - 2800))  # 1.25
    assert result.projects["F"] == fence  # one project: the same sums
    # per side, as the book's table lists them
    sides = [result.tasks[f"S{n}"] for n in range(1, 5)]
    assert [(s.pv, s.ev, s.ac) for s in sides] == [
        (1000, 1000, 1000), (1000, 1000, 1200), (1000, 500, 600), (0, 0, 0)
    ]  # fmt: skip
    assert result.estimated_actuals == ()


def test_the_fence_earned_schedule_follows_lipkes_definition() -> None:
    fence = program_earned_value(Program.model_validate(FENCE)).program
    # PV by day: 1,000, 2,000, 3,000, 4,000; EV 2,500 → C = 2, I = 500 / 1,000
    assert (fence.es_days, fence.at_days) == (2.5, 3)
    assert fence.sv_t_days == -0.5
    assert fence.spi_t == pytest.approx(0.8333)
    # IEAC(t) = PD / SPI(t) = 4 / (2.5 / 3) = 4.8 working days from Monday 1 March:
    # four days to Thursday, the last 0.8 on Friday 5 March
    assert fence.ieac_t_finish == date(2027, 3, 5)
