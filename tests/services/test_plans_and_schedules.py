"""services/scheduling.py, simulation.py, planfiles.py, maintenance.py and engine.py: what
``schedule``, ``simulate``, ``validate``, ``schema``, ``init`` and ``db`` call."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.storage.helpers import do_save_program

from progman.cli.main import main
from progman.errors import PlanInvalid, UsageError
from progman.planfile import load_plan
from progman.services.engine import kernel_cache
from progman.services.maintenance import do_upgrade_database
from progman.services.planfiles import (
    check_plan,
    do_export_plan,
    plan_format_schema,
    sample_program,
)
from progman.services.plans import PlanSource
from progman.services.scheduling import schedule_program
from progman.services.simulation import simulate_program


def test_a_schedule_is_the_command_s_json(capsys, contract_plan):
    result = schedule_program(load_plan(contract_plan), project="WEB")
    assert main(["schedule", str(contract_plan), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(b"".join(result.json_parts()))


def test_a_schedule_of_a_project_the_plan_lacks_is_a_usage_error(contract_plan):
    with pytest.raises(UsageError) as caught:
        schedule_program(load_plan(contract_plan), project="WBE")
    assert caught.value.option == "--project"


def test_a_simulation_is_the_command_s_json(capsys, contract_plan):
    seen: list[int] = []
    program = load_plan(contract_plan)
    result = simulate_program(program, iterations=300, seed=7, progress=seen.append)
    assert seen and seen[-1] == 300
    args = ["--json", "--iterations", "300", "--seed", "7"]
    assert main(["simulate", str(contract_plan), *args]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(result.to_json()))


def test_checking_a_plan_says_what_it_holds(contract_plan, tmp_path):
    summary = check_plan(PlanSource(path=contract_plan))
    program = load_plan(contract_plan)
    assert (summary.source, summary.key, summary.name) == (
        str(contract_plan),
        program.key,
        program.name,
    )
    assert summary.projects == len(program.projects)
    assert summary.work_items == sum(1 for _ in program.work_items())
    broken = tmp_path / "broken.yaml"
    broken.write_text(contract_plan.read_text().replace("depends: [API.spec]", "depends: [X]"))
    with pytest.raises(PlanInvalid):
        check_plan(PlanSource(path=broken))


def test_the_schema_is_the_command_s(capsys):
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == plan_format_schema()


def test_the_sample_program():
    program = sample_program()
    assert program.projects and program.key


def test_stored_program_export_and_schema_upgrade(database_url, contract_plan, tmp_path):
    schema = do_upgrade_database(database_url)
    assert schema.current and schema.revision
    program = load_plan(contract_plan)
    do_save_program(database_url, program, "test")
    out = tmp_path / "exported.yaml"
    assert do_export_plan(database_url, program.key, out).key == program.key
    assert load_plan(out).model_dump() == program.model_dump()
    summary = check_plan(PlanSource(program=program.key, database=database_url))
    assert summary.source == f"program {program.key}"


def test_the_kernel_cache_is_reported():
    cache = kernel_cache()
    if cache.caching:
        assert isinstance(cache.folder, Path)
