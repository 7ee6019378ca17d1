# mypy: disable-error-code="no-untyped-call"
# (numba has no type hints: this module extends one of its classes)
"""A cached kernel's machine code, loaded without parsing the LLVM bitcode kept beside it.

numba stores each cached kernel as its object code plus its LLVM bitcode (everything it
calls included), and on load parses that bitcode and walks its every function and global
in Python, only to learn which symbols the code defines and to have a module ready in
case a kernel compiled later in the process links this one in. For the large kernels of
leveling that is two thirds of the load (about 0.07 s of CPU on every warm ``progman
level``). A :class:`LazyLinkLibrary` loads the object code alone, answers the addresses
of the kernel's own entry points (named by the cached function descriptor, so surely
defined), and parses the bitcode only when something else is asked of it: numba's own
way, then.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import llvmlite.binding as ll
from numba.core.codegen import JITCodeLibrary


class LazyLinkLibrary(JITCodeLibrary):
    """numba's JIT code library, its linking module parsed at first need."""

    #: The names this library's object code surely defines (the kernel's entry points).
    entry_points: frozenset[str] = frozenset()
    _shared_bitcode: bytes | None = None

    @classmethod
    def _unserialize(cls, codegen: Any, state: Any) -> Any:
        name, kind, data = state
        if kind != "object":
            return super()._unserialize(codegen, state)
        object_code, shared_bitcode = data
        self = cls(codegen, name)
        self.enable_object_caching()
        self._set_compiled_object(object_code)
        self._shared_bitcode = shared_bitcode
        self._finalize_final_module()
        return self

    def _parse_shared(self) -> None:
        """What numba does on load: parse the linking module, record its symbols."""
        if self._shared_module is None and self._shared_bitcode is not None:
            self._shared_module = ll.parse_bitcode(self._shared_bitcode)
            self._codegen._engine._load_defined_symbols(self._shared_module)

    def _get_module_for_linking(self) -> Any:
        self._parse_shared()
        return super()._get_module_for_linking()

    def get_pointer_to_function(self, name: str) -> int:
        if self._shared_bitcode is not None and name in self.entry_points:
            self._ensure_finalized()
            address = self._codegen._engine.get_function_address(name)
        else:  # numba's way: an unknown name is looked up only among defined symbols
            self._parse_shared()
            address = super().get_pointer_to_function(name)
        return int(address)


def entry_points(data: Any) -> frozenset[str]:
    """The entry points named by the cached compile result ``data``
    (``CompileResult._reduce()``: the function descriptor second); none when its layout
    is not the one expected (then every lookup goes numba's way)."""
    try:
        descriptor = data[1]
        names = (descriptor.llvm_func_name, descriptor.llvm_cpython_wrapper_name)
    except (AttributeError, IndexError, TypeError):
        return frozenset()
    return frozenset(n for n in names if isinstance(n, str))


@contextmanager
def loading_lazily(codegen: Any, data: Any) -> Iterator[None]:
    """While numba rebuilds the cached ``data``, make its library a
    :class:`LazyLinkLibrary`. Callers hold numba's compiler lock (a dispatcher loads from
    its cache under it), so no compilation in another thread sees the swap."""
    library_class = type(
        "LazyLinkLibrary", (LazyLinkLibrary,), {"entry_points": entry_points(data)}
    )
    saved = codegen._library_class
    codegen._library_class = library_class
    try:
        yield
    finally:
        codegen._library_class = saved
