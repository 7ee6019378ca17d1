"""How the engine's kernels are compiled, and where their machine code is kept.

numba compiles a kernel on its first call (seconds each) and writes the result to a cache
that later processes load instead. That cache lives in the user's cache folder, never
beside the installed source, which may be read-only (a wheel in system site-packages, a
container): ``$PROGMAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/progman``, else
``~/.cache/progman``, in its ``numba`` folder (a ``$NUMBA_CACHE_DIR`` the user set wins).
When no folder can be written, kernels are compiled in every process, after one warning.

Every kernel is declared with :func:`kernel`: cached there, releasing the GIL (so two runs
in one server process do not block each other) and listed in :data:`KERNELS`, which
:func:`progman.engine.warmup.compile_all` compiles ahead of use.

When the ahead-of-time module that ``progman init`` builds is present and fresh
(:mod:`progman.engine.aot`), the kernels it holds are called there and numba is not even
imported: a kernel is then a :class:`DeferredKernel` until the first kernel the module
does not hold is declared or called; at that moment every kernel becomes its numba
dispatcher (:func:`use_numba`), as without the module.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from progman.engine import aot

CACHE_VARIABLE = "PROGMAN_CACHE_DIR"
NUMBA_CACHE_VARIABLE = "NUMBA_CACHE_DIR"


def cache_folder() -> Path | None:
    """progman's cache folder (``None`` when there is no home folder to put it in)."""
    own = os.environ.get(CACHE_VARIABLE)
    if own:
        return Path(own).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute():  # the XDG spec: a relative value is ignored
        return Path(xdg) / "progman"
    try:
        return Path.home() / ".cache" / "progman"
    except RuntimeError:  # no $HOME and no password entry
        return None


def kernel_cache_folder() -> Path | None:
    """Where numba caches the kernels: ``$NUMBA_CACHE_DIR`` if set, else ``numba`` in
    :func:`cache_folder`."""
    numba_own = os.environ.get(NUMBA_CACHE_VARIABLE)
    if numba_own:
        return Path(numba_own).expanduser()
    folder = cache_folder()
    return None if folder is None else folder / "numba"


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
    except OSError:
        return False
    return True


def _configure_cache() -> bool:
    """Point numba's cache at :func:`kernel_cache_folder`; False when it cannot be written
    (numba would otherwise fall back to the source folder, or fail there)."""
    folder = kernel_cache_folder()
    if folder is None or not _writable(folder):
        warnings.warn(
            f"progman: cannot write the kernel cache folder {folder or '(no home folder)'}; "
            f"the engine compiles again in every process (set {CACHE_VARIABLE} to a "
            "writable folder)",
            RuntimeWarning,
            stacklevel=2,
        )
        return False
    os.environ[NUMBA_CACHE_VARIABLE] = str(folder)
    config = sys.modules.get("numba.core.config")
    if config is not None:  # numba read its settings at import: read them again
        config.reload_config()
    return True


#: Whether compiled kernels are written to and loaded from the cache folder.
CACHING = _configure_cache()

#: Every kernel of the engine, in declaration order.
KERNELS: list[Any] = []


#: The ahead-of-time module, when present and built from these very sources.
AOT = aot.load(cache_folder())

_switch = threading.Lock()
_numba = AOT is None  # whether kernels are numba dispatchers (from now on)


class DeferredKernel:
    """A kernel declared while the ahead-of-time module serves: called with the argument
    types the module was built for, it runs the module's function; otherwise (and once
    :func:`use_numba` ran) its numba dispatcher."""

    def __init__(self, py_function: Callable[..., Any], options: dict[str, Any]) -> None:
        self.py_func = py_function
        self.options = options
        self.__name__ = py_function.__name__
        self.__qualname__ = py_function.__qualname__
        self.__module__ = py_function.__module__
        self.__doc__ = py_function.__doc__
        self.compiled = None if AOT is None else AOT.function(py_function)
        self.dispatcher: Any = None

    def __call__(self, *args: Any) -> Any:
        compiled = self.compiled
        if self.dispatcher is None and compiled is not None:
            native = compiled.select(args)
            if native is not None:
                return native(*args)
        use_numba()
        return self.dispatcher(*args)

    def __getattr__(self, name: str) -> Any:  # the dispatcher's other attributes
        if name.startswith("__"):
            raise AttributeError(name)
        use_numba()
        return getattr(self.dispatcher, name)


def use_numba() -> None:
    """Make every kernel its numba dispatcher, in :data:`KERNELS` and in the namespace of
    every progman module that names it (idempotent, thread-safe)."""
    global _numba  # noqa: PLW0603 - one switch per process
    with _switch:
        if _numba:
            return
        from progman.engine import jit_dispatch  # noqa: PLC0415 - numba: only now

        for index, declared in enumerate(KERNELS):
            if isinstance(declared, DeferredKernel):
                declared.dispatcher = jit_dispatch.dispatcher(
                    declared.py_func, declared.options, CACHING
                )
                KERNELS[index] = declared.dispatcher
        for name, module in list(sys.modules.items()):
            if name.startswith("progman.") and module is not None:
                namespace = vars(module)
                for key, value in list(namespace.items()):
                    if isinstance(value, DeferredKernel):
                        namespace[key] = value.dispatcher
        jit_dispatch.register_deferred(DeferredKernel, lambda value: value.dispatcher)
        for callback in _WITH_NUMBA:  # before any thread sees the switch made
            callback()
        _numba = True


#: What :func:`use_numba` runs once it has switched (see :func:`when_numba`).
_WITH_NUMBA: list[Callable[[], None]] = []


def when_numba(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the engine uses numba: now if it does, else when
    :func:`use_numba` switches (what only compiled code needs, such as an intrinsic that
    imports numba, is set up then). ``callback`` must not switch itself."""
    if _numba:
        callback()
    else:
        _WITH_NUMBA.append(callback)


def dispatcher_of(declared: Any) -> Any:
    """The numba dispatcher of a kernel as :func:`kernel` returned it (a
    :class:`DeferredKernel` kept somewhere the switch to numba did not replace it)."""
    if isinstance(declared, DeferredKernel):
        use_numba()
        return declared.dispatcher
    return declared


def kernel(
    function: Callable[..., Any] | None = None, *, refcounts: bool = True, inline: bool = False
) -> Any:
    """Compile ``function`` with numba in nopython mode: cached, without the GIL, one
    specialisation per argument types.

    ``refcounts=False`` for kernels that allocate nothing: compiled without numba's
    reference counting, whose atomic increments on every array passed around cost more
    than the arithmetic itself.
    """

    def decorate(py_function: Callable[..., Any]) -> Any:
        options: dict[str, Any] = {"nopython": True, "nogil": True}
        if not refcounts:
            options["_nrt"] = False
        if inline:
            options["inline"] = "always"
        if not _numba and AOT is not None and not AOT.covers(py_function.__module__):
            use_numba()  # a module the ahead-of-time build does not cover
        declared: Any
        if _numba:
            from progman.engine import jit_dispatch  # noqa: PLC0415 - numba

            declared = jit_dispatch.dispatcher(py_function, options, CACHING)
        else:
            declared = DeferredKernel(py_function, options)
        KERNELS.append(declared)
        return declared

    return decorate if function is None else decorate(function)


def dispatchers() -> list[Any]:
    """Every kernel's numba dispatcher (numba imported, if not yet)."""
    use_numba()
    return list(KERNELS)
