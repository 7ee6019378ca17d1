"""``distinct`` is ``np.unique(values, return_inverse=True)`` of integers, in both ways."""

import numpy as np
import pytest

from progman.engine.schedule_text import distinct


@pytest.mark.parametrize(
    "values",
    [
        np.array([5, 3, 5, 9, 3, 3], dtype=np.int64),
        np.array([-7], dtype=np.int64),
        np.random.default_rng(1).integers(-(10**6), 10**6, 50_000),  # a narrow range
        np.random.default_rng(2).integers(0, 10**12, 1_000),  # too wide: np.unique itself
        np.zeros(0, dtype=np.int64),
    ],
)
def test_distinct_is_unique_with_inverse(values: np.ndarray):
    found, where = distinct(values)
    expected, inverse = np.unique(values, return_inverse=True)
    assert found.tolist() == expected.tolist()
    assert where.tolist() == inverse.reshape(-1).tolist()
