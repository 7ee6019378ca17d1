"""Pause Python's cyclic garbage collector while many small objects are made at once.

Loading a plan, rebuilding a stored program and building the network of a large program
each make hundreds of thousands of objects; every few hundred set off a collection, and the
full ones walk every object of the program (millions) again and again: the 100k-task build
took four times as long. These steps make no reference cycles, so the collector waits until
they are done. One helper for the plan loader, the store and the engine (it lives outside
the layers, like :mod:`progman.errors`, so the loader does not import the engine).

A block whose product is kept (a loaded program) says so: its objects are then moved out of
the collector's walks for good (``gc.freeze``) instead of being walked on the way out, then
again in each older generation. Walking the 1.4 million objects of a 100,000-task program
once cost 0.4 s, a third of its load. They hold no cycles, so reference counting still
frees them when the program is dropped.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(*, keep: bool = False) -> Iterator[None]:
    """No cyclic collection inside the block; as before after it. With ``keep``, what the
    block built is long-lived and acyclic: it is left out of later collections (and so is
    everything else alive then, once the young generations' garbage is collected)."""
    enabled = gc.isenabled()
    if keep and enabled:
        gc.collect(1)  # garbage of the last moments is not frozen with the product
    gc.disable()
    built = False
    try:
        yield
        built = True
    finally:
        if keep and built:  # not after an error: its traceback may hold cycles
            gc.freeze()
        if enabled:
            gc.enable()
