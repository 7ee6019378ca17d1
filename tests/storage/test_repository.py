"""Saving and loading whole programs: round trips, updates in place, audit, atomicity."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import func, select
from tests.storage.helpers import (
    ACTOR,
    audit_rows,
    database_rows,
    do_delete_program,
    do_import_plan,
    do_save_program,
    export_program,
    list_programs,
)
from tests.strategies import programs

from progman.domain import Program
from progman.errors import Conflict, DatabaseNotReady, NotFound, PlanInvalid
from progman.planfile import load_plan
from progman.services.programs import init_database
from progman.storage import create_engine_for, transaction
from progman.storage import models as m
from progman.storage.writer import ProgramWriter


@pytest.fixture
def database(database_url: str) -> str:
    init_database(database_url)
    return database_url


@pytest.fixture
def contract(contract_plan: Path) -> Program:
    return load_plan(contract_plan)


def versions(url: str, row: type[m.EntityRow]) -> dict[str, int]:
    engine = create_engine_for(url)
    try:
        with transaction(engine, write=False) as session:
            return dict(session.execute(select(row.key, row.version)).all())  # type: ignore[arg-type]
    finally:
        engine.dispose()


def count(url: str, row: type[m.Base]) -> int:
    engine = create_engine_for(url)
    try:
        with transaction(engine, write=False) as session:
            return session.scalar(select(func.count()).select_from(row)) or 0
    finally:
        engine.dispose()


# -- round trips ------------------------------------------------------------------------------


def test_contract_plan_round_trips(database: str, contract: Program) -> None:
    assert do_import_plan(database, contract, ACTOR) == "CON"
    assert export_program(database, "CON") == contract


def test_sample_program_round_trips(database: str, sample_plan: Path) -> None:
    sample = load_plan(sample_plan)
    do_import_plan(database, sample, ACTOR)
    assert export_program(database, sample.key) == sample


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(first=programs, second=programs)
def test_generated_programs_round_trip_and_replace_each_other(
    database: str, first: Program, second: Program
) -> None:
    first = first.model_copy(update={"key": "GEN"})
    second = second.model_copy(update={"key": "GEN"})
    do_import_plan(database, first, ACTOR)
    assert export_program(database, "GEN") == first
    do_import_plan(database, second, ACTOR)  # an update in place of the first
    assert export_program(database, "GEN") == second


def test_links_across_projects_are_rows_between_work_items(
    database: str, contract: Program
) -> None:
    do_import_plan(database, contract, ACTOR)
    engine = create_engine_for(database)
    successor, predecessor = m.WorkItemRow, m.WorkItemRow.__table__.alias("predecessor")
    query = (
        select(successor.key, predecessor.c.key, m.DependencyRow.type, m.DependencyRow.lag)
        .join(m.DependencyRow, m.DependencyRow.successor_id == successor.id)
        .join(predecessor, m.DependencyRow.predecessor_id == predecessor.c.id)
        .where(successor.key == "WEB.build")
    )
    with transaction(engine, write=False) as session:
        links = session.execute(query).all()
    engine.dispose()
    assert sorted(tuple(link) for link in links) == [
        ("WEB.build", "API.spec", "SS", "2d"),
        ("WEB.build", "WEB.ux", "FS", "0d"),
    ]


def test_role_placeholders_and_zero_lag_units_survive(database: str, contract: Program) -> None:
    data = contract.model_dump(mode="json", by_alias=True)
    task = data["projects"][1]["tasks"][2]
    task["resources"] = [{"role": "tester", "units": 0.5}, {"resource": "ana", "units": 0.25}]
    task["depends"] = [{"task": "WEB.build", "type": "SS", "lag": "0h"}]
    program = Program.model_validate(data)
    do_import_plan(database, program, ACTOR)
    assert export_program(database, "CON") == program
    assert count(database, m.AssignmentRow) == 6


def test_the_amount_on_a_cost_assignment_survives(database: str, contract: Program) -> None:
    data = contract.model_dump(mode="json", by_alias=True)
    data["resources"].append({"id": "cloud", "name": "Cloud budget", "kind": "cost"})
    data["projects"][0]["tasks"][0]["resources"] = [{"resource": "cloud", "cost": 1500.0}]
    program = Program.model_validate(data)
    do_import_plan(database, program, ACTOR)
    stored = export_program(database, "CON")
    assert stored.projects[0].tasks[0].resources[0].cost == 1500.0
    assert stored == program


def with_skills(contract: Program) -> Program:
    data = contract.model_dump(mode="json", by_alias=True)
    data["projects"][1]["tasks"][2]["resources"] = [
        {"skill": "react", "units": 0.5},
        {"role": "Developer", "skill": "React"},
        {"resource": "ana", "skill": "qa", "units": 0.25},
    ]
    return Program.model_validate(data)


def test_skill_assignments_survive_and_update_in_place(database: str, contract: Program) -> None:
    program = with_skills(contract)
    do_import_plan(database, program, ACTOR)
    stored = export_program(database, "CON")
    assert stored == program
    assert [(a.resource, a.role, a.skill) for a in stored.projects[1].tasks[2].resources] == [
        (None, None, "react"),
        (None, "Developer", "React"),
        ("ana", None, "qa"),
    ]
    engine = create_engine_for(database)
    with transaction(engine, write=False) as session:
        skills = session.scalars(select(m.AssignmentRow.skill).order_by(m.AssignmentRow.id)).all()
    engine.dispose()
    assert [s for s in skills if s is not None] == ["react", "React", "qa"]

    changed = program.model_copy(deep=True)
    changed.projects[1].tasks[2].resources[0].skill = "vue"
    result = do_save_program(database, changed, ACTOR)
    assert (result.created, result.updated, result.deleted) == (0, 1, 0)
    assert export_program(database, "CON") == changed


# -- updates in place and the audit log -------------------------------------------------------


def test_saving_an_unchanged_program_writes_nothing(database: str, contract: Program) -> None:
    first = do_save_program(database, contract, ACTOR)
    before = database_rows(database)
    again = do_save_program(database, contract, "someone else")
    assert not again.changed
    assert again.revision == first.revision == 1
    assert database_rows(database) == before


def test_update_bumps_versions_of_changed_rows_only(database: str, contract: Program) -> None:
    do_import_plan(database, contract, ACTOR)
    changed = contract.model_copy(deep=True)
    changed.projects[0].tasks[1].name = "Build all endpoints"
    changed.risks[0].probability = 0.6
    result = do_save_program(database, changed, "alice")
    assert (result.created, result.updated, result.deleted, result.revision) == (0, 2, 0, 2)
    tasks = versions(database, m.WorkItemRow)
    assert tasks.pop("API.build") == 2
    assert set(tasks.values()) == {1}
    assert versions(database, m.RiskRow) == {"R1": 2}
    assert versions(database, m.ProjectRow) == {"API": 1, "WEB": 1}

    updates = [row for row in audit_rows(database) if row.action == "updated"]
    assert [(row.entity_kind, row.entity_key, row.actor) for row in updates] == [
        ("work_item", "API.build", "alice"),
        ("risk", "R1", "alice"),
    ]
    task_update = updates[0]
    assert task_update.program_key == "CON"
    assert task_update.before["name"] == "Build endpoints"
    assert task_update.after["name"] == "Build all endpoints"
    assert task_update.after["depends"] == [{"task": "API.spec", "type": "FS", "lag": "0d"}]
    assert {k: v for k, v in task_update.before.items() if k != "name"} == {
        k: v for k, v in task_update.after.items() if k != "name"
    }
    assert updates[1].before["probability"] == 0.4
    assert updates[1].after["probability"] == 0.6


def test_first_save_audits_every_entity_as_created(database: str, contract: Program) -> None:
    do_import_plan(database, contract, ACTOR)
    rows = audit_rows(database)
    assert {row.action for row in rows} == {"created"}
    assert [(r.entity_kind, r.entity_key) for r in rows[:3]] == [
        ("program", "CON"),
        ("calendar", "office"),
        ("objective", "O1"),
    ]
    assert len(rows) == 1 + 1 + 1 + 1 + 1 + 2 + 2 + 7 + 1  # program .. risk
    assert all(row.before is None and row.after for row in rows)
    assert all(row.at.tzinfo is not None for row in rows)


def test_vanished_entities_are_deleted_with_their_links(database: str, contract: Program) -> None:
    do_import_plan(database, contract, ACTOR)
    smaller = contract.model_copy(deep=True)
    web = smaller.projects[1]
    web.tasks = [t for t in web.tasks if t.id != "WEB.ux"]
    web.tasks[0].depends = [d for d in web.tasks[0].depends if d.task != "WEB.ux"]
    smaller.resources = [r for r in smaller.resources if r.id != "ana"]
    result = do_save_program(database, smaller, ACTOR)
    assert (result.created, result.updated, result.deleted) == (0, 1, 2)
    assert export_program(database, "CON") == smaller
    deleted = [
        (r.entity_kind, r.entity_key, r.before["name"])
        for r in audit_rows(database)
        if r.action == "deleted"
    ]
    assert sorted(deleted) == [
        ("resource", "ana", "Ana Ruiz"),
        ("work_item", "WEB.ux", "Portal UX"),
    ]
    assert count(database, m.DependencyRow) == 6
    assert count(database, m.AssignmentRow) == 3


def test_moving_a_task_updates_it_and_not_the_siblings_it_passed(
    database: str, contract: Program
) -> None:
    do_import_plan(database, contract, ACTOR)
    reordered = contract.model_copy(deep=True)
    web = reordered.projects[1].tasks
    web.insert(0, web.pop(3))  # WEB.live to the top: the others only shift down
    result = do_save_program(database, reordered, ACTOR)
    assert result.updated == 1
    assert export_program(database, "CON") == reordered
    assert versions(database, m.WorkItemRow)["WEB.live"] == 2
    assert versions(database, m.WorkItemRow)["WEB.ux"] == 1
    moved = [r for r in audit_rows(database) if r.action == "updated"]
    assert (moved[0].entity_key, moved[0].before["position"], moved[0].after["position"]) == (
        "WEB.live",
        3,
        0,
    )


def test_moving_a_task_to_another_project_keeps_its_row(database: str, contract: Program) -> None:
    do_import_plan(database, contract, ACTOR)
    engine = create_engine_for(database)
    with transaction(engine, write=False) as session:
        row_id = session.scalar(select(m.WorkItemRow.id).where(m.WorkItemRow.key == "WEB.test"))
    moved = contract.model_copy(deep=True)
    task = moved.projects[1].tasks.pop(2)
    moved.projects[1].tasks[-1].depends = []
    moved.projects[0].tasks[1].tasks.append(task)  # into project API, under API.build
    do_import_plan(database, moved, ACTOR)
    with transaction(engine, write=False) as session:
        assert (
            session.scalar(select(m.WorkItemRow.id).where(m.WorkItemRow.key == "WEB.test"))
            == row_id
        )
    engine.dispose()
    assert export_program(database, "CON") == moved


# -- listing, deleting, errors ----------------------------------------------------------------


def test_list_counts_projects_and_tasks(
    database: str, contract: Program, sample_plan: Path
) -> None:
    assert list_programs(database) == []
    do_import_plan(database, contract, ACTOR)
    do_import_plan(database, load_plan(sample_plan), ACTOR)
    summaries = list_programs(database)
    assert [(s.key, s.name, s.projects, s.tasks) for s in summaries] == [
        ("CON", "Contract Demo", 2, 7),
        ("DPL", "Digital Platform Launch", 5, 102),
    ]


def test_delete_removes_everything_and_keeps_the_trail(database: str, contract: Program) -> None:
    do_import_plan(database, contract, ACTOR)
    assert do_delete_program(database, "CON", "bob") == 17
    assert list_programs(database) == []
    for row in (m.WorkItemRow, m.DependencyRow, m.AssignmentRow, m.KeyResultRow, m.RiskRow):
        assert count(database, row) == 0
    deleted = [r for r in audit_rows(database) if r.action == "deleted"]
    assert len(deleted) == 17
    assert {r.actor for r in deleted} == {"bob"}
    assert deleted[-1].entity_kind == "program"
    with pytest.raises(NotFound):
        export_program(database, "CON")


def test_unknown_key_names_the_known_ones(database: str, contract: Program) -> None:
    do_import_plan(database, contract, ACTOR)
    with pytest.raises(NotFound) as error:
        export_program(database, "COM")
    assert str(error.value) == (
        "no program with key 'COM'; did you mean 'CON'? (stored programs: CON)"
    )
    with pytest.raises(NotFound, match="stored programs: CON"):
        do_delete_program(database, "XYZ", ACTOR)


def test_uninitialised_database_says_how_to_fix_it(database_url: str, contract: Program) -> None:
    for call in (
        lambda: export_program(database_url, "CON"),
        lambda: do_import_plan(database_url, contract, ACTOR),
        lambda: list_programs(database_url),
    ):
        with pytest.raises(DatabaseNotReady, match="run `progman init` or `progman db upgrade`"):
            call()


def test_invalid_program_is_refused_and_changes_nothing(database: str, contract: Program) -> None:
    do_import_plan(database, contract, ACTOR)
    before = database_rows(database)
    broken = contract.model_copy(deep=True)
    broken.projects[0].tasks[1].depends[0].task = "API.spek"
    broken.projects[1].tasks[0].name = "changed too"
    with pytest.raises(PlanInvalid) as error:
        do_import_plan(database, broken, ACTOR)
    assert str(error.value) == (
        "projects[0].tasks[1].depends[0]: unknown task 'API.spek' in "
        "depends of API.build; did you mean 'API.spec'?"
    )
    assert database_rows(database) == before


def test_stale_revision_is_a_conflict(database: str, contract: Program) -> None:
    do_import_plan(database, contract, ACTOR)
    mine, theirs = contract.model_copy(deep=True), contract.model_copy(deep=True)
    mine.name, theirs.name = "Mine", "Theirs"
    assert do_save_program(database, theirs, "them", expected_revision=1).revision == 2
    with pytest.raises(Conflict, match="changed by someone else"):
        do_save_program(database, mine, "me", expected_revision=1)
    assert export_program(database, "CON").name == "Theirs"


def test_missing_actor_is_refused(database: str, contract: Program) -> None:
    with pytest.raises(Exception, match="audit log's actor"):
        do_import_plan(database, contract, " ")


# -- atomicity --------------------------------------------------------------------------------


@pytest.mark.parametrize("new_program", [False, True], ids=["update", "create"])
def test_failure_half_way_through_a_save_leaves_the_database_as_before(
    database: str,
    contract: Program,
    sample_plan: Path,
    monkeypatch: pytest.MonkeyPatch,
    new_program: bool,
) -> None:
    do_import_plan(database, contract, ACTOR)
    if new_program:
        target = load_plan(sample_plan)
    else:
        target = contract.model_copy(deep=True)
        target.projects[0].tasks.append(
            target.projects[0].tasks[0].model_copy(update={"id": "API.docs", "name": "Docs"})
        )
        target.projects[1].tasks[0].name = "renamed"
        target.risks = []
    before = database_rows(database)

    insert_rows = ProgramWriter._insert

    def insert_then_fail(self: ProgramWriter, kind, created) -> None:  # type: ignore[no-untyped-def]
        insert_rows(self, kind, created)
        if kind.name == "work_item":  # programs, projects and tasks are written by now
            raise RuntimeError("power cut")

    monkeypatch.setattr(ProgramWriter, "_insert", insert_then_fail)
    with pytest.raises(RuntimeError, match="power cut"):
        do_import_plan(database, target, ACTOR)
    assert database_rows(database) == before
