"""End the process without taking the interpreter apart object by object.

After a command on a 100,000-task plan, the interpreter's own shutdown frees the program's
1.4 million objects one at a time (0.2-0.4 s, a tenth of the whole run) only for the
operating system to take back the memory at once anyway. :func:`leave` does what shutdown
must (runs the ``atexit`` handlers, flushes the standard streams) and then ends the process.
It falls back to the ordinary exit when another thread still runs (shutdown waits for it),
a stream cannot be flushed (a closed pipe: the ordinary exit reports it as usual), or a
profiler or tracer watches (``python -m cProfile -m progman`` writes its figures after the
program returns).
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from typing import NoReturn

from progman.collector import end_start_pause


def leave(code: int) -> NoReturn:
    """Exit with ``code``: at once after the exit handlers and a flush, when that is safe."""
    end_start_pause()  # its timer thread would hold the exit back
    watched = sys.getprofile() is not None or sys.gettrace() is not None
    if threading.active_count() == 1 and not watched:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            sys.exit(code)
        atexit._run_exitfuncs()
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            sys.exit(code)
        os._exit(code)
    sys.exit(code)
