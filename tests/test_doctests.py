"""Examples in docstrings of the public modules run."""

import doctest

import pytest

import progman.engine


@pytest.mark.parametrize("module", [progman.engine])
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
