"""The Alembic migrations build exactly the tables of the models, on both databases."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from tests.storage.helpers import list_programs

from progman.errors import DatabaseNotReady
from progman.storage import create_engine_for, current_revision, head_revision, upgrade_database
from progman.storage.migrate import MIGRATIONS_DIR
from progman.storage.models import Base


def test_migrations_create_what_the_models_describe(database_url: str) -> None:
    assert upgrade_database(database_url) == head_revision()
    engine = create_engine_for(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_upgrade_is_repeatable_and_reports_the_revision(database_url: str) -> None:
    assert current_revision(database_url) is None
    upgrade_database(database_url)
    assert upgrade_database(database_url) == head_revision() == "0009"
    assert current_revision(database_url) == "0009"


def test_database_from_a_newer_progman_is_refused(database_url: str) -> None:
    upgrade_database(database_url)
    engine = create_engine_for(database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(DatabaseNotReady, match="newer progman"):
        list_programs(database_url)
    with pytest.raises(DatabaseNotReady, match="newer progman"):
        upgrade_database(database_url)


def test_migrations_ship_as_package_files() -> None:
    """versions/ is a package, so setuptools puts every revision into the wheel."""
    assert (MIGRATIONS_DIR / "env.py").is_file()
    assert (MIGRATIONS_DIR / "script.py.mako").is_file()
    assert (MIGRATIONS_DIR / "versions" / "__init__.py").is_file()
    assert sorted(p.name for p in (MIGRATIONS_DIR / "versions").glob("0*.py")) == [
        "0001_initial_schema.py",
        "0002_scenarios.py",
        "0003_assignment_cost.py",
        "0004_assignment_skill.py",
        "0005_program_snapshot.py",
        "0006_access.py",
        "0007_audit_revision.py",
        "0008_user_active.py",
        "0009_audit_newest.py",
    ]
