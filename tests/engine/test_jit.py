"""Compiled kernels: cached in the user's cache folder (also from a read-only install),
compiled all at once by ``progman init``, free of the GIL and of shared random state."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numba.core.registry import CPUDispatcher

import progman
import progman.engine
from progman.cli.main import main
from progman.engine import jit
from progman.engine.impact import ImpactAnalysis, TaskSlip
from progman.engine.random_stream import below, permutation, random_state, uniform
from progman.engine.warmup import compile_all
from progman.samples import sample_plan_path

PACKAGE = Path(progman.__file__).resolve().parent

# A fresh process: import progman, run one kernel, say what numba did.
PROBE = """
import json, sys, warnings
warnings.simplefilter("always")
import numpy as np
import progman
from progman.engine import jit, kernels
order, count = kernels.topological_order(3, np.array([0, 1, 2, 2]), np.array([1, 2]))
stats = kernels.topological_order.stats
print(json.dumps({
    "count": int(count),
    "caching": jit.CACHING,
    "hits": sum(stats.cache_hits.values()),
    "misses": sum(stats.cache_misses.values()),
    "package": progman.__file__,
}))
"""


@pytest.fixture
def world_readable_tmp() -> Iterator[Path]:
    """A folder another user can enter (pytest's tmp_path is private to its owner)."""
    folder = Path(tempfile.mkdtemp(prefix="progman-jit-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _read_only_copy(root: Path) -> Path:
    """The package copied under ``root/site``, every file and folder read-only."""
    site = root / "site"
    shutil.copytree(PACKAGE, site / "progman", ignore=shutil.ignore_patterns("__pycache__"))
    for path in [site, *site.rglob("*")]:
        mode = 0o555 if path.is_dir() else 0o444
        path.chmod(mode)
    return site


def _run_probe(site: Path, env: dict[str, str]) -> tuple[dict[str, Any], str]:
    """Run :data:`PROBE` on the copy at ``site``. As root (CI), as ``nobody``: root ignores
    file permissions, so only another user sees the copy and the home folder read-only."""
    prefix = []
    if os.geteuid() == 0:
        prefix = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "LANG", "SYSTEMROOT"}}
    done = subprocess.run(
        [*prefix, sys.executable, "-c", PROBE],
        env={**keep, "PYTHONPATH": str(site), "PYTHONDONTWRITEBYTECODE": "1", **env},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), done.stderr


def _cannot_write(folder: Path) -> bool:
    return not os.access(folder, os.W_OK) or os.geteuid() == 0


def test_the_cache_folder_is_progman_s_then_xdg_then_home(monkeypatch, tmp_path):
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv(jit.CACHE_VARIABLE, raising=False)
    assert jit.cache_folder() == tmp_path / "home" / ".cache" / "progman"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    assert jit.cache_folder() == tmp_path / "home" / ".cache" / "progman"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert jit.cache_folder() == tmp_path / "xdg" / "progman"
    monkeypatch.setenv(jit.CACHE_VARIABLE, str(tmp_path / "own"))
    assert jit.cache_folder() == tmp_path / "own"
    assert jit.kernel_cache_folder() == tmp_path / "own" / "numba"
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "numba-own"))
    assert jit.kernel_cache_folder() == tmp_path / "numba-own"


def test_a_read_only_install_caches_in_the_user_folder_and_loads_it_next_time(
    world_readable_tmp,
):
    site = _read_only_copy(world_readable_tmp)
    home = world_readable_tmp / "home"
    home.mkdir(mode=0o555)
    cache = world_readable_tmp / "cache"
    cache.mkdir(mode=0o777)
    cache.chmod(0o777)  # whatever the umask
    assert _cannot_write(site / "progman" / "engine")
    env = {"HOME": str(home), jit.CACHE_VARIABLE: str(cache)}

    first, _ = _run_probe(site, env)
    assert first["package"].startswith(str(site))  # the read-only copy, not the source tree
    assert first["count"] == 3 and first["caching"]
    assert (first["misses"], first["hits"]) == (1, 0)  # compiled, and written to the cache
    index = list((cache / "numba").rglob("kernels.topological_order-*.nbi"))
    assert index and list((cache / "numba").rglob("kernels.topological_order-*.nbc"))

    second, _ = _run_probe(site, env)
    assert (second["misses"], second["hits"]) == (0, 1)  # loaded, not compiled
    assert not list(site.rglob("*.nbi"))  # nothing beside the installed source


