"""Insert many rows fast: PostgreSQL's COPY, SQLite's ``executemany`` of one prepared INSERT.

Large programs (100,000 work items, as many audit rows) are written as a few statements
either way, without SQLAlchemy's per-row ORM bookkeeping: values are bound by the
columns' own bind processors, JSON is serialised by orjson. On PostgreSQL, COPY avoids
building and parsing one huge INSERT per thousand rows. New primary keys are taken from
the table's sequence (PostgreSQL) or after the largest id (SQLite, whose write
transaction holds the database lock, so no one else takes them meanwhile).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from operator import itemgetter
from typing import Any

import orjson
import psycopg
from sqlalchemy import JSON, Connection, func, insert, inspect, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from progman.storage import models as m


def insert_rows(
    session: Session, row: type[m.Base], values: list[dict[str, Any]], *, return_ids: bool = False
) -> list[int]:
    """Insert ``values`` (dicts keyed by ORM attribute, all with the same keys) into
    ``row``'s table. With ``return_ids`` the new primary keys are returned in the order
    of ``values``."""
    if not values:
        return []
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return _copy_rows(connection, row, values, return_ids=return_ids)
    return _insert_many(connection, row, values, return_ids=return_ids)


def _json_text(value: Any) -> str:
    """JSON text of ``value``: orjson, or the standard library for what orjson refuses
    (integers beyond 64 bits)."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value)


def _insert_many(
    connection: Connection, row: type[m.Base], values: list[dict[str, Any]], *, return_ids: bool
) -> list[int]:
    table: Any = row.__table__
    attributes = list(values[0])
    ids: list[int] = []
    if return_ids:
        last = connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
        ids = list(range(last + 1, last + 1 + len(values)))
        attributes = ["id", *attributes]
        values = [{**value, "id": new_id} for value, new_id in zip(values, ids, strict=True)]
    dialect = connection.dialect
    if dialect.paramstyle != "qmark":  # pysqlite's own style; anything else: SQLAlchemy's way
        connection.execute(insert(table), values)
        return ids
    mapped = inspect(row).columns
    columns = [mapped[attribute] for attribute in attributes]
    processors = [_bind_processor(column, dialect) for column in columns]
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(column.name) for column in columns)
    marks = ", ".join("?" for _ in columns)
    statement = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})"
    connection.exec_driver_sql(statement, _parameters(values, attributes, processors))
    return ids


def _parameters(
    values: list[dict[str, Any]],
    attributes: list[str],
    processors: list[Callable[[Any], Any] | None],
) -> list[Any]:
    """One tuple per row, taken out by ``itemgetter`` (in C); only processed columns are
    touched one by one, each distinct value processed once (one time stamp for all rows)."""
    take = itemgetter(*attributes) if len(attributes) > 1 else lambda v: (v[attributes[0]],)
    processed = [(i, _once_per_value(p)) for i, p in enumerate(processors) if p is not None]
    if not processed:
        return [take(value) for value in values]
    rows = []
    for value in values:
        row = list(take(value))
        for index, process in processed:
            row[index] = process(row[index])
        rows.append(tuple(row))
    return rows


def _once_per_value(processor: Callable[[Any], Any]) -> Callable[[Any], Any]:
    if processor is _json_text:
        return processor  # contents differ from row to row and cannot be keys
    known: dict[Any, Any] = {}

    def process(value: Any) -> Any:
        try:
            return known[value]
        except KeyError:
            result = known[value] = processor(value)
            return result

    return process


def _bind_processor(column: Any, dialect: Any) -> Callable[[Any], Any] | None:
    """How SQLAlchemy would bind a value of ``column``; JSON (``null`` for None, as the JSON
    type stores it) by orjson instead of the standard library."""
    if isinstance(column.type, JSON):
        return _json_text
    processor: Callable[[Any], Any] | None = column.type.dialect_impl(dialect).bind_processor(
        dialect
    )
    return processor


def _copy_rows(
    connection: Connection, row: type[m.Base], values: list[dict[str, Any]], *, return_ids: bool
) -> list[int]:
    table: Any = row.__table__
    mapper_columns = inspect(row).columns
    attributes = list(values[0])
    ids: list[int] = []
    if return_ids:
        ids = list(
            connection.scalars(
                text(
                    "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                    "FROM generate_series(1, :count)"
                ),
                {"table": table.name, "count": len(values)},
            )
        )
        attributes = ["id", *attributes]
        values = [{**value, "id": new_id} for value, new_id in zip(values, ids, strict=True)]
    columns = [mapper_columns[attribute] for attribute in attributes]
    is_json = [isinstance(column.type, JSON) for column in columns]
    names = ", ".join(f'"{column.name}"' for column in columns)
    statement = f"COPY {table.name} ({names}) FROM STDIN"
    pairs = list(zip(attributes, is_json, strict=True))
    driver_connection: Any = connection.connection.driver_connection
    try:
        with driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
            for value in values:
                copy.write_row(
                    [
                        _json_text(value[a]) if as_json and value[a] is not None else value[a]
                        for a, as_json in pairs
                    ]
                )
    except psycopg.Error as exc:  # same exception classes as statements run by SQLAlchemy
        raise DBAPIError.instance(statement, None, exc, psycopg.Error) from exc
    return ids
