"""Store named what-if scenarios of a program: save (insert or update), list, load, delete.

Like :mod:`progman.storage.repository`, every function takes a session inside the caller's
transaction, and every write adds its audit-log row (kind ``scenario``) in that session.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from progman.domain.scenarios import Scenario
from progman.errors import Location, NotFound, ProgmanError
from progman.storage import models as m
from progman.storage.bulk import insert_rows
from progman.storage.migrate import require_current_schema
from progman.storage.snapshot import require_storable
from progman.storage.stored import program_not_found

SCENARIO_KIND = "scenario"


@dataclass(frozen=True)
class ScenarioSummary:
    """One line of the scenario list."""

    key: str
    name: str
    description: str | None
    changes: int
    base_revision: int
    version: int
    updated_at: datetime


def save_scenario(session: Session, program_key: str, scenario: Scenario, actor: str) -> Scenario:
    """Insert ``scenario`` under program ``program_key``, or replace the one with its id.

    The stored scenario records the program's current revision as its base. Returns the
    scenario as stored (with ``base``, ``base_revision`` and ``created`` filled in).
    """
    if not actor or not actor.strip():
        raise ProgmanError("every change needs the name of who makes it (the audit log's actor)")
    require_current_schema(session.connection())
    program = _program_row(session, program_key)
    now = m.utc_now()
    row = _scenario_row(session, program, scenario.id)
    changes = [c.model_dump(mode="json", exclude_none=True) for c in scenario.changes]
    require_storable(scenario.model_dump_json())
    if row is None:
        row = m.ScenarioRow(
            program_id=program.id,
            key=scenario.id,
            name=scenario.name,
            description=scenario.description,
            base_revision=program.revision,
            changes=changes,
            created_at=now,
            updated_at=now,
            version=1,
        )
        session.add(row)
        _audit(
            session,
            actor,
            "created",
            program.key,
            scenario.id,
            before=None,
            after=scenario_content(row),
        )
    else:
        before = scenario_content(row)
        row.name, row.description, row.changes = scenario.name, scenario.description, changes
        row.base_revision = program.revision
        after = scenario_content(row)
        if after != before:
            row.version += 1
            row.updated_at = now
            _audit(session, actor, "updated", program.key, scenario.id, before=before, after=after)
    session.flush()
    return _scenario(row, program.key)


def list_scenarios(session: Session, program_key: str) -> list[ScenarioSummary]:
    """The scenarios of program ``program_key``, by key."""
    require_current_schema(session.connection())
    program = _program_row(session, program_key)
    rows = session.scalars(
        select(m.ScenarioRow)
        .where(m.ScenarioRow.program_id == program.id)
        .order_by(m.ScenarioRow.key)
    )
    return [
        ScenarioSummary(
            row.key,
            row.name,
            row.description,
            len(row.changes),
            row.base_revision,
            row.version,
            row.updated_at,
        )
        for row in rows
    ]


def load_scenario(session: Session, program_key: str, key: str) -> Scenario:
    """The scenario ``key`` of program ``program_key``."""
    require_current_schema(session.connection())
    program = _program_row(session, program_key)
    row = _scenario_row(session, program, key)
    if row is None:
        raise _scenario_not_found(session, program, key)
    return _scenario(row, program.key)


def delete_scenario(session: Session, program_key: str, key: str, actor: str) -> None:
    """Delete the scenario ``key``; the audit log keeps its last content."""
    if not actor or not actor.strip():
        raise ProgmanError("every change needs the name of who makes it (the audit log's actor)")
    require_current_schema(session.connection())
    program = _program_row(session, program_key)
    row = _scenario_row(session, program, key)
    if row is None:
        raise _scenario_not_found(session, program, key)
    _audit(session, actor, "deleted", program.key, key, before=scenario_content(row), after=None)
    session.delete(row)
    session.flush()


def _program_row(session: Session, key: str) -> m.ProgramRow:
    # FOR UPDATE: concurrent saves of one program's scenarios (and of the program) queue
    row = session.scalars(
        select(m.ProgramRow).where(m.ProgramRow.key == key).with_for_update()
    ).one_or_none()
    if row is None:
        raise program_not_found(session, key)
    return row


def _scenario_row(session: Session, program: m.ProgramRow, key: str) -> m.ScenarioRow | None:
    return session.scalars(
        select(m.ScenarioRow).where(
            m.ScenarioRow.program_id == program.id, m.ScenarioRow.key == key
        )
    ).one_or_none()


def _scenario_not_found(session: Session, program: m.ProgramRow, key: str) -> NotFound:
    known = list(
        session.scalars(
            select(m.ScenarioRow.key)
            .where(m.ScenarioRow.program_id == program.id)
            .order_by(m.ScenarioRow.key)
        )
    )
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    listing = ", ".join(known) if known else "none yet; save one with `progman whatif save`"
    return NotFound(
        f"program {program.key} has no scenario '{key}'{hint} (scenarios: {listing})",
        location=Location(entity=key),
    )


def scenario_content(row: m.ScenarioRow) -> dict[str, Any]:
    """What the audit log records of a scenario."""
    return {
        "name": row.name,
        "description": row.description,
        "base_revision": row.base_revision,
        "changes": row.changes,
    }


def _scenario(row: m.ScenarioRow, program_key: str) -> Scenario:
    return Scenario.model_validate(
        {
            "id": row.key,
            "name": row.name,
            "description": row.description,
            "base": program_key,
            "base_revision": row.base_revision,
            "created": row.created_at,
            "changes": row.changes,
        }
    )


def _audit(
    session: Session,
    actor: str,
    action: str,
    program_key: str,
    key: str,
    *,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    insert_rows(
        session,
        m.AuditRow,
        [
            {
                "at": m.utc_now(),
                "actor": actor,
                "action": action,
                "entity_kind": SCENARIO_KIND,
                "entity_key": key,
                "program_key": program_key,
                "before": before,
                "after": after,
            }
        ],
    )
