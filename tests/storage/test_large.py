"""A 20,000-task program saves and loads (speed is measured by the benchmarks, not here)."""

from __future__ import annotations

from tests.storage.helpers import (
    ACTOR,
    do_save_program,
    export_program,
    large_program,
    list_programs,
)

from progman.services.programs import init_database


def test_twenty_thousand_tasks_round_trip(database_url: str) -> None:
    program = large_program(tasks=20_000, projects=20)
    init_database(database_url)
    created = do_save_program(database_url, program, ACTOR)
    assert created.created == 1 + 50 + 20 + 20_000  # program, resources, projects, tasks
    assert export_program(database_url, "BIG") == program
    [summary] = list_programs(database_url)
    assert (summary.projects, summary.tasks) == (20, 20_000)

    program.projects[3].tasks[2].tasks[5].name = "renamed"
    program.projects[7].tasks.pop()
    again = do_save_program(database_url, program, ACTOR)
    assert (again.created, again.updated, again.deleted) == (0, 1, 50)
    assert export_program(database_url, "BIG") == program
