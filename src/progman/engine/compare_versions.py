"""The two versions a what-if compares, scheduled under one model.

A what-if compares the plan as it is ("current") with a variant ("scenario"): changes
applied, a person lent to another project for a while, or both. Both versions are
scheduled the same way, so the plan's own dates never depend on the question asked:

* **Leveled** when the plan has people or materials assigned to work (``leveled=None``,
  the default; ``True``/``False`` force it). The plan is leveled
  (:func:`progman.engine.leveling.level`); the variant is then scheduled with **the same
  activity list**, carried over to its network (:func:`carried_order`), so what changes is
  the question's doing and not another search's luck (``relevel``: search again from that
  list). A move needs leveling: the person is kept from the giving project by a leveling
  :class:`~progman.engine.leveling.Block`, and work of the receiving project that needs
  them is staffed (:func:`progman.engine.moves.staff`).
* **Unleveled** otherwise: both versions by CPM, as ``progman schedule`` gives them.

Which of the two is decided on the plan alone, never on the variant: the "current" column
of a question is the same whatever the changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from progman.domain import Program
from progman.engine.build import BuiltNetwork
from progman.engine.genetic import REGRET_ALPHA, priority_list
from progman.engine.leveling import Block, LevelResult, level
from progman.engine.leveling_kernels import inherited_priority
from progman.engine.moves import Move, check_move, staff
from progman.engine.network import _adjacency
from progman.engine.random_stream import random_state
from progman.engine.schedule import Schedule, describe
from progman.engine.scheduled import scheduled
from progman.errors import Location, ProgmanError

#: A task's priority when neither it nor a summary above it has one (as leveling's).
DEFAULT_PRIORITY = 500
#: Priorities run to this value (do not level): classes are project × (this + 1) + task.
TOP_PRIORITY = 1000


class MoveNeedsLeveling(ProgmanError):
    """A move asked for with leveling switched off: lending a person is a leveling question."""

    code = "whatif.move_needs_leveling"
    http_status = 422


@dataclass(frozen=True)
class Version:
    """One side of a comparison: the program as scheduled (for a move, with the person
    staffed where they are lent), its schedule and the network its cost is counted on."""

    program: Program
    schedule: Schedule
    built: BuiltNetwork
    leveling: LevelResult | None = None

    @property
    def feasible(self) -> bool | None:
        """No one over capacity on any day (None when not leveled)."""
        return None if self.leveling is None else self.leveling.feasible


@dataclass(frozen=True)
class Versions:
    current: Version
    scenario: Version
    leveled: bool
    move: Move | None = None
    staffed: tuple[str, ...] = ()  # tasks of the receiving project the lent person now does


def has_assigned_work(program: Program) -> bool:
    """Whether any work (not a milestone, not a summary) has a person or material on it:
    then leveling can move it, and a what-if compares leveled dates."""
    pool = {r.id for r in program.resources if r.kind != "cost"}
    return any(
        not item.tasks
        and not item.milestone
        and any(a.resource in pool and a.units > 0 for a in item.resources)
        for item in program.work_items()
    )


def schedule_versions(
    base: Program,
    variant: Program,
    *,
    status_date: date | None = None,
    leveled: bool | None = None,
    move: Move | None = None,
    time_limit: float | None = None,
    seed: int = 0,
    relevel: bool = False,
) -> Versions:
    """``base`` and ``variant`` scheduled under one model (see the module); ``move`` lends a
    person in the variant. ``time_limit`` and ``seed`` are leveling's."""
    if leveled is None:
        leveled = move is not None or has_assigned_work(base)
    if move is not None and not leveled:
        raise MoveNeedsLeveling(
            "a move is a question for leveling: drop --no-leveled",
            location=Location(path="leveled"),
        )
    if move is not None:
        check_move(variant, move)
    if not leveled:
        return Versions(_cpm(base, status_date), _cpm(variant, status_date), leveled=False)
    options: dict[str, Any] = {"time_limit": time_limit, "seed": seed, "status_date": status_date}
    before = level(base, **options)
    staffed: tuple[str, ...] = ()
    blocks: tuple[Block, ...] = ()
    if move is not None:
        variant, staffed = staff(variant, move, before.schedule)
        blocks = (move.block,)
    current_built = scheduled(base, status_date).built
    variant_built = scheduled(variant, status_date).built
    order = carried_order(
        current_built, before.order, variant, variant_built, _priorities_changed(base, variant)
    )
    after = level(variant, blocks=blocks, order=order, schedules=None if relevel else 1, **options)
    return Versions(
        Version(base, before.schedule, current_built, before),
        Version(variant, after.schedule, variant_built, after),
        leveled=True,
        move=move,
        staffed=staffed,
    )


