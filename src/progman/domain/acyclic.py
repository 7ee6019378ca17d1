"""Whether a plan's links hold a cycle, proven for a large plan in whole-array passes.

The check of every plan (:func:`progman.domain.validation.check_program`) must prove the
links acyclic. When every link comes from a task earlier in the file, the file order
proves it at once; otherwise Kahn's algorithm takes the tasks whose predecessors are all
taken, and a cycle is what can never be taken. Step by step in Python that took a tenth of
a second for 100,000 tasks and seconds for a million (a random walk over memory). Here a
whole level of tasks is taken at a time with numpy: as many passes as the longest chain of
links has links (hundreds in a real plan). A plan whose chains are so long that the passes
would cost more than the steps (a long chain written bottom up) is left to the steps.
"""

from __future__ import annotations

from collections.abc import Sequence

#: Links from which taking whole levels pays; below, the step-by-step algorithm is used.
LARGE_GRAPH = 20_000
#: Levels after which the bulk passes give up (each costs some tens of microseconds).
MAX_LEVELS = 4_000


def acyclic(count: int, link_from: Sequence[int], link_to: Sequence[int]) -> bool:
    """True when the links between ``count`` tasks (numbered in file order; ``link_from[k]``
    is a predecessor of ``link_to[k]``, never a task itself) hold no cycle."""
    if all(map(int.__lt__, link_from, link_to)):
        return True
    if len(link_from) >= LARGE_GRAPH:
        found = _acyclic_by_levels(count, link_from, link_to)
        if found is not None:
            return found
    return _acyclic_by_steps(count, link_from, link_to)


def _acyclic_by_steps(count: int, link_from: Sequence[int], link_to: Sequence[int]) -> bool:
    successors: list[list[int]] = [[] for _ in range(count)]
    waiting = [0] * count
    for j, i in zip(link_from, link_to, strict=True):
        successors[j].append(i)
        waiting[i] += 1
    ready = [i for i, left in enumerate(waiting) if not left]
    for node in ready:  # grows while it is read
        for child in successors[node]:
            waiting[child] -= 1
            if not waiting[child]:
                ready.append(child)
    return len(ready) == count


def _acyclic_by_levels(count: int, link_from: Sequence[int], link_to: Sequence[int]) -> bool | None:
    """Kahn's algorithm a level at a time; None when the chains are too long for it."""
    import numpy as np  # noqa: PLC0415 - only for a large plan (validate starts without it)

    source = np.fromiter(link_from, dtype=np.int64, count=len(link_from))
    target = np.fromiter(link_to, dtype=np.int64, count=len(link_to))
    by_source = np.argsort(source, kind="stable")
    successors = target[by_source]  # each task's successors, a run per task
    first = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(np.bincount(source, minlength=count), out=first[1:])
    waiting = np.bincount(target, minlength=count)
    level = np.flatnonzero(waiting == 0)
    taken = 0
    for _ in range(MAX_LEVELS):
        if level.size == 0:
            return taken == count
        taken += level.size
        starts, sizes = first[level], first[level + 1] - first[level]
        total = int(sizes.sum())
        if total == 0:
            level = level[:0]
            continue
        # the successors of every task of the level, one run per task, in one gather
        offsets = np.repeat(starts - (np.cumsum(sizes) - sizes), sizes)
        children, times = np.unique(
            successors[offsets + np.arange(total, dtype=np.int64)], return_counts=True
        )
        waiting[children] -= times
        level = children[waiting[children] == 0]
    return None
