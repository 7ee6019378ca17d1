"""The scheduling kernels compiled ahead of time, used without importing numba.

A whole ``progman schedule`` process of a small program would otherwise spend most of its
time importing numba (about 0.14 s) and loading the cached kernels (about 0.05 s), for
passes that run in microseconds. ``progman init`` therefore also builds the CPM entry
kernels into one C extension module (:mod:`progman.engine.aot_build`, with numba's
``pycc``) in the user's cache folder, ``aot/`` beside numba's cache. Its file name holds a
hash of the kernels' sources and of the Python, numpy and numba versions
(:func:`source_key`), so a module built from other sources or for other versions is never
found, let alone used.

A kernel of the module is called only with exactly the argument types it was built for
(:meth:`AotFunction.accepts`: the module's own argument conversion checks an array's item
size, not its type or layout); anything else goes to numba, as without the module. This
module imports neither numba nor the kernels it serves.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import os
import platform
import sys
from collections.abc import Callable, Sequence
from hashlib import sha256
from pathlib import Path
from typing import Any

import numpy as np

#: ``0`` turns the ahead-of-time module off (every kernel then comes from numba).
SWITCH_VARIABLE = "PROGMAN_AOT"
#: The manifest's format; a change makes every module built before it stale.
FORMAT = 1

#: Modules whose kernels the module serves: declaring a kernel elsewhere switches the
#: process to numba (see :func:`progman.engine.jit.kernel`).
COVERED = (
    "progman.engine.calendars",
    "progman.engine.kernels",
    "progman.engine.network",
    "progman.engine.arrays",
)
#: The kernels compiled into the module: ``(module, kernel)``.
ENTRIES = (
    ("progman.engine.kernels", "link_view"),
    ("progman.engine.kernels", "topological_order"),
    ("progman.engine.network", "plan_order"),
    ("progman.engine.kernels", "forward_pass"),
    ("progman.engine.kernels", "backward_pass"),
    ("progman.engine.kernels", "delay_as_late_as_possible"),
    ("progman.engine.kernels", "link_slack"),
)
#: Files of the engine whose text the module's key covers: the covered kernels, and what
#: decides how they are compiled and called.
SOURCES = (
    "calendars.py",
    "kernels.py",
    "network.py",
    "arrays.py",
    "jit.py",
    "jit_dispatch.py",
    "aot.py",
    "aot_build.py",
)

ENGINE = Path(__file__).resolve().parent

#: An argument's expected type: ``["a", dtype, ndim]`` a C-contiguous writeable array,
#: ``["i"]`` int64, ``["b"]`` boolean, ``["f"]`` float64, ``["t", [items]]`` a tuple.
Spec = list[Any]


def source_key() -> str:
    """Hash of the covered sources and of the versions the module's code depends on."""
    digest = sha256(f"{FORMAT}|{sys.version}|{platform.machine()}|{np.__version__}".encode())
    numba_spec = importlib.util.find_spec("numba")
    if numba_spec is None or numba_spec.origin is None:
        raise ImportError("numba is not installed")
    digest.update((Path(numba_spec.origin).parent / "_version.py").read_bytes())
    for name in SOURCES:
        digest.update(name.encode())
        digest.update((ENGINE / name).read_bytes())
    return digest.hexdigest()[:20]


def module_name(key: str) -> str:
    return f"progman_aot_{key}"


def aot_folder(cache_folder: Path) -> Path:
    return cache_folder / "aot"


def library_path(cache_folder: Path, key: str) -> Path:
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    return aot_folder(cache_folder) / f"{module_name(key)}{suffix}"


def manifest_path(cache_folder: Path, key: str) -> Path:
    return aot_folder(cache_folder) / f"{module_name(key)}.json"


def symbol(module: str, kernel: str) -> str:
    """The name a kernel is exported under (a C identifier)."""
    return f"{module.rsplit('.', 1)[-1]}__{kernel}"


class AotFunction:
    """One kernel of the module, with the argument types it was built for."""

    def __init__(self, native: Callable[..., Any], arguments: Sequence[Spec]) -> None:
        self.native = native
        self._check = _checker(["t", list(arguments)])

    def accepts(self, args: tuple[Any, ...]) -> bool:
        return self._check(args)

    def __call__(self, *args: Any) -> Any:
        return self.native(*args)


class AotModule:
    """The loaded module: its kernels by ``module.qualname``."""

    def __init__(self, module: Any, manifest: dict[str, Any]) -> None:
        self.path = Path(module.__file__)
        self._functions = {
            name: AotFunction(getattr(module, entry["symbol"]), entry["arguments"])
            for name, entry in manifest["kernels"].items()
        }

    def covers(self, module: str) -> bool:
        return module in COVERED

    def function(self, py_function: Callable[..., Any]) -> AotFunction | None:
        return self._functions.get(f"{py_function.__module__}.{py_function.__qualname__}")

    @property
    def kernels(self) -> list[str]:
        return sorted(self._functions)


def load(cache_folder: Path | None) -> AotModule | None:
    """The module built from these sources for these versions, or ``None`` (switched off,
    never built, built from other sources, unreadable)."""
    if cache_folder is None or os.environ.get(SWITCH_VARIABLE, "1") == "0":
        return None
    try:
        key = source_key()
        library = library_path(cache_folder, key)
        if not library.is_file():
            return None
        manifest = json.loads(manifest_path(cache_folder, key).read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT or manifest.get("key") != key:
            return None
        name = module_name(key)
        loader = importlib.machinery.ExtensionFileLoader(name, str(library))
        spec = importlib.util.spec_from_file_location(name, library, loader=loader)
        if spec is None:
            return None
        module = importlib.util.module_from_spec(spec)
        loader.exec_module(module)
        return AotModule(module, manifest)
    except (OSError, ImportError, ValueError, KeyError, AttributeError, TypeError):
        return None


def _checker(spec: Spec) -> Callable[[Any], bool]:
    """A test that a value has exactly the type ``spec`` describes (what numba would
    type it as), made once per kernel."""
    kind = spec[0]
    if kind == "a":
        dtype, ndim = np.dtype(spec[1]), spec[2]

        def array(value: Any) -> bool:
            if type(value) is not np.ndarray or value.dtype != dtype or value.ndim != ndim:
                return False
            flags = value.flags
            return bool(flags.c_contiguous and flags.writeable and flags.aligned)

        return array
    if kind == "i":
        return lambda value: type(value) is int or type(value) is np.int64
    if kind == "b":
        return lambda value: type(value) is bool or type(value) is np.bool_
    if kind == "f":
        return lambda value: type(value) is float or type(value) is np.float64
    if kind == "t":
        items = [_checker(item) for item in spec[1]]
        count = len(items)

        def items_match(value: Any) -> bool:
            if type(value) is not tuple or len(value) != count:
                return False
            return all(check(item) for check, item in zip(items, value, strict=True))

        return items_match
    raise ValueError(f"unknown argument type {kind!r} in the ahead-of-time manifest")
