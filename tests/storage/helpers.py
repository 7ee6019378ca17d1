"""Helpers for storage tests: generated programs and whole-database snapshots."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from progman.domain import Program
from progman.storage import (
    ProgramSummary,
    SaveResult,
    create_engine_for,
    delete_program,
    load_program,
    open_engine,
    save_program,
    transaction,
)
from progman.storage import list_programs as stored_programs
from progman.storage.backup import read_tables
from progman.storage.models import AuditRow

ACTOR = "tester"


# -- whole programs by database URL, as the storage tests use them (the services take a
# -- session and a user; these call storage in one transaction each, as an admin would)


def do_save_program(
    url: str, program: Program, actor: str, *, expected_revision: int | None = None
) -> SaveResult:
    with open_engine(url) as engine, transaction(engine, write=True) as session:
        return save_program(session, program, actor, expected_revision=expected_revision)


def do_import_plan(
    url: str, program: Program, actor: str, *, expected_revision: int | None = None
) -> str:
    return do_save_program(url, program, actor, expected_revision=expected_revision).key


def export_program(url: str, key: str) -> Program:
    with open_engine(url) as engine, transaction(engine, write=False) as session:
        return load_program(session, key)


def list_programs(url: str) -> list[ProgramSummary]:
    with open_engine(url) as engine, transaction(engine, write=False) as session:
        return stored_programs(session)


def do_delete_program(url: str, key: str, actor: str) -> int:
    with open_engine(url) as engine, transaction(engine, write=True) as session:
        return delete_program(session, key, actor)


def large_program(tasks: int = 20_000, projects: int = 20, key: str = "BIG") -> Program:
    """A program of ``tasks`` work items: WBS summaries, chains, cross-project links."""
    resources = [{"id": f"res{n}", "name": f"Person {n}", "rate": 80 + n} for n in range(50)]
    per_project = tasks // projects
    project_data = []
    for p in range(projects):
        summaries = []
        made = 0
        group = 0
        while made < per_project:
            children = []
            size = min(49, per_project - made - 1) if per_project - made > 1 else 0
            for c in range(size):
                ident = f"P{p}.g{group}.t{c}"
                child: dict[str, Any] = {
                    "id": ident,
                    "name": f"Task {ident}",
                    "duration": f"{1 + c % 9}d",
                    "resources": {f"res{(p + c) % 50}": 1.0},
                }
                if c:
                    child["depends"] = [f"P{p}.g{group}.t{c - 1}"]
                elif p and group == 0:
                    child["depends"] = [f"P{p - 1}.g0.t0 SS+2d"]  # across projects
                children.append(child)
            summaries.append(
                {"id": f"P{p}.g{group}", "name": f"Work package {group}", "tasks": children}
            )
            made += size + 1
            group += 1
        project_data.append({"id": f"P{p}", "name": f"Project {p}", "tasks": summaries})
    return Program.model_validate(
        {
            "program": "Large program",
            "key": key,
            "start": date(2027, 1, 4),
            "resources": resources,
            "projects": project_data,
        }
    )


def database_rows(url: str) -> dict[str, list[list[Any]]]:
    """Every row of every progman table, to compare a database before and after."""
    engine = create_engine_for(url)
    try:
        with engine.connect() as connection:
            return read_tables(connection)
    finally:
        engine.dispose()


def audit_rows(url: str) -> list[AuditRow]:
    engine = create_engine_for(url)
    try:
        with engine.connect() as connection:
            query = select(AuditRow.__table__).order_by(AuditRow.id)
            return list(connection.execute(query))  # type: ignore[arg-type]
    finally:
        engine.dispose()
