"""Explicit random streams for the compiled searches (leveling, RCPSP).

A stream is a one-element ``uint64`` array that the caller creates per run
(:func:`random_state`) and hands to every kernel that draws, so two runs in one process —
two threads of a server — never share a stream, and a seed alone fixes a run's result.
numba's ``np.random`` keeps a hidden per-thread state instead, and numpy's ``Generator``
objects cost minutes of compile time inside kernels.

The generator is SplitMix64 (Steele, Lea and Flood 2014, the seeder of the xoshiro
family): a 64-bit counter through a bijective mixer; it passes BigCrush, and is more
than enough for sampling activity lists. The seed is spread by numpy's ``SeedSequence``.
"""

from __future__ import annotations

import numpy as np

from progman.engine.jit import kernel

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)
_S11, _S27, _S30, _S31 = np.uint64(11), np.uint64(27), np.uint64(30), np.uint64(31)
_UNIT = 1.0 / 9007199254740992.0  # 2**-53: 53 random bits make a double in [0, 1)


def random_state(seed: int) -> np.ndarray:
    """A new stream for ``seed`` (any non-negative integer)."""
    state: np.ndarray = np.random.SeedSequence(seed).generate_state(1, np.uint64)
    return state


@kernel
def next_bits(state):  # type: ignore[no-untyped-def]
    """The next 64 random bits of the stream."""
    z = state[0] + _GOLDEN
    state[0] = z
    z = (z ^ (z >> _S30)) * _MIX_1
    z = (z ^ (z >> _S27)) * _MIX_2
    return z ^ (z >> _S31)


@kernel
def uniform(state):  # type: ignore[no-untyped-def]
    """A float in ``[0, 1)``."""
    return np.float64(next_bits(state) >> _S11) * _UNIT


@kernel
def below(state, bound):  # type: ignore[no-untyped-def]
    """An integer in ``[0, bound)`` (``bound`` ≥ 1)."""
    return min(np.int64(uniform(state) * bound), bound - 1)


@kernel
def permutation(state, n):  # type: ignore[no-untyped-def]
    """``0 .. n-1`` in random order (Fisher–Yates)."""
    out = np.arange(n)
    for i in range(n - 1, 0, -1):
        j = below(state, i + 1)
        out[i], out[j] = out[j], out[i]
    return out
