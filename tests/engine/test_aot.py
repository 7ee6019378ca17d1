"""The scheduling and leveling kernels built ahead of time: same results as numba's, used
without importing numba, and never used when absent, stale, broken or given other types."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from benchmarks.plans import program_data
from tests.engine.test_cases import case_files, read_case

import progman
from progman.domain import Program
from progman.engine import aot, aot_build, jit, kernels, network
from progman.engine.build import build_network
from progman.engine.network import schedule_network
from progman.planfile import validate_plan_data
from progman.samples import sample_plan_path

REPOSITORY = Path(__file__).resolve().parents[2]
SAMPLE = str(sample_plan_path())

BUILD = """
from progman.engine.warmup import compile_all
from progman.services.engine import build_ahead_of_time
from progman.services.planfiles import sample_program
compile_all(sample_program(), steps=("scheduling", "leveling"))
for group in ("scheduling", "leveling"):
    built = build_ahead_of_time(group)
    print(built.path or "", built.reason or "")
"""

# A command in a fresh process; then whether numba was imported, on stderr's last line.
COMMAND = """
import sys
from progman.cli.main import main
code = main(sys.argv[1:])
print(f"numba imported: {'numba' in sys.modules}", file=sys.stderr)
sys.exit(code)
"""


def _environment(cache: Path, **extra: str) -> dict[str, str]:
    """This process's environment with progman's cache in ``cache`` (numba's cache stays
    the one this process uses, so the kernels are loaded there, not compiled)."""
    env = {**os.environ, "PROGMAN_CACHE_DIR": str(cache), **extra}
    env["PYTHONPATH"] = os.pathsep.join([str(REPOSITORY / "src"), str(REPOSITORY)])
    env.pop("PROGMAN_AOT", None)
    env.update(extra)
    return env


def _build(cache: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BUILD],
        env=_environment(cache, **extra),
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )


def _run(cache: Path, *args: str, **extra: str) -> tuple[str, bool]:
    """``progman args`` in a fresh process: its output and whether it imported numba."""
    done = subprocess.run(
        [sys.executable, "-c", COMMAND, *args],
        check=False,
        env=_environment(cache, **extra),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    return done.stdout, last == "numba imported: True"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A cache folder holding the ahead-of-time modules (built once for these tests)."""
    cache = tmp_path_factory.mktemp("aot-cache")
    done = _build(cache)
    lines = done.stdout.strip().splitlines()
    assert len(lines) == len(aot.GROUPS), done.stdout
    for line, group in zip(lines, aot.GROUPS, strict=True):
        path, _, reason = line.partition(" ")
        assert path, f"{group.name} not built: {reason} {done.stderr}"
        assert Path(path).parent == cache / "aot"
        assert Path(path).name.startswith(aot.module_name(aot.source_key(group), group))
    yield cache
    shutil.rmtree(cache, ignore_errors=True)


@pytest.fixture(scope="module")
def module(built: Path) -> aot.AotModule:
    loaded = aot.load(built)
    assert loaded is not None
    return loaded


def test_work_folders_of_a_killed_build_are_removed_by_the_next_build(built):
    """An interrupted ``init`` leaves its work folders; the next build (even one that finds
    its module built) removes those older than any build takes, not another one's fresh."""
    folder = built / "aot"
    abandoned = [folder / "build-killed", folder / "helpers-killed"]
    fresh = folder / "helpers-at-work"
    for work in (*abandoned, fresh):
        work.mkdir()
        (work / "part.o").write_bytes(b"\0")
    long_ago = time.time() - 2 * aot_build.ABANDONED_AFTER
    for work in abandoned:
        os.utime(work, (long_ago, long_ago))
    try:
        assert aot_build.build(built, aot.SCHEDULING).is_file()  # built already
        assert [work for work in abandoned if work.exists()] == []
        assert (fresh / "part.o").is_file()
    finally:
        shutil.rmtree(fresh, ignore_errors=True)


def test_the_modules_hold_every_entry_kernel(module):
    expected = {f"{m}.{k}" for group in aot.GROUPS for m, k in group.entries}
    assert set(module.kernels) == expected
    assert module.groups == ("scheduling", "leveling")
    assert module.path.name.startswith(aot.module_name(aot.source_key()))


def test_schedule_with_the_module_imports_no_numba_and_answers_the_same(built):
    with_module, numba_imported = _run(built, "schedule", SAMPLE, "--json")
    assert not numba_imported
    without, numba_imported = _run(built, "schedule", SAMPLE, "--json", PROGMAN_AOT="0")
    assert numba_imported
    assert json.loads(with_module) == json.loads(without)
    assert json.loads(with_module)["tasks"]


