"""Cached kernels load without numba's compiler set-up (engine/kernel_cache.py) and without
parsing their bitcode (engine/kernel_library.py), and still link everything they refer to:
the runtime (kernels that allocate), the hash secrets, a kernel compiled later that calls
them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import progman
from progman.engine import jit
from progman.engine.kernel_cache import _may_hash

SOURCE = Path(progman.__file__).resolve().parents[1]

KERNELS = """
import numpy as np
from progman.engine.jit import kernel

@kernel
def allocate(n):
    return np.arange(n) * 2

@kernel
def hashed(text):
    return hash(text)

@kernel
def inner(n):
    return np.arange(n).sum() + 1

@kernel
def outer(n):
    return inner(n) * 10
"""

# The first process compiles inner alone; the next loads it, then compiles outer, which
# links inner's code in (numba reads the bitcode the load left unparsed).
CALLER = """
import json, sys
import cached_kernels as k
first = k.inner(4)
called = k.outer(4) if sys.argv[1] == "outer" else None
print(json.dumps({
    "inner": int(first),
    "outer": None if called is None else int(called),
    "inner_hits": sum(k.inner.stats.cache_hits.values()),
    "outer_hits": sum(k.outer.stats.cache_hits.values()),
}))
"""

PROBE = """
import json, sys
import cached_kernels as k
doubled = k.allocate(4)
text = "".join(["lev", "eling"])  # a new string: its hash not computed yet
text_hash = k.hashed(text)
stats = [k.allocate.stats, k.hashed.stats]
print(json.dumps({
    "doubled": doubled.tolist(),
    "hash_matches": text_hash == hash(text),
    "hits": sum(sum(s.cache_hits.values()) for s in stats),
    "misses": sum(sum(s.cache_misses.values()) for s in stats),
    "registries_loaded": "numba.np.linalg" in sys.modules,
}))
"""


def _probe(folder: Path, probe: str = PROBE, *args: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(folder), str(SOURCE)]),
        jit.CACHE_VARIABLE: str(folder / "cache"),
    }
    env.pop("NUMBA_CACHE_DIR", None)
    env.pop("PYTHONHASHSEED", None)  # each process its own hash secret
    done = subprocess.run(
        [sys.executable, "-c", probe, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_a_cached_kernel_loads_without_the_registries_and_links_runtime_and_hash(tmp_path):
    (tmp_path / "cached_kernels.py").write_text(KERNELS)
    first = _probe(tmp_path)
    assert (first["misses"], first["hits"]) == (2, 0)  # compiled (registries and all)
    assert first["registries_loaded"]
    second = _probe(tmp_path)
    assert (second["misses"], second["hits"]) == (0, 2)
    assert not second["registries_loaded"]  # loading did not set up the compiler
    assert second["doubled"] == [0, 2, 4, 6]  # the runtime is linked: it allocates
    assert second["hash_matches"]  # this process's hash secret, not another's


def test_the_hash_secrets_are_registered_when_the_code_reads_them_or_its_layout_is_unknown():
    library = ("name", "object", (b"\x00code reading _numba_hashsecret_siphash_k0", b""))
    assert _may_hash((library, "fndesc"))
    assert not _may_hash((("name", "object", (b"\x00plain code", b"")), "fndesc"))
    assert _may_hash((("name", "bitcode", b"\x00"), "fndesc"))  # another layout: register
    assert _may_hash(())


def test_importing_the_engine_sets_up_no_kernel_s_cache_until_a_kernel_runs(tmp_path):
    cache = tmp_path / "cache"
    env = {**os.environ, "PYTHONPATH": str(SOURCE), jit.CACHE_VARIABLE: str(cache)}
    env.pop("NUMBA_CACHE_DIR", None)
    imports = "import progman.engine.leveling, progman.engine.simulation"
    done = subprocess.run(
        [sys.executable, "-c", imports], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert (cache / "numba").is_dir()  # the folder jit.py checked it can write to
    assert not list((cache / "numba").iterdir())  # and nothing in it for the kernels yet


def test_a_kernel_compiled_after_a_cached_one_is_loaded_links_its_code(tmp_path):
    (tmp_path / "cached_kernels.py").write_text(KERNELS)
    alone = _probe(tmp_path, CALLER, "inner")
    assert (alone["inner"], alone["inner_hits"]) == (7, 0)
    linked = _probe(tmp_path, CALLER, "outer")
    assert linked["inner_hits"] == 1  # loaded without its bitcode parsed
    assert (linked["outer"], linked["outer_hits"]) == (70, 0)  # compiled, inner linked in
    again = _probe(tmp_path, CALLER, "outer")
    assert (again["outer"], again["outer_hits"]) == (70, 1)
