"""Bad XER input: a clear error at file:line, in bounded time and memory, nothing written.

Each real sample in ../shared/data/projects is cut at random points and garbled; links to
activities the file does not hold, cycles, wrong encodings and 100 MB files are refused.
"""

from __future__ import annotations

import random
import time
import tracemalloc
from pathlib import Path

import pytest
from benchmarks.xer_generate import xer_text

from progman.io.xer_tables import XerInvalid
from progman.services.imports import do_import_file

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "projects"
SAMPLES = sorted(DATA.glob("*.xer"))


def refused(tmp_path: Path, data: bytes, name: str = "bad.xer") -> XerInvalid:
    """The error importing ``data`` gives; checks that no plan file was written."""
    source = tmp_path / name
    source.write_bytes(data)
    target = tmp_path / "plan.yaml"
    with pytest.raises(XerInvalid) as caught:
        do_import_file(source, target)
    assert not target.exists()
    assert caught.value.location.file == str(source)
    return caught.value


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: path.name)
def test_truncated_samples_are_refused_at_their_end(tmp_path, sample):
    data = sample.read_bytes()
    rng = random.Random(sample.name)
    for cut in sorted(rng.sample(range(1, len(data) - 5), 25)):
        error = refused(tmp_path, data[:cut])
        last_line = data[:cut].count(b"\n") + (not data[:cut].endswith(b"\n"))
        if error.location.line != 1:  # the ERMHDR line itself cut: "not an XER file"
            assert "without the %E end mark" in error.message or error.location.line <= last_line
        assert error.location.line is not None


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda path: path.name)
def test_garbled_samples_are_refused_at_the_line(tmp_path, sample):
    """Random bytes (with a NUL, as damage on disk or a binary file has) over a random
    span: refused at the first damaged line."""
    data = sample.read_bytes()
    rng = random.Random(sample.name)
    for _ in range(25):
        at = rng.randrange(len(data) // 20, len(data) - 10)
        junk = bytearray(rng.randbytes(rng.randint(1, 40)))
        junk[rng.randrange(len(junk))] = 0
        garbled = data[:at] + bytes(junk) + data[at + len(junk) :]
        error = refused(tmp_path, garbled)
        damaged = garbled[:at].count(b"\n") + 1
        assert damaged <= error.location.line <= damaged + junk.count(b"\n"), error


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        (b"\t800\t0\t0\t0\t800", b"\t8x0\t0\t0\t0\t800", "is not a number"),
        (b"\t2015-02-24 08:00\t\t\t", b"\t2015-02-31 08:00\t\t\t", "is not a date"),
        (b"%T\tTASK\r\n%F", b"%T\tTASK\r\n%R\t1\r\n%F", "a %R row before"),
        (b"%F\tproj_id", b"%X\tproj_id", "should start with %T, %F, %R or %E"),
        (b"\tCP_Drtn\tTT_Task", b"\tCP_Drtn\t\tTT_Task", "values for"),
    ],
)
def test_damaged_values_name_the_record(tmp_path, old, new, says):
    """A value that is not what its field holds, a row out of place, a line that is no
    XER line, a row with more values than fields: refused at that line."""
    data = (DATA / "mpxj_percent-complete-8.4.xer").read_bytes().replace(b"\n", b"\r\n")
    assert old in data
    error = refused(tmp_path, data.replace(old, new, 1))
    assert says in error.message
    at = data.index(old) + next(k for k, (a, b) in enumerate(zip(old, new, strict=False)) if a != b)
    assert error.location.line == data[:at].count(b"\n") + 1


def generated(activities: int = 30) -> bytes:
    return xer_text(activities=activities, projects=2, seed=5).encode("cp1252")


def test_a_link_to_a_missing_activity_is_refused(tmp_path):
    data = generated()
    head, _, rest = data.partition(b"%T\tTASKPRED")
    rows = rest.split(b"\r\n")
    fields = rows[1].split(b"\t")
    row = rows[2].split(b"\t")
    row[fields.index(b"pred_task_id")] = b"999999"
    rows[2] = b"\t".join(row)
    error = refused(tmp_path, head + b"%T\tTASKPRED" + b"\r\n".join(rows))
    assert "predecessor activity '999999' is not in the file" in error.message
    assert error.location.line == head.count(b"\n") + 3


def test_a_cycle_is_refused(tmp_path):
    data = generated()
    text = data.decode("cp1252")
    first = text.index("%R", text.index("%T\tTASKPRED"))
    # the first activity now also follows the last one: A00001 -> ... -> A00030 -> A00001
    extra = "%R\t9999\t1000\t1029\t1\t2\tPR_FS\t0\r\n"
    error = refused(tmp_path, (text[:first] + extra + text[first:]).encode("cp1252"))
    assert "cycle" in error.message


def test_utf16_and_other_files_are_not_xer(tmp_path):
    data = generated().decode("cp1252")
    error = refused(tmp_path, data.encode("utf-16"))
    assert "NUL bytes (UTF-16 or binary)" in error.message and error.location.line == 1
    error = refused(tmp_path, b"PK\x03\x04" + bytes(200))
    assert "not a Primavera XER file" in error.message
    error = refused(tmp_path, b"<?xml version='1.0'?><Project/>")
    assert "the first line should start with ERMHDR" in error.message


def test_a_utf8_marked_file_that_is_not_utf8_is_refused(tmp_path):
    data = b"\xef\xbb\xbf" + generated().replace(b"Activity 3\t", "Aktivität\t".encode("cp1252"))
    error = refused(tmp_path, data)
    assert "is not utf-8-sig text" in error.message


def bounded(action) -> tuple[float, float]:
    """Seconds and peak MiB of Python allocations of ``action``."""
    tracemalloc.start()
    began = time.perf_counter()
    try:
        action()
    finally:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return time.perf_counter() - began, peak


def test_100_mb_files_are_refused_in_bounded_time_and_memory(tmp_path):
    header = generated().split(b"\r\n", 1)[0] + b"\r\n"
    junk = tmp_path / "junk.xer"  # a valid header, then 100 MB of text that is not XER
    with junk.open("wb") as out:
        out.write(header)
        line = b"x" * 1023 + b"\n"
        for _ in range(100 * 1024):
            out.write(line)
    one_line = tmp_path / "one-line.xer"  # a header, then one line of 100 MB
    with one_line.open("wb") as out:
        out.write(header)
        for _ in range(100):
            out.write(b"y" * 2**20)
    for path, says in ((junk, "should start with %T"), (one_line, "line longer than")):
        target = tmp_path / "plan.yaml"

        def attempt(path=path, target=target, says=says):
            with pytest.raises(XerInvalid) as caught:
                do_import_file(path, target)
            assert says in caught.value.message and caught.value.location.line == 2

        seconds, peak = bounded(attempt)
        assert seconds < 5 and peak < 64, (path.name, seconds, peak)
        assert not target.exists()


def test_files_above_the_size_limit_are_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setenv("PROGMAN_MAX_IMPORT_MB", "1")
    error = refused(tmp_path, generated(activities=10_000))
    assert "more than the 1 MiB an import reads" in error.message
    assert "PROGMAN_MAX_IMPORT_MB" in error.message