def test_level_with_the_modules_imports_no_numba_and_answers_the_same(built):
    command = ("level", SAMPLE, "--json", "--seed", "3", "--schedules", "200")
    with_module, numba_imported = _run(built, *command)
    assert not numba_imported
    without, numba_imported = _run(built, *command, PROGMAN_AOT="0")
    assert numba_imported
    got, expected = json.loads(with_module), json.loads(without)
    assert got.pop("seconds") > 0 and expected.pop("seconds") > 0
    assert got == expected
    assert got["delays"]  # the sample is over-allocated: leveling moved work


def test_level_without_the_leveling_module_switches_to_numba(built, tmp_path):
    """Only the scheduling module (leveling's missing or stale): numba at genetic's import,
    the same answer."""
    shutil.copytree(built / "aot", tmp_path / "aot")
    for path in (tmp_path / "aot").glob(f"{aot.module_name('', aot.LEVELING)}*"):
        path.unlink()
    command = ("level", SAMPLE, "--json", "--seed", "2", "--schedules", "100")
    alone, numba_imported = _run(tmp_path, *command)
    assert numba_imported
    both, numba_imported = _run(built, *command)
    assert not numba_imported
    got, expected = json.loads(alone), json.loads(both)
    assert got.pop("seconds") > 0 and expected.pop("seconds") > 0
    assert got == expected


def test_without_a_module_numba_does_the_work(tmp_path):
    output, numba_imported = _run(tmp_path, "schedule", SAMPLE, "--json")
    assert numba_imported
    assert json.loads(output)["tasks"]


def test_a_broken_module_is_not_used_and_changes_nothing(built, tmp_path):
    key = aot.source_key()
    shutil.copytree(built / "aot", tmp_path / "aot")
    aot.library_path(tmp_path, key).write_bytes(b"not a shared object")
    assert aot.load(tmp_path).groups == ("leveling",)  # type: ignore[union-attr]
    output, numba_imported = _run(tmp_path, "schedule", SAMPLE, "--json")
    assert numba_imported
    reference, _ = _run(built, "schedule", SAMPLE, "--json")
    assert json.loads(output) == json.loads(reference)


def test_a_manifest_of_another_key_is_not_used(built, tmp_path):
    key = aot.source_key()
    shutil.copytree(built / "aot", tmp_path / "aot")
    manifest = aot.manifest_path(tmp_path, key)
    data = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**data, "key": "0" * 20}))
    assert aot.load(tmp_path).groups == ("leveling",)  # type: ignore[union-attr]
    assert aot.load(built).groups == ("scheduling", "leveling")  # type: ignore[union-attr]


def test_a_stale_leveling_module_is_not_used_and_the_other_is(built, tmp_path):
    shutil.copytree(built / "aot", tmp_path / "aot")
    manifest = aot.manifest_path(tmp_path, aot.source_key(aot.LEVELING), aot.LEVELING)
    data = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(json.dumps({**data, "key": "0" * 20}), encoding="utf-8")
    loaded = aot.load(tmp_path)
    assert loaded is not None and loaded.groups == ("scheduling",)
    assert not loaded.covers("progman.engine.genetic")
    assert aot.load(built).covers("progman.engine.genetic")  # type: ignore[union-attr]


def test_the_key_changes_with_the_kernels_sources(tmp_path, monkeypatch):
    before = aot.source_key()
    engine = tmp_path / "engine"
    engine.mkdir()
    for name in aot.SOURCES:
        shutil.copy(aot.ENGINE / name, engine / name)
    monkeypatch.setattr(aot, "ENGINE", engine)
    assert aot.source_key() == before
    with (engine / "calendars.py").open("a") as edited:
        edited.write("\n# edited\n")
    assert aot.source_key() != before


def test_the_module_is_switched_off_by_the_environment(built, monkeypatch):
    monkeypatch.setenv(aot.SWITCH_VARIABLE, "0")
    assert aot.load(built) is None


def test_without_a_c_compiler_nothing_is_built_and_the_engine_works(tmp_path):
    done = _build(tmp_path, CC="/nonexistent/cc")
    assert done.stdout.startswith(" no working C compiler"), done.stdout
    assert not list((tmp_path / "aot").glob("progman_aot_*"))
    output, numba_imported = _run(tmp_path, "schedule", SAMPLE, "--json")
    assert numba_imported and json.loads(output)["tasks"]


def test_arguments_of_other_types_are_refused(module):
    forward = module.function(kernels.link_view.py_func)
    assert forward is not None
    n = np.int64(3)
    keys = np.array([0, 1], dtype=np.int64)
    good = (n, keys, keys.copy(), np.zeros(2, np.int8), keys.copy(), np.zeros(2, bool), keys[:0])
    assert forward.accepts(good)
    assert not forward.accepts((3.0, *good[1:]))  # a float where an int64 goes
    assert not forward.accepts((True, *good[1:]))  # a bool is not an int64 to numba
    assert not forward.accepts((n, keys.astype(np.int32), *good[2:]))
    assert not forward.accepts((n, np.arange(4, dtype=np.int64)[::2], *good[2:]))
    readonly = keys.copy()
    readonly.flags.writeable = False
    assert not forward.accepts((n, readonly, *good[2:]))
    assert not forward.accepts(good[:-1])


