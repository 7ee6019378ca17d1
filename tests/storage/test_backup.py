"""Backups restore exactly, across SQLite and PostgreSQL; bad backups change nothing."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.storage.helpers import (
    ACTOR,
    database_rows,
    do_delete_program,
    do_import_plan,
    export_program,
    list_programs,
)

from progman.domain import Program
from progman.errors import BackupInvalid, DatabaseNotReady, InputNotFound
from progman.planfile import load_plan
from progman.services.programs import init_database
from progman.storage import backup_database, head_revision, restore_database


@pytest.fixture
def programs(contract_plan: Path, sample_plan: Path) -> list[Program]:
    return [load_plan(contract_plan), load_plan(sample_plan)]


@pytest.fixture
def filled(database_url: str, programs: list[Program]) -> str:
    """A database holding two programs and a history of changes."""
    init_database(database_url)
    for program in programs:
        do_import_plan(database_url, program, ACTOR)
    renamed = programs[0].model_copy(update={"name": "Renamed"})
    do_import_plan(database_url, renamed, "alice")
    return database_url


def test_restore_brings_back_every_row(
    filled: str, tmp_path: Path, programs: list[Program]
) -> None:
    before = database_rows(filled)
    info = backup_database(filled, tmp_path / "progman.backup")
    assert info.revision == head_revision()
    assert info.rows == sum(len(rows) for rows in before.values())

    do_delete_program(filled, "DPL", ACTOR)
    restored = restore_database(filled, tmp_path / "progman.backup")
    assert restored.rows == info.rows
    assert database_rows(filled) == before
    assert export_program(filled, "DPL") == programs[1]
    # new rows after a restore get fresh ids (PostgreSQL sequences moved past the data)
    do_import_plan(filled, programs[1].model_copy(update={"key": "DPL2"}), ACTOR)
    assert [s.key for s in list_programs(filled)] == ["CON", "DPL", "DPL2"]


def test_backup_from_sqlite_restores_into_the_database(
    database_url: str, tmp_path: Path, programs: list[Program]
) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    init_database(source)
    for program in programs:
        do_import_plan(source, program, ACTOR)
    backup_database(source, tmp_path / "from-sqlite.backup")
    init_database(database_url)
    restore_database(database_url, tmp_path / "from-sqlite.backup")
    assert database_rows(database_url) == database_rows(source)
    assert [export_program(database_url, p.key) for p in programs] == programs


def test_backup_of_the_database_restores_into_sqlite(filled: str, tmp_path: Path) -> None:
    backup_database(filled, tmp_path / "to-sqlite.backup")
    target = f"sqlite:///{tmp_path / 'target.db'}"
    init_database(target)
    restore_database(target, tmp_path / "to-sqlite.backup")
    assert database_rows(target) == database_rows(filled)


def test_skill_assignments_survive_a_backup(
    database_url: str, tmp_path: Path, programs: list[Program]
) -> None:
    data = programs[0].model_dump(mode="json", by_alias=True)
    data["projects"][0]["tasks"][0]["resources"] = [
        {"skill": "react", "units": 0.5},
        {"role": "Developer", "skill": "react"},
    ]
    program = Program.model_validate(data)
    init_database(database_url)
    do_import_plan(database_url, program, ACTOR)
    before = database_rows(database_url)
    backup_database(database_url, tmp_path / "skills.backup")
    do_delete_program(database_url, program.key, ACTOR)
    restore_database(database_url, tmp_path / "skills.backup")
    assert database_rows(database_url) == before
    assert export_program(database_url, program.key) == program


def _rewrite(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        data = json.load(stream)
    change(data)
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        json.dump(data, stream)


def _truncate(path: Path) -> None:
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])


def _flip_bytes(path: Path) -> None:
    content = bytearray(path.read_bytes())
    for at in range(40, len(content) - 10, 97):
        content[at] ^= 0xFF
    path.write_bytes(bytes(content))


def _set(key: str, value: Any) -> Callable[[Path], None]:
    return lambda path: _rewrite(path, lambda data: data.__setitem__(key, value))


def _bad_cell(path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["tables"]["work_items"]["rows"][-1][0] = "not an id"

    _rewrite(path, change)


def _orphan_task(path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        table = data["tables"]["work_items"]
        parent = table["columns"].index("parent_id")
        table["rows"][-1][parent] = 10**9

    _rewrite(path, change)


def _dangling_reference(path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        table = data["tables"]["dependencies"]
        table["rows"][0][table["columns"].index("predecessor_id")] = 10**9

    _rewrite(path, change)


@pytest.mark.parametrize(
    "damage, message",
    [
        (_truncate, "the file is truncated"),
        (_flip_bytes, "not a readable progman backup"),
        (lambda path: path.write_bytes(b"just text"), "not a readable progman backup"),
        (lambda path: path.write_bytes(gzip.compress(b'{"tables": [')), "not a readable"),
        (_set("format", "something-else"), "not a progman backup"),
        (_set("format_version", 99), "newer than this progman reads"),
        (_set("schema_revision", "9999"), "newer version of progman"),
        (_set("tables", {"programs": {"columns": [], "rows": []}}), "do not match this schema"),
        (_bad_cell, "row .* of table work_items: expected an integer"),
        (_orphan_task, "rows whose parent is missing"),
        (_dangling_reference, "its rows break the database's rules"),
    ],
    ids=[
        "truncated",
        "corrupt",
        "not-gzip",
        "bad-json",
        "format",
        "format-version",
        "revision",
        "tables",
        "cell",
        "orphan",
        "dangling-reference",
    ],
)
def test_bad_backup_is_refused_and_changes_nothing(
    filled: str, tmp_path: Path, damage: Callable[[Path], None], message: str
) -> None:
    path = tmp_path / "damaged.backup"
    backup_database(filled, path)
    do_delete_program(filled, "CON", ACTOR)  # so that a restore would visibly change things
    before = database_rows(filled)
    damage(path)
    with pytest.raises(BackupInvalid, match=message) as error:
        restore_database(filled, path)
    assert "Traceback" not in str(error.value)
    assert database_rows(filled) == before


def test_missing_backup_file(filled: str, tmp_path: Path) -> None:
    with pytest.raises(InputNotFound, match="no backup file"):
        restore_database(filled, tmp_path / "nothing.backup")


def test_restore_needs_an_initialised_database(filled: str, tmp_path: Path) -> None:
    backup_database(filled, tmp_path / "progman.backup")
    with pytest.raises(DatabaseNotReady, match="progman db upgrade"):
        restore_database(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path / "progman.backup")


def test_failed_backup_leaves_no_file(database_url: str, tmp_path: Path) -> None:
    with pytest.raises(DatabaseNotReady):
        backup_database(database_url, tmp_path / "progman.backup")
    assert not [p for p in tmp_path.iterdir() if "backup" in p.name]
