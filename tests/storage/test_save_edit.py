"""Saving an edit writes only what it touched, and leaves the database exactly as a
whole-program save of the edited program would: rows, versions, audit and snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.storage.helpers import ACTOR, audit_rows, do_save_program

from progman.domain import ChangeItem, Program
from progman.domain.scenarios import apply_changes
from progman.errors import Conflict
from progman.planfile import load_plan
from progman.services.programs import init_database
from progman.storage import load_program, open_engine, save_edit, transaction
from progman.storage import models as m
from progman.storage.repository import _program_row, assemble_program
from progman.storage.snapshot import snapshot_text
from progman.storage.stored import read_program_state
from progman.storage.touched import touched_entities


def change(op: str, target: str, field: str | None = None, value: Any = None) -> ChangeItem:
    return ChangeItem(op=op, target=target, field=field, value=value)


#: Edits of the sample, each a list of changes: what the API's entity edits make.
EDITS: dict[str, list[ChangeItem]] = {
    "a leaf's duration": [change("set", "API.arch_infra", "duration", "9d")],
    "a summary's name": [change("set", "API.arch", "name", "Foundations")],
    "two items": [
        change("set", "API.arch_infra", "percent_complete", 40),
        change("set", "WEB.golive", "name", "Go live"),
    ],
    "a new task in a project": [
        change("add", "API", "tasks", {"id": "API.extra", "name": "Extra", "duration": "2d"})
    ],
    "a new subtask": [
        change("add", "API.arch", "tasks", {"id": "API.arch_x", "name": "X", "duration": "1d"})
    ],
    "a task others depend on, removed": [change("remove", "API.arch_design")],
    "a summary removed": [change("remove", "API.arch")],
    "a new link": [change("add", "WEB.golive", "depends", {"task": "API.arch_infra"})],
    "new assignments": [change("set", "API.arch_infra", "resources", {"jonas": 0.5})],
    "a resource's capacity": [change("set", "jonas", "capacity", 0.8)],
    "a resource removed": [change("remove", "jonas")],
    "a new risk": [
        change("add", "DPL", "risks", {"id": "R99", "title": "New", "probability": 0.1})
    ],
    "the program's name": [change("set", "DPL", "name", "Renamed program")],
}


@pytest.fixture
def stored(database_url: str, sample_plan: Path) -> tuple[str, Program]:
    init_database(database_url)
    do_save_program(database_url, load_plan(sample_plan), ACTOR)
    with open_engine(database_url) as engine, transaction(engine, write=False) as session:
        return database_url, load_program(session, "DPL")


def versions(url: str) -> dict[tuple[str, str], int]:
    """The version of every work item and resource, by (kind, key)."""
    found = {}
    with open_engine(url) as engine, transaction(engine, write=False) as session:
        for kind, row in (("work_item", m.WorkItemRow), ("resource", m.ResourceRow)):
            for key, version in session.execute(select(row.key, row.version)):
                found[(kind, key)] = version
    return found


@pytest.mark.parametrize("name", list(EDITS))
def test_an_edit_saved_alone_is_stored_as_a_whole_save_would_store_it(
    stored: tuple[str, Program], name: str
) -> None:
    url, before = stored
    after = apply_changes(before, EDITS[name])
    versions_before = versions(url)
    audited_before = len(audit_rows(url))
    with open_engine(url) as engine, transaction(engine, write=True) as session:
        result = save_edit(session, before, after, ACTOR, expected_revision=1)
    assert result.revision == 2
    with open_engine(url) as engine, transaction(engine, write=False) as session:
        row = _program_row(session, "DPL", with_snapshot=True)
        assert row is not None
        assert (row.revision, row.snapshot_revision) == (2, 2)
        assert row.snapshot == snapshot_text(after)  # mended exactly as written afresh
        assert load_program(session, "DPL") == after
        assert assemble_program(read_program_state(session, row)) == after  # the rows too
    audited = audit_rows(url)[audited_before:]
    changed = {(entry.entity_kind, entry.entity_key) for entry in audited}
    assert len(changed) == len(audited) == result.created + result.updated + result.deleted
    versions_after = versions(url)
    for entity, version in versions_after.items():
        bumped = version != versions_before.get(entity, version)
        assert bumped == (entity in changed and entity in versions_before), entity


def test_an_edit_touches_only_its_rows(stored: tuple[str, Program]) -> None:
    url, before = stored
    after = apply_changes(before, EDITS["a leaf's duration"])
    with open_engine(url) as engine, transaction(engine, write=True) as session:
        result = save_edit(session, before, after, ACTOR, expected_revision=1)
    assert (result.created, result.updated, result.deleted) == (0, 1, 0)
    (entry,) = audit_rows(url)[-1:]
    assert (entry.entity_key, entry.before["duration"], entry.after["duration"]) == (
        "API.arch_infra",
        None,
        "9d",
    )


def test_edits_in_a_row_each_build_on_the_last(stored: tuple[str, Program]) -> None:
    url, program = stored
    for revision, name in enumerate(["a leaf's duration", "a new subtask", "a summary removed"]):
        edited = apply_changes(program, EDITS[name])
        with open_engine(url) as engine, transaction(engine, write=True) as session:
            save_edit(session, program, edited, ACTOR, expected_revision=revision + 1)
        program = edited
    with open_engine(url) as engine, transaction(engine, write=False) as session:
        assert load_program(session, "DPL") == program


def test_an_edit_of_an_older_revision_is_a_conflict_and_writes_nothing(
    stored: tuple[str, Program],
) -> None:
    url, before = stored
    first = apply_changes(before, EDITS["a leaf's duration"])
    with open_engine(url) as engine, transaction(engine, write=True) as session:
        save_edit(session, before, first, ACTOR, expected_revision=1)
    audited = len(audit_rows(url))
    late = apply_changes(before, EDITS["a summary's name"])
    with (
        pytest.raises(Conflict, match="revision 2"),
        open_engine(url) as engine,
        transaction(engine, write=True) as session,
    ):
        save_edit(session, before, late, ACTOR, expected_revision=1)
    assert len(audit_rows(url)) == audited
    with open_engine(url) as engine, transaction(engine, write=False) as session:
        assert load_program(session, "DPL") == first


@pytest.mark.parametrize(
    ("name", "units", "whole"),
    [
        ("a leaf's duration", ["API.arch_infra"], False),
        ("a new subtask", ["API.arch"], False),
        ("a task others depend on, removed", ["API.arch"], False),
        ("a new task in a project", ["API"], False),
        ("a resource's capacity", ["jonas"], False),
        ("a new risk", [], True),
    ],
)
def test_the_snapshot_is_mended_where_the_edit_is(
    sample_plan: Path, name: str, units: list[str], whole: bool
) -> None:
    before = load_plan(sample_plan)
    touched = touched_entities(before, apply_changes(before, EDITS[name]))
    assert [after.id for _, after in touched.units] == units  # type: ignore[attr-defined]
    assert touched.whole is whole
