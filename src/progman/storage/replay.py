"""Bring a program held in memory up to date from the audit log, instead of loading it.

A server process keeps the programs it read (``services/catalog.py``); when another
process saves one, this process's copy is a revision behind. Every audit row names the
revision its change made (migration 0007) and holds the entity's content after it, so
the changes since the copy's revision can be read in one query and applied to the copy
as a scenario's changes are (:func:`apply_changes`: copy-on-write, validated): a few rows
instead of the whole program.

Only what replays exactly is replayed: entities set in place, added at the end of their
list, or removed. Anything else (an entity moved or inserted mid-list, a calendar, a
baseline, a log that does not cover every revision since, a database restored since the
copy was read) answers None, and the caller loads the program whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from progman.domain import ChangeItem, Program
from progman.domain.entity_index import locate_work_item
from progman.domain.scenarios import apply_changes
from progman.errors import ProgmanError
from progman.storage import models as m
from progman.storage.entities import (
    KEY_RESULT,
    KINDS,
    PROGRAM,
    PROGRAM_FIELD,
    WORK_ITEM,
    Content,
    domain_data,
    entity_content,
    program_content,
)

#: Kinds replayed, with the name a change target gives them (``resource:jonas``).
_TARGET_KINDS = {
    "resource": "resource",
    "risk": "risk",
    "benefit": "benefit",
    "project": "project",
    "objective": "objective",
    "key_result": "key_result",
    "stakeholder": "stakeholder",
}
_KINDS = {kind.name: kind for kind in KINDS}
#: Content entries that place an entity rather than describe it, by kind.
_PLACE = {
    WORK_ITEM.name: ("position", "project", "parent"),
    KEY_RESULT.name: ("position", "objective"),
}
#: Within one revision: what went first, so that the positions after it are those logged
#: (a removal shifts the items after it; the log holds where each ended up).
_ACTION_ORDER = {"deleted": 0, "created": 1, "updated": 2}
#: At most this many changes are replayed; beyond, a whole load is as quick.
MAX_REPLAYED = 500


@dataclass(frozen=True)
class LoggedChange:
    kind: str
    action: str
    key: str
    after: Content | None
    revision: int


def caught_up(
    session: Session, held: Program, since: tuple[int, datetime], current: int
) -> Program | None:
    """``held``, the stored program as read at revision ``since`` (and saved at that time),
    brought to its ``current`` revision from the log; None when it must be loaded whole."""
    revision, saved_at = since
    changes = changes_since(session, held.key, revision, saved_at, current)
    return None if changes is None else replayed(held, changes)


def changes_since(
    session: Session, key: str, revision: int, saved_at: datetime, current: int
) -> list[LoggedChange] | None:
    """The changes that took program ``key`` from ``revision`` (saved at ``saved_at``) to
    ``current``, revision by revision (in each, removals first); None when the log cannot
    say."""
    audit = m.AuditRow
    made = session.execute(
        select(audit.at).where(audit.program_key == key, audit.revision == revision).limit(1)
    ).scalar_one_or_none()
    if made is None or made != saved_at:  # not the save this copy was read at
        return None
    rows = session.execute(
        select(audit.entity_kind, audit.action, audit.entity_key, audit.after, audit.revision)
        .where(audit.program_key == key, audit.revision > revision)
        .order_by(audit.id)
        .limit(MAX_REPLAYED + 1)
    ).all()
    if len(rows) > MAX_REPLAYED or {row[4] for row in rows} != set(
        range(revision + 1, current + 1)
    ):
        return None
    changes = [LoggedChange(*row) for row in rows]
    order = sorted(range(len(rows)), key=lambda i: (rows[i][4], _ACTION_ORDER[rows[i][1]], i))
    return [changes[i] for i in order]


def replayed(program: Program, changes: Sequence[LoggedChange]) -> Program | None:
    """``program`` with ``changes`` applied, or None when they do not replay exactly.

    The changes of one revision are applied together (a removed resource and the
    assignments to it that went with it are consistent only together), each found against
    the program as the ones before it left it.
    """
    variant = program
    for revision in _revisions(changes):
        items: list[ChangeItem] = []
        step = variant
        for change in revision:
            found = _change_items(step, change)
            if found is None:
                return None
            if found:
                items += found
                try:
                    step = apply_changes(step, found, check=False)
                except ProgmanError:
                    return None
        try:
            variant = apply_changes(variant, items) if items else variant
        except ProgmanError:
            return None
    return variant


def _revisions(changes: Sequence[LoggedChange]) -> list[list[LoggedChange]]:
    grouped: dict[int, list[LoggedChange]] = {}
    for change in changes:
        grouped.setdefault(change.revision, []).append(change)
    return list(grouped.values())


def _change_items(program: Program, change: LoggedChange) -> list[ChangeItem] | None:
    """The scenario changes that make ``change`` on ``program`` ([]: none is needed)."""
    if change.kind == PROGRAM.name:
        if change.action != "updated" or change.after is None:
            return None
        return _sets(program.key, program_content(program), change.after, change.kind)
    if change.kind == WORK_ITEM.name:
        return _work_item(program, change)
    target_kind = _TARGET_KINDS.get(change.kind)
    if target_kind is None:
        return None
    return _entity(program, change, target_kind)


def _work_item(program: Program, change: LoggedChange) -> list[ChangeItem] | None:
    placed = locate_work_item(program, change.key)
    after = change.after
    if change.action == "deleted":
        return [] if placed is None else [ChangeItem(op="remove", target=change.key)]
    assert after is not None
    under = after["parent"] or after["project"]
    if change.action == "created":
        siblings = _children(program, after["project"], after["parent"])
        if placed is not None or siblings is None or after["position"] != len(siblings):
            return None
        value = _value(WORK_ITEM.name, after)
        return [ChangeItem(op="add", target=under, field="tasks", value=value)]
    if placed is None:
        return None
    item, project, parent = placed
    siblings = _children(program, project, parent)
    if (project, parent) != (after["project"], after["parent"]) or siblings is None:
        return None
    if siblings[after["position"] : after["position"] + 1] != [item]:
        return None
    content = entity_content(WORK_ITEM, item, (project, parent))
    return _sets(change.key, content, after, change.kind)


def _entity(program: Program, change: LoggedChange, target_kind: str) -> list[ChangeItem] | None:
    target = f"{target_kind}:{change.key}"
    entities, owner = _list_of(program, change)
    if entities is None:
        return None
    current = next((e for e in entities if e.id == change.key), None)
    if change.action == "deleted":
        return [] if current is None else [ChangeItem(op="remove", target=target)]
    after = change.after
    assert after is not None
    if change.action == "created":
        if current is not None or after["position"] != len(entities):
            return None
        value = _value(change.kind, after)
        if owner is not None:  # a key result: under its objective
            return [ChangeItem(op="add", target=owner, field="key_results", value=value)]
        section = PROGRAM_FIELD[change.kind]
        return [ChangeItem(op="add", target=program.key, field=section, value=value)]
    if current is None or entities.index(current) != after["position"]:
        return None
    container = () if owner is None else (after["objective"],)
    content = entity_content(_KINDS[change.kind], current, container)
    return _sets(target, content, after, change.kind)


def _list_of(program: Program, change: LoggedChange) -> tuple[list[Any] | None, str | None]:
    """The list the entity sits in (None: unknown), and its objective for a key result."""
    if change.kind != KEY_RESULT.name:
        return getattr(program, PROGRAM_FIELD[change.kind]), None
    objective = (change.after or {}).get("objective")
    if objective is None:  # a deleted key result: find it under any objective
        for candidate in program.objectives:
            if any(result.id == change.key for result in candidate.key_results):
                return candidate.key_results, f"objective:{candidate.id}"
        return [], None
    for candidate in program.objectives:
        if candidate.id == objective:
            return candidate.key_results, f"objective:{candidate.id}"
    return None, None


def _children(program: Program, project: str, parent: str | None) -> list[Any] | None:
    if parent is not None:
        placed = locate_work_item(program, parent)
        return None if placed is None else placed[0].tasks
    for candidate in program.projects:
        if candidate.id == project:
            return candidate.tasks
    return None


def _sets(target: str, now: Content, after: Content, kind: str) -> list[ChangeItem]:
    place = _PLACE.get(kind, ("position",))
    return [
        ChangeItem(op="set", target=target, field=name, value=value)
        for name, value in after.items()
        if name not in place and now.get(name) != value
    ]


def _value(kind: str, after: Content) -> Content:
    data = domain_data(_KINDS[kind], after)
    data.pop("position", None)
    return data
