"""``progman init`` compiles the engine once, with a progress line on stderr."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any

from progman.domain import Program

if TYPE_CHECKING:
    from progman.services.engine import AheadOfTime, Meanwhile

LABEL = "compiling the engine (once)"
CLEAR = "\x1b[K"  # erase the rest of a terminal line


def compile_engine(program: Program, meanwhile: Meanwhile[Any] | None = None) -> None:
    """Compile every kernel (or load it from the cache) by running the engine on
    ``program``: a terminal sees the line grow, a pipe or a file gets the closing line.
    ``meanwhile``'s work is done beside it; what it prints comes on lines of its own."""
    from progman.services.engine import (  # noqa: PLC0415 - numba: only here
        Meanwhile,
        kernel_cache,
    )
    from progman.services.engine import compile_engine as compile_kernels  # noqa: PLC0415

    terminal = sys.stderr.isatty()
    started = time.perf_counter()

    def progress(done: int, steps: int, step: str, compiled: int) -> None:
        if terminal:
            line = f"{LABEL} … {done}/{steps} {step}, {compiled} kernels compiled"
            sys.stderr.write(f"\r{line}{CLEAR}")
            sys.stderr.flush()

    if meanwhile is not None and terminal:
        shown = meanwhile.ready

        def ready(result: Any) -> None:
            sys.stderr.write(f"\r{CLEAR}")  # the growing line is drawn again after it
            sys.stderr.flush()
            shown(result)

        meanwhile = Meanwhile(meanwhile.task, ready)
    result = compile_kernels(program, progress, meanwhile)
    compiled = result.kernels
    seconds = time.perf_counter() - started
    cache = kernel_cache()
    if not cache.caching:
        where = "not cached: no writable cache folder"
    elif compiled:
        where = f"cached in {cache.folder}"
    else:
        where = f"all loaded from {cache.folder}"
    where += _ahead_of_time(result.ahead_of_time, result.leveling_ahead_of_time)
    sys.stderr.write(
        f"{chr(13) if terminal else ''}{LABEL} … done in {seconds:.1f} s, {compiled} kernels "
        f"compiled, {where}" + (f"{CLEAR}\n" if terminal else "\n")
    )
    sys.stderr.flush()


def _ahead_of_time(scheduling: AheadOfTime, leveling: AheadOfTime) -> str:
    """What was built ahead of time, or why not (one reason said once)."""
    if scheduling.path is not None and leveling.path is not None:
        return "; scheduling and leveling kernels built ahead of time"
    if scheduling.path is None and leveling.path is None and scheduling.reason == leveling.reason:
        return f"; kernels not built ahead of time: {scheduling.reason}"
    parts = []
    for name, built in (("scheduling", scheduling), ("leveling", leveling)):
        if built.path is not None:
            parts.append(f"; {name} kernels built ahead of time")
        else:
            parts.append(f"; {name} kernels not built ahead of time: {built.reason}")
    return "".join(parts)
