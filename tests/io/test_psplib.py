"""PSPLIB .sm import: the instance matches the file; malformed files say file:line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from progman.errors import InputNotFound
from progman.io.psplib import PsplibInvalid, parse_psplib, read_psplib

PSPLIB = Path(__file__).resolve().parents[3] / "shared" / "data" / "psplib"
J301_1 = PSPLIB / "j30" / "j301_1.sm"

needs_data = pytest.mark.skipif(not J301_1.exists(), reason="PSPLIB data not available")


@needs_data
def test_j301_1_matches_the_file():
    inst = read_psplib(J301_1)
    assert inst.n == 32 and inst.resources == 4
    assert inst.capacity.tolist() == [12, 13, 4, 12]
    assert inst.jobs.tolist() == list(range(1, 33))
    assert inst.durations[0] == 0 and inst.durations[-1] == 0
    assert inst.durations[1:5].tolist() == [8, 4, 6, 3]  # jobs 2..5
    assert inst.demand[1].tolist() == [4, 0, 0, 0]  # job 2
    assert inst.successors(0) == [1, 2, 3]  # job 1 → 2 3 4
    assert inst.successors(1) == [5, 10, 14]  # job 2 → 6 11 15
    assert inst.successors(31) == []
    assert inst.name == "j301_1"


def _sample() -> str:
    return J301_1.read_text()


@needs_data
def test_a_bad_number_names_file_and_line():
    lines = _sample().splitlines()
    lines[20] = lines[20].replace("3", "x", 1)  # a precedence row
    with pytest.raises(PsplibInvalid) as caught:
        parse_psplib("\n".join(lines), "bad.sm")
    assert str(caught.value.location) == "bad.sm:21"


@needs_data
def test_a_successor_out_of_range_is_reported():
    text = _sample().replace("  32        1          0", "  32        1          1  99")
    with pytest.raises(PsplibInvalid, match="successor 99"):
        parse_psplib(text, "bad.sm")


@needs_data
def test_a_truncated_file_is_reported():
    text = _sample().split("REQUESTS/DURATIONS")[0]
    with pytest.raises(PsplibInvalid, match="REQUESTS/DURATIONS"):
        parse_psplib(text, "cut.sm")


def test_not_a_psplib_file():
    with pytest.raises(PsplibInvalid, match="not a PSPLIB"):
        parse_psplib("hello\n", "x.sm")


def test_missing_file(tmp_path):
    with pytest.raises(InputNotFound):
        read_psplib(tmp_path / "none.sm")


@needs_data
def test_demand_above_capacity_is_reported():
    text = _sample().replace("   12   13    4   12", "   12   13    4    1")
    with pytest.raises(PsplibInvalid, match="capacity is 1"):
        parse_psplib(text, "cap.sm")
    assert np.all(read_psplib(J301_1).capacity > 0)
