"""Helpers for storage tests: generated programs and whole-database snapshots."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from progman.domain import Program
from progman.storage import create_engine_for
from progman.storage.backup import read_tables
from progman.storage.models import AuditRow

ACTOR = "tester"


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
