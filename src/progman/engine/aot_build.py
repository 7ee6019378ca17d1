"""Build the ahead-of-time modules of :mod:`progman.engine.aot` (``progman init``).

Each entry kernel is exported through a one-line trampoline that calls its numba
dispatcher, so the kernel itself is compiled exactly as the JIT compiles it (its own
options: no reference counting, IR inlining of its helpers) or loaded from numba's cache,
and linked into the module; ``pycc`` compiles only the trampolines and their argument
conversion. The exported functions release the GIL as the dispatchers do. The argument
types are those the dispatchers were compiled for by the warm-up steps (``scheduling``;
``leveling`` for the leveling module), one export per specialisation.

Building needs a C compiler (``pycc`` compiles numba's small C helpers into the module):
without one, :func:`build` says why and the engine keeps using numba.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import json
import os
import shutil
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from progman.engine import aot, jit

#: A build's work folder (or its helpers') older than this was left by a process killed
#: mid-build (a build takes seconds); a younger one may be another process's, at work.
ABANDONED_AFTER = 3600.0


class AotUnavailable(Exception):
    """The module cannot be built here (no C compiler, no cache folder): why, in words."""


def build(
    cache_folder: Path | None, group: aot.Group = aot.SCHEDULING, helpers: Path | None = None
) -> Path:
    """Build the module of ``group`` for the current sources into ``cache_folder`` (unless
    it is there already) and return its path; the group's stale modules of other sources
    are removed. The group's entry kernels must have run in this process. ``helpers``: the
    module's C helpers compiled beforehand (:func:`compile_helpers`), used and removed."""
    try:
        return _build(cache_folder, group, helpers)
    finally:
        if helpers is not None:
            shutil.rmtree(helpers, ignore_errors=True)


def compile_helpers(cache_folder: Path | None, group: aot.Group) -> Path | None:
    """Compile the C helpers of ``group``'s module (numba's module code and runtime, about
    0.7 s of gcc, which depend on the module's name only) into a new folder of the cache,
    for :func:`build` to link: another process can do it while this group's kernels
    compile. ``None`` when they cannot be compiled (:func:`build` then says why)."""
    if cache_folder is None:
        return None
    key = aot.source_key(group)
    if aot.library_path(cache_folder, key, group).is_file():  # built already: not needed
        return None
    folder = aot.aot_folder(cache_folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="helpers-", dir=folder))
    except OSError:
        return None
    try:
        compiler = _compiler(aot.module_name(key, group))
        compiler._compile_mixins(str(work))
    except Exception:  # no compiler, a failing one: build() tries again and says why
        shutil.rmtree(work, ignore_errors=True)
        return None
    return work


def _build(cache_folder: Path | None, group: aot.Group, helpers: Path | None) -> Path:
    if cache_folder is None:
        raise AotUnavailable("no cache folder (no home folder; set PROGMAN_CACHE_DIR)")
    key = aot.source_key(group)
    library = aot.library_path(cache_folder, key, group)
    folder = aot.aot_folder(cache_folder)
    _remove_abandoned(folder)
    if library.is_file() and aot.manifest_path(cache_folder, key, group).is_file():
        return library
    try:
        folder.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="build-", dir=folder))
    except OSError as error:
        raise AotUnavailable(f"cannot write {folder}: {error.strerror}") from error
    try:
        manifest = _compile(work, aot.module_name(key, group), group, helpers)
        manifest.update(format=aot.FORMAT, key=key)
        built = work / library.name
        manifest_file = aot.manifest_path(cache_folder, key, group)
        manifest_file.write_text(json.dumps(manifest), encoding="utf-8")
        os.replace(built, library)  # last: a module is found only with its manifest
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _remove_stale(folder, group, keep=aot.module_name(key, group))
    return library


