"""A command's process leaves numpy's transparent huge pages off (see progman.cli) unless
the user's environment asks for them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

#: Imports the CLI as the console script does, then numpy as a command does; prints
#: whether numpy asks for huge pages (``_set_madvise_hugepage`` answers the old setting).
PROBE = (
    "import progman.cli.main, numpy; "
    "from numpy._core.multiarray import _set_madvise_hugepage; "
    "print(_set_madvise_hugepage(False))"
)


@pytest.mark.parametrize(("setting", "expected"), [(None, "False"), ("1", "True")])
def test_numpy_huge_pages_are_off_unless_asked_for(setting, expected):
    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    if setting is not None:
        env["NUMPY_MADVISE_HUGEPAGE"] = setting
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == expected
