"""Stored programs are rebuilt without a second validation, into exactly what validation builds.

:func:`progman.storage.trusted.construct` is compared with ``Program.model_validate`` on the
same data, down to each object's type, fields and fields set: on the sample, the shared
contract plan and generated programs, as stored (rows read back) and as dumped.
"""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from pydantic import BaseModel, ValidationError
from tests.storage.helpers import ACTOR, do_save_program, export_program
from tests.strategies import programs

from progman.domain import Program, WorkItem
from progman.domain.checked import is_checked
from progman.domain.work import Dependency
from progman.planfile import load_plan
from progman.services.programs import init_database
from progman.storage import open_engine, transaction
from progman.storage.repository import _program_row, program_data
from progman.storage.stored import read_program_state
from progman.storage.trusted import construct


def state(value: Any) -> Any:
    """Everything that makes up a domain object, down to which fields were given."""
    if isinstance(value, BaseModel):
        return (
            type(value),
            set(value.model_fields_set),
            value.__pydantic_extra__,
            value.__pydantic_private__,
            {name: state(field) for name, field in value.__dict__.items()},
        )
    if isinstance(value, list):
        return [state(item) for item in value]
    if isinstance(value, dict):
        return {key: state(item) for key, item in value.items()}
    return (type(value), value)


def stored_data(url: str, key: str) -> dict[str, Any]:
    """The plan data a stored program is rebuilt from (contents of its rows)."""
    with open_engine(url) as engine, transaction(engine, write=False) as session:
        row = _program_row(session, key)
        assert row is not None
        return program_data(read_program_state(session, row))


def assert_built_as_validated(data: dict[str, Any]) -> Program:
    trusted = construct(Program, copy.deepcopy(data))
    validated = Program.model_validate(copy.deepcopy(data))
    assert state(trusted) == state(validated)
    assert trusted.model_dump(mode="json") == validated.model_dump(mode="json")
    return trusted


@pytest.mark.parametrize("which", ["sample", "contract"])
def test_stored_plans_are_rebuilt_as_validation_builds_them(
    database_url: str, which: str, sample_plan: Path, request: pytest.FixtureRequest
) -> None:
    path = sample_plan if which == "sample" else request.getfixturevalue("contract_plan")
    program = load_plan(path)
    init_database(database_url)
    do_save_program(database_url, program, ACTOR)
    trusted = assert_built_as_validated(stored_data(database_url, program.key))
    assert trusted == program
    assert_built_as_validated(program.model_dump(mode="json"))  # the plan-file forms too


@pytest.fixture(scope="module")
def sqlite_url() -> Any:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'progman.db'}"
        init_database(url)
        yield url


@given(programs)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_generated_programs_are_rebuilt_as_validation_builds_them(
    sqlite_url: str, program: Program
) -> None:
    do_save_program(sqlite_url, program, ACTOR)
    assert assert_built_as_validated(stored_data(sqlite_url, program.key)) == program
    assert export_program(sqlite_url, program.key) == program
    assert_built_as_validated(program.model_dump(mode="json"))
    assert_built_as_validated(program.model_dump(mode="json", exclude_defaults=True))


def test_a_loaded_program_counts_as_checked(database_url: str, sample_plan: Path) -> None:
    init_database(database_url)
    do_save_program(database_url, load_plan(sample_plan), ACTOR)
    program = export_program(database_url, "DPL")
    assert is_checked(program)
    program.projects[0].tasks[0].depends = [Dependency(task="nowhere")]
    assert not is_checked(program)  # changed since: the engine checks it again


def test_absent_fields_take_their_defaults_and_unknown_ones_are_refused() -> None:
    data = {"id": "a", "name": "A", "depends": ["b SS+2d"], "estimate": ["1d", "2d", "4d"]}
    assert state(construct(WorkItem, dict(data))) == state(WorkItem.model_validate(data))
    with pytest.raises(ValidationError, match="bogus"):
        construct(WorkItem, {**data, "bogus": 1})
    with pytest.raises(ValidationError, match="name"):
        construct(WorkItem, {"id": "a"})


def test_instances_built_from_separate_data_share_nothing() -> None:
    def data() -> dict[str, Any]:
        return {"id": "a", "name": "A", "tags": [], "depends": []}

    first, second = construct(WorkItem, data()), construct(WorkItem, data())
    first.tags.append("x")
    first.name = "renamed"
    assert (second.tags, second.name) == ([], "A")
    assert second.model_fields_set >= {"id", "name"}