def _cpm(program: Program, status_date: date | None) -> Version:
    done = scheduled(program, status_date)
    status = status_date or program.status_date
    return Version(program, describe(program, done.built, done.result, status=status), done.built)


# -- the activity list carried over ----------------------------------------------------------


def carried_order(
    before: BuiltNetwork,
    order: np.ndarray,
    variant: Program,
    after: BuiltNetwork,
    reprioritised: bool = False,
) -> np.ndarray:
    """The activity list ``order`` (of ``before``'s network) for ``after``'s network.

    Each task keeps its place; an added task comes right after its last predecessor (first
    when it has none); a link added against the list reorders only what it must. With
    ``reprioritised`` (a project or task priority changed), higher priority classes come
    first, as every list of leveling's search has them, and the list orders each class.
    """
    n = after.network.size
    place = np.empty(order.size, dtype=np.float64)
    place[order] = np.arange(order.size, dtype=np.float64)
    known = dict(zip(_node_keys(before), place.tolist(), strict=True))
    rank = np.array([known.get(key, np.nan) for key in _node_keys(after)], dtype=np.float64)
    adj = _adjacency(after.network)
    in_ptr, in_pred = adj.links_in[0], adj.links_in[1]
    step = 1.0 / (n + 2)  # below the gap between two kept tasks, however long a new chain
    for node in adj.order[np.isnan(rank[adj.order])].tolist():
        preds = in_pred[in_ptr[node] : in_ptr[node + 1]]
        rank[node] = (float(rank[preds].max()) if preds.size else -1.0) + step
    out_ptr, out_succ = adj.links_out[0], adj.links_out[1]
    prio = -rank
    if reprioritised:
        prio = _classes(variant, after, adj.order, out_ptr, out_succ) * float(n + 2) - rank
    carried = np.empty(n, dtype=np.int64)
    indegree = np.bincount(after.network.link_succ, minlength=n).astype(np.int64)
    priority_list(prio, out_ptr, out_succ, indegree, False, REGRET_ALPHA, carried, random_state(0))
    return carried


def _node_keys(built: BuiltNetwork) -> list[tuple[str, bool]]:
    """Each network node as (work item id, is a summary's finish node)."""
    owners = built.node_items.tolist()
    count = built.item_count
    return [(built.ids[item], node >= count) for node, item in enumerate(owners)]


def _classes(
    program: Program,
    built: BuiltNetwork,
    topological: np.ndarray,
    out_ptr: np.ndarray,
    out_succ: np.ndarray,
) -> np.ndarray:
    """Leveling's priority class of each node: its project's priority, then its own (else
    its nearest summary's, else 500), raised to the highest class of what waits for it."""
    own = np.full(built.item_count, DEFAULT_PRIORITY, dtype=np.int64)
    parents = built.parent_of.tolist()
    for i, item in enumerate(built.items):  # a parent comes before its children
        parent = parents[i]
        if item.priority is not None:
            own[i] = item.priority
        elif parent >= 0:
            own[i] = own[parent]
    nodes = built.node_items
    projects = np.array([p.priority for p in program.projects], dtype=np.int64)
    project = projects[built.project_of[nodes]]
    classes = (project * (TOP_PRIORITY + 1) + own[nodes]).astype(np.float64)
    raised: np.ndarray = inherited_priority(topological, classes, out_ptr, out_succ)
    return raised


def _priorities_changed(base: Program, variant: Program) -> bool:
    """Whether a project's or a work item's priority differs between the two versions."""
    projects = {p.id: p.priority for p in base.projects}
    if any(projects.get(p.id, p.priority) != p.priority for p in variant.projects):
        return True
    before = {item.id: item.priority for item in base.work_items()}
    return any(before.get(item.id, item.priority) != item.priority for item in variant.work_items())


__all__ = [
    "MoveNeedsLeveling",
    "Version",
    "Versions",
    "carried_order",
    "has_assigned_work",
    "schedule_versions",
]
