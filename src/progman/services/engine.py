"""Compile the engine's kernels once, ahead of every interactive command (``progman init``).

The kernels are compiled by running the engine on the sample program
(:func:`progman.engine.warmup.compile_all`). Leveling's kernels take about half of that
time, so on a machine with two or more cores the other steps run at the same time in a
second process; both write the same kernel cache, and a kernel one of them cached first
is loaded by the other rather than compiled again.

The second process then builds the scheduling kernels ahead of time
(:mod:`progman.engine.aot_build`: a C extension module, which later commands load without
importing numba), and this process builds leveling's search likewise, from the kernels it
has just compiled; that needs a C compiler, and without one the engine simply keeps using
numba. Leveling's compile and then its module are the longest chain, so what needs
leveling's kernels too (``simulate --leveled``) is given to the second process, idle by
then, once leveling's kernels are cached: it loads them rather than compiling them again.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from progman.domain import Program

#: Compiled in this process: leveling's search and the CPM it starts from.
HERE = ("scheduling", "leveling")
#: Compiled meanwhile in a second process, when there is a second core: the genetic
#: search's shared kernels first (RCPSP), which leveling then finds in the cache.
BESIDE = ("RCPSP", "simulation", "impact")
#: Compiled in the second process once leveling's kernels are cached (it loads them).
AFTER_LEVELING = ("leveled simulation",)

#: ``progress(done, steps, step, compiled)``, as :data:`progman.engine.warmup.Progress`.
Progress = Callable[[int, int, str, int], None]


@dataclass(frozen=True)
class AheadOfTime:
    """The ahead-of-time module: where it was built, or why it was not."""

    path: Path | None
    reason: str | None = None


@dataclass(frozen=True)
class EngineCompiled:
    """What ``progman init`` compiled: how many kernels (0: all were cached) and the
    ahead-of-time modules (scheduling's, leveling's)."""

    kernels: int
    ahead_of_time: AheadOfTime
    leveling_ahead_of_time: AheadOfTime


def compile_engine(program: Program, progress: Progress | None = None) -> EngineCompiled:
    """Compile (or load from the cache) every kernel by running the engine on ``program``,
    then build the ahead-of-time module (or find it built)."""
    from progman.engine import jit  # noqa: PLC0415 - numba: only here
    from progman.engine.warmup import STEPS, compile_all  # noqa: PLC0415

    if _cores() < 2 or not jit.CACHING:  # no second core, or no cache to share through
        compiled = compile_all(program, progress)
        return EngineCompiled(len(compiled), build_ahead_of_time(), build_ahead_of_time("leveling"))
    steps = len(STEPS)
    beside_done = 0

    def here(done: int, _steps: int, step: str, compiled: int) -> None:
        if progress is not None:
            progress(done + beside_done, steps, step, compiled)

    context = multiprocessing.get_context("spawn")  # no fork of a process holding numba
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        second = pool.submit(_compile_beside, program)
        compiled = compile_all(program, here, HERE)
        after = pool.submit(compile_all, program, None, AFTER_LEVELING)  # queued behind
        leveling = build_ahead_of_time("leveling")
        compiled_beside, ahead_of_time = second.result()
        compiled_after = after.result()
    beside_done = len(BESIDE) + len(AFTER_LEVELING)
    everything = compiled | compiled_beside | compiled_after
    if progress is not None:
        progress(steps, steps, STEPS[-1], len(everything))
    return EngineCompiled(len(everything), ahead_of_time, leveling)


def _compile_beside(program: Program) -> tuple[frozenset[str], AheadOfTime]:
    """The second process's share: its steps, then the ahead-of-time module (from the
    scheduling kernels, which the first process has cached by then: loaded here)."""
    from progman.engine.warmup import compile_all  # noqa: PLC0415

    compiled = compile_all(program, None, BESIDE)
    compiled |= compile_all(program, None, ("scheduling",))
    return compiled, build_ahead_of_time()


def build_ahead_of_time(group: str = "scheduling") -> AheadOfTime:
    """Build the ahead-of-time module of ``group`` (``scheduling``, ``leveling``) into the
    cache folder, or say why it cannot be. The group's kernels must have run in this
    process (``compile_all``'s step of that name)."""
    from progman.engine import aot, aot_build, jit  # noqa: PLC0415 - numba: only here

    chosen = {g.name: g for g in aot.GROUPS}[group]
    try:
        return AheadOfTime(aot_build.build(jit.cache_folder(), chosen))
    except aot_build.AotUnavailable as error:
        return AheadOfTime(None, str(error))


@dataclass(frozen=True)
class KernelCache:
    """Where compiled kernels are kept: ``caching`` is False when no folder can be
    written (every process then compiles again); ``folder`` is where they are, or would be."""

    caching: bool
    folder: Path | None


def kernel_cache() -> KernelCache:
    """The engine's kernel cache (numba is imported, and the cache configured, if not yet)."""
    from progman.engine import jit  # noqa: PLC0415 - numba: only here

    return KernelCache(jit.CACHING, jit.kernel_cache_folder())


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
