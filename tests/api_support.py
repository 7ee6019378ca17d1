"""The ``api`` fixture: the REST API on a real database (SQLite, and PostgreSQL through
scripts/with-postgres.sh) holding the sample program DPL and a second program OTH, with
users of several roles (tests/conftest.py makes it every test's)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.storage.helpers import do_save_program

from progman.asgi import create_app
from progman.domain.access import User
from progman.planfile import load_plan
from progman.samples import sample_plan_path
from progman.services.database import dispose_engines, unit_of_work
from progman.services.programs import init_database
from progman.services.users import THROTTLE, do_add_user, do_create_token

PASSWORD = "correct horse battery"
ADMIN = User("test-admin", "admin")


@dataclass(frozen=True)
class Api:
    client: TestClient
    url: str

    def token(self, name: str) -> dict[str, str]:
        """``Authorization`` headers with a new token of user ``name``."""
        with unit_of_work(self.url, write=True) as session:
            made = do_create_token(session, ADMIN, name, 1)
        return {"Authorization": f"Bearer {made.token}"}


USERS = {
    # name: (role, program, project)
    "alice": ("admin", None, None),
    "paula": ("program_manager", "DPL", None),
    "victor": ("viewer", "DPL", None),
    "mona": ("member", "DPL", "MOB"),
    "otto": ("viewer", "OTH", None),
}


def _serving(database_url: str) -> Iterator[Api]:
    sample = load_plan(sample_plan_path())
    init_database(database_url, sample)
    do_save_program(database_url, sample.model_copy(update={"key": "OTH", "name": "Other"}), "t")
    with unit_of_work(database_url, write=True) as session:
        for name, (role, program, project) in USERS.items():
            do_add_user(
                session, ADMIN, name, role, program=program, project=project, password=PASSWORD
            )
    THROTTLE._failures.clear()
    with TestClient(create_app(database_url)) as client:
        yield Api(client, database_url)
    dispose_engines()


@pytest.fixture
def api(database_url: str) -> Iterator[Api]:
    """The app on SQLite and on PostgreSQL (a test runs once on each)."""
    yield from _serving(database_url)


@pytest.fixture
def sqlite_api(tmp_path: Path) -> Iterator[Api]:
    """The app on SQLite only: for a live server and a browser, which add nothing that
    depends on the database (the pages and the API run on both through ``api``)."""
    yield from _serving(f"sqlite:///{tmp_path / 'progman.db'}")
