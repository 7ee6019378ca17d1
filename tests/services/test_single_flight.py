"""Requests that ask for the same thing together share one computation of it."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from progman.services.single_flight import Kept, SingleFlight


def test_callers_asking_together_share_one_computation() -> None:
    flight: SingleFlight[int] = SingleFlight()
    computed = []
    started = threading.Barrier(8)

    def compute() -> int:
        computed.append(1)
        time.sleep(0.2)  # long enough for every caller to arrive while it runs
        return 42

    def ask(_: int) -> int:
        started.wait()
        return flight.run("schedule", compute)

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(ask, range(8)))
    assert answers == [42] * 8
    assert len(computed) == 1
    assert flight.run("schedule", lambda: 7) == 7  # done: the next call computes again


def test_an_error_reaches_every_waiting_caller_and_is_not_kept() -> None:
    flight: SingleFlight[int] = SingleFlight()
    started = threading.Barrier(4)

    def fail() -> int:
        time.sleep(0.2)
        raise ValueError("no schedule")

    def ask(_: int) -> str:
        started.wait()
        try:
            flight.run("k", fail)
        except ValueError as error:
            return str(error)
        return "answered"

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(ask, range(4))) == ["no schedule"] * 4
    assert flight.run("k", lambda: 1) == 1
    with pytest.raises(KeyError):
        flight.run("other", lambda: {}["x"])


def test_kept_answers_again_without_computing_and_forgets_the_oldest() -> None:
    kept: Kept[str] = Kept(2)
    computed: list[str] = []

    def compute(key: str):  # type: ignore[no-untyped-def]
        def answer() -> str:
            computed.append(key)
            return key.upper()

        return answer

    assert kept.get("a", compute("a")) == "A"
    assert kept.get("a", compute("a")) == "A" and computed == ["a"]
    kept.get("b", compute("b"))
    kept.get("c", compute("c"))  # a third: the oldest, "a", is forgotten
    assert len(kept) == 2
    assert kept.get("b", compute("b")) == "B" and computed == ["a", "b", "c"]
    assert kept.get("a", compute("a")) == "A" and computed == ["a", "b", "c", "a"]


def test_kept_computes_once_for_callers_asking_together_and_keeps_no_error() -> None:
    kept: Kept[int] = Kept(4)
    computed: list[int] = []
    started = threading.Barrier(6)

    def slow() -> int:
        time.sleep(0.2)
        computed.append(1)
        return 42

    def ask(_: int) -> int:
        started.wait()
        return kept.get("schedule", slow)

    with ThreadPoolExecutor(6) as pool:
        assert list(pool.map(ask, range(6))) == [42] * 6
    assert computed == [1]
    with pytest.raises(KeyError):
        kept.get("broken", lambda: {}["x"])
    assert kept.get("broken", lambda: 7) == 7  # an error is not kept
