"""Which sealed program a sealed variant was made of, and by which changes.

:func:`progman.domain.scenarios.apply_changes` records it; the engine reads it to patch
what it built of the base (a duration set on one task) instead of building the variant
anew. Both programs are held weakly: a variant outliving its base just has no lineage.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence

from progman.domain.governance import ChangeItem
from progman.domain.program import Program

_MADE: dict[int, tuple[weakref.ref[Program], weakref.ref[Program], tuple[ChangeItem, ...]]] = {}


def record_lineage(variant: Program, base: Program, changes: Sequence[ChangeItem]) -> None:
    """Remember that sealed ``variant`` is sealed ``base`` with ``changes`` applied."""
    key = id(variant)

    def forget(_: object) -> None:
        _MADE.pop(key, None)

    _MADE[key] = (weakref.ref(variant, forget), weakref.ref(base), tuple(changes))


def lineage(variant: Program) -> tuple[Program, tuple[ChangeItem, ...]] | None:
    """The base ``variant`` was made of and the changes that made it, if still known."""
    kept = _MADE.get(id(variant))
    if kept is None or kept[0]() is not variant:
        return None
    base = kept[1]()
    return None if base is None else (base, kept[2])
