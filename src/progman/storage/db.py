"""Database URLs, engines and transactions for SQLite (default) and PostgreSQL.

Every connection problem becomes a :class:`~progman.errors.StorageError` that names the
database without its password, so users never see a driver traceback.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DataError,
    IntegrityError,
    InterfaceError,
    NoSuchModuleError,
    OperationalError,
)
from sqlalchemy.orm import Session, sessionmaker

from progman.errors import Conflict, DatabaseNotReady, StorageError

#: Seconds a writer waits for another writer's lock on SQLite before giving up.
SQLITE_BUSY_TIMEOUT_SECONDS = 30
#: Seconds to wait for a PostgreSQL server to answer before saying it is unreachable.
POSTGRES_CONNECT_TIMEOUT_SECONDS = 10

_WRITE_OPTION = "progman_write"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # "postgres:/x" is a broken URL, not a file


def default_database_url() -> str:
    """``$PROGMAN_DB``, else a SQLite file in ``$XDG_DATA_HOME/progman`` (folder created)."""
    configured = os.environ.get("PROGMAN_DB", "").strip()
    if configured:
        return configured
    data_home = os.environ.get("XDG_DATA_HOME", "").strip()
    base = Path(data_home) if data_home else Path.home() / ".local" / "share"
    folder = base / "progman"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            f"cannot create the data folder {folder}: {exc.strerror}; "
            "set PROGMAN_DB or pass --db to use another database"
        ) from None
    return f"sqlite:///{folder / 'progman.db'}"


def ensure_sqlite_folder(url: str) -> None:
    """Create the folder of a SQLite file database (creating a database implies its folder)."""
    parsed = parse_database_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    folder = Path(parsed.database).expanduser().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            f"cannot create the folder {folder} for {safe_url(url)}: {exc.strerror}"
        ) from None


def parse_database_url(url: str) -> URL:
    """Parse ``url``; a bare path means a SQLite file, ``postgresql://`` means psycopg 3."""
    text = url.strip()
    if not text:
        raise StorageError(
            "empty database URL; use sqlite:///path/to/progman.db or postgresql://user@host/dbname"
        )
    if "://" not in text and not _SCHEME.match(text):
        return make_url(f"sqlite:///{Path(text).expanduser()}")
    try:
        parsed = make_url(text)
    except (ArgumentError, ValueError) as exc:
        raise StorageError(
            f"malformed database URL {_mask_unparsed(text)!r}: {exc}; use "
            "sqlite:///path/to/progman.db or postgresql://user:password@host:5432/dbname"
        ) from None
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername not in ("sqlite", "sqlite+pysqlite", "postgresql+psycopg"):
        raise StorageError(
            f"unsupported database {parsed.drivername!r} in {safe_url(parsed)}; "
            "progman works with SQLite (sqlite:///file.db) and PostgreSQL (postgresql://...)"
        )
    return parsed


