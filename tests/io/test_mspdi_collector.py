"""An MSPDI import builds its million small objects without cyclic collections (each full
one walked the whole tree again: a third of the import), and leaves the collector as it
found it, after a good file and after a bad one."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from benchmarks.mspdi_import import generate_mspdi

from progman.io.mspdi_read import MspdiInvalid, parse_mspdi
from progman.planfile import dumps_plan

FILE = generate_mspdi(2_000).encode()


@pytest.fixture(autouse=True)
def _thawed() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generation of each collection that starts while the test runs."""
    found: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            found.append(info["generation"])

    gc.callbacks.append(seen)
    yield found
    gc.callbacks.remove(seen)


def _young_only(generations: list[int]) -> bool:
    """No full collection, and at most the two of the young generations the pause makes
    (before the product is frozen, and on its way out), not one per 700 objects."""
    return len(generations) <= 2 and all(generation < 2 for generation in generations)


def test_a_file_is_read_without_cyclic_collections(collections):
    assert gc.isenabled()
    found = parse_mspdi(FILE, "generated.xml")
    during = len(collections)  # counted at once: the next allocation may start one
    assert sum(1 for _ in found.program.work_items()) == 2_000
    assert _young_only(collections[:during])
    assert gc.isenabled()
    assert gc.get_freeze_count() > 2_000


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_a_plan_is_written_without_cyclic_collections(collections, fmt):
    program = parse_mspdi(FILE, "generated.xml").program
    gc.collect()
    before = len(collections)
    text = dumps_plan(program, fmt)
    after = len(collections)  # counted at once: the next allocation may start one
    assert _young_only(collections[before:after])
    assert "T2" in text
    assert gc.isenabled()


def test_after_a_bad_file_the_collector_runs_again_and_nothing_is_frozen():
    with pytest.raises(MspdiInvalid):
        parse_mspdi(FILE[: len(FILE) // 2], "generated.xml")
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
