"""The console script ends without the interpreter's teardown, and loses nothing by it."""

import json
import subprocess
import sys
from pathlib import Path

PROFILED = [sys.executable, "-m", "cProfile", "-o"]
RUN = "import sys; from progman.cli import run; sys.argv[0] = 'progman'; run()"  # the script


def progman(*args: str, extra: str = "") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-c", extra + RUN, *args], capture_output=True, check=False, timeout=120
    )


def test_the_whole_json_reaches_a_file_and_the_exit_code_is_kept(sample_plan: Path, tmp_path: Path):
    out = tmp_path / "schedule.json"
    with out.open("wb") as stream:
        done = subprocess.run(
            [sys.executable, "-c", RUN, "schedule", str(sample_plan), "--json"],
            stdout=stream,
            check=False,
            timeout=120,
        )
    assert done.returncode == 0
    assert json.loads(out.read_bytes())["tasks"]


def test_the_exit_is_at_once_although_the_start_pause_has_a_thread(sample_plan: Path):
    """The collector's start pause ends at the exit, its timer thread with it: the process
    is not torn down object by object (a finalizer would print)."""
    extra = "import atexit; atexit.register(print, 'exit handler'); "
    extra += "exec('class Torn:\\n def __del__(self): print(\\'torn down\\')'); kept = Torn(); "
    done = progman("validate", str(sample_plan), extra=extra)
    assert done.returncode == 0
    assert done.stdout.rstrip().endswith(b"exit handler")
    assert b"torn down" not in done.stdout


def test_an_error_keeps_its_exit_code_and_message(tmp_path: Path):
    done = progman("validate", str(tmp_path / "missing.yaml"))
    assert done.returncode == 1
    assert b"no such plan file" in done.stderr


def test_exit_handlers_still_run(sample_plan: Path):
    """atexit handlers (logging's flush, coverage's data) run before the process ends."""
    extra = "import atexit; atexit.register(lambda: print('handler ran', flush=True)); "
    done = progman("validate", str(sample_plan), extra=extra)
    assert done.returncode == 0
    assert done.stdout.rstrip().endswith(b"handler ran")


def test_a_closed_pipe_falls_back_to_the_ordinary_exit(sample_plan: Path):
    """stdout closed by the reader (``| head -1``): no hang, no traceback of ours."""
    process = subprocess.Popen(
        [sys.executable, "-c", RUN, "schedule", str(sample_plan), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(10)
    process.stdout.close()
    process.wait(timeout=120)
    assert b"Traceback" not in process.stderr.read()


def test_a_profiler_still_gets_its_figures(sample_plan: Path, tmp_path: Path):
    """``python -m cProfile -o FILE -m progman ...`` writes FILE after the program returns."""
    figures = tmp_path / "profile.out"
    done = subprocess.run(
        [*PROFILED, str(figures), "-m", "progman", "validate", str(sample_plan)],
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0
    assert figures.stat().st_size > 0
