"""Where a field of a loaded plan is written: its file:line:col, found again on demand.

A plan is checked where it is read, and each problem of that check is placed there. An
error found later (by the scheduler: a vacation that reaches past the calendar tables)
names a field path such as ``resources[2].vacations[0]``; :func:`locate_field` reads the
plan file (or folder) again and places that path in it.
"""

from __future__ import annotations

import os
import re
from typing import Any

from progman.errors import Location, ProgmanError
from progman.planfile.loader import read_plan_data
from progman.planfile.source import PathKey

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_path(text: str) -> PathKey:
    """``resources[2].vacations[0]`` → ``("resources", 2, "vacations", 0)``."""
    return tuple(
        int(index) if index else name for name, index in _PART.findall(text) if name or index
    )


def locate_field(
    plan: str | os.PathLike[str], path: str, entity: str | None = None
) -> Location | None:
    """The position of the field ``path`` in the plan file or folder ``plan``; None when the
    plan no longer reads, has no such field, or (``entity`` given) the entity at that place
    has another id (the plan changed since it was loaded)."""
    key = parse_path(path)
    try:
        data, places = read_plan_data(plan)
    except (ProgmanError, OSError):
        return None
    if entity is not None and not _holds(data, key, entity):
        return None
    [where] = places.locate_all([(key, False)])
    return where if where.line is not None else None


def _holds(data: Any, key: PathKey, entity: str) -> bool:
    """Whether the entity at the start of ``key`` (``resources[2]``, ``calendars.std``) is
    ``entity`` (an id, or ``calendar NAME``)."""
    node: Any = data
    for depth, part in enumerate(key[:2]):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return False
        if depth == 1 and isinstance(part, str):  # a mapping section: named by its key
            return entity.rsplit(maxsplit=1)[-1] == part
    return isinstance(node, dict) and node.get("id") == entity
