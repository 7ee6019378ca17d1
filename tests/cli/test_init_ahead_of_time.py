"""``progman init`` says which kernels it built ahead of time, or why not, once."""

from __future__ import annotations

from pathlib import Path

from progman.cli.compile import _ahead_of_time
from progman.services.engine import AheadOfTime

BUILT = AheadOfTime(Path("/cache/aot/module.so"))
NO_COMPILER = AheadOfTime(None, "no working C compiler: install gcc")


def test_both_built():
    assert _ahead_of_time(BUILT, BUILT) == "; scheduling and leveling kernels built ahead of time"


def test_one_reason_for_both_is_said_once():
    said = _ahead_of_time(NO_COMPILER, NO_COMPILER)
    assert said == "; kernels not built ahead of time: no working C compiler: install gcc"


def test_each_says_its_own():
    said = _ahead_of_time(BUILT, AheadOfTime(None, "kernels not compiled yet"))
    assert said == (
        "; scheduling kernels built ahead of time"
        "; leveling kernels not built ahead of time: kernels not compiled yet"
    )
    said = _ahead_of_time(NO_COMPILER, BUILT)
    assert said.startswith("; scheduling kernels not built ahead of time: no working C")
    assert said.endswith("; leveling kernels built ahead of time")
