"""Pause Python's cyclic garbage collector while many small objects are made at once.

Loading a plan, rebuilding a stored program and building the network of a large program
each make hundreds of thousands of objects; every few hundred set off a collection, and the
full ones walk every object of the program (millions) again and again: the 100k-task build
took four times as long. These steps make no reference cycles, so the collector waits until
they are done. One helper for the plan loader, the store and the engine (it lives outside
the layers, like :mod:`progman.errors`, so the loader does not import the engine).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside the block; as before after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
