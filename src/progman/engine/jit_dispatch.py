"""The numba side of :func:`progman.engine.jit.kernel`: one dispatcher per kernel.

Kept apart from :mod:`progman.engine.jit` so that a process whose kernels all come from
the ahead-of-time module (:mod:`progman.engine.aot`) never imports numba.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from numba.core import types
from numba.core.registry import CPUDispatcher

from progman.engine.kernel_cache import LazyCache


class OneSpecialisation(CPUDispatcher):
    """A kernel called by another kernel with a constant (``0``, ``True``) is compiled
    for the constant's plain type, not for the constant itself: numba would otherwise
    compile one more copy of it (and of everything it calls) per distinct constant."""

    def get_call_template(self, args: Any, kws: Any) -> Any:
        unliteral: Callable[[Any], Any] = types.unliteral
        plain = tuple(unliteral(a) for a in args)
        return super().get_call_template(plain, {k: unliteral(v) for k, v in kws.items()})

    def enable_caching(self) -> None:
        """numba's cache, set up at first use and loaded without its compiler's set-up
        (engine/kernel_cache.py)."""
        self._cache = LazyCache(self.py_func)


def dispatcher(py_function: Callable[..., Any], options: dict[str, Any], caching: bool) -> Any:
    """The numba dispatcher of one kernel, compiled in nopython mode with ``options``."""
    compiled = OneSpecialisation(py_function, locals={}, targetoptions=dict(options))
    if caching:
        compiled.enable_caching()
    return compiled


def register_deferred(deferred_class: type, resolve: Callable[[Any], Any]) -> None:
    """Let numba type a deferred kernel as the dispatcher it stands for (a reference the
    switch to numba could not replace: a container, a closure)."""
    from numba.extending import typeof_impl  # noqa: PLC0415

    @typeof_impl.register(deferred_class)
    def _typeof(value: Any, context: Any) -> Any:
        return types.Dispatcher(resolve(value))
