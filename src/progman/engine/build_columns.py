"""A plan's work items read once into columns, the first step of :mod:`progman.engine.build`.

A program may hold a million tasks: one pass reads the fields of every work item (depth
first, with its project and parent) into plain tuples that numpy turns into arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import attrgetter, is_not, itemgetter, truth
from typing import Any

import numpy as np

from progman.domain import Program, WorkItem

#: The fields of a work item the build reads, in the order of :data:`_read_item`.
_FIELDS = (
    "id",
    "name",
    "depends",
    "duration",
    "estimate",
    "tasks",
    "calendar",
    "resources",
    "work",
    "milestone",
    "constraint",
    "deadline",
    "actual_start",
    "actual_finish",
    "sprint",
    "percent_complete",
    "remaining",
)
#: The fields a schedule's description reads again, kept in :attr:`BuiltNetwork.columns`.
KEPT = ("name", "milestone", "deadline")
_read_item = attrgetter(*_FIELDS)
_read_item_dict = itemgetter(*_FIELDS)
#: A model's own attribute dict (reading it skips pydantic's attribute hooks).
instance_dict = attrgetter("__dict__")


@dataclass(frozen=True)
class LinkColumns:
    """The plan's links already resolved to item indexes (a columnar plan reads them so
    from its file): the predecessor and the link type code of each link, in the order of
    their successors (each successor's ``depends`` in file order), and each link's lag
    (None: no link has one)."""

    pred: np.ndarray  # int64[m] index of the predecessor item
    counts: np.ndarray  # int64[n] links of each item
    kind: np.ndarray  # int8[m] FS/SS/FF/SF code
    lags: Sequence[Any] | None = None  # Duration of each link, or None: every one is zero


@dataclass
class Items:
    """The work items in plan order (depth first), and their fields as columns."""

    items: Sequence[WorkItem]
    project_of: np.ndarray  # int64[n]
    parent_of: np.ndarray  # int64[n]
    columns: dict[str, tuple[Any, ...]]
    #: the links as indexes, when the caller has them (else read from ``depends``)
    links: LinkColumns | None = None
    #: fields no item has (all None or empty), known without reading them
    unset: frozenset[str] = frozenset()

    def present(self, name: str) -> list[int]:
        """Indexes of the items whose ``name`` field is set (not None, not empty)."""
        if name in self.unset:
            return []
        column = self.columns[name]
        found = np.fromiter(map(truth, column), dtype=bool, count=len(column))
        return np.flatnonzero(found).tolist()

    def given(self, name: str) -> list[int]:
        """Indexes of the items whose ``name`` field is not None (zero counts)."""
        if name in self.unset:
            return []
        column = self.columns[name]
        found = np.fromiter(map(is_not, column, repeat(None)), dtype=bool, count=len(column))
        return np.flatnonzero(found).tolist()


def _read_rows(items: list[WorkItem]) -> list[tuple[Any, ...]]:
    """The :data:`_FIELDS` of each item, from the model's own dict where it has one (no
    attribute hooks: several times faster on pydantic models)."""
    try:
        return list(map(_read_item_dict, map(instance_dict, items)))
    except (AttributeError, KeyError):
        return list(map(_read_item, items))


_TASKS = _FIELDS.index("tasks")


def flatten(program: Program) -> Items:
    """Every work item in plan order (depth first) with its project, parent and fields."""
    items: list[WorkItem] = []
    rows: list[tuple[Any, ...]] = []
    parents: list[int] = []
    counts: list[int] = []
    for project in program.projects:
        top = project.tasks
        before = len(items)
        read = _read_rows(top)
        if not any(map(itemgetter(_TASKS), read)):  # a flat list: no walk needed
            items += top
            rows += read
            parents += [-1] * len(top)
        else:
            walked: list[WorkItem] = []
            stack = [(item, -1) for item in reversed(top)]
            while stack:
                item, parent = stack.pop()
                parents.append(parent)
                walked.append(item)
                index = len(items) + len(walked) - 1
                stack.extend((child, index) for child in reversed(item.tasks))
            items += walked
            rows += _read_rows(walked)
        counts.append(len(items) - before)
    values = list(zip(*rows, strict=True)) if rows else [() for _ in _FIELDS]
    return Items(
        items,
        np.repeat(np.arange(len(counts), dtype=np.int64), counts),
        np.array(parents, dtype=np.int64),
        dict(zip(_FIELDS, values, strict=True)),
    )
