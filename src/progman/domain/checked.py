"""Remember which programs passed :func:`check_program`, so that one pass is enough.

The plan loader (and the store) checks every program it builds, and the engine checks the
program it is given; without this module a loaded plan would be checked twice. The rule:

* :func:`mark_checked` records that a program has just passed the check, with a digest of
  everything the check reads: the ids, links, assignments, calendars, sprints and actual
  dates of every work item, the task tree, each project's own fields and every other
  section of the program.
* :func:`check_once` (used by the engine's entry points) skips the check only for that very
  object with an unchanged digest. A program built by a library user is a new object; a
  changed field or list changes the digest; either way it is checked again. The digest
  costs a few bulk passes over the work items, a fraction of the check itself.

A field read by :func:`check_program` must be part of the digest (see ``_ITEM_FIELDS``).

A *sealed* program (:func:`seal`) is one its holder promises never to change in place: the
stored programs that services share between requests, and the copy-on-write variants made
of them. Its mark needs no digest, so asking whether it was checked costs nothing.
"""

from __future__ import annotations

import weakref
from itertools import chain
from operator import itemgetter
from typing import Any

from progman.domain.program import Program
from progman.domain.validation import Finding, check_program
from progman.domain.work import WorkItem

_MARKS: dict[int, tuple[weakref.ref[Program], int | None]] = {}  # None: sealed, no digest
_SEALED: dict[int, weakref.ref[Program]] = {}

#: What check_program reads of a work item (besides its links, assignments and subtasks).
_ITEM_FIELDS = tuple(map(itemgetter, ("id", "calendar", "sprint", "actual_start", "actual_finish")))
#: Every field of a work item that :func:`check_program` reads (the digest's, and the tree).
CHECKED_ITEM_FIELDS = frozenset(
    {"id", "calendar", "sprint", "actual_start", "actual_finish", "depends", "resources", "tasks"}
)
_DEPENDS, _RESOURCES, _TASKS = itemgetter("depends"), itemgetter("resources"), itemgetter("tasks")
_LINK_FIELDS = (itemgetter("task"), itemgetter("type"))
_WHO = itemgetter("resource")


def seal(program: Program) -> None:
    """Record the promise that ``program`` is never changed in place from now on."""
    key = id(program)

    def forget(_: object) -> None:
        _SEALED.pop(key, None)

    _SEALED[key] = weakref.ref(program, forget)


def is_sealed(program: Program) -> bool:
    kept = _SEALED.get(id(program))
    return kept is not None and kept() is program


def mark_checked(program: Program) -> None:
    """Record that ``program`` passed :func:`check_program` as it is now."""
    digest = None if is_sealed(program) else _digest(program)
    if digest is None and not is_sealed(program):
        return
    key = id(program)

    def forget(_: object) -> None:
        _MARKS.pop(key, None)

    _MARKS[key] = (weakref.ref(program, forget), digest)


def is_checked(program: Program) -> bool:
    """True when ``program`` was marked checked and nothing the check reads changed since."""
    mark = _MARKS.get(id(program))
    if mark is None or mark[0]() is not program:
        return False
    return mark[1] is None or mark[1] == _digest(program)


def check_once(program: Program) -> list[Finding]:
    """:func:`check_program`'s findings; none at once for a checked, unchanged program."""
    if is_checked(program):
        return []
    findings = check_program(program)
    if not findings:
        mark_checked(program)
    return findings


def _digest(program: Program) -> int | None:
    """A hash of everything :func:`check_program` reads (None if it cannot be taken)."""
    try:
        parts: list[Any] = [program.model_dump_json(exclude={"projects"}, warnings=False)]
        for project in program.projects:
            parts.append(project.model_dump_json(exclude={"tasks"}, warnings=False))
            _tree(project.tasks, parts)
        return hash(tuple(parts))
    except (TypeError, ValueError, KeyError):  # a field set to something unexpected
        return None


def _tree(items: list[WorkItem], parts: list[Any]) -> None:
    """The work items level by level, one field at a time over all of them (C-level maps
    over the models' ``__dict__``); the lengths of the lists say what belongs to whom."""
    while items:
        fields = list(map(vars, items))
        parts.extend(tuple(map(field, fields)) for field in _ITEM_FIELDS)
        links = list(map(_DEPENDS, fields))
        parts.append(tuple(map(len, links)))
        link_fields = list(map(vars, chain.from_iterable(links)))
        parts.extend(tuple(map(field, link_fields)) for field in _LINK_FIELDS)
        staff = list(map(_RESOURCES, fields))
        parts.append(tuple(map(len, staff)))
        parts.append(tuple(map(_WHO, map(vars, chain.from_iterable(staff)))))
        children = list(map(_TASKS, fields))
        parts.append(tuple(map(len, children)))
        items = list(chain.from_iterable(children))
