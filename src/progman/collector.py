"""Pause Python's cyclic garbage collector while many small objects are made at once.

Loading a plan, rebuilding a stored program and building the network of a large program
each make hundreds of thousands of objects; every few hundred set off a collection, and the
full ones walk every object of the program (millions) again and again: the 100k-task build
took four times as long. These steps make no reference cycles, so the collector waits until
they are done. One helper for the plan loader, the store and the engine (it lives outside
the layers, like :mod:`progman.errors`, so the loader does not import the engine).

A command's process also starts with the collector paused (:func:`paused_while_starting`):
importing pydantic, numpy and Typer and building the domain's models make about a million
objects and no garbage worth a collection, yet set off a hundred of them (0.02 s of a
0.3 s command). The collector comes back after a second, so a long command collects as
usual, with the objects of its start then left out of the walks.

A block whose product is kept (a loaded program) says so: its objects are then moved out of
the collector's walks for good (``gc.freeze``) instead of being walked on the way out, then
again in each older generation. Walking the 1.4 million objects of a 100,000-task program
once cost 0.4 s, a third of its load. They hold no cycles, so reference counting still
frees them when the program is dropped.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Pauses:
    """Why the collector is paused (blocks, the start): it runs again when no reason is
    left, and only if it ran when the first reason came (a caller's ``gc.disable()`` holds).
    The start's reason ends in another thread, hence the lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reasons = 0
        self.was_enabled = True

    def hold(self) -> None:
        with self.lock:
            if self.reasons == 0:
                self.was_enabled = gc.isenabled()
            self.reasons += 1
            gc.disable()

    def release(self) -> None:
        with self.lock:
            self.reasons -= 1
            if self.reasons == 0 and self.was_enabled:
                gc.enable()


_PAUSES = _Pauses()


@contextmanager
def collector_paused(*, keep: bool = False) -> Iterator[None]:
    """No cyclic collection inside the block; as before after it. With ``keep``, what the
    block built is long-lived and acyclic: it is left out of later collections (and so is
    everything else alive then, once the young generations' garbage is collected)."""
    if keep and gc.isenabled():
        gc.collect(1)  # garbage of the last moments is not frozen with the product
    _PAUSES.hold()
    built = False
    try:
        yield
        built = True
    finally:
        if keep and built:  # not after an error: its traceback may hold cycles
            gc.freeze()
        _PAUSES.release()


class _StartPause:
    """The start's pause: a timer thread ends it, or :meth:`end` before the process exits."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.timer: threading.Timer | None = None

    def begin(self, seconds: float) -> None:
        with self.lock:
            if self.timer is not None:
                return
            _PAUSES.hold()
            self.timer = threading.Timer(seconds, self.end)
            self.timer.daemon = True
            self.timer.start()

    def end(self) -> None:
        with self.lock:
            timer, self.timer = self.timer, None
        if timer is None:  # ended already (the timer and the exit may both call this)
            return
        gc.freeze()  # the start's objects: long-lived, out of the walks from now on
        _PAUSES.release()
        if timer is not threading.current_thread():
            timer.cancel()
            timer.join()  # no thread left behind: the process can end at once


_START = _StartPause()


def paused_while_starting(seconds: float = 1.0) -> None:
    """Pause the collector for the first ``seconds`` of a command's process (see above)."""
    _START.begin(seconds)


def end_start_pause() -> None:
    """End the start's pause now (and its timer thread): before the process exits."""
    _START.end()
