"""A program checked, built and scheduled by CPM, kept for the next question about it.

The schedule read, the ``moved`` answer of an edit and the next edit all start from the
same scheduled revision; a sealed program never changes, so what was scheduled of it is
kept (:data:`_RECENT`). A sealed variant made of a kept one by setting task durations
(an edit of a duration, or another process's edit caught up) is not built anew: the kept
network is copied with those durations changed, and only CPM runs again.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from progman.domain import ChangeItem, Program, WorkItem
from progman.domain.checked import check_once, is_sealed
from progman.domain.entity_index import locate_work_item
from progman.domain.lineage import lineage
from progman.domain.validation import format_path
from progman.engine.build import BuiltNetwork, build_network
from progman.engine.build_arrays import duration_minutes
from progman.engine.calendars import ELAPSED
from progman.engine.horizon import out_of_range
from progman.engine.network import ScheduleCycle, ScheduleOutOfRange, schedule_network
from progman.errors import Location, PlanInvalid, Problem

if TYPE_CHECKING:  # (imported on first use: a columnar schedule never makes one)
    from progman.engine.impact_compare import ScheduledProgram

_RECENT: OrderedDict[tuple[int, date | None, date | None], ScheduledProgram] = OrderedDict()
_RECENT_KEPT = 4
_RECENT_LOCK = threading.Lock()


def ensure_valid(program: Program) -> None:
    """Raise :class:`PlanInvalid` with every problem a loaded plan would have been refused for.

    One check per program: one marked checked by the plan loader or the store, or by an
    earlier call, and not changed since, is trusted; any other (built or changed by the
    caller) is checked, see :mod:`progman.domain.checked`.
    """
    findings = check_once(program)
    if findings:
        raise PlanInvalid(
            Problem(f.code, f.message, Location(path=format_path(f.path))) for f in findings
        )


def scheduled(
    program: Program, status_date: date | None = None, *, origin: date | None = None
) -> ScheduledProgram:
    """``program`` checked, built (from ``origin`` at the latest) and scheduled by CPM;
    kept when it is sealed, patched from its kept base when it can be (see the module)."""
    if not is_sealed(program):
        return _schedule(program, _built(program, status_date, origin))
    key = (id(program), status_date, origin)
    kept = _kept(key, program)
    if kept is not None:
        return kept
    made = lineage(program)
    base = None if made is None else _kept((id(made[0]), status_date, origin), made[0])
    patched = None if base is None or made is None else durations_set(base.built, program, made[1])
    if patched is not None:
        ensure_valid(program)  # a set duration leaves it checked: no check again
    result = _schedule(program, patched or _built(program, status_date, origin))
    with _RECENT_LOCK:
        _RECENT[key] = result
        while len(_RECENT) > _RECENT_KEPT:
            _RECENT.popitem(last=False)
    return result


def _kept(key: tuple[int, date | None, date | None], program: Program) -> ScheduledProgram | None:
    with _RECENT_LOCK:
        kept = _RECENT.get(key)
        if kept is None or kept.program is not program:
            return None
        _RECENT.move_to_end(key)
        return kept


def _built(program: Program, status_date: date | None, origin: date | None) -> BuiltNetwork:
    ensure_valid(program)
    return build_network(program, status_date, origin=origin)


def _schedule(program: Program, built: BuiltNetwork) -> ScheduledProgram:
    try:
        result = schedule_network(built.network)
    except ScheduleCycle as cycle:
        names = [built.ids[int(built.node_items[i])] for i in cycle.cycle]
        raise ScheduleCycle("dependency cycle: " + " -> ".join(names), cycle.cycle) from None
    except ScheduleOutOfRange as beyond:  # name what reaches so far, not the tables
        raise out_of_range(program, built, beyond.nodes) from None
    from progman.engine.impact_compare import ScheduledProgram  # noqa: PLC0415 - see above

    return ScheduledProgram(program, built, built.network, result)


def durations_set(
    built: BuiltNetwork, variant: Program, changes: Sequence[ChangeItem]
) -> BuiltNetwork | None:
    """``built`` (of the program ``variant`` was made of) with the durations ``changes``
    set, or None unless every change sets the working-time duration of a task that had one,
    has no subtasks, no progress and no elapsed duration (anything else builds anew)."""
    if not changes:
        return None
    network = built.network
    duration = network.duration.copy()
    items = list(built.items)
    for change in changes:
        index = built.index.get(change.target)
        if change.op != "set" or change.field != "duration" or index is None:
            return None
        found = locate_work_item(variant, change.target)
        item = None if found is None else found[0]
        if item is None or item.duration is None or not _plain(items[index]) or not _plain(item):
            return None
        if network.calendar[index] == ELAPSED:
            return None
        per_day = network.calendars.minutes_per_day[network.calendar[index : index + 1]]
        minutes, elapsed = duration_minutes([item.duration], per_day)
        if elapsed.any():
            return None
        duration[index] = minutes[0]
        items[index] = item
        parent = int(built.parent_of[index])
        while parent >= 0:  # the variant's copies of the changed task's ancestors
            ancestor = locate_work_item(variant, built.ids[parent])
            if ancestor is None:
                return None
            items[parent] = ancestor[0]
            parent = int(built.parent_of[parent])
    patched = dataclasses.replace(
        built,
        network=dataclasses.replace(network, duration=duration),
        items=items,
        columns={k: v for k, v in built.columns.items() if k not in {"duration", "tasks"}},
    )
    for name in ("index", "node_items", "is_summary"):  # the same ids, links and tree
        if name in built.__dict__:
            patched.__dict__[name] = built.__dict__[name]
    return patched


def _plain(item: WorkItem) -> bool:
    """A task without subtasks or progress whose duration is given."""
    return (
        item.duration is not None
        and not item.tasks
        and item.actual_start is None
        and item.actual_finish is None
        and item.remaining is None
        and not item.percent_complete
    )
