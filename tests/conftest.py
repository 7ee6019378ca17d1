"""Shared fixtures: the sample plan and the contract plan of ../shared."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy
from tests.api_support import api, sqlite_api  # noqa: F401 - the app on a database
from tests.live_server import site  # noqa: F401 - a live server, for the browser
from tests.schedule_spy import schedules  # noqa: F401 - counts CPM schedules

from progman.samples import sample_plan_path

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture
def sample_plan() -> Path:
    return sample_plan_path()


@pytest.fixture
def contract_plan() -> Path:
    path = SHARED / "data" / "plans" / "contract.yaml"
    if not path.exists():
        pytest.skip(f"../shared is absent: {path} not found")
    return path


# -- databases: storage tests run on SQLite and on PostgreSQL -----------------------------

PG_URL_VARIABLE = "PROGMAN_TEST_PG_URL"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty database: a SQLite file, or a fresh schema in the test cluster.

    The PostgreSQL cluster comes from ``scripts/with-postgres.sh``; without it the
    PostgreSQL variant is skipped, except on CI (``$CI`` set) where that is a failure.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'progman.db'}"
        return
    yield from _postgres_schema_url()


def _postgres_schema_url() -> Iterator[str]:
    base = os.environ.get(PG_URL_VARIABLE)
    if not base:
        reason = (
            f"{PG_URL_VARIABLE} is not set: run the tests through "
            "scripts/with-postgres.sh (e.g. scripts/with-postgres.sh .venv/bin/pytest)"
        )
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL tests must run on CI; {reason}")
        pytest.skip(reason)
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = sqlalchemy.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        url = sqlalchemy.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    finally:
        admin.dispose()
