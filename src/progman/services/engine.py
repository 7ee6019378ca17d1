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
numba. Leveling's compile and then its module are the longest chain, so the second
process takes what is off it: first the caller's own work (``progman init``'s database,
:class:`Meanwhile`), then its steps, then the C helpers of leveling's module (gcc), and
what needs leveling's kernels too (``simulate --leveled``) once they are cached: it loads
them rather than compiling them again.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from progman.domain import Program
from progman.errors import ProgmanError

#: Compiled in this process: leveling's search and the CPM it starts from.
HERE = ("scheduling", "leveling")
#: Compiled meanwhile in a second process, when there is a second core: the genetic
#: search's shared kernels first (RCPSP), which leveling then finds in the cache.
BESIDE = ("RCPSP", "simulation", "impact")
#: Compiled in the second process once leveling's kernels are cached (it loads them).
AFTER_LEVELING = ("leveled simulation",)

#: ``progress(done, steps, step, compiled)``, as :data:`progman.engine.warmup.Progress`.
Progress = Callable[[int, int, str, int], None]

T = TypeVar("T")


@dataclass(frozen=True)
class Meanwhile(Generic[T]):
    """The caller's own work, done while the engine compiles (``progman init``'s database,
    off the compile's longest chain): ``task`` runs first in the second process (so it
    must pickle: a module-level function, its arguments bound), and ``ready`` gets its
    result in this process as soon as it is in, at the latest when the compile ends. A
    :class:`ProgmanError` the task raises is raised here at once and the compile stopped."""

    task: Callable[[], T]
    ready: Callable[[T], None]


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


def compile_engine(
    program: Program, progress: Progress | None = None, meanwhile: Meanwhile[Any] | None = None
) -> EngineCompiled:
    """Compile (or load from the cache) every kernel by running the engine on ``program``,
    then build the ahead-of-time modules (or find them built); ``meanwhile``'s work is done
    beside it."""
    from progman.engine import jit  # noqa: PLC0415 - numba: only here
    from progman.engine.warmup import STEPS, compile_all  # noqa: PLC0415

    if _cores() < 2 or not jit.CACHING:  # no second core, or no cache to share through
        if meanwhile is not None:
            meanwhile.ready(meanwhile.task())
        compiled = compile_all(program, progress)
        return EngineCompiled(len(compiled), build_ahead_of_time(), build_ahead_of_time("leveling"))
    steps = len(STEPS)
    beside_done = 0
    context = multiprocessing.get_context("spawn")  # no fork of a process holding numba
    pool = context.Pool(1)  # tasks run in the order given; terminate() stops them at once
    try:
        waiting = pool.apply_async(_run, (meanwhile.task,)) if meanwhile is not None else None

        def deliver(wait: bool) -> None:
            nonlocal waiting
            if waiting is None or not (wait or waiting.ready()):
                return
            result, error = waiting.get()
            waiting = None
            if error is not None:
                raise error
            assert meanwhile is not None
            meanwhile.ready(result)

        def here(done: int, _steps: int, step: str, compiled: int) -> None:
            deliver(wait=False)
            if progress is not None:
                progress(done + beside_done, steps, step, compiled)

        second = pool.apply_async(_compile_beside, (program,))
        helpers = pool.apply_async(_leveling_helpers)
        compiled = compile_all(program, here, HERE)
        after = pool.apply_async(compile_all, (program, None, AFTER_LEVELING))  # queued behind
        deliver(wait=False)
        leveling = build_ahead_of_time("leveling", helpers.get() if helpers.ready() else None)
        deliver(wait=True)
        compiled_beside, ahead_of_time = second.get()
        compiled_after = after.get()
        _discard(helpers.get())  # compiled too late to be used
        pool.close()
        pool.join()
    except BaseException:
        pool.terminate()  # an error, an interrupt: the second process stops now
        raise
    beside_done = len(BESIDE) + len(AFTER_LEVELING)
    everything = compiled | compiled_beside | compiled_after
    if progress is not None:
        progress(steps, steps, STEPS[-1], len(everything))
    return EngineCompiled(len(everything), ahead_of_time, leveling)


def _run(task: Callable[[], T]) -> tuple[T | None, ProgmanError | None]:
    """``task``'s result, or the user error it raised (returned: it goes back to the
    process that reports it)."""
    try:
        return task(), None
    except ProgmanError as error:
        return None, error


def _compile_beside(program: Program) -> tuple[frozenset[str], AheadOfTime]:
    """The second process's share: its steps, then the ahead-of-time module (from the
    scheduling kernels, which the first process has cached by then: loaded here)."""
    from progman.engine.warmup import compile_all  # noqa: PLC0415

    compiled = compile_all(program, None, BESIDE)
    compiled |= compile_all(program, None, ("scheduling",))
    return compiled, build_ahead_of_time()


def _leveling_helpers() -> Path | None:
    """The C helpers of leveling's module, compiled in the second process while the first
    compiles leveling's kernels (off the longest chain)."""
    from progman.engine import aot, aot_build, jit  # noqa: PLC0415 - numba: only here

    return aot_build.compile_helpers(jit.cache_folder(), aot.LEVELING)


def _discard(folder: Path | None) -> None:
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def build_ahead_of_time(group: str = "scheduling", helpers: Path | None = None) -> AheadOfTime:
    """Build the ahead-of-time module of ``group`` (``scheduling``, ``leveling``) into the
    cache folder, or say why it cannot be. The group's kernels must have run in this
    process (``compile_all``'s step of that name); ``helpers``: its C helpers, compiled
    beforehand (else now)."""
    from progman.engine import aot, aot_build, jit  # noqa: PLC0415 - numba: only here

    chosen = {g.name: g for g in aot.GROUPS}[group]
    try:
        return AheadOfTime(aot_build.build(jit.cache_folder(), chosen, helpers))
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
