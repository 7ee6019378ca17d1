"""The programs a server process keeps: read once per revision, and brought up to date
from the audit log when another process saved them since."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.storage.helpers import do_save_program

from progman.domain import ChangeItem
from progman.domain.checked import is_sealed
from progman.domain.scenarios import apply_changes
from progman.planfile import load_plan
from progman.services import catalog
from progman.services.database import dispose_engines, unit_of_work
from progman.services.programs import init_database
from progman.services.users import local_admin
from progman.storage import save_edit


@pytest.fixture
def url(database_url: str, sample_plan: Path):
    init_database(database_url)
    do_save_program(database_url, load_plan(sample_plan), "tester")
    catalog.LOADED.clear()
    yield database_url
    catalog.LOADED.clear()
    dispose_engines()


def test_a_program_read_twice_is_loaded_once_and_sealed(url: str, monkeypatch) -> None:
    user = local_admin()
    with unit_of_work(url, write=False) as session:
        first = catalog.visible_program(session, user, "DPL")
    monkeypatch.setattr(catalog, "load_program", lambda *_: pytest.fail("loaded again"))
    with unit_of_work(url, write=False) as session:
        assert catalog.visible_program(session, user, "DPL") is first
    assert is_sealed(first)


def test_a_save_by_another_process_is_replayed_not_loaded(url: str, monkeypatch) -> None:
    user = local_admin()
    with unit_of_work(url, write=False) as session:
        held = catalog.visible_program(session, user, "DPL")
    change = ChangeItem(op="set", target="API.arch_infra", field="duration", value="9d")
    edited = apply_changes(held, [change])
    with unit_of_work(url, write=True) as session:  # as another process would: not kept here
        save_edit(session, held, edited, "someone", expected_revision=1)
    monkeypatch.setattr(catalog, "load_program", lambda *_: pytest.fail("loaded whole"))
    with unit_of_work(url, write=False) as session:
        now, revision, _ = catalog.visible_program_at(session, user, "DPL")
    assert (now, revision) == (edited, 2)
    assert now is not edited and is_sealed(now)
