"""The report's SVG charts read at a glance: line-end labels that would overlap are moved
apart, and a chart names what it shows for a reader who cannot see it."""

from __future__ import annotations

import re
from datetime import date, timedelta

from progman.reports.charts import s_curve


def _label_positions(svg: str) -> dict[str, float]:
    found = re.findall(r'<text x="[\d.]+" y="([\d.]+)"[^>]*>(PV planned|EV earned|AC actual)<', svg)
    return {name: float(y) for y, name in found}


def test_earned_value_and_actual_cost_labels_do_not_overlap_when_the_lines_end_together():
    monday = date(2027, 1, 4)
    weeks = [
        (monday + timedelta(weeks=w), 1000.0 * (w + 1), 900.0 * (w + 1), 905.0 * (w + 1))
        if w < 8 else (monday + timedelta(weeks=w), 1000.0 * (w + 1), None, None)
        for w in range(16)
    ]  # fmt: skip
    chart = s_curve(weeks, monday + timedelta(weeks=8), "EUR")
    svg = chart.svg
    ys = _label_positions(svg)
    assert set(ys) == {"PV planned", "EV earned", "AC actual"}
    assert abs(ys["EV earned"] - ys["AC actual"]) >= 12
    assert "S-curve" in svg and "<desc" in svg
