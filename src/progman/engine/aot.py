"""The scheduling kernels compiled ahead of time, used without importing numba.

A whole ``progman schedule`` process of a small program would otherwise spend most of its
time importing numba (about 0.14 s) and loading the cached kernels (about 0.05 s), for
passes that run in microseconds; a ``progman level`` of 100 tasks likewise, for a
search of a tenth of a second. ``progman init`` therefore also builds the entry kernels
into C extension modules (:mod:`progman.engine.aot_build`, with numba's ``pycc``) in the
user's cache folder, ``aot/`` beside numba's cache: one for the CPM (:data:`SCHEDULING`),
one for leveling's search (:data:`LEVELING`). A module's file name holds a hash of its
kernels' sources and of the Python, numpy and numba versions (:func:`source_key`), so a
module built from other sources or for other versions is never found, let alone used.

A kernel of the module is called only with exactly the argument types it was built for
(:meth:`AotFunction.select`: the module's own argument conversion checks an array's item
size, not its type or layout); anything else goes to numba, as without the module. A
kernel compiled for several argument types (the genetic search, once per problem) is
exported once per types the process that built the module compiled it for. This
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
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path
from typing import Any

import numpy as np

#: ``0`` turns the ahead-of-time module off (every kernel then comes from numba).
SWITCH_VARIABLE = "PROGMAN_AOT"
#: The manifest's format; a change makes every module built before it stale.
FORMAT = 2

#: Modules whose kernels the scheduling module serves: declaring a kernel elsewhere
#: switches the process to numba (see :func:`progman.engine.jit.kernel`), unless another
#: module (:data:`GROUPS`) serves it.
COVERED = (
    "progman.engine.calendars",
    "progman.engine.kernels",
    "progman.engine.network",
    "progman.engine.arrays",
)
#: The kernels compiled into the scheduling module: ``(module, kernel)``.
ENTRIES = (
    ("progman.engine.kernels", "link_view"),
    ("progman.engine.kernels", "topological_order"),
    ("progman.engine.network", "plan_order"),
    ("progman.engine.kernels", "forward_pass"),
    ("progman.engine.kernels", "backward_pass"),
    ("progman.engine.kernels", "delay_as_late_as_possible"),
    ("progman.engine.kernels", "link_slack"),
)
#: Files of the engine whose text the scheduling module's key covers: the covered
#: kernels, and what decides how they are compiled and called.
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


@dataclass(frozen=True)
class Group:
    """One ahead-of-time module: the kernels it holds (``entries``, those the engine calls
    from Python), the modules whose kernels it serves (``covered``) and the engine files
    its key covers (``sources``: every kernel compiled into it, and how)."""

    name: str
    covered: tuple[str, ...]
    entries: tuple[tuple[str, str], ...]
    sources: tuple[str, ...]


#: The CPM's kernels, built by ``progman init``'s second process (``schedule``, ``check``,
#: and the CPM every other command starts from).
SCHEDULING = Group("scheduling", COVERED, ENTRIES, SOURCES)
#: Leveling's search (``level``), built by the process of ``progman init`` that compiles
#: it. Its kernels call the CPM's and the calendars', compiled into it as well.
LEVELING = Group(
    "leveling",
    (
        "progman.engine.genetic",
        "progman.engine.leveling_kernels",
        "progman.engine.leveling_profile",
        "progman.engine.random_stream",
    ),
    (
        ("progman.engine.leveling_kernels", "inherited_priority"),
        ("progman.engine.leveling_profile", "add_load"),
        ("progman.engine.genetic", "priority_list"),
        ("progman.engine.leveling_kernels", "decode"),
        ("progman.engine.leveling_kernels", "_keep"),
        ("progman.engine.leveling_kernels", "scored"),
        ("progman.engine.genetic", "generations"),
    ),
    (
        *SOURCES,
        "random_stream.py",
        "genetic.py",
        "genetic_score.py",
        "leveling_kernels.py",
        "leveling_profile.py",
    ),
)
GROUPS = (SCHEDULING, LEVELING)

ENGINE = Path(__file__).resolve().parent

#: An argument's expected type: ``["a", dtype, ndim]`` a C-contiguous writeable array,
#: ``["i"]`` int64, ``["b"]`` boolean, ``["f"]`` float64, ``["t", [items]]`` a tuple,
#: ``["n", "module.Class", [items]]`` a named tuple of that class.
Spec = list[Any]


def source_key(group: Group = SCHEDULING) -> str:
    """Hash of the group's sources and of the versions the module's code depends on."""
    versions = f"{FORMAT}|{group.name}|{sys.version}|{platform.machine()}|{np.__version__}"
    digest = sha256(versions.encode())
    numba_spec = importlib.util.find_spec("numba")
    if numba_spec is None or numba_spec.origin is None:
        raise ImportError("numba is not installed")
    digest.update((Path(numba_spec.origin).parent / "_version.py").read_bytes())
    for name in group.sources:
        digest.update(name.encode())
        digest.update((ENGINE / name).read_bytes())
    return digest.hexdigest()[:20]


def module_name(key: str, group: Group = SCHEDULING) -> str:
    return f"progman_aot_{group.name}_{key}"


def aot_folder(cache_folder: Path) -> Path:
    return cache_folder / "aot"


def library_path(cache_folder: Path, key: str, group: Group = SCHEDULING) -> Path:
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    return aot_folder(cache_folder) / f"{module_name(key, group)}{suffix}"


def manifest_path(cache_folder: Path, key: str, group: Group = SCHEDULING) -> Path:
    return aot_folder(cache_folder) / f"{module_name(key, group)}.json"


def symbol(module: str, kernel: str) -> str:
    """The name a kernel is exported under (a C identifier)."""
    return f"{module.rsplit('.', 1)[-1]}__{kernel}"


class AotFunction:
    """One kernel of a module: its exports, one per argument types it was built for."""

    def __init__(self, variants: Sequence[tuple[Callable[..., Any], Sequence[Spec]]]) -> None:
        self._variants = [
            (native, _checker(["t", list(arguments)])) for native, arguments in variants
        ]

    def select(self, args: tuple[Any, ...]) -> Callable[..., Any] | None:
        """The export built for exactly these arguments' types, if any."""
        for native, check in self._variants:
            if check(args):
                return native
        return None

    def accepts(self, args: tuple[Any, ...]) -> bool:
        return self.select(args) is not None

    def __call__(self, *args: Any) -> Any:
        native = self.select(args)
        if native is None:
            raise TypeError("argument types the ahead-of-time kernel was not built for")
        return native(*args)


