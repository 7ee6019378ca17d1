"""The collector pause: nothing collected inside, the kept product out of later walks."""

from __future__ import annotations

import gc
import threading

import pytest

from progman.collector import collector_paused, end_start_pause, paused_while_starting


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


def test_a_command_starts_paused_and_the_collector_returns_on_its_own():
    paused_while_starting(0.05)
    assert not gc.isenabled()
    started = [t for t in threading.enumerate() if isinstance(t, threading.Timer)]
    assert len(started) == 1
    started[0].join(5)
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0  # the start's objects: out of later walks


def test_ending_the_start_pause_leaves_no_thread_behind():
    threads = threading.active_count()
    paused_while_starting(60)
    assert threading.active_count() == threads + 1
    end_start_pause()
    assert gc.isenabled()
    assert threading.active_count() == threads
    end_start_pause()  # a second end (the timer's and the exit's) changes nothing
    assert gc.isenabled()


def test_the_start_pause_ending_inside_a_paused_block_waits_for_the_block():
    paused_while_starting(60)
    with collector_paused():
        end_start_pause()
        assert not gc.isenabled()  # the block still holds it
    assert gc.isenabled()


def test_a_block_ending_during_the_start_pause_leaves_it_paused():
    paused_while_starting(60)
    try:
        with collector_paused(keep=True):
            pass
        assert not gc.isenabled()
    finally:
        end_start_pause()
    assert gc.isenabled()
