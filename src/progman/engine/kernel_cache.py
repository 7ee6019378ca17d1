"""Loading a cached kernel without setting up numba's compiler first.

Before it loads a kernel from its cache, numba refreshes its typing and target contexts:
it imports and installs every implementation registry it has (NumPy, linear algebra,
typed containers, unicode, random generators, jitclasses...) — about a tenth of a second
of CPU, the largest single cost of a warm ``progman level`` on a small program, spent only
to link machine code that another process compiled. Linking needs two things of that
set-up: the runtime's symbols (NRT, for kernels that allocate) and, for a kernel that
hashes, the hash secrets' symbols (registered when numba's hashing module is imported);
an unresolved symbol would abort the process. :class:`QuickLoadCache` sets up those and
nothing else. A kernel that is not in the cache is compiled by numba as usual, and
compiling refreshes the contexts itself (``compiler.compile_extra``).

Each kernel's cache is also set up only when the kernel is first called
(:class:`LazyCache`): numba finds its folder and proves it writable by creating a file
there, for each of the engine's kernels at import, though a command calls a few of them.
"""

from __future__ import annotations

from typing import Any

from numba.core.caching import FunctionCache
from numba.core.runtime import nrt

from progman.engine.kernel_library import loading_lazily

#: The prefix of the symbols numba's ``hash`` reads (numba/cpython/hashing.py).
HASH_SECRET_SYMBOL = b"_numba_hashsecret_"


class QuickLoadCache(FunctionCache):
    """numba's function cache, without the context refresh before a load."""

    def load_overload(self, sig: Any, target_context: Any) -> Any:
        with self._guard_against_spurious_io_errors():
            return self._load_overload(sig, target_context)

    def _load_overload(self, sig: Any, target_context: Any) -> Any:
        if not self._enabled:
            return None
        key = self._index_key(sig, target_context.codegen())  # type: ignore[no-untyped-call]
        data = self._cache_file.load(key)  # type: ignore[no-untyped-call]
        if data is None:
            return None
        nrt.rtsys.initialize(target_context)  # once per process
        if _may_hash(data):
            import numba.cpython.hashing  # noqa: F401, PLC0415 - registers its symbols
        with loading_lazily(target_context.codegen(), data):  # engine/kernel_library.py
            return self._impl.rebuild(target_context, data)


class LazyCache:
    """The cache of one kernel, a :class:`QuickLoadCache` made at its first use (what
    numba's dispatcher asks of its cache, passed on)."""

    def __init__(self, py_func: Any) -> None:
        self._py_func = py_func
        self._cache: QuickLoadCache | None = None

    def _made(self) -> QuickLoadCache:
        if self._cache is None:
            self._cache = QuickLoadCache(self._py_func)  # type: ignore[no-untyped-call]
        return self._cache

    @property
    def cache_path(self) -> str:
        path: str = self._made().cache_path
        return path

    def load_overload(self, sig: Any, target_context: Any) -> Any:
        return self._made().load_overload(sig, target_context)

    def save_overload(self, sig: Any, data: Any) -> None:
        self._made().save_overload(sig, data)  # type: ignore[no-untyped-call]

    def flush(self) -> None:
        self._made().flush()  # type: ignore[no-untyped-call]


def _may_hash(data: Any) -> bool:
    """Whether the cached compile result ``data`` (``CompileResult._reduce()``: first the
    library, ``(name, kind, (object code, bitcode))``) refers to the hash secrets; True
    when its layout is not the one expected (then the symbols are registered anyway)."""
    try:
        object_code = data[0][2][0]
    except (IndexError, TypeError):
        return True
    return not isinstance(object_code, bytes) or HASH_SECRET_SYMBOL in object_code