def test_the_modules_kernels_release_the_gil(module):
    """Another thread runs Python while a kernel of the module runs: with a switch interval
    of a second, it could not if the kernel held the GIL."""
    link_view = module.function(kernels.link_view.py_func)
    n = 1_000_000
    succ = np.repeat(np.arange(1, n, dtype=np.int64), 3)
    pred = np.maximum(0, succ - 7)
    links = (np.zeros(succ.size, np.int8), np.zeros(succ.size, np.int64), np.zeros(succ.size, bool))
    arguments = (n, pred, succ, *links, np.zeros(0, np.int64))
    assert link_view.accepts(arguments)
    started, done = threading.Event(), threading.Event()

    def work() -> None:
        started.set()
        link_view(*arguments)
        done.set()

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1.0)
    try:
        worker = threading.Thread(target=work)
        worker.start()
        started.wait()
        count = 0
        while not done.is_set():
            count += 1
        worker.join()
    finally:
        sys.setswitchinterval(interval)
    assert count > 1000


# -- the same numbers as numba's kernels, on many networks ---------------------------------


@pytest.fixture
def ahead_of_time_kernels(module, monkeypatch):
    """Point the engine at the module's kernels (refusing any call they would not take)."""
    jit.use_numba()
    calls: dict[str, int] = {}

    def strict(name: str, function: aot.AotFunction) -> Any:
        def call(*args: Any) -> Any:
            assert function.accepts(args), f"{name}: argument types the module was not built for"
            calls[name] = calls.get(name, 0) + 1
            return function(*args)

        return call

    for module_name, kernel_name in aot.ENTRIES:
        owner = kernels if module_name.endswith(".kernels") else network
        function = module.function(getattr(owner, kernel_name).py_func)
        monkeypatch.setattr(owner, kernel_name, strict(kernel_name, function))
    return calls


def _programs() -> list[tuple[str, Program, dict[str, Any]]]:
    found = []
    for path in case_files():
        case = read_case(path)
        if case["expect"].get("error"):
            continue
        options = {k: case[k] for k in ("status_date", "near_critical_days") if k in case}
        found.append((path.stem, validate_plan_data(case["plan"]), options))
    for seed in (1, 2):
        data = program_data(4, 60, seed=seed)
        found.append((f"generated-{seed}", validate_plan_data(data), {}))
    found.append(("sample", progman.load_plan(sample_plan_path()), {}))
    return found


def test_every_case_and_generated_plan_schedules_the_same(ahead_of_time_kernels, monkeypatch):
    programs = _programs()
    with_module = [progman.schedule(p, **options).to_json() for _, p, options in programs]
    assert ahead_of_time_kernels["forward_pass"] >= len(programs)
    monkeypatch.undo()
    jitted = [progman.schedule(p, **options).to_json() for _, p, options in programs]
    for (name, _, _), got, expected in zip(programs, with_module, jitted, strict=True):
        assert got == expected, name


def _shuffled_networks(count: int, n: int = 40) -> list[network.Network]:
    """Random acyclic networks whose links do not all point forward in index order."""
    rng = np.random.default_rng(5)
    found = []
    for _ in range(count):
        label = rng.permutation(n)
        pairs = sorted({(int(a), int(b)) for a, b in rng.integers(0, n, (2 * n, 2)) if a < b})
        found.append(
            network.Network.from_arrays(
                rng.integers(0, 9, n),
                np.array([label[p] for p, _ in pairs], dtype=np.int64),
                np.array([label[s] for _, s in pairs], dtype=np.int64),
                rng.integers(0, 4, len(pairs)),
                rng.integers(-3, 5, len(pairs)),
            )
        )
    return found


def test_shuffled_networks_schedule_and_order_the_same(ahead_of_time_kernels, monkeypatch):
    nets = _shuffled_networks(20)
    got = [schedule_network(net) for net in nets]
    kahn = [network._adjacency(net).order for net in nets]
    assert ahead_of_time_kernels["topological_order"] == len(nets)
    assert ahead_of_time_kernels["plan_order"] >= len(nets)
    monkeypatch.undo()
    for net, result, order in zip(nets, got, kahn, strict=True):
        expected = schedule_network(net)
        for name in ("early_start", "early_finish", "late_finish", "total_float", "free_float"):
            np.testing.assert_array_equal(getattr(result, name), getattr(expected, name))
        np.testing.assert_array_equal(order, network._adjacency(net).order)


