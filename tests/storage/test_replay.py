"""A program held in memory is brought up to date from the audit log: the same program a
load would give, or None where the log cannot replay it (then it is loaded whole)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from tests.storage.helpers import ACTOR, do_save_program
from tests.storage.test_save_edit import EDITS, change

from progman import storage
from progman.domain import Program
from progman.domain.scenarios import apply_changes
from progman.planfile import load_plan
from progman.services.programs import init_database
from progman.storage import (
    load_program,
    open_engine,
    program_revision,
    save_edit,
    save_program,
    transaction,
)


def held(url: str) -> tuple[Program, int, datetime]:
    with open_engine(url) as engine, transaction(engine, write=False) as session:
        revision, saved_at = program_revision(session, "DPL")
        return load_program(session, "DPL"), revision, saved_at


def caught_up(url: str, program: Program, revision: int, saved_at: datetime) -> Program | None:
    with open_engine(url) as engine, transaction(engine, write=False) as session:
        current, _ = program_revision(session, "DPL")
        return storage.caught_up(session, program, (revision, saved_at), current)


@pytest.fixture
def stored(database_url: str, sample_plan: Path) -> str:
    init_database(database_url)
    do_save_program(database_url, load_plan(sample_plan), ACTOR)
    return database_url


@pytest.mark.parametrize("name", list(EDITS))
def test_an_edit_replays_to_the_program_a_load_gives(stored: str, name: str) -> None:
    program, revision, saved_at = held(stored)
    edited = apply_changes(program, EDITS[name])
    with open_engine(stored) as engine, transaction(engine, write=True) as session:
        save_edit(session, program, edited, ACTOR, expected_revision=revision)
    assert caught_up(stored, program, revision, saved_at) == held(stored)[0] == edited


def test_several_revisions_and_a_whole_save_replay_in_order(stored: str) -> None:
    program, revision, saved_at = held(stored)
    current = program
    for name in ("a leaf's duration", "a new subtask", "a summary removed", "a new risk"):
        edited = apply_changes(current, EDITS[name])
        with open_engine(stored) as engine, transaction(engine, write=True) as session:
            save_edit(session, current, edited, ACTOR, expected_revision=held(stored)[1])
        current = edited
    whole = apply_changes(current, [change("set", "WEB.golive", "name", "Launch")])
    with open_engine(stored) as engine, transaction(engine, write=True) as session:
        save_program(session, whole, ACTOR)
    assert caught_up(stored, program, revision, saved_at) == held(stored)[0] == whole


def test_what_does_not_replay_exactly_is_loaded_whole(stored: str) -> None:
    program, revision, saved_at = held(stored)
    reordered = program.model_copy(
        update={"resources": [*program.resources[1:], program.resources[0]]}
    )
    with open_engine(stored) as engine, transaction(engine, write=True) as session:
        save_program(session, reordered, ACTOR)
    assert caught_up(stored, program, revision, saved_at) is None


def test_a_copy_of_another_save_of_that_revision_is_not_replayed(stored: str) -> None:
    program, revision, saved_at = held(stored)
    edited = apply_changes(program, EDITS["a leaf's duration"])
    with open_engine(stored) as engine, transaction(engine, write=True) as session:
        save_edit(session, program, edited, ACTOR, expected_revision=revision)
    assert (
        caught_up(stored, program, revision, datetime(2020, 1, 1, tzinfo=saved_at.tzinfo)) is None
    )