def _compiler(name: str, helpers: Path | None = None) -> Any:
    """pycc's compiler of the module ``name``, compiling less C: numba's helpers without
    typed containers' C code (the kernels use none) and at ``-O1`` without debug
    information (``-O3 -g``, from Python's build flags, doubled the C compile); with
    ``helpers``, the helpers compiled there beforehand (:func:`compile_helpers`).
    ``RuntimeError`` when there is no working C compiler."""
    jit.use_numba()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pycc is deprecated: it warns at import
        from numba.pycc.cc import CC  # noqa: PLC0415 - numba: only for the build

    class LeanCC(CC):
        def __init__(self, name: str) -> None:
            super().__init__(name)  # type: ignore[no-untyped-call]
            self._mixin_sources = ["modulemixin.c"]
            self._extra_cflags = {"posix": ["-O1", "-g0"]}

        def _compile_mixins(self, build_dir: str) -> list[str]:
            compiled = _objects(helpers) if helpers is not None else []
            return compiled or super()._compile_mixins(build_dir)  # type: ignore[no-untyped-call]

    return LeanCC(name)


def _objects(folder: Path) -> list[str]:
    """The object files compiled into ``folder`` (distutils nests them in source paths)."""
    return sorted(str(path) for path in folder.rglob("*.o"))


