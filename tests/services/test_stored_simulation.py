"""A stored program's simulation is kept per revision and question: the Monte Carlo page
asked again answers at once, and an edit makes it simulate the new revision."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.storage.helpers import do_save_program

from progman.domain import ChangeItem
from progman.domain.scenarios import apply_changes
from progman.planfile import load_plan
from progman.services import simulation
from progman.services.catalog import visible_program
from progman.services.database import dispose_engines, unit_of_work
from progman.services.programs import init_database
from progman.services.users import local_admin
from progman.storage import save_edit


@pytest.fixture
def url(database_url: str, sample_plan: Path):
    init_database(database_url)
    do_save_program(database_url, load_plan(sample_plan), "tester")
    yield database_url
    dispose_engines()


def _ask(url: str, **question):
    with unit_of_work(url, write=False) as session:
        return simulation.stored_simulation(session, local_admin(), "DPL", **question)


def test_the_same_question_of_a_revision_is_answered_once(url: str, monkeypatch) -> None:
    first, staffed = _ask(url, iterations=200, seed=1, leveled=False)
    assert staffed
    monkeypatch.setattr(simulation, "simulate_program", lambda *_, **__: pytest.fail("ran"))
    assert _ask(url, iterations=200, seed=1, leveled=False)[0] is first
    monkeypatch.undo()
    other = _ask(url, iterations=200, seed=2, leveled=False)[0]
    assert other is not first and other.seed == 2


def test_an_edit_is_simulated_anew(url: str) -> None:
    before = _ask(url, iterations=200, seed=1, leveled=False)[0]
    with unit_of_work(url, write=True) as session:
        held = visible_program(session, local_admin(), "DPL")
        change = ChangeItem(op="set", target="API.payments", field="remaining", value="60d")
        save_edit(session, held, apply_changes(held, [change]), "tester", expected_revision=1)
    after = _ask(url, iterations=200, seed=1, leveled=False)[0]
    assert after is not before
    assert after.finish["p50"] > before.finish["p50"]
