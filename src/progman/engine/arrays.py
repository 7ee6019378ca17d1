"""Copying and sorting arrays inside the kernels, without numpy's generic code.

numba compiles ``np.argsort`` from numpy's generic sorts (quicksort, mergesort, their
helpers and the string handling of ``kind=``), and ``a[:] = b`` with the shape check's
error message (string formatting): seconds of compile per caller, a third of leveling's
cold compile. The kernels copy equal-length vectors and sort short integer keys (a
population's fitness, the tasks of one schedule), so two small loops serve them all.
"""

from __future__ import annotations

import numpy as np

from progman.engine.jit import kernel


@kernel
def stable_argsort(key):  # type: ignore[no-untyped-def]
    """Positions of ``key`` in increasing order, equal keys in their given order (a
    bottom-up merge sort): what ``np.argsort(key, kind="stable")`` returns."""
    n = key.shape[0]
    order = np.arange(n)
    spare = np.empty(n, dtype=np.int64)
    width = 1
    while width < n:
        for low in range(0, n, 2 * width):
            middle = min(low + width, n)
            high = min(low + 2 * width, n)
            i, j = low, middle
            for k in range(low, high):
                if j >= high or (i < middle and key[order[i]] <= key[order[j]]):
                    spare[k] = order[i]
                    i += 1
                else:
                    spare[k] = order[j]
                    j += 1
        order, spare = spare, order
        width *= 2
    return order


@kernel(refcounts=False)
def copy_into(target, source):  # type: ignore[no-untyped-def]
    """``target[:] = source`` for two vectors of the same length."""
    for i in range(source.shape[0]):
        target[i] = source[i]
