"""Database URLs, SQLite settings, connection errors and concurrent writers."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from tests.storage.helpers import ACTOR, do_import_plan, list_programs

from progman.errors import PlanInvalid, StorageError
from progman.planfile import load_plan
from progman.services.programs import init_database
from progman.storage import create_engine_for, default_database_url, safe_url
from progman.storage.db import (
    SQLITE_BUSY_TIMEOUT_SECONDS,
    check_connection,
    parse_database_url,
    transaction,
)


def test_default_database_is_a_sqlite_file_in_the_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PROGMAN_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_database_url() == f"sqlite:///{tmp_path}/data/progman/progman.db"
    assert (tmp_path / "data" / "progman").is_dir()
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_database_url() == f"sqlite:///{tmp_path}/.local/share/progman/progman.db"


def test_progman_db_overrides_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROGMAN_DB", "postgresql://pm@db.example/progman")
    assert default_database_url() == "postgresql://pm@db.example/progman"


def test_urls_are_normalised() -> None:
    assert parse_database_url("plans/progman.db").render_as_string() == "sqlite:///plans/progman.db"
    assert parse_database_url("postgresql://u@h/d").drivername == "postgresql+psycopg"
    assert safe_url("postgresql://alice:s3cret@db/progman") == (
        "postgresql+psycopg://alice:***@db/progman"
    )


@pytest.mark.parametrize(
    "url, expected",
    [
        ("mysql://u@h/d", "unsupported database 'mysql'"),
        ("postgresql://alice:s3cret@db:notaport/x", "malformed database URL"),
        ("postgres:/db/progman", "malformed database URL"),
        ("", "empty database URL"),
    ],
)
def test_bad_urls_are_clear_errors(url: str, expected: str) -> None:
    with pytest.raises(StorageError, match=expected) as error:
        create_engine_for(url)
    assert "s3cret" not in str(error.value)


def test_unreachable_server_is_named_without_its_password() -> None:
    engine = create_engine_for("postgresql://alice:s3cret@127.0.0.1:1/progman")
    with pytest.raises(StorageError) as error:
        check_connection(engine)
    message = str(error.value)
    assert message.startswith("cannot use database postgresql+psycopg://alice:***@127.0.0.1:1/")
    assert "s3cret" not in message


def test_reading_a_sqlite_file_in_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match=r"there is no database at .*missing/progman\.db"):
        list_programs(f"sqlite:///{tmp_path}/missing/progman.db")
    assert not (tmp_path / "missing").exists()  # reading creates nothing


def test_init_creates_the_folder_of_a_new_sqlite_file(tmp_path: Path) -> None:
    init_database(f"sqlite:///{tmp_path}/missing/progman.db")
    assert (tmp_path / "missing" / "progman.db").is_file()


def test_values_a_database_cannot_hold_are_a_clear_error(
    database_url: str, contract_plan: Path
) -> None:
    """PostgreSQL text cannot hold NUL characters: on either database the save is refused
    before anything is written, naming the entity (a program must move between them)."""
    init_database(database_url)
    program = load_plan(contract_plan)
    program.projects[0].tasks[0].name = "API\x00specification"
    with pytest.raises(PlanInvalid, match=r"a text of API\.spec holds the NUL"):
        do_import_plan(database_url, program, ACTOR)
    assert list_programs(database_url) == []


def test_sqlite_uses_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30_000
    engine.dispose()


def test_writers_at_the_same_time_both_succeed(database_url: str, contract_plan: Path) -> None:
    init_database(database_url)
    program = load_plan(contract_plan)
    programs = [program.model_copy(update={"key": f"K{n}"}) for n in range(6)]
    errors: list[BaseException] = []

    def save(p: object) -> None:
        try:
            do_import_plan(database_url, p, ACTOR)  # type: ignore[arg-type]
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(p,)) for p in programs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [s.key for s in list_programs(database_url)] == [f"K{n}" for n in range(6)]


def test_a_sqlite_writer_waits_for_another_writers_lock_then_goes_in(tmp_path: Path) -> None:
    engine = create_engine_for(f"sqlite:///{tmp_path / 'locks.db'}")
    with transaction(engine, write=True) as session:
        session.execute(text("CREATE TABLE t (n INTEGER)"))
    holder = sqlite3.connect(tmp_path / "locks.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process's edit in progress
    written = threading.Event()

    def write() -> None:
        with transaction(engine, write=True) as session:
            session.execute(text("INSERT INTO t VALUES (1)"))
            timeout = session.execute(text("PRAGMA busy_timeout")).scalar()
            assert timeout == SQLITE_BUSY_TIMEOUT_SECONDS * 1000
        written.set()

    writer = threading.Thread(target=write)
    writer.start()
    assert not written.wait(0.3)  # queued behind the lock
    holder.execute("INSERT INTO t VALUES (0)")
    holder.execute("COMMIT")
    writer.join(10)
    assert written.is_set()
    with transaction(engine, write=False) as session:
        assert session.execute(text("SELECT n FROM t ORDER BY rowid")).scalars().all() == [0, 1]
    holder.close()
    engine.dispose()
