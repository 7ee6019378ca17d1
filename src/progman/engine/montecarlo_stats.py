"""What a Monte Carlo chunk leaves behind, and the sensitivity computed from it at the end.

Kernels write straight into the result arrays, so that no step makes a temporary copy
of a ``[task, iteration]`` array: each project's latest finish, and each draw's quantile
score (the uniform, as ``uint16``) that the rank correlations read. Spearman's
coefficient of each uncertain task and risk with the program finish follows.
"""

from __future__ import annotations

import numpy as np

from progman.engine import sampling
from progman.engine.jit import kernel

#: A draw's quantile score: ``u`` scaled to the ``uint16`` range (``u < 1``, so it fits).
SCORE_SCALE = np.float32(65536.0)


@kernel(refcounts=False)
def quantile_scores(uniforms, scores):  # type: ignore[no-untyped-def]
    """``scores[row, j] = uint16(uniforms[row, j] × 65536)``, truncated (the float32
    product, as numpy's ``multiply`` then ``astype`` computed it)."""
    for row in range(uniforms.shape[0]):
        for j in range(uniforms.shape[1]):
            scores[row, j] = np.uint16(uniforms[row, j] * SCORE_SCALE)


@kernel(refcounts=False)
def latest_finishes(finish, pointer, members, first, latest):  # type: ignore[no-untyped-def]
    """``latest[g, first + it]``: the largest ``finish[task, it]`` over group ``g``'s
    ``members[pointer[g]:pointer[g + 1]]`` (each group has a member)."""
    width = finish.shape[1]
    for g in range(pointer.shape[0] - 1):
        for it in range(width):
            latest[g, first + it] = finish[members[pointer[g]], it]
        for k in range(pointer[g] + 1, pointer[g + 1]):
            i = members[k]
            for it in range(width):
                latest[g, first + it] = max(latest[g, first + it], finish[i, it])


def group_members(groups: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The groups as one array of members and the pointer to each group's first."""
    pointer = np.zeros(len(groups) + 1, dtype=np.int64)
    pointer[1:] = np.cumsum([g.shape[0] for g in groups])
    members = np.concatenate(groups).astype(np.int64) if groups else np.zeros(0, np.int64)
    return pointer, members


@kernel(refcounts=False)
def _column_moments(scores, ranks, total, squares, cross):  # type: ignore[no-untyped-def]
    """Per column: the sum, the sum of squares and the ranks-weighted sum, in one pass over
    the stored scores (no float copy of an iterations × tasks matrix)."""
    for row in range(scores.shape[0]):
        weight = ranks[row]
        for column in range(scores.shape[1]):
            value = np.float64(scores[row, column])
            total[column] += value
            squares[column] += value * value
            cross[column] += weight * value


def rank_correlations(scores: np.ndarray, finish: np.ndarray) -> np.ndarray:
    """Spearman correlation of each column of ``scores`` with ``finish``.

    The finish is ranked (ties averaged). A task's score is its uniform draw, which *is*
    its duration's quantile: its rank divided by the iterations, up to sampling noise, so
    the score stands in for the rank. A risk's score is 0/1, whose average ranks are an
    affine function of it. Pearson's coefficient is invariant to both, so this is
    Spearman's coefficient. Columns that never vary get 0.
    """
    columns = scores.shape[1]
    if columns == 0 or finish.shape[0] < 2:
        return np.zeros(columns)
    ranks = sampling.average_ranks(finish)
    ranks -= ranks.mean()
    ranks_norm = float(np.sqrt(ranks @ ranks))
    total = np.zeros(columns)
    squares = np.zeros(columns)
    cross = np.zeros(columns)
    _column_moments(scores, ranks, total, squares, cross)
    count = scores.shape[0]
    spread = np.sqrt(np.maximum(squares - total**2 / count, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        result = cross / (spread * ranks_norm)  # ranks are centred: Σ rank·mean = 0
    return np.where((spread > 1e-9) & (ranks_norm > 0), result, 0.0)
