"""A program's snapshot: read while it is of the program's revision, never after.

Loads from a valid snapshot, from the rows when it is stale or missing, and re-saves that
an unchanged program answers from the snapshot without writing anything.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from orjson import loads
from sqlalchemy import update
from tests.storage.helpers import (
    ACTOR,
    audit_rows,
    database_rows,
    do_save_program,
    export_program,
    large_program,
)
from tests.storage.test_trusted import state
from tests.strategies import programs

from progman.domain import Program
from progman.domain.checked import is_checked
from progman.errors import Conflict
from progman.planfile import load_plan
from progman.services.programs import init_database
from progman.storage import create_engine_for, open_engine, transaction
from progman.storage import models as m
from progman.storage.repository import _program_row, assemble_program
from progman.storage.snapshot import program_from_snapshot, snapshot_text
from progman.storage.stored import read_program_state


@pytest.fixture
def database(database_url: str) -> str:
    init_database(database_url)
    return database_url


@pytest.fixture
def sample(sample_plan: Path) -> Program:
    return load_plan(sample_plan)


def snapshot_of(url: str, key: str) -> tuple[str | None, int | None, int]:
    """The stored snapshot, the revision it is of and the program's revision."""
    with open_engine(url) as engine, transaction(engine, write=False) as session:
        row = _program_row(session, key, with_snapshot=True)
        assert row is not None
        return row.snapshot, row.snapshot_revision, row.revision


def from_rows(url: str, key: str) -> Program:
    with open_engine(url) as engine, transaction(engine, write=False) as session:
        row = _program_row(session, key)
        assert row is not None
        return assemble_program(read_program_state(session, row))


def set_program_columns(url: str, key: str, **values: object) -> None:
    engine = create_engine_for(url)
    try:
        with transaction(engine, write=True) as session:
            session.execute(update(m.ProgramRow).where(m.ProgramRow.key == key).values(**values))
    finally:
        engine.dispose()


def renamed(program: Program, name: str) -> Program:
    return program.model_copy(update={"name": name})


def test_snapshot_text_gives_back_an_equal_program(sample: Program, contract_plan: Path) -> None:
    for program in (sample, load_plan(contract_plan)):
        text = snapshot_text(program)
        assert program_from_snapshot(text) == program
        assert snapshot_text(program_from_snapshot(text)) == text


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(program=programs)
def test_generated_programs_load_equal_from_snapshot_and_from_rows(
    database: str, program: Program
) -> None:
    program = program.model_copy(update={"key": "GEN"})
    do_save_program(database, program, ACTOR)
    text, of_revision, revision = snapshot_of(database, "GEN")
    assert text == snapshot_text(program) and of_revision == revision
    assert export_program(database, "GEN") == program == from_rows(database, "GEN")


def test_a_valid_snapshot_is_what_load_reads(database: str, sample: Program) -> None:
    do_save_program(database, sample, ACTOR)
    set_program_columns(database, sample.key, snapshot=snapshot_text(renamed(sample, "Other")))
    loaded = export_program(database, sample.key)
    assert loaded.name == "Other"  # proof that the snapshot, not the rows, was read
    assert is_checked(loaded)


@pytest.mark.parametrize("stale", [{"snapshot_revision": 0}, {"snapshot": None}, {"revision": 7}])
def test_a_stale_or_missing_snapshot_falls_back_to_the_rows(
    database: str, sample: Program, stale: dict[str, object]
) -> None:
    do_save_program(database, sample, ACTOR)
    values = {"snapshot": snapshot_text(renamed(sample, "Stale")), **stale}
    set_program_columns(database, sample.key, **values)
    loaded = export_program(database, sample.key)
    assert loaded == sample
    assert is_checked(loaded)


def test_an_unchanged_resave_writes_nothing(database: str, sample: Program) -> None:
    first = do_save_program(database, sample, ACTOR)
    before = database_rows(database)
    again = do_save_program(database, load_plan_equal(sample), ACTOR)
    assert not again.changed and again.revision == first.revision
    assert database_rows(database) == before


def load_plan_equal(program: Program) -> Program:
    """An equal program that is another object (not marked checked)."""
    return Program.model_validate(program.model_dump(mode="json", by_alias=True))


def test_an_unchanged_resave_still_refuses_a_stale_expected_revision(
    database: str, sample: Program
) -> None:
    do_save_program(database, sample, ACTOR)
    do_save_program(database, renamed(sample, "Renamed"), ACTOR)
    with pytest.raises(Conflict, match="changed by someone else"):
        do_save_program(database, renamed(sample, "Renamed"), ACTOR, expected_revision=1)


def test_a_stale_snapshot_is_rewritten_by_an_unchanged_save(database: str, sample: Program) -> None:
    first = do_save_program(database, sample, ACTOR)
    set_program_columns(database, sample.key, snapshot=None, snapshot_revision=None)
    audits = len(audit_rows(database))
    again = do_save_program(database, sample, ACTOR)
    assert not again.changed and again.revision == first.revision
    assert len(audit_rows(database)) == audits  # nothing changed: nothing audited
    assert snapshot_of(database, sample.key) == (snapshot_text(sample), 1, 1)


def test_a_changed_save_rewrites_the_snapshot_at_the_new_revision(
    database: str, sample: Program
) -> None:
    do_save_program(database, sample, ACTOR)
    changed = renamed(sample, "Renamed")
    result = do_save_program(database, changed, ACTOR, expected_revision=1)
    assert result.revision == 2
    assert snapshot_of(database, sample.key) == (snapshot_text(changed), 2, 2)
    assert export_program(database, sample.key) == changed == from_rows(database, sample.key)


def test_snapshot_load_builds_what_validation_builds(sample: Program, contract_plan: Path) -> None:
    """Down to the fields set: the people of a task are built directly, not validated."""
    people = large_program(tasks=600, projects=3)
    for program in (sample, load_plan(contract_plan), people):
        text = snapshot_text(program)
        assert state(program_from_snapshot(text)) == state(Program.model_validate(loads(text)))
    assert any(item.resources for item in people.work_items())
