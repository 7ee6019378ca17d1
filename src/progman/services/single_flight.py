"""One computation per key at a time: the requests that ask for the same thing together
wait for the first one's answer instead of each computing it.

After an edit, every server thread that reads the program or its schedule finds the new
revision missing from its cache at once; without this, each would load or schedule it
again in parallel (and, the work being Python under one GIL, all of them as slowly as
all together).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class SingleFlight(Generic[T]):
    """``run(key, compute)``: ``compute()``'s result, computed once for the callers that ask
    for ``key`` at the same time (an error reaches each of them, and the next call tries
    again)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[Hashable, _Flight[T]] = {}

    def run(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            flight = self._running.get(key)
            leader = flight is None
            if flight is None:
                flight = self._running[key] = _Flight()
        if not leader:
            return flight.wait()
        try:
            flight.result = compute()
        except BaseException as error:
            flight.error = error
            raise
        finally:
            with self._lock:
                del self._running[key]
            flight.done.set()
        return flight.result


class _Flight(Generic[T]):
    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: T
        self.error: BaseException | None = None

    def wait(self) -> T:
        self.done.wait()
        if self.error is not None:
            raise self.error
        return self.result


class Kept(Generic[T]):
    """The answers to the last ``size`` questions asked (a revision's schedule, its
    dashboard…): ``get(key, compute)`` answers from them, else computes once for the
    callers asking together (:class:`SingleFlight`) and keeps the answer, forgetting the
    oldest. Safe to share between a server's threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._answers: OrderedDict[Hashable, T] = OrderedDict()
        self._computing: SingleFlight[T] = SingleFlight()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._answers:
                return self._answers[key]
        answer = self._computing.run(key, compute)
        with self._lock:
            self._answers[key] = answer
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)
        return answer

    def latest(self, match: Callable[[Hashable], bool]) -> T | None:
        """The answer kept last whose key ``match``es, or None; never computes."""
        with self._lock:
            for key in reversed(self._answers):
                if match(key):
                    return self._answers[key]
        return None

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()

    def __len__(self) -> int:
        return len(self._answers)
