"""The collector pause: nothing collected inside, the kept product out of later walks."""

from __future__ import annotations

import gc

import pytest

from progman.collector import collector_paused


@pytest.fixture(autouse=True)
def _thawed():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_inside_the_block_nothing_is_collected_and_after_it_as_before():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_a_kept_product_is_left_out_of_later_collections():
    with collector_paused(keep=True):
        product = [[index] for index in range(10_000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(product)


def test_after_an_error_nothing_is_frozen_and_the_collector_runs_again():
    with pytest.raises(ValueError), collector_paused(keep=True):
        _ = [[index] for index in range(1_000)]
        raise ValueError("bad input")
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


def test_a_collector_the_caller_turned_off_stays_off():
    gc.disable()
    try:
        with collector_paused(keep=True):
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
