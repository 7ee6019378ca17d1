"""Logical backups: every table as gzip-compressed JSON, tagged with the schema revision.

The same file restores into SQLite or PostgreSQL. A restore checks the whole file before
touching the database and replaces all data in one transaction, so a corrupt, truncated
or mismatched backup changes nothing.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    DateTime,
    Float,
    Integer,
    String,
    Table,
    select,
    text,
)
from sqlalchemy.exc import DataError, IntegrityError

from progman.errors import BackupInvalid, InputNotFound, StorageError
from progman.storage.db import open_engine, safe_url, transaction
from progman.storage.migrate import (
    head_revision,
    known_revisions,
    require_current_schema,
    revision_of,
)
from progman.storage.models import Base, UtcDateTime


def _progman_version() -> str:
    try:
        return version("progman")
    except PackageNotFoundError:  # a source tree that was not installed
        return "0.0.0"


BACKUP_FORMAT = "progman-backup"
BACKUP_FORMAT_VERSION = 1
_INSERT_BATCH = 2000


@dataclass(frozen=True)
class BackupInfo:
    """What a backup file holds."""

    path: Path
    revision: str
    created_at: str
    tables: int
    rows: int


def backup_database(url: str, file: str | Path) -> BackupInfo:
    """Write every table of the database at ``url`` to ``file`` (gzip JSON), atomically."""
    path = Path(file)
    with open_engine(url) as engine:
        connection_options: dict[str, Any] = {}
        if engine.dialect.name == "postgresql":  # one consistent snapshot of all tables
            connection_options["isolation_level"] = "REPEATABLE READ"
        with engine.connect().execution_options(**connection_options) as connection:
            require_current_schema(connection)
            revision = revision_of(connection) or head_revision()
            created_at = datetime.now(UTC).isoformat()
            header = {
                "format": BACKUP_FORMAT,
                "format_version": BACKUP_FORMAT_VERSION,
                "schema_revision": revision,
                "created_at": created_at,
                "progman_version": _progman_version(),
                "source": engine.dialect.name,
            }
            rows = _write_atomically(path, header, _table_dumps(connection))
    return BackupInfo(path, revision, created_at, len(Base.metadata.sorted_tables), rows)


def read_tables(connection: Connection) -> dict[str, list[list[Any]]]:
    """Every row of every table as JSON values, ordered by primary key (used by tests)."""
    return {table.name: list(rows) for table, rows in _table_dumps(connection)}


def restore_database(url: str, file: str | Path) -> BackupInfo:
    """Replace all data of the database at ``url`` with the backup in ``file``."""
    path = Path(file)
    backup = _read_backup(path)
    tables = _decode_tables(path, backup["tables"])
    with open_engine(url) as engine, transaction(engine, write=True) as session:
        connection = session.connection()
        require_current_schema(connection)
        _require_same_revision(path, backup["schema_revision"], safe_url(url))
        try:
            _replace_rows(connection, tables)
        except (IntegrityError, DataError) as exc:
            reason = str(exc.orig or exc).strip().splitlines()[0]
            raise _invalid(path, f"its rows break the database's rules ({reason})") from None
    total = sum(len(rows) for rows in tables.values())
    return BackupInfo(
        path, backup["schema_revision"], str(backup["created_at"]), len(tables), total
    )


def _replace_rows(connection: Connection, tables: dict[str, list[dict[str, Any]]]) -> None:
    for table in reversed(Base.metadata.sorted_tables):
        connection.execute(table.delete())
    for table in Base.metadata.sorted_tables:
        rows = _parents_first(table, tables[table.name])
        for start in range(0, len(rows), _INSERT_BATCH):
            connection.execute(table.insert(), rows[start : start + _INSERT_BATCH])
    if connection.dialect.name == "postgresql":
        _reset_sequences(connection)


# -- writing --------------------------------------------------------------------------------


def _table_dumps(connection: Connection) -> Iterator[tuple[Table, Iterator[list[Any]]]]:
    for table in Base.metadata.sorted_tables:
        result = connection.execute(select(table).order_by(*table.primary_key.columns))
        yield table, ([_to_json(value) for value in row] for row in result)


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _write_atomically(
    path: Path, header: dict[str, Any], tables: Iterable[tuple[Table, Iterable[list[Any]]]]
) -> int:
    """Stream the JSON into a temporary file beside ``path``, then rename it into place."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise StorageError(f"cannot write backup {path}: folder {folder} does not exist")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    os.close(handle)
    count = 0
    try:
        with gzip.open(temporary, "wt", encoding="utf-8") as out:
            out.write(json.dumps(header)[:-1] + ', "tables": {')
            for t, (table, rows) in enumerate(tables):
                columns = [column.name for column in table.columns]
                out.write(
                    f"{', ' if t else ''}{json.dumps(table.name)}: "
                    f'{{"columns": {json.dumps(columns)}, "rows": ['
                )
                count += _write_rows(out, rows)
                out.write("]}")
            out.write("}}")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count


def _write_rows(out: IO[str], rows: Iterable[list[Any]]) -> int:
    count = 0
    for row in rows:
        out.write(("," if count else "") + "\n" + json.dumps(row, separators=(",", ":")))
        count += 1
    return count


# -- reading --------------------------------------------------------------------------------