def test_a_built_sample_network_gives_identical_arrays(ahead_of_time_kernels, monkeypatch):
    net = build_network(progman.load_plan(sample_plan_path())).network
    got = schedule_network(net)
    monkeypatch.undo()
    expected = schedule_network(net)
    for name in ("early_start", "early_finish", "late_start", "late_finish", "total_float"):
        np.testing.assert_array_equal(getattr(got, name), getattr(expected, name), name)


# -- leveling: the same results as numba's, on many programs -------------------------------

# Levels each program three ways (a search, its best list as given, a search as of a status
# date) and prints the results without their timings, then whether numba was imported.
LEVEL_MANY = """
import json, sys
from datetime import date
import yaml
import progman
from benchmarks.plans import program_data
from benchmarks.tj3 import generate, plan_data
from progman.planfile import validate_plan_data
from progman.samples import sample_plan_path

programs = [progman.load_plan(sample_plan_path())]
programs += [validate_plan_data(yaml.safe_load(open(path))["plan"]) for path in sys.argv[1:]]
for seed in (1, 2):
    programs.append(validate_plan_data(program_data(3, 40, seed=seed, people=6)))
    programs.append(validate_plan_data(plan_data(generate(60, seed), "T")))
out = []
for program in programs:
    searched = progman.level(program, seed=1, schedules=50)
    given = progman.level(program, schedules=1, order=searched.order)
    later = progman.level(program, seed=2, schedules=30, status_date=date(2027, 2, 1))
    for result in (searched, given, later):
        found = result.to_json()
        found.pop("seconds")
        out.append(found)
print(json.dumps(out))
print(f"numba imported: {'numba' in sys.modules}", file=sys.stderr)
"""


def _level_many(cache: Path, **extra: str) -> tuple[list[Any], bool]:
    cases = [
        str(path)
        for path in case_files()
        if "resources" in path.read_text(encoding="utf-8")
        and not read_case(path)["expect"].get("error")
    ]
    assert len(cases) >= 3
    done = subprocess.run(
        [sys.executable, "-c", LEVEL_MANY, *cases],
        env=_environment(cache, **extra),
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    return json.loads(done.stdout), last == "numba imported: True"


def test_leveling_with_the_module_gives_numbas_results_on_many_programs(built):
    with_module, numba_imported = _level_many(built)
    assert not numba_imported
    jitted, numba_imported = _level_many(built, PROGMAN_AOT="0")
    assert numba_imported
    assert len(with_module) == len(jitted) >= 3 * 8
    assert sum(1 for result in with_module if result["delays"]) >= 8  # leveling moved work
    for got, expected in zip(with_module, jitted, strict=True):
        assert got == expected, got["program"]


# Levels the sample with the modules, then simulates (Monte Carlo's kernels are in no
# module: the process switches to numba), then levels again on numba.
LEVEL_SWITCH_LEVEL = """
import json, sys
import progman
from progman.samples import sample_plan_path

program = progman.load_plan(sample_plan_path())
def level():
    found = progman.level(program, seed=4, schedules=80).to_json()
    found.pop("seconds")
    return found
before = level()
assert "numba" not in sys.modules
progman.simulate(program, iterations=20, seed=1)
assert "numba" in sys.modules
after = level()
print(json.dumps([before, after]))
"""


def test_a_process_that_switches_to_numba_midway_levels_the_same(built):
    done = subprocess.run(
        [sys.executable, "-c", LEVEL_SWITCH_LEVEL],
        env=_environment(built),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    before, after = json.loads(done.stdout)
    assert before["delays"] and before == after


def test_a_leveling_context_of_other_types_is_refused(module):
    from progman.engine import leveling_kernels  # noqa: PLC0415
    from progman.engine.leveling import _Search  # noqa: PLC0415
    from progman.engine.leveling_problem import LevelingProblem  # noqa: PLC0415

    program = progman.load_plan(sample_plan_path())
    built_network = build_network(program)
    adjacency = network._adjacency(built_network.network)
    problem = LevelingProblem(
        program, built_network, schedule_network(built_network.network), adjacency, ()
    )
    search = _Search(problem, 0)
    context = leveling_kernels.LevelingContext(problem.arrays(), search.state)
    arguments = (problem.adj.order.copy(), context, search.best, search.counter)
    scored = module.function(leveling_kernels.scored.py_func)
    assert scored is not None and scored.accepts(arguments)
    as_tuple = (arguments[0], tuple(context), *arguments[2:])  # a plain tuple: not the class
    assert not scored.accepts(as_tuple)
    wrong = list(context.problem)
    wrong[0] = tuple(a.astype(np.int32) for a in wrong[0])  # the links as int32
    other = leveling_kernels.LevelingContext(tuple(wrong), context.state)
    assert not scored.accepts((arguments[0], other, *arguments[2:]))
    assert not scored.accepts((arguments[0].astype(np.int32), *arguments[1:]))