def safe_url(url: str | URL) -> str:
    """The URL as text with the password hidden, fit for messages and logs."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    try:
        return parse_database_url(url).render_as_string(hide_password=True)
    except StorageError:
        return _mask_unparsed(url)


def _mask_unparsed(text: str) -> str:
    """Hide a password in a URL that SQLAlchemy could not parse (``user:secret@host``)."""
    scheme, sep, rest = text.partition("://")
    if not sep or "@" not in rest:
        return text
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in credentials else text


def require_database_file(url: str | URL) -> None:
    """A :class:`DatabaseNotReady` naming the file when ``url`` is a SQLite file that is not
    there: connecting would create an empty one. Only creating a database (``progman init``,
    ``progman db upgrade``) may do that; a command that reads or writes programs may not."""
    parsed = url if isinstance(url, URL) else parse_database_url(url)
    name = parsed.database
    if parsed.get_backend_name() != "sqlite" or not name or name == ":memory:":
        return
    if name.startswith("file:"):  # a SQLite URI (mode=memory, shared caches): its own rules
        return
    path = Path(name).expanduser()
    if not path.exists():
        raise DatabaseNotReady(
            f"there is no database at {path}; run `progman init` or `progman db upgrade` "
            "(with the same --db) to create it"
        )


def create_engine_for(url: str | URL, *, foreign_keys: bool = True) -> Engine:
    """An engine for ``url``. SQLite gets WAL, enforced foreign keys and a busy timeout.

    ``foreign_keys=False`` is for schema migrations only: SQLite's table rebuilds would
    otherwise cascade deletes into child tables.
    """
    parsed = url if isinstance(url, URL) else parse_database_url(url)
    options: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql":
        options["connect_args"] = {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_SECONDS}
        options["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **options)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise StorageError(f"cannot use database {safe_url(parsed)}: {exc}") from None
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, foreign_keys=foreign_keys)
    return engine


def _configure_sqlite(engine: Engine, *, foreign_keys: bool) -> None:
    """Let SQLAlchemy emit BEGIN itself (pysqlite's implicit one breaks isolation).

    Write transactions start with ``BEGIN IMMEDIATE`` so that two writers queue on the
    busy timeout instead of failing when the reader in one of them tries to write.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL: no corruption on crash
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(_WRITE_OPTION, False):
            _begin_immediate(connection)
        else:
            connection.exec_driver_sql("BEGIN")


def _begin_immediate(connection: Any) -> None:
    """``BEGIN IMMEDIATE``, waiting for another writer's lock in steps of 0.5 to 4 ms.

    SQLite's own busy handler sleeps up to 100 ms at a time, so a writer that queues
    behind a 30 ms edit would often wait three times as long as it must. For half the busy
    timeout the lock is tried in short steps; then SQLite's own handler waits as usual.
    """
    raw = connection.connection.dbapi_connection
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_SECONDS / 2
    pause = 0.0005
    raw.execute("PRAGMA busy_timeout=0")
    try:
        while time.monotonic() < deadline:
            try:
                raw.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                time.sleep(pause)
                pause = min(pause * 2, 0.004)
            else:
                return
    finally:
        raw.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def check_connection(engine: Engine) -> None:
    """Connect once, turning 'server unreachable' or 'cannot open file' into a StorageError."""
    try:
        with engine.connect():
            pass
    except (OperationalError, InterfaceError) as exc:
        raise connection_error(engine, exc) from None


def connection_error(engine: Engine, exc: Exception) -> StorageError:
    reason = str(getattr(exc, "orig", exc) or exc).strip().splitlines()
    detail = reason[0] if reason else type(exc).__name__
    return StorageError(f"cannot use database {safe_url(engine.url)}: {detail}")


def session_factory(engine: Engine, *, write: bool = False) -> sessionmaker[Session]:
    """Sessions bound to ``engine``.

    ``write=True`` takes SQLite's write lock at BEGIN. Reading sessions on PostgreSQL see
    one snapshot (REPEATABLE READ), so a program read in several queries is never half
    old and half new while someone saves it; SQLite's read transactions always do.
    """
    bind: Engine
    if write:
        bind = engine.execution_options(**{_WRITE_OPTION: True})
    elif engine.dialect.name == "postgresql":
        bind = engine.execution_options(isolation_level="REPEATABLE READ")
    else:
        bind = engine
    return sessionmaker(bind=bind, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine, *, write: bool) -> Iterator[Session]:
    """One session in one transaction: committed on success, rolled back on any error.

    Database failures that are not programming errors become progman errors with the
    database named (password hidden).
    """
    factory = session_factory(engine, write=write)
    try:
        with factory() as session, session.begin():
            yield session
    except IntegrityError as exc:
        raise Conflict(
            f"the database rejected the change ({_first_line(exc)}); it may have been "
            "changed at the same time by someone else: try again"
        ) from None
    except DataError as exc:
        raise StorageError(
            f"the database {safe_url(engine.url)} rejected a value: {_first_line(exc)}"
        ) from None
    except (OperationalError, InterfaceError) as exc:
        raise connection_error(engine, exc) from None


@contextmanager
def open_engine(url: str) -> Iterator[Engine]:
    """An engine for one use case on an existing database, checked to be reachable,
    disposed afterwards."""
    require_database_file(url)
    engine = create_engine_for(url)
    try:
        check_connection(engine)
        yield engine
    finally:
        engine.dispose()


def _first_line(exc: Exception) -> str:
    text = str(getattr(exc, "orig", exc) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
