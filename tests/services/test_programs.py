"""Whole stored programs for a user: who may store, replace, read and delete them."""

from __future__ import annotations

from pathlib import Path

import pytest

from progman.domain.access import Grant, User
from progman.errors import Forbidden, NotFound
from progman.planfile import load_plan
from progman.services.database import dispose_engines, unit_of_work
from progman.services.programs import (
    do_delete_program,
    do_save_program,
    export_program,
    init_database,
    stored_programs,
)
from progman.services.users import local_admin

MANAGER = User("paula", "viewer", (Grant("program_manager", "DPL"),))
VIEWER = User("victor", "viewer", (Grant("viewer", "DPL"),))
STRANGER = User("otto", "viewer", (Grant("program_manager", "OTH"),))


@pytest.fixture
def url(database_url: str, sample_plan: Path):
    init_database(database_url, load_plan(sample_plan))
    yield database_url
    dispose_engines()


def test_only_an_administrator_creates_a_program(url: str, sample_plan: Path) -> None:
    other = load_plan(sample_plan).model_copy(update={"key": "NEW"})
    with pytest.raises(Forbidden, match="may not create"), unit_of_work(url, write=True) as s:
        do_save_program(s, MANAGER, other)
    with unit_of_work(url, write=True) as session:
        assert do_save_program(session, local_admin("ada"), other).revision == 1


def test_a_program_manager_replaces_their_program_and_a_viewer_may_not(
    url: str, sample_plan: Path
) -> None:
    renamed = load_plan(sample_plan).model_copy(update={"name": "Renamed"})
    with pytest.raises(Forbidden), unit_of_work(url, write=True) as session:
        do_save_program(session, VIEWER, renamed)
    with unit_of_work(url, write=True) as session:
        assert do_save_program(session, MANAGER, renamed).revision == 2
    with unit_of_work(url, write=False) as session:
        assert export_program(session, VIEWER, "DPL").name == "Renamed"
        assert [s.key for s in stored_programs(session, VIEWER)] == ["DPL"]
        assert stored_programs(session, STRANGER) == []
        with pytest.raises(NotFound, match="no program with key 'DPL'"):
            export_program(session, STRANGER, "DPL")


def test_only_an_administrator_deletes_a_program(url: str) -> None:
    with pytest.raises(Forbidden), unit_of_work(url, write=True) as session:
        do_delete_program(session, MANAGER, "DPL")
    with unit_of_work(url, write=True) as session:
        assert do_delete_program(session, local_admin(), "DPL") > 0
    with unit_of_work(url, write=False) as session:
        assert stored_programs(session, local_admin()) == []
