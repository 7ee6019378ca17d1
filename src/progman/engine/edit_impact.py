"""Edit impact: what moved between two versions of a program, the program before an edit and
the program after it (the ``moved`` answer of an edit in the REST API, SPEC §5.1).

:func:`impact_of_edit` checks, builds and schedules both versions, aligns their work items
by id and compares the schedules with the slip questions' comparison
(:mod:`progman.engine.impact_compare`), so the result is an :class:`ImpactResult` whose
``to_json`` is the ``impact --json`` object. Rules (docs/scheduling.md, *Impact*):

* A work item is *changed* when one of its own fields differs (its subtasks aside) or it
  sits under another parent or project; *added* when only the after version has its id,
  *removed* when only the before version has it. ``changes`` describes each (and each
  changed program field, project, resource, benefit, ... by id); ``notes`` give where an
  added item is scheduled and where a removed one was.
* What moved is listed as for a slip (tasks, milestones, projects, benefits, objectives,
  moving later or earlier), with delays in working days of the after version's calendars.
  An added or removed item does not itself move; a project or benefit moves when its
  latest finish does, whichever items it holds now.
* Chains start at the changed and added items, at the predecessors of the links they
  gained, and at every item of a changed project, resource or sprint (every item for a
  change of the program's own fields, such as its start or calendars).

Both versions count time from one origin: when the edit moves the plan's earliest date,
the version that would start later is built again from the earlier origin.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from itertools import repeat
from operator import attrgetter, is_, ne
from typing import Any

import numpy as np

from progman.domain import Program, WorkItem
from progman.domain.program import LIST_SECTIONS
from progman.engine.build import BuiltNetwork
from progman.engine.impact_compare import Asked, ScheduledProgram, compare
from progman.engine.impact_result import ImpactResult
from progman.engine.scheduled import scheduled

#: At most this many ``changes`` and ``notes`` lines each; a last line counts the rest.
MAX_LISTED = 20
#: A work item's own fields (its subtasks are items of their own).
_ITEM_FIELDS = tuple(name for name in WorkItem.model_fields if name != "tasks")
_fields_of = attrgetter("__dict__")  # every field of a model: compared at C speed
_PROGRAM_FIELDS = tuple(name for name in Program.model_fields if name not in LIST_SECTIONS)


def impact_of_edit(
    before: Program, after: Program, *, status_date: date | None = None
) -> ImpactResult:
    """What moved from ``before`` to ``after``, two versions of one program (see the module).

    Each version is checked (a program the loader, the store or ``apply_changes`` checked
    is not checked again): an invalid one raises :class:`PlanInvalid` (a dependency cycle
    among them, code ``plan.cycle``), as :func:`progman.schedule` does.
    """
    old = scheduled(before, status_date)
    new = scheduled(after, status_date)
    old_origin, new_origin = old.network.calendars.origin, new.network.calendars.origin
    if old_origin < new_origin:
        new = scheduled(after, status_date, origin=old_origin)
    elif new_origin < old_origin:
        old = scheduled(before, status_date, origin=new_origin)
    return _compare_versions(old, new)


def _compare_versions(before: ScheduledProgram, after: ScheduledProgram) -> ImpactResult:
    """:func:`impact_of_edit` on two scheduled versions that share one calendar origin."""
    before_of = _aligned(before.built, after.built)
    return compare(before, after, before_of, _Edits(before, after, before_of).asked())


def _aligned(before: BuiltNetwork, after: BuiltNetwork) -> np.ndarray:
    """The before index of each work item of ``after`` (-1: added), by id."""
    index = before.index
    return np.fromiter(
        map(index.get, after.ids, repeat(-1)), dtype=np.int64, count=after.item_count
    )


class _Edits:
    """What differs between the two versions: descriptions, notes and chain origins."""

    def __init__(
        self, before: ScheduledProgram, after: ScheduledProgram, before_of: np.ndarray
    ) -> None:
        self.before, self.after, self.before_of = before, after, before_of
        self.changes: list[str] = []
        self.notes: list[str] = []
        self.origins: set[int] = set()  # work items of the after version

    def asked(self) -> Asked:
        self._program()
        for section in LIST_SECTIONS:
            self._section(section)
        self._work_items()
        return Asked(
            _capped(self.changes, "changes") or ("nothing changed",),
            _nodes(self.after.built, self.origins),
            notes=_capped(self.notes, "notes"),
        )

    # -- the program and its sections ---------------------------------------------------------

    def _program(self) -> None:
        old, new = self.before.program, self.after.program
        fields = [name for name in _PROGRAM_FIELDS if getattr(old, name) != getattr(new, name)]
        if fields:
            self.changes.append(f"program {new.key}: {', '.join(fields)} changed")
            self.origins.update(range(self.after.built.item_count))

    def _section(self, section: str) -> None:
        noun = section.removesuffix("s").replace("_", " ")
        old: dict[str, Any] = {e.id: e for e in getattr(self.before.program, section)}
        new: dict[str, Any] = {e.id: e for e in getattr(self.after.program, section)}
        for ident, entity in new.items():
            previous = old.get(ident)
            if previous is entity:
                continue
            if previous is None:
                self.changes.append(f"{noun} {ident} added")
                self._moves_its_items(section, ident)
                continue
            fields = [
                name
                for name in type(entity).model_fields
                if name != "tasks" and getattr(previous, name) != getattr(entity, name)
            ]
            if fields:
                self.changes.append(f"{noun} {ident}: {', '.join(fields)} changed")
                self._moves_its_items(section, ident)
        self.changes.extend(f"{noun} {ident} removed" for ident in old if ident not in new)

    def _moves_its_items(self, section: str, ident: str) -> None:
        """Chains may start at the items of a changed project, resource or sprint."""
        built = self.after.built
        if section == "projects":
            p = [project.id for project in self.after.program.projects].index(ident)
            self.origins.update(np.flatnonzero(built.project_of == p).tolist())
        elif section == "resources":
            people = built.column("resources")
            self.origins.update(
                i
                for i, assigned in enumerate(people)
                if assigned and any(a.resource == ident for a in assigned)
            )
        elif section == "sprints":
            self.origins.update(i for i, s in enumerate(built.column("sprint")) if s == ident)

    # -- work items ---------------------------------------------------------------------------

    def _work_items(self) -> None:
        old, new, before_of = self.before.built, self.after.built, self.before_of
        kept = np.flatnonzero(before_of >= 0)
        was = before_of[kept]
        news = list(map(new.items.__getitem__, kept.tolist()))
        olds = list(map(old.items.__getitem__, was.tolist()))
        # an item shared by both versions is unchanged; the others compare their fields (a
        # summary's differing subtasks alone are no change of its own: see _fields)
        differs = ~np.fromiter(map(is_, news, olds), dtype=bool, count=kept.size)
        candidates = np.flatnonzero(differs).tolist()
        differs[candidates] = list(
            map(
                ne,
                map(_fields_of, map(news.__getitem__, candidates)),
                map(_fields_of, map(olds.__getitem__, candidates)),
            )
        )
        # another parent (an added one counts as another) or another project
        parent = new.parent_of[kept]
        parent_then = np.where(parent >= 0, before_of[parent], -1)
        parent_then[(parent >= 0) & (parent_then < 0)] = -2
        before_project = {p.id: k for k, p in enumerate(self.before.program.projects)}
        project_then = np.array(
            [before_project.get(p.id, -1) for p in self.after.program.projects], dtype=np.int64
        )
        regrouped = (parent_then != old.parent_of[was]) | (
            project_then[new.project_of[kept]] != old.project_of[was]
        )
        changed = np.zeros(new.item_count, dtype=bool)
        changed[kept[differs | regrouped]] = True
        added = before_of < 0
        for i in np.flatnonzero(changed | added).tolist():
            item = new.items[i]
            if added[i]:
                self.changes.append(f"{_kind(item)} {item.id} added")
                self.notes.append(f"{item.id} added, {self._dates(self.after, i)}")
            else:
                j = int(before_of[i])
                fields = self._fields(old, new, j, i)
                if not fields:
                    continue
                self.changes.append(f"{_kind(item)} {item.id}: {', '.join(fields)} changed")
                if "depends" in fields:
                    self._new_links(item, old.items[j])
            self.origins.add(i)
        present = np.zeros(old.item_count, dtype=bool)
        present[was] = True
        for j in np.flatnonzero(~present).tolist():
            item = old.items[j]
            self.changes.append(f"{_kind(item)} {item.id} removed")
            self.notes.append(f"{item.id} removed, was {self._dates(self.before, j)}")

    def _fields(self, old: BuiltNetwork, new: BuiltNetwork, j: int, i: int) -> list[str]:
        """The fields of item ``i`` (before: ``j``) that differ, and where it moved to."""
        then, now = old.items[j], new.items[i]
        fields = [name for name in _ITEM_FIELDS if getattr(then, name) != getattr(now, name)]
        parent, parent_then = int(new.parent_of[i]), int(old.parent_of[j])
        if (new.ids[parent] if parent >= 0 else None) != (
            old.ids[parent_then] if parent_then >= 0 else None
        ):
            fields.append("parent")
        project = self.after.program.projects[int(new.project_of[i])].id
        if project != self.before.program.projects[int(old.project_of[j])].id:
            fields.append("project")
        return fields

    def _new_links(self, item: WorkItem, previous: WorkItem) -> None:
        """A link the item gained (or whose type or lag changed) starts a chain too."""
        index = self.after.built.index
        self.origins.update(
            index[link.task]
            for link in item.depends
            if link not in previous.depends and link.task in index
        )

    @staticmethod
    def _dates(side: ScheduledProgram, i: int) -> str:
        """``scheduled 2027-03-08T08:00 to 2027-03-09T16:00`` (a summary's whole span)."""
        built, result = side.built, side.result
        finish = built.finish_node.get(i, i)
        start, end = side.network.calendars.stamps(
            np.array([result.early_start[i], result.early_finish[finish]])
        )
        return f"scheduled {start} to {end}"


def _kind(item: WorkItem) -> str:
    return "milestone" if item.milestone else item.kind


def _nodes(built: BuiltNetwork, items: Iterable[int]) -> frozenset[int]:
    """The network nodes of work items: a summary's start and finish node."""
    nodes = set(items)
    nodes.update(built.finish_node[i] for i in nodes.intersection(built.finish_node))
    return frozenset(nodes)


def _capped(lines: Sequence[str], what: str) -> tuple[str, ...]:
    if len(lines) <= MAX_LISTED:
        return tuple(lines)
    rest = len(lines) - MAX_LISTED + 1
    return (*lines[: MAX_LISTED - 1], f"... and {rest} more {what}")


__all__ = ["MAX_LISTED", "impact_of_edit"]
