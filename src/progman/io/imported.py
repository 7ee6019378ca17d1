"""What an importer of another tool's file returns (the program and what it could not
hold), and what importers share to place a problem of the plan data they built."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from progman.domain import Program
from progman.errors import Problem


@dataclass(frozen=True)
class Imported:
    """A program read from another tool's file (checked, so it schedules as it is), and a
    warning for each thing of the file progman cannot express (located at file:line)."""

    program: Program
    warnings: tuple[Problem, ...] = ()


def entity_at(data: dict[str, Any], path: Sequence[Any]) -> str | None:
    """The id of the deepest entity (a mapping with a text ``id``) on ``path`` in ``data``;
    None when the path passes through none."""
    node: Any = data
    ident = None
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            ident = node["id"]
    return ident
