"""A command's process starts no OpenBLAS thread pool (see progman.cli) unless the user's
environment asks for one."""

from __future__ import annotations

import os
import subprocess
import sys

#: Imports the CLI as the console script does, then numpy as a command does; prints the
#: process's OS threads and the OpenBLAS setting numpy was imported with.
PROBE = (
    "import progman.cli.main, numpy, os; "
    "print(len(os.listdir('/proc/self/task')), os.environ.get('OPENBLAS_NUM_THREADS'))"
)


def _probe(setting: str | None) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if setting is not None:
        env["OPENBLAS_NUM_THREADS"] = setting
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    threads, value = done.stdout.split()
    return int(threads), value


def test_numpy_starts_no_blas_threads_in_a_command():
    assert _probe(None) == (1, "1")


def test_the_users_blas_setting_is_kept():
    threads, value = _probe("2")
    assert value == "2"
    if (os.cpu_count() or 1) >= 2:  # the pool numpy's import starts: one more thread
        assert threads == 2
