"""One database engine (and connection pool) per database URL for the whole process.

Services take a session from the caller; the caller gets its engine here, made the first
time a URL is used and kept until the process ends, instead of an engine created and
disposed for every call.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from progman.storage import (
    check_connection,
    create_engine_for,
    default_database_url,
    require_current_schema,
    require_database_file,
    safe_url,
    transaction,
)

__all__ = [
    "DATABASE_VARIABLE",
    "check_database_ready",
    "database_engine",
    "database_of",
    "database_url",
    "dispose_engines",
    "safe_url",
    "unit_of_work",
]

#: The database of a process that names none (``progman serve`` sets it for its app).
DATABASE_VARIABLE = "PROGMAN_DB"
_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()


def database_url(url: str | None) -> str:
    """``url``, or the default database (``$PROGMAN_DB`` or the user data folder)."""
    return url if url else default_database_url()


def database_engine(url: str | None = None) -> Engine:
    """The process's engine for ``url`` (the default database when None), which must exist
    (a SQLite file that is not there is named, never created: see ``progman init``)."""
    key = database_url(url)
    with _LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            require_database_file(key)
            engine = create_engine_for(key)
            check_connection(engine)  # a clear error now, not in the middle of a use case
            _ENGINES[key] = engine
        return engine


@contextmanager
def unit_of_work(url: str | None = None, *, write: bool) -> Iterator[Session]:
    """One session in one transaction on the database ``url`` (committed when the block
    ends normally, rolled back on any error): what a caller hands to the services."""
    with transaction(database_engine(url), write=write) as session:
        yield session


def check_database_ready(url: str | None = None) -> str:
    """The database's URL once it answers and has this progman's schema; a clear error
    (run `progman init` / `progman db upgrade`) otherwise."""
    with unit_of_work(url, write=False) as session:
        require_current_schema(session.connection())
    return database_url(url)


def database_of(session: Session) -> str:
    """The URL of the database ``session`` works on (password included: a cache key,
    never shown)."""
    return str(session.get_bind().engine.url.render_as_string(hide_password=False))


def dispose_engines() -> None:
    """Close every pooled connection (at exit, and in tests that remove a database)."""
    with _LOCK:
        engines = list(_ENGINES.values())
        _ENGINES.clear()
    for engine in engines:
        engine.dispose()


atexit.register(dispose_engines)