def _read_backup(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise InputNotFound(f"no backup file {path}")
    try:
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            data = json.load(stream)
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        raise _invalid(path, f"it is not a readable progman backup ({_reason(exc)})") from None
    if not isinstance(data, dict) or data.get("format") != BACKUP_FORMAT:
        raise _invalid(path, "it is not a progman backup (no 'format: progman-backup' header)")
    version = data.get("format_version")
    if not isinstance(version, int) or version > BACKUP_FORMAT_VERSION:
        raise _invalid(
            path,
            f"its format version {version!r} is newer than this progman "
            f"reads ({BACKUP_FORMAT_VERSION}); upgrade progman",
        )
    if not isinstance(data.get("schema_revision"), str) or not isinstance(data.get("tables"), dict):
        raise _invalid(path, "its header lacks the schema revision or the tables")
    return data


def _decode_tables(path: Path, raw: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Check every table and row of the backup and turn them into insertable rows."""
    expected = {table.name: table for table in Base.metadata.sorted_tables}
    if set(raw) != set(expected):
        missing, extra = sorted(set(expected) - set(raw)), sorted(set(raw) - set(expected))
        raise _invalid(
            path,
            f"its tables do not match this schema (missing: {missing or 'none'}, "
            f"unknown: {extra or 'none'})",
        )
    decoded: dict[str, list[dict[str, Any]]] = {}
    for name, table in expected.items():
        entry = raw[name]
        columns = entry.get("columns") if isinstance(entry, dict) else None
        rows = entry.get("rows") if isinstance(entry, dict) else None
        if columns != [column.name for column in table.columns] or not isinstance(rows, list):
            raise _invalid(path, f"table {name} does not have this schema's columns")
        table_rows = []
        for number, row in enumerate(rows, start=1):
            if not isinstance(row, list) or len(row) != len(columns):
                raise _invalid(path, f"row {number} of table {name} is malformed")
            try:
                table_rows.append(
                    {
                        column.key: _from_json(column.type, value)
                        for column, value in zip(table.columns, row, strict=True)
                    }
                )
            except (TypeError, ValueError) as exc:
                raise _invalid(path, f"row {number} of table {name}: {exc}") from None
        decoded[name] = table_rows
    return decoded


def _from_json(column_type: Any, value: Any) -> Any:
    """The Python value for a column, refusing values of the wrong type."""
    if value is None or isinstance(column_type, JSON):
        return value
    if isinstance(column_type, UtcDateTime | DateTime):
        stamp = datetime.fromisoformat(_expect(value, str, "a time stamp"))
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    if isinstance(column_type, Date):
        return date.fromisoformat(_expect(value, str, "a date"))
    if isinstance(column_type, Boolean):
        return _expect(value, bool, "true or false")
    if isinstance(column_type, Integer):
        if isinstance(value, bool):
            raise ValueError(f"expected an integer, got {value!r}")
        return _expect(value, int, "an integer")
    if isinstance(column_type, Float):
        if isinstance(value, bool):
            raise ValueError(f"expected a number, got {value!r}")
        return float(_expect(value, int | float, "a number"))
    if isinstance(column_type, String):
        return _expect(value, str, "text")
    return value


def _expect(value: Any, kind: Any, what: str) -> Any:
    if not isinstance(value, kind):
        raise ValueError(f"expected {what}, got {value!r}")
    return value


def _require_same_revision(path: Path, revision: str, where: str) -> None:
    if revision == head_revision():
        return
    if revision in known_revisions():
        raise _invalid(
            path,
            f"it is from an older schema (revision {revision}) than the "
            f"database {where} ({head_revision()}); restore it with the "
            "progman version that wrote it, then run `progman db upgrade`",
        )
    raise _invalid(
        path,
        f"it is from a newer version of progman (schema revision {revision}); "
        "upgrade progman, then run `progman db upgrade` and restore again",
    )


def _parents_first(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Order rows so a row referring to its own table (a WBS parent) follows its parent."""
    parent_columns = [fk.parent.key for fk in table.foreign_keys if fk.column.table is table]
    if not parent_columns or not rows:
        return rows
    parent = parent_columns[0]
    children: dict[Any, list[dict[str, Any]]] = {}
    for row in rows:
        children.setdefault(row[parent], []).append(row)
    ordered: list[dict[str, Any]] = []
    frontier = children.get(None, [])
    while frontier:
        ordered.extend(frontier)
        frontier = [child for row in frontier for child in children.get(row["id"], [])]
    if len(ordered) != len(rows):
        raise BackupInvalid(
            f"table {table.name} of the backup has rows whose parent is missing "
            "or which are their own ancestors; the database is unchanged"
        )
    return ordered


def _reset_sequences(connection: Connection) -> None:
    """PostgreSQL hands out ids from sequences; move them past the restored ids."""
    for table in Base.metadata.sorted_tables:
        if "id" not in table.c:
            continue
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
            ),
            {"table": table.name},
        )


def _invalid(path: Path, reason: str) -> BackupInvalid:
    return BackupInvalid(f"cannot restore {path}: {reason}; the database is unchanged")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, EOFError):
        return "the file is truncated"
    text_reason = str(exc).strip()
    return text_reason.splitlines()[0] if text_reason else type(exc).__name__
