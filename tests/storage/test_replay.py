"""A program held in memory is brought up to date from the audit log: the same program a
load would give, or None where the log cannot replay it (then it is loaded whole)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.storage.helpers import ACTOR, do_save_program
from tests.storage.test_save_edit import EDITS, change

from progman import storage
from progman.domain import ChangeItem, Program
from progman.domain.scenarios import apply_changes
from progman.errors import PlanInvalid
from progman.planfile import load_plan
from progman.samples import sample_plan_path
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


@st.composite
def edit_sequences(draw: st.DrawFn) -> list[list[ChangeItem]]:
    """A few edits of the sample, each one or two changes an API call would make."""
    leaves = ["API.arch_infra", "WEB.golive", "MOB.release", "LOY.prep", "API.core"]
    edits: list[list[ChangeItem]] = []
    for number in range(draw(st.integers(1, 4))):
        target = draw(st.sampled_from(leaves))
        kind = draw(st.sampled_from(["duration", "name", "add", "remove", "link", "risk"]))
        if kind == "duration":
            days = draw(st.integers(1, 30))
            edits.append([change("set", target, "duration", f"{days}d")])
        elif kind == "name":
            edits.append([change("set", target, "name", draw(st.text(min_size=1, max_size=8)))])
        elif kind == "add":
            under = draw(st.sampled_from(["API", "WEB", "API.arch"]))
            new = {"id": f"{under}.n{number}", "name": "New", "duration": "2d"}
            edits.append([change("add", under, "tasks", new)])
        elif kind == "remove":
            edits.append([change("remove", draw(st.sampled_from(["API.arch_design", "LOY.prep"])))])
        elif kind == "link":
            edits.append([change("add", "MKT.run", "depends", {"task": "API.arch_infra"})])
        else:
            risk = {"id": f"RX{number}", "title": "New", "probability": 0.2}
            edits.append([change("add", "DPL", "risks", risk)])
    return edits


@given(edit_sequences())
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_run_of_edits_replays_to_the_program_a_load_gives(
    sqlite_stored: str, edits: list[list[ChangeItem]]
) -> None:
    url = sqlite_stored
    with open_engine(url) as engine, transaction(engine, write=True) as session:
        save_program(session, load_plan(sample_plan_path()), ACTOR)  # back to the sample
    start, revision, saved_at = held(url)
    program = start
    for changes in edits:
        try:
            edited = apply_changes(program, changes)
        except PlanInvalid:  # an edit the plan refuses (a task removed already): skipped
            continue
        with open_engine(url) as engine, transaction(engine, write=True) as session:
            save_edit(session, program, edited, ACTOR, expected_revision=held(url)[1])
        program = edited
    loaded = held(url)[0]
    assert loaded == program
    assert caught_up(url, start, revision, saved_at) == loaded  # each kind replays


@pytest.fixture(scope="module")
def sqlite_stored(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('replay') / 'progman.db'}"
    init_database(url)
    do_save_program(url, load_plan(sample_plan_path()), ACTOR)
    return url