def test_without_any_writable_cache_folder_kernels_run_uncached_after_one_warning(
    world_readable_tmp,
):
    site = _read_only_copy(world_readable_tmp)
    home = world_readable_tmp / "home"
    home.mkdir(mode=0o555)
    result, stderr = _run_probe(site, {"HOME": str(home)})
    assert result["count"] == 3 and not result["caching"]
    assert stderr.count("cannot write the kernel cache folder") == 1
    assert jit.CACHE_VARIABLE in stderr
    assert not list(site.rglob("*.nbi"))


def _engine_dispatchers() -> list[Any]:
    found = []
    for module in pkgutil.iter_modules(progman.engine.__path__):
        loaded = importlib.import_module(f"progman.engine.{module.name}")
        found += [
            value
            for value in vars(loaded).values()
            if isinstance(value, CPUDispatcher) and value.__module__ == loaded.__name__
        ]
    return found


def test_every_kernel_is_declared_with_jit_kernel_and_releases_the_gil():
    dispatchers = _engine_dispatchers()
    assert dispatchers
    registered = {id(d) for d in jit.KERNELS}
    for dispatcher in dispatchers:
        assert id(dispatcher) in registered, dispatcher.py_func.__qualname__
        assert dispatcher.targetoptions.get("nogil") is True


def _signatures() -> dict[str, int]:
    return {d.py_func.__qualname__: len(d.signatures) for d in jit.KERNELS}


def test_after_compile_all_commands_find_every_kernel_ready_in_one_specialisation():
    program = progman.load_plan(sample_plan_path())
    compile_all(program)
    before = _signatures()
    assert before["forward_pass"] == 1 and before["decode"] == 1
    # the one genetic search: compiled once per problem it serves (RCPSP, plan leveling)
    assert before["generations"] == 2
    # what the commands do, with other options, compiles nothing more
    progman.schedule(program, status_date=program.status_date)
    progman.simulate(program, iterations=250, seed=4, chunk_size=100)
    progman.level(program, time_limit=0.3, seed=2)
    ImpactAnalysis(program).impact(TaskSlip("MKT.flight", 3))
    after = _signatures()
    assert after == before
    # one specialisation each (no int32/int64 twins), one per problem for the search
    assert max(count for name, count in after.items() if name != "generations") == 1


def test_init_compile_only_reports_on_stderr(capsys):
    assert main(["init", "--compile-only"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("compiling the engine (once) … done in ")
    assert "kernels compiled, " in err and err.count("\n") == 1


def _concurrently(task: Callable[[], Any], threads: int = 2) -> list[Any]:
    results: list[Any] = [None] * threads
    barrier = threading.Barrier(threads)

    def run(k: int) -> None:
        barrier.wait()
        results[k] = task()

    workers = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results


def test_two_threads_level_and_simulate_as_sequential_runs_do():
    program = progman.load_plan(sample_plan_path())

    def leveled(seed: int = 5) -> list[tuple[str, object]]:
        result = progman.level(program, seed=seed, schedules=400, time_limit=60.0)
        return [(t.id, t.start) for t in result.schedule.tasks]

    def simulated() -> dict[str, Any]:
        return progman.simulate(program, iterations=400, seed=9).to_json()

    alone = leveled()
    assert leveled() == alone
    assert _concurrently(leveled) == [alone, alone]
    alone_simulated = simulated()
    assert _concurrently(simulated) == [alone_simulated, alone_simulated]


def test_a_stream_is_reproducible_and_uniform():
    first, again = random_state(7), random_state(7)
    draws = [uniform(first) for _ in range(2000)]
    assert draws == [uniform(again) for _ in range(2000)]
    assert min(draws) >= 0.0 and max(draws) < 1.0
    assert abs(float(np.mean(draws)) - 0.5) < 0.03
    assert uniform(random_state(8)) != uniform(random_state(7))
    assert sorted(permutation(first, 50).tolist()) == list(range(50))
    assert {int(below(first, 3)) for _ in range(200)} == {0, 1, 2}
