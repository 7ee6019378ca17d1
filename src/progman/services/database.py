"""One database engine (and connection pool) per database URL for the whole process.

Services take a session from the caller; the caller gets its engine here, made the first
time a URL is used and kept until the process ends, instead of an engine created and
disposed for every call.
"""

from __future__ import annotations

import atexit
import threading

from sqlalchemy import Engine

from progman.storage import check_connection, create_engine_for, default_database_url

_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()


def database_url(url: str | None) -> str:
    """``url``, or the default database (``$PROGMAN_DB`` or the user data folder)."""
    return url if url else default_database_url()


def database_engine(url: str | None = None) -> Engine:
    """The process's engine for ``url`` (the default database when None)."""
    key = database_url(url)
    with _LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = create_engine_for(key)
            check_connection(engine)  # a clear error now, not in the middle of a use case
            _ENGINES[key] = engine
        return engine


def dispose_engines() -> None:
    """Close every pooled connection (at exit, and in tests that remove a database)."""
    with _LOCK:
        engines = list(_ENGINES.values())
        _ENGINES.clear()
    for engine in engines:
        engine.dispose()


atexit.register(dispose_engines)
