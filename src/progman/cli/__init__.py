"""progman.cli: the ``progman`` command line.

:func:`run` is the console script: it pauses Python's cyclic collector while the command
starts (:func:`progman.collector.paused_while_starting`), before anything is imported.

A command's process sets two numpy defaults, each unless the user's environment says
otherwise; numpy reads both when it is first imported, which no command does before this
package is:

* transparent huge pages off: where memory is fragmented, Linux compacts it synchronously
  at the first touch of each huge page, which cost a 1,000,000-task ``schedule`` 1–1.5 s
  of system time (15.4 → 14.3 s) and a 10,000-iteration simulation seconds;
* one OpenBLAS thread: the engine's parallel work is numba's, and OpenBLAS only serves a
  few matrix-vector products of the Monte Carlo; starting its thread pool at numpy's import
  cost every process 0.05–0.08 s of wall time and 0.1 s of CPU (a 100-task ``level``
  0.39 → 0.32 s, the 100k-task ``schedule --json`` 0.75 → 0.69 s; a 10,000-iteration
  simulation no slower).
"""

import os

os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def run() -> None:
    """The ``progman`` console script: the collector paused, then the command line."""
    from progman.collector import paused_while_starting  # noqa: PLC0415 - in this order

    paused_while_starting()
    from progman.cli.main import run as run_command  # noqa: PLC0415

    run_command()
