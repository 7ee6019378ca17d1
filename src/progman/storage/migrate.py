"""Schema migrations with Alembic, configured in code (no alembic.ini needed at run time).

Developers add a revision after changing ``models.py`` with::

    python -m progman.storage.migrate revision "add scenarios" [--db URL]

which autogenerates ``migrations/versions/NNNN_add_scenarios.py`` to be reviewed.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import DBAPIError

from progman.errors import DatabaseNotReady, StorageError
from progman.storage.db import (
    check_connection,
    connection_error,
    create_engine_for,
    ensure_sqlite_folder,
    parse_database_url,
    safe_url,
)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        rendered = parse_database_url(url).render_as_string(hide_password=False)
        config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def head_revision() -> str:
    """The newest schema revision this version of progman knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships its migrations
        raise StorageError(f"no migrations found in {MIGRATIONS_DIR}; reinstall progman")
    return head


@cache
def known_revisions() -> frozenset[str]:
    scripts = ScriptDirectory.from_config(alembic_config())
    return frozenset(script.revision for script in scripts.walk_revisions())


def revision_of(connection: Connection) -> str | None:
    """The schema revision of the connected database, None when it has no progman schema."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    return MigrationContext.configure(connection).get_current_revision()


def current_revision(url: str) -> str | None:
    """The schema revision of the database at ``url`` (None: not initialised)."""
    engine = create_engine_for(url)
    try:
        check_connection(engine)
        with engine.connect() as connection:
            return revision_of(connection)
    finally:
        engine.dispose()


def require_current_schema(connection: Connection) -> None:
    """Raise :class:`DatabaseNotReady` unless the database is at this progman's revision."""
    revision = revision_of(connection)
    if revision == head_revision():
        return
    where = safe_url(connection.engine.url)
    if revision is None:
        raise DatabaseNotReady(
            f"the database {where} has no progman tables yet; run `progman init` or "
            "`progman db upgrade`"
        )
    if revision in known_revisions():
        raise DatabaseNotReady(
            f"the database {where} has an older schema (revision {revision}, this progman "
            f"needs {head_revision()}); run `progman db upgrade`"
        )
    raise DatabaseNotReady(
        f"the database {where} was written by a newer progman (schema revision {revision}); "
        "upgrade progman to use it"
    )


def upgrade_database(url: str) -> str:
    """Bring the database at ``url`` to the newest schema; returns the revision reached.

    On SQLite foreign keys are off while migrating (table rebuilds would cascade deletes)
    and checked afterwards.
    """
    ensure_sqlite_folder(url)
    engine = create_engine_for(url, foreign_keys=False)
    try:
        check_connection(engine)
        with engine.connect() as connection:
            revision = revision_of(connection)
            if revision is not None and revision not in known_revisions():
                require_current_schema(connection)
            connection.commit()
            command.upgrade(alembic_config(url, connection), "head")
            if connection.dialect.name == "sqlite":
                problems = connection.execute(text("PRAGMA foreign_key_check")).all()
                if problems:
                    raise StorageError(
                        f"the upgrade of {safe_url(url)} left {len(problems)} broken references "
                        f"(first in table {problems[0][0]}); restore a backup"
                    )
            connection.commit()
            return revision_of(connection) or head_revision()
    except CommandError as exc:
        raise StorageError(f"cannot upgrade {safe_url(url)}: {exc}") from None
    except DBAPIError as exc:
        raise connection_error(engine, exc) from None
    finally:
        engine.dispose()


def new_revision(message: str, url: str = "sqlite:///:memory:") -> None:
    """Autogenerate a migration from the difference between ``url``'s schema and the models."""
    number = len(known_revisions()) + 1
    engine = create_engine_for(url, foreign_keys=False)
    with engine.connect() as connection:
        command.upgrade(alembic_config(url, connection), "head")
        connection.commit()
        command.revision(
            alembic_config(url, connection),
            message=message,
            autogenerate=True,
            rev_id=f"{number:04d}",
        )
    engine.dispose()


if __name__ == "__main__":  # pragma: no cover - developer tool
    if len(sys.argv) < 3 or sys.argv[1] != "revision":
        sys.exit("usage: python -m progman.storage.migrate revision MESSAGE [--db URL]")
    arguments = sys.argv[2:]
    database = "sqlite:///:memory:"
    if "--db" in arguments:
        at = arguments.index("--db")
        database = arguments[at + 1]
        del arguments[at : at + 2]
    new_revision(" ".join(arguments), database)
