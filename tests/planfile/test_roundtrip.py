"""Load → dump → load loses no data: YAML, JSON and folders, on real and generated plans."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from tests.strategies import programs

from progman.planfile import dump_plan, dumps_plan, load_plan


@pytest.mark.parametrize("target", ["plan.yaml", "plan.json", "folder"])
def test_sample_round_trips(sample_plan, tmp_path, target):
    program = load_plan(sample_plan)
    dump_plan(program, tmp_path / target)
    assert load_plan(tmp_path / target) == program


@pytest.mark.parametrize("target", ["plan.yaml", "plan.json", "folder"])
def test_contract_plan_round_trips(contract_plan, tmp_path, target):
    program = load_plan(contract_plan)
    dump_plan(program, tmp_path / target)
    assert load_plan(tmp_path / target) == program


def test_dump_is_stable(sample_plan, tmp_path):
    text = dumps_plan(load_plan(sample_plan))
    (tmp_path / "again.yaml").write_text(text)
    assert dumps_plan(load_plan(tmp_path / "again.yaml")) == text


def test_dump_uses_the_short_forms(contract_plan):
    text = dumps_plan(load_plan(contract_plan))
    assert "depends: [WEB.ux, API.spec SS+2d]" in text
    assert "resources: {ben: 0.5}" in text
    assert "estimate: [3d, 4d, 7d]" in text
    assert "holidays: [2027-04-02]" in text


SKILL_PLAN = """\
program: Skills
key: SK
start: 2027-03-01
resources:
  - {id: dana, name: Dana, role: Developer, skills: [react]}
projects:
  - id: WEB
    name: Web
    tasks:
      - {id: WEB.ui, name: UI, duration: 5d, resources: [{skill: react, units: 1.0}]}
      - id: WEB.api
        name: API
        duration: 3d
        resources: [{role: Developer, skill: react, units: 0.5}, {resource: dana}]
"""


@pytest.mark.parametrize("target", ["plan.yaml", "plan.json", "folder"])
def test_skill_assignments_round_trip(tmp_path, target):
    (tmp_path / "skills.yaml").write_text(SKILL_PLAN)
    program = load_plan(tmp_path / "skills.yaml")
    ui, api = program.projects[0].tasks
    assert [(a.role, a.skill, a.units) for a in ui.resources] == [(None, "react", 1.0)]
    assert [(a.resource, a.role, a.skill) for a in api.resources] == [
        (None, "Developer", "react"),
        ("dana", None, None),
    ]
    dump_plan(program, tmp_path / target)
    assert load_plan(tmp_path / target) == program
    text = dumps_plan(program)
    assert "- {skill: react}" in text  # full time is the default
    assert "- {role: Developer, skill: react, units: 0.5}" in text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs)
def test_generated_programs_round_trip(program):
    with tempfile.TemporaryDirectory() as folder:
        for target in ("plan.yaml", "plan.json", "tree"):
            dump_plan(program, Path(folder) / target)
            assert load_plan(Path(folder) / target) == program, target