def _compile(work: Path, name: str, group: aot.Group, helpers: Path | None) -> dict[str, Any]:
    """Compile the group's entries into ``work``/``name``; returns the manifest's kernels."""
    _signatures_ready(group)
    kernels: dict[str, Any] = {}
    try:
        compiler = _compiler(name, helpers)
    except RuntimeError as error:  # pycc's toolchain could not compile a test file
        raise AotUnavailable(
            "no working C compiler: install gcc and Python's headers (Debian: gcc, "
            "python3-dev) and run `progman init --compile-only` again; numba serves meanwhile"
        ) from error
    try:
        compiler.output_dir = str(work)
        compiler.verbose = False
        for module_name, kernel_name in group.entries:
            dispatcher = getattr(importlib.import_module(module_name), kernel_name)
            variants = []
            for number, (signature, arguments) in enumerate(_signatures(dispatcher, group)):
                exported = f"{aot.symbol(module_name, kernel_name)}__{number}"
                compiler.export(exported, signature)(_trampoline(dispatcher, exported))
                variants.append({"symbol": exported, "arguments": arguments})
            kernels[f"{module_name}.{dispatcher.py_func.__qualname__}"] = {"variants": variants}
        with _releasing_the_gil(), _final_module_linked_only(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compiler.compile()
    except AotUnavailable:
        raise
    except Exception as error:  # distutils' CompileError or LinkError, numba's errors
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise AotUnavailable(f"cannot compile the module: {first_line[:160]}") from error
    return {"kernels": kernels}


def _signatures_ready(group: aot.Group) -> None:
    """Make sure each entry was compiled (or loaded) for the types real runs pass: the
    warm-up steps do so for all but Kahn's order, run here on a tiny network."""
    from progman.engine import kernels  # noqa: PLC0415

    if group is aot.SCHEDULING and not kernels.topological_order.signatures:
        kernels.topological_order(1, np.zeros(2, dtype=np.int64), np.zeros(0, dtype=np.int64))
    missing = [
        name
        for module, name in group.entries
        if not getattr(importlib.import_module(module), name).signatures
    ]
    if missing:
        raise AotUnavailable(
            f"kernels not compiled yet (run the {group.name} step first): {missing}"
        )


class _Foreign(AotUnavailable):
    """A specialisation for a problem of a module the group does not cover (the genetic
    search compiled for the RCPSP solver, in a leveling module): left out."""


def _signatures(dispatcher: Any, group: aot.Group) -> list[tuple[Any, list[aot.Spec]]]:
    """The dispatcher's specialisations to export, each with its arguments' specs: every
    one it has but those for another group's problems (at least one)."""
    found = []
    for compiled in dispatcher.overloads.values():
        try:
            specs = [_spec(argument, group) for argument in compiled.signature.args]
        except _Foreign:
            continue
        found.append((compiled.signature, specs))
    if not found:
        raise AotUnavailable(f"{dispatcher.py_func.__qualname__} has no specialisation to export")
    return found


def _trampoline(dispatcher: Any, name: str) -> Any:
    """``def name(a, b, ...): return kernel(a, b, ...)``, compiled by pycc."""
    parameters = ", ".join(inspect.signature(dispatcher.py_func).parameters)
    namespace: dict[str, Any] = {"kernel": dispatcher}
    exec(f"def {name}({parameters}):\n    return kernel({parameters})\n", namespace)
    return namespace[name]


def _spec(argument: Any, group: aot.Group) -> aot.Spec:
    """An argument's numba type as :data:`progman.engine.aot.Spec`."""
    from numba.core import types  # noqa: PLC0415
    from numba.np.numpy_support import as_dtype  # noqa: PLC0415

    if isinstance(argument, types.Array):
        if argument.layout != "C" or not argument.mutable or not argument.aligned:
            raise AotUnavailable(f"argument type {argument} is not a plain C array")
        return ["a", as_dtype(argument.dtype).str, argument.ndim]
    if argument == types.int64:
        return ["i"]
    if argument == types.boolean:
        return ["b"]
    if argument == types.float64:
        return ["f"]
    if isinstance(argument, types.BaseNamedTuple):
        cls = argument.instance_class  # type: ignore[attr-defined]
        if cls.__module__ not in group.covered:
            raise _Foreign(f"a {cls.__qualname__} is another module's problem")
        items = [_spec(item, group) for item in argument.types]  # type: ignore[attr-defined]
        return ["n", f"{cls.__module__}.{cls.__qualname__}", items]
    if isinstance(argument, types.BaseTuple):
        return ["t", [_spec(item, group) for item in argument.types]]  # type: ignore[attr-defined]
    raise AotUnavailable(f"argument type {argument} is not supported ahead of time")


@contextlib.contextmanager
def _releasing_the_gil() -> Iterator[None]:
    """pycc compiles its exports with default flags: make them release the GIL, as the
    engine's kernels do (``nogil``), so two runs in a server process run side by side."""
    from numba.pycc import compiler  # noqa: PLC0415

    plain = compiler.Flags  # type: ignore[attr-defined]

    class NoGil(plain):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.release_gil = True
            self.no_cfunc_wrapper = True  # a C-callable wrapper per export: never called

    compiler.Flags = NoGil  # type: ignore[attr-defined]
    try:
        yield
    finally:
        compiler.Flags = plain  # type: ignore[attr-defined]


@contextlib.contextmanager
def _final_module_linked_only() -> Iterator[None]:
    """The module's final LLVM module gets only dead-code elimination, not numba's whole
    ``-O3`` module pipeline again: the kernels linked into it were optimised when they
    were compiled (or when the process that cached them did), and the trampolines and
    argument conversions by their function passes. The pipeline took a quarter of
    leveling's build (about 1 s) for the same speed (machine code is still emitted at
    ``-O3``: emitting at ``-O0`` made leveling 1.6x slower)."""
    from llvmlite import binding  # noqa: PLC0415
    from numba.core import codegen  # noqa: PLC0415

    library = codegen.AOTCodeLibrary
    plain = library._optimize_final_module

    def linked_only(self: Any) -> None:
        passes = binding.create_new_module_pass_manager()
        passes.add_global_dead_code_eliminate_pass()
        passes.run(self._final_module, self._codegen._pass_builder())

    library._optimize_final_module = linked_only  # type: ignore[method-assign]
    try:
        yield
    finally:
        library._optimize_final_module = plain  # type: ignore[method-assign]


def _remove_abandoned(folder: Path) -> None:
    """Remove the work folders of builds that never finished (a process killed mid-build:
    an interrupted ``init``), once they are older than any build can take."""
    cutoff = time.time() - ABANDONED_AFTER
    for work in (*folder.glob("build-*"), *folder.glob("helpers-*")):
        with contextlib.suppress(OSError):
            if work.is_dir() and work.stat().st_mtime < cutoff:
                shutil.rmtree(work)


def _remove_stale(folder: Path, group: aot.Group, keep: str) -> None:
    """Remove the group's modules built from other sources (never loaded again: their key
    differs)."""
    for path in folder.glob(f"{aot.module_name('', group)}*"):
        if not path.name.startswith(keep):
            with contextlib.suppress(OSError):
                path.unlink()
