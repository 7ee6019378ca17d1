"""The bulk proof that a large plan's links hold no cycle agrees with Kahn's steps."""

from __future__ import annotations

import random

import pytest

from progman.domain import acyclic as module
from progman.domain.acyclic import LARGE_GRAPH, MAX_LEVELS, acyclic


def plan_links(rng: random.Random, count: int, window: int) -> tuple[list[int], list[int]]:
    """About two links per task from the ``window`` tasks before it, some from anywhere
    earlier, numbered in a shuffled file order (so the file order proves nothing)."""
    place = list(range(count))
    rng.shuffle(place)
    link_from, link_to = [], []
    for task in range(1, count):
        for _ in range(2):
            before = rng.randrange(max(0, task - window), task) if rng.random() < 0.95 else None
            pred = rng.randrange(task) if before is None else before
            link_from.append(place[pred])
            link_to.append(place[task])
    return link_from, link_to


@pytest.mark.parametrize("seed", range(4))
def test_levels_agree_with_steps_with_and_without_a_cycle(seed: int):
    rng = random.Random(seed)
    link_from, link_to = plan_links(rng, 20_000, 50)
    assert len(link_from) >= LARGE_GRAPH
    assert module._acyclic_by_levels(20_000, link_from, link_to) is True
    assert acyclic(20_000, link_from, link_to)
    # a link back from a task to one of its predecessors' predecessors closes a loop
    k = rng.randrange(len(link_from))
    middle = link_from[k]
    back = next(j for j, i in zip(link_from, link_to, strict=True) if i == middle)
    cyclic_from, cyclic_to = [*link_from, link_to[k]], [*link_to, back]
    assert module._acyclic_by_steps(20_000, cyclic_from, cyclic_to) is False
    assert module._acyclic_by_levels(20_000, cyclic_from, cyclic_to) is False
    assert not acyclic(20_000, cyclic_from, cyclic_to)


def test_a_long_chain_written_bottom_up_is_left_to_the_steps(monkeypatch):
    count = MAX_LEVELS + 50
    link_from = list(range(count - 1, 0, -1))  # each task follows the one after it
    link_to = [j - 1 for j in link_from]
    extra = [(j, j - 2) for j in range(count - 1, 1, -1)][: LARGE_GRAPH - len(link_from)]
    link_from += [j for j, _ in extra]
    link_to += [i for _, i in extra]
    assert module._acyclic_by_levels(count, link_from, link_to) is None
    assert acyclic(count, link_from, link_to)
    assert not acyclic(count, [*link_from, 0], [*link_to, count - 1])


def test_duplicate_links_and_tasks_without_links():
    link_from = [0, 0, 2] * (LARGE_GRAPH // 3 + 1)
    link_to = [1, 1, 3] * (LARGE_GRAPH // 3 + 1)
    assert module._acyclic_by_levels(6, link_from, link_to) is True
    assert module._acyclic_by_levels(6, [*link_from, 3], [*link_to, 2]) is False