class AotModule:
    """The loaded modules: their kernels by ``module.qualname``, and the modules whose
    kernels they serve. ``path``: the first module's file."""

    def __init__(self, loaded: Sequence[tuple[Any, dict[str, Any], Group]]) -> None:
        self.paths = [Path(module.__file__) for module, _, _ in loaded]
        self.path = self.paths[0]
        self.groups = tuple(group.name for _, _, group in loaded)
        self._covered = frozenset(name for _, _, group in loaded for name in group.covered)
        self._functions = {
            name: AotFunction(
                [
                    (getattr(module, variant["symbol"]), variant["arguments"])
                    for variant in entry["variants"]
                ]
            )
            for module, manifest, _ in loaded
            for name, entry in manifest["kernels"].items()
        }

    def covers(self, module: str) -> bool:
        return module in self._covered

    def function(self, py_function: Callable[..., Any]) -> AotFunction | None:
        return self._functions.get(f"{py_function.__module__}.{py_function.__qualname__}")

    @property
    def kernels(self) -> list[str]:
        return sorted(self._functions)


def load(cache_folder: Path | None, groups: Sequence[Group] = GROUPS) -> AotModule | None:
    """The modules of ``groups`` built from these sources for these versions (each one
    that is: absent, stale or unreadable ones are left out), or ``None`` when none is (or
    they are switched off)."""
    if cache_folder is None or os.environ.get(SWITCH_VARIABLE, "1") == "0":
        return None
    loaded = [found for group in groups if (found := _load_one(cache_folder, group))]
    return AotModule(loaded) if loaded else None


def _load_one(cache_folder: Path, group: Group) -> tuple[Any, dict[str, Any], Group] | None:
    try:
        key = source_key(group)
        library = library_path(cache_folder, key, group)
        if not library.is_file():
            return None
        manifest_file = manifest_path(cache_folder, key, group)
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT or manifest.get("key") != key:
            return None
        name = module_name(key, group)
        loader = importlib.machinery.ExtensionFileLoader(name, str(library))
        spec = importlib.util.spec_from_file_location(name, library, loader=loader)
        if spec is None:
            return None
        module = importlib.util.module_from_spec(spec)
        loader.exec_module(module)
        for entry in manifest["kernels"].values():  # every export is there
            for variant in entry["variants"]:
                getattr(module, variant["symbol"])
        return module, manifest, group
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
    if kind == "n":  # a named tuple of this class (module.qualname)
        name, of_items = spec[1], _checker(["t", spec[2]])

        def named(value: Any) -> bool:
            cls = type(value)
            return f"{cls.__module__}.{cls.__qualname__}" == name and of_items(tuple(value))

        return named
    if kind == "t":
        items = [_checker(item) for item in spec[1]]
        count = len(items)

        def items_match(value: Any) -> bool:
            if type(value) is not tuple or len(value) != count:
                return False
            return all(check(item) for check, item in zip(items, value, strict=True))

        return items_match
    raise ValueError(f"unknown argument type {kind!r} in the ahead-of-time manifest")
