"""Named what-if scenarios in the database: save, list, load, compare, delete, all audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from tests.storage.helpers import ACTOR, audit_rows, do_delete_program, do_import_plan

from progman.domain import ChangeItem, Program
from progman.domain.scenarios import Scenario, apply_changes
from progman.errors import NotFound, PlanInvalid, ProgmanError
from progman.planfile import load_plan
from progman.services.programs import init_database
from progman.services.scenario_catalog import compare_saved_scenario
from progman.services.users import local_admin
from progman.services.whatif import ScenarioComparison
from progman.storage import (
    ScenarioSummary,
    create_engine_for,
    delete_scenario,
    head_revision,
    load_program,
    open_engine,
    save_scenario,
    transaction,
    upgrade_database,
)
from progman.storage import list_scenarios as stored_scenarios
from progman.storage import load_scenario as stored_scenario
from progman.storage.migrate import alembic_config


def do_save_scenario(url: str, key: str, scenario: Scenario, actor: str) -> Scenario:
    """As the services save one: once its changes apply to the program."""
    with open_engine(url) as engine, transaction(engine, write=True) as session:
        apply_changes(load_program(session, key), scenario.changes)
        return save_scenario(session, key, scenario, actor)


def list_scenarios(url: str, key: str) -> list[ScenarioSummary]:
    with open_engine(url) as engine, transaction(engine, write=False) as session:
        return stored_scenarios(session, key)


def load_scenario(url: str, key: str, name: str) -> Scenario:
    with open_engine(url) as engine, transaction(engine, write=False) as session:
        return stored_scenario(session, key, name)


def do_delete_scenario(url: str, key: str, name: str, actor: str) -> None:
    with open_engine(url) as engine, transaction(engine, write=True) as session:
        delete_scenario(session, key, name, actor)


def compare_scenario(url: str, key: str, name: str) -> ScenarioComparison:
    with open_engine(url) as engine, transaction(engine, write=False) as session:
        return compare_saved_scenario(session, local_admin(), key, name)


@pytest.fixture
def database(database_url: str, sample_plan: Path) -> str:
    init_database(database_url, load_plan(sample_plan))
    return database_url


@pytest.fixture
def program(sample_plan: Path) -> Program:
    return load_plan(sample_plan)


def slower(key: str = "late-ui", duration: str = "40d") -> Scenario:
    return Scenario(
        id=key,
        name="Checkout UI takes longer",
        description="what if the web checkout needs eight weeks",
        base="DPL",
        changes=[ChangeItem(op="set", target="WEB.checkout", field="duration", value=duration)],
    )


def scenario_audit(url: str) -> list[tuple[str, str, str]]:
    return [
        (row.action, row.entity_key, row.actor)
        for row in audit_rows(url)
        if row.entity_kind == "scenario"
    ]


def test_save_then_load_gives_the_scenario_back(database: str) -> None:
    saved = do_save_scenario(database, "DPL", slower(), ACTOR)
    loaded = load_scenario(database, "DPL", "late-ui")
    assert loaded == saved
    assert loaded.changes == slower().changes
    assert (loaded.base, loaded.base_revision, loaded.name) == ("DPL", 1, slower().name)
    assert loaded.created is not None


def test_list_and_update_in_place(database: str) -> None:
    do_save_scenario(database, "DPL", slower("b-second"), ACTOR)
    do_save_scenario(database, "DPL", slower("a-first"), ACTOR)
    do_save_scenario(database, "DPL", slower("a-first", "45d"), "alice")
    do_save_scenario(database, "DPL", slower("a-first", "45d"), "alice")  # unchanged: no row
    summaries = list_scenarios(database, "DPL")
    assert [(s.key, s.changes, s.version) for s in summaries] == [
        ("a-first", 1, 2),
        ("b-second", 1, 1),
    ]
    assert scenario_audit(database) == [
        ("created", "b-second", ACTOR),
        ("created", "a-first", ACTOR),
        ("updated", "a-first", "alice"),
    ]
    (updated,) = [r for r in audit_rows(database) if r.action == "updated"]
    assert updated.before["changes"][0]["value"] == "40d"
    assert updated.after["changes"][0]["value"] == "45d"
    assert updated.program_key == "DPL"


def test_delete_is_audited_with_the_last_content(database: str) -> None:
    do_save_scenario(database, "DPL", slower(), ACTOR)
    do_delete_scenario(database, "DPL", "late-ui", "bob")
    assert list_scenarios(database, "DPL") == []
    deleted = [r for r in audit_rows(database) if r.entity_kind == "scenario"][-1]
    assert (deleted.action, deleted.actor, deleted.after) == ("deleted", "bob", None)
    assert deleted.before["name"] == slower().name


def test_deleting_the_program_deletes_its_scenarios_with_a_trail(database: str) -> None:
    do_save_scenario(database, "DPL", slower(), ACTOR)
    do_delete_program(database, "DPL", ACTOR)
    assert scenario_audit(database)[-1] == ("deleted", "late-ui", ACTOR)
    engine = create_engine_for(database)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM scenarios").scalar() == 0
    engine.dispose()


def test_saving_the_program_again_keeps_its_scenarios(database: str, program: Program) -> None:
    do_save_scenario(database, "DPL", slower(), ACTOR)
    do_import_plan(database, program.model_copy(update={"name": "Renamed"}), ACTOR)
    assert [s.key for s in list_scenarios(database, "DPL")] == ["late-ui"]


def test_a_scenario_that_does_not_apply_is_not_stored(database: str) -> None:
    bad = Scenario(
        id="bad",
        name="bad",
        base="DPL",
        changes=[ChangeItem(op="set", target="WEB.chekout", field="duration", value="5d")],
    )
    with pytest.raises(PlanInvalid) as caught:
        do_save_scenario(database, "DPL", bad, ACTOR)
    assert "did you mean 'WEB.checkout'?" in str(caught.value)
    assert list_scenarios(database, "DPL") == []
    assert scenario_audit(database) == []


def test_unknown_names_say_did_you_mean(database: str) -> None:
    do_save_scenario(database, "DPL", slower(), ACTOR)
    with pytest.raises(NotFound, match="no scenario 'late-iu'; did you mean 'late-ui'"):
        load_scenario(database, "DPL", "late-iu")
    with pytest.raises(NotFound, match="no program with key 'DLP'"):
        list_scenarios(database, "DLP")
    with pytest.raises(NotFound, match="no scenario"):
        do_delete_scenario(database, "DPL", "nope", ACTOR)


def test_an_actor_is_required(database: str) -> None:
    with pytest.raises(ProgmanError, match="actor"):
        do_save_scenario(database, "DPL", slower(), " ")


def test_compare_a_stored_scenario(database: str) -> None:
    do_save_scenario(database, "DPL", slower(), ACTOR)
    result = compare_scenario(database, "DPL", "late-ui")
    assert result.baseline_id == "BL1"
    web = next(p for p in result.projects if p.id == "WEB")
    assert web.current is not None
    assert web.scenario is not None
    assert web.scenario >= web.current


def test_a_database_at_0001_upgrades_to_the_scenarios_table(database_url: str) -> None:
    engine = create_engine_for(database_url, foreign_keys=False)
    with engine.connect() as connection:
        command.upgrade(alembic_config(database_url, connection), "0001")
        connection.commit()
    engine.dispose()
    assert upgrade_database(database_url) == head_revision()
    with pytest.raises(NotFound):
        list_scenarios(database_url, "DPL")
