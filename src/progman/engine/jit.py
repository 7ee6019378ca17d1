"""How the engine's kernels are compiled, and where numba keeps their machine code.

numba compiles a kernel on its first call (seconds each) and writes the result to a cache
that later processes load instead. That cache lives in the user's cache folder, never
beside the installed source, which may be read-only (a wheel in system site-packages, a
container): ``$PROGMAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/progman``, else
``~/.cache/progman``, in its ``numba`` folder (a ``$NUMBA_CACHE_DIR`` the user set wins).
When no folder can be written, kernels are compiled in every process, after one warning.

Every kernel is declared with :func:`kernel`: cached there, releasing the GIL (so two runs
in one server process do not block each other) and listed in :data:`KERNELS`, which
:func:`progman.engine.warmup.compile_all` compiles ahead of use.
"""

from __future__ import annotations

import os
import sys
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from numba.core import types
from numba.core.registry import CPUDispatcher

from progman.engine.kernel_cache import LazyCache

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


class _OneSpecialisation(CPUDispatcher):
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
        dispatcher = _OneSpecialisation(py_function, locals={}, targetoptions=options)
        if CACHING:
            dispatcher.enable_caching()
        KERNELS.append(dispatcher)
        return dispatcher

    return decorate if function is None else decorate(function)
