"""Use cases on named what-if scenarios of stored programs.

Each opens the database named by ``url`` and runs in one transaction; a ``do_`` function
writes the audit log in that same transaction. Applying and comparing is the pure
:func:`progman.domain.scenarios.apply_changes` and :func:`progman.engine.compare.compare`.
"""

from __future__ import annotations

from progman.domain import Program
from progman.domain.scenarios import Scenario, apply_changes
from progman.engine.compare import ScenarioComparison, compare
from progman.storage import ScenarioSummary, open_engine, transaction
from progman.storage import delete_scenario as _delete_scenario
from progman.storage import list_scenarios as _list_scenarios
from progman.storage import load_program as _load_program
from progman.storage import load_scenario as _load_scenario
from progman.storage import save_scenario as _save_scenario


def do_save_scenario(url: str, program_key: str, scenario: Scenario, actor: str) -> Scenario:
    """Check that ``scenario`` applies to the stored program, then store it (new or replacing).

    A scenario whose changes do not apply (unknown target, invalid value, a cycle) raises
    :class:`~progman.errors.PlanInvalid` and stores nothing.
    """
    with open_engine(url) as engine, transaction(engine, write=True) as session:
        apply_changes(_load_program(session, program_key), scenario.changes)
        return _save_scenario(session, program_key, scenario, actor)


def list_scenarios(url: str, program_key: str) -> list[ScenarioSummary]:
    with open_engine(url) as engine, transaction(engine, write=False) as session:
        return _list_scenarios(session, program_key)


def load_scenario(url: str, program_key: str, key: str) -> Scenario:
    with open_engine(url) as engine, transaction(engine, write=False) as session:
        return _load_scenario(session, program_key, key)


def do_delete_scenario(url: str, program_key: str, key: str, actor: str) -> None:
    with open_engine(url) as engine, transaction(engine, write=True) as session:
        _delete_scenario(session, program_key, key, actor)


def load_scenario_programs(url: str, program_key: str, key: str) -> tuple[Program, Program]:
    """The stored program as it is now, and that program with the scenario's changes."""
    with open_engine(url) as engine, transaction(engine, write=False) as session:
        program = _load_program(session, program_key)
        scenario = _load_scenario(session, program_key, key)
    return program, apply_changes(program, scenario.changes)


def compare_scenario(
    url: str, program_key: str, key: str, baseline_id: str | None = None
) -> ScenarioComparison:
    """The stored program now, side by side with its scenario ``key`` and a baseline."""
    program, variant = load_scenario_programs(url, program_key, key)
    return compare(program, variant, baseline_id)
