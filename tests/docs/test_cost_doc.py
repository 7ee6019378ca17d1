"""The Cost section of docs/user-guide.md is true: its Python block prints what its
comments say, and the figures it quotes are the ones the commands print."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

import progman
from progman.cli.main import main
from progman.engine.cost import planned_cost, planned_costs
from progman.samples import sample_plan_path

PAGE = Path(__file__).resolve().parents[2] / "docs" / "user-guide.md"
PYTHON = re.compile(r"```python\n(.*?)```", re.DOTALL)
PRINTED = re.compile(r"#\s*([\d.]+)\s*$")


@pytest.fixture(scope="module")
def section() -> str:
    text = PAGE.read_text(encoding="utf-8")
    start = text.index("## Cost\n")
    return text[start : text.index("\n## ", start + 1)]


def test_the_python_block_prints_what_its_comments_say(section, monkeypatch):
    monkeypatch.chdir(PAGE.parents[1])  # the sample path is written from the repository
    block = PYTHON.search(section)
    assert block, "the Cost section lost its Python example"
    expected = [
        float(m.group(1)) for line in block.group(1).splitlines() if (m := PRINTED.search(line))
    ]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block.group(1), "user-guide.md", "exec"), {})
    printed = [float(line) for line in out.getvalue().split()]
    assert printed == pytest.approx(expected, abs=0.005)
    planned, *means = printed[1:]
    for mean in means:  # the table beside the block: each mean and how far above planned
        assert f"| {mean:,.2f} | {mean - planned:,.0f} |" in section


def printed_json(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main([*args, "--json"]) == 0
    found: dict[str, Any] = json.loads(capsys.readouterr().out)
    return found


def test_the_quoted_figures_are_the_ones_the_commands_print(section, capsys):
    sample = str(sample_plan_path())
    plan = progman.load_plan(sample)
    planned = planned_cost(plan)
    compared = printed_json(["whatif", "run", sample], capsys)["cost"]
    assert f'"cost": {json.dumps(compared)}' in section
    assert compared["current"] == compared["scenario"] == planned
    assert f"**{planned:,.2f}** EUR" in section
    assert f"{compared['baseline'] - planned:,.2f} more" in section
    assert planned_costs(plan).by_id["LOY.migration"][0] == 14_293.33
    assert "15,008.00 →\n14,293.33" in section
    simulated = printed_json(["simulate", sample], capsys)["cost"]  # written compact
    assert f'"cost":{json.dumps(simulated, separators=(",", ":"))}' in section
    assert f"P50, {simulated['p50']:,.0f}, is {simulated['p50'] - planned:,.0f} above" in section
    assert f"The mean, {simulated['mean']:,.2f}," in section


def test_the_expected_risk_cost_is_the_one_quoted(section):
    plan = progman.load_plan(sample_plan_path())
    expected = sum(
        (1.0 if r.kind == "issue" else r.probability) * (r.impact.cost or 0.0)
        for r in plan.risks
        if r.status != "closed"
    )
    assert f"{expected:,.0f} = 12,000 for issue I1" in section
