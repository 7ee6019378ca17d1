"""Compile every kernel ahead of use, so no interactive command pays for it.

:func:`compile_all` runs each entry point of the engine once, small, on a program (the
CLI's ``progman init`` uses the sample): every kernel is compiled for exactly the argument
types real runs pass, or loaded from the cache folder when an earlier process compiled
it (see :mod:`progman.engine.jit`). A cached kernel comes with the kernels it calls:
those are not loaded on their own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from progman.domain import Program
from progman.engine import jit

#: ``progress(done, steps, step, compiled)``: steps done out of ``steps``, the name of the
#: step running next (or done last), kernels compiled so far in this process.
Progress = Callable[[int, int, str, int], None]


#: The engine's entry points, each a step of :func:`compile_all`.
STEPS = ("scheduling", "simulation", "leveling", "leveled simulation", "impact", "RCPSP")


def compile_all(
    program: Program, progress: Progress | None = None, steps: Sequence[str] = STEPS
) -> frozenset[str]:
    """Compile every kernel of ``steps`` (or load it from the cache) by running the engine
    on ``program``; returns the kernels this process compiled (none: all were cached).
    ``program`` needs tasks, resources with assignments and three-point estimates for
    every kernel to run (the sample program has them)."""
    from numba.core import event  # noqa: PLC0415 - only here

    from progman.engine import rcpsp  # noqa: PLC0415 - the whole engine, on demand
    from progman.engine.schedule import schedule  # noqa: PLC0415
    from progman.engine.simulation import simulate  # noqa: PLC0415

    ours = {id(dispatcher): kernel_name(dispatcher) for dispatcher in jit.dispatchers()}
    compiled: set[str] = set()
    tags = sorted({tag for item in program.work_items() for tag in item.tags})
    correlation = {tags[0]: 0.5} if tags else None
    # no two jobs fit side by side: the optimum (6) stays above the lower bound (4), so the
    # search runs every phase (parallel SGS, genetic algorithm) until its budget
    instance = rcpsp.RcpspInstance.from_edges([2, 2, 2], [], [[2], [2], [2]], [3])
    runs: dict[str, Callable[[], object]] = {
        "scheduling": lambda: schedule(program),
        "simulation": lambda: simulate(program, iterations=150, correlation=correlation),
        "leveling": lambda: _level_twice(program),
        # simulate --leveled: leveling's kernels, then the leveled iterations' own
        "leveled simulation": lambda: simulate(program, iterations=150, leveled=True),
        "impact": lambda: _impact_once(program),
        "RCPSP": lambda: rcpsp.solve(instance, time_limit=60.0, schedules=200),
    }
    unknown = set(steps) - set(runs)
    if unknown:
        raise ValueError(f"no compile step {sorted(unknown)}; the steps are {STEPS}")
    chosen = [(name, runs[name]) for name in steps]
    now: dict[str, Any] = {"done": 0, "step": chosen[0][0] if chosen else ""}

    def report() -> None:
        if progress is not None:
            progress(now["done"], len(chosen), now["step"], len(compiled))

    class _Listener(event.Listener):
        def on_start(self, event: Any) -> None:
            pass

        def on_end(self, event: Any) -> None:
            name = ours.get(id(event.data["dispatcher"]))
            if name is not None and name not in compiled:
                compiled.add(name)
                report()

    report()
    with event.install_listener("numba:compile", _Listener()):
        for name, step in chosen:
            now["step"] = name
            report()
            step()
            now["done"] += 1
            report()
    return frozenset(compiled)


def kernel_name(dispatcher: Any) -> str:
    """A kernel's name, the same in every process: its function's, marked when it is the
    copy that numba inlines into its callers."""
    function = dispatcher.py_func
    inlined = " (inlined)" if dispatcher.targetoptions.get("inline") else ""
    return f"{function.__module__}.{function.__qualname__}{inlined}"


def _impact_once(program: Program) -> None:
    """One impact question: a day's slip of the last task that can still slip."""
    from progman.engine.impact import ImpactAnalysis, TaskSlip  # noqa: PLC0415
    from progman.errors import ProgmanError  # noqa: PLC0415

    analysis = ImpactAnalysis(program)
    for item in reversed(list(program.work_items())):
        if item.tasks:
            continue
        try:
            analysis.impact(TaskSlip(item.id, 1))
        except ProgmanError:  # done: it cannot slip
            continue
        return


def _level_twice(program: Program) -> None:
    """A leveling search, then its best list decoded as given (``level --order``'s path:
    the kernels it calls from Python get their own specialisations, which the
    ahead-of-time build exports)."""
    from progman.engine.leveling import level  # noqa: PLC0415

    first = level(program, schedules=60, time_limit=60.0)
    level(program, schedules=1, order=first.order)
