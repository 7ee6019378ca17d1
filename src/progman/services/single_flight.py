"""One computation per key at a time: the requests that ask for the same thing together
wait for the first one's answer instead of each computing it.

After an edit, every server thread that reads the program or its schedule finds the new
revision missing from its cache at once; without this, each would load or schedule it
again in parallel (and, the work being Python under one GIL, all of them as slowly as
all together).
"""

from __future__ import annotations

import threading
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
