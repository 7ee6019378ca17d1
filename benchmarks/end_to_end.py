"""Whole processes a user waits for (issue 10, SPEC §6), each against a baseline of the run.

Every figure is the wall time and peak resident memory of a subprocess (``os.wait4``), the
best of a few runs, so imports, parsing, checks, the engine and the output all count:

* CLI start: ``progman --version``, ``--help`` and ``validate`` of the sample, against the
  bare interpreter (``python -c pass``); target ≤ 0.3 s each.
* ``progman schedule --json`` of a 100,000-task JSON plan against the networkx script a
  Python user would write for the same file (load the JSON, build a DiGraph, longest
  path); target ≥ 3x faster and ≤ 500 MB. Its table written to a file (the plain text,
  without Rich): ≤ 3 s and ≤ 600 MB. The same program as YAML: ≤ 3x the JSON time.
  The same JSON plan with five mistakes (a typo with a did-you-mean, a bad duration, an
  unknown field, a repeated id, a cycle across projects), every one reported with its
  file:line:col: in about the time of the right one (target ≤ 2x, issue 10).
* A 1,000,000-task JSON plan end to end: ≤ 15 s and ≤ 4 GB, against ``json.load`` of the
  same file (the least any Python tool pays to read it).
* ``progman simulate --iterations 10000`` on a 10,000-task plan: ≤ 5 s; and ``progman
  impact`` on a 20,000-task plan: ≤ 1.5 s; both against the networkx script on the file.
* The kernels' compile: ``progman init`` with an empty kernel cache (it compiles every
  kernel once, target ≤ 20 s), then the first ``level`` and ``simulate`` of the sample,
  which must pay no compile (against the same commands run again).

``PROGMAN_BENCH_E2E_QUICK=1`` leaves out the 1M-task plan.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.plans import NETWORKX_SCRIPT
from progman.samples import sample_plan_path

_SCRIPT = Path(sys.executable).with_name("progman")  # the console script a user runs
PROGMAN = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "progman"]
REPEAT = 3


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float


def measure(command: list[str], env: dict[str, str] | None = None, *, status: int = 0) -> Run:
    """Wall time and peak RSS of one subprocess; its output is discarded; it must exit with
    ``status`` (0: succeed)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    assert process.stderr is not None
    errors = process.stderr.read()
    _, waited, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(waited)
    if process.returncode != status:
        raise RuntimeError(f"{' '.join(command)} failed:\n{errors.decode(errors='replace')}")
    return Run(seconds, usage.ru_maxrss / 1024)


def best(
    command: list[str], repeat: int = REPEAT, env: dict[str, str] | None = None, *, status: int = 0
) -> Run:
    """The fastest of ``repeat`` runs, with the largest peak memory seen."""
    runs = [measure(command, env, status=status) for _ in range(repeat)]
    return Run(min(r.seconds for r in runs), max(r.peak_mb for r in runs))


def make_plan(
    path: Path, projects: int, per_project: int, *, estimates: bool = False, people: int = 0
) -> Path:
    """Write a generated plan from a child process: a parent that held the data would pass
    its memory high-water mark on to every process it starts, and so to their peak RSS."""
    code = (
        "import sys; from pathlib import Path; from benchmarks.plans import program_data, "
        "write_plan; write_plan(program_data(int(sys.argv[1]), int(sys.argv[2]), "
        "estimates=sys.argv[3] == '1', people=int(sys.argv[5])), Path(sys.argv[4]))"
    )
    arguments = [str(projects), str(per_project), "1" if estimates else "0", str(path), str(people)]
    subprocess.run([sys.executable, "-c", code, *arguments], check=True)
    return path


#: Five mistakes in a generated plan (each kind the loader reports), made in a child process
BREAK_PLAN = """
import json, sys
data = json.load(open(sys.argv[1]))
task = lambda p, t: data["projects"][p]["tasks"][t]
task(50, 500)["depends"].append("P50.T46x")  # unknown task, did you mean 'P50.T46'?
task(70, 10)["duration"] = "5q"  # not a duration
task(20, 200)["nmae"] = "Typo"  # unknown field, did you mean 'name'?
task(60, 600)["id"] = "P60.T10"  # a repeated id
task(10, 5).setdefault("depends", []).append("P80.T900")  # a cycle across two projects
task(80, 3).setdefault("depends", []).append("P10.T900")
open(sys.argv[2], "w").write(json.dumps(data))
"""


def networkx(plan: Path) -> list[str]:
    return [sys.executable, "-c", NETWORKX_SCRIPT, str(plan)]


def verdict(ok: bool) -> str:
    """How a figure is printed against its target."""
    return "ok" if ok else "MISSED"


def cli_start() -> None:
    sample = str(sample_plan_path())
    bare = best([sys.executable, "-c", "pass"], repeat=5)
    for name, args in (
        ("--version", ["--version"]),
        ("--help", ["--help"]),
        ("validate sample", ["validate", sample]),
    ):
        run = best([*PROGMAN, *args], repeat=5)
        print(
            f"end_to_end: progman {name}: {run.seconds:.3f} s (target ≤ 0.3 s "
            f"{verdict(run.seconds <= 0.3)}), bare interpreter {bare.seconds:.3f} s, "
            f"ratio {run.seconds / bare.seconds:.1f}x"
        )


def schedule_100k(folder: Path) -> float:
    json_plan = make_plan(folder / "program100k.json", 100, 1_000)
    yaml_plan = make_plan(folder / "program100k.yaml", 100, 1_000)
    baseline = best(networkx(json_plan))
    ours = best([*PROGMAN, "schedule", str(json_plan), "--json"])
    ratio = baseline.seconds / ours.seconds
    print(
        f"end_to_end: schedule --json, 100k-task JSON plan: {ours.seconds:.2f} s, "
        f"{ours.peak_mb:.0f} MB; networkx script {baseline.seconds:.2f} s, "
        f"{baseline.peak_mb:.0f} MB; progman {ratio:.1f}x faster (target ≥ 3x "
        f"{verdict(ratio >= 3)}, ≤ 500 MB {verdict(ours.peak_mb <= 500)})"
    )
    table = best([*PROGMAN, "schedule", str(json_plan)])  # the table, to a file (DEVNULL)
    print(
        f"end_to_end: schedule (table into a file), same JSON plan: {table.seconds:.2f} s, "
        f"{table.peak_mb:.0f} MB; {table.seconds / ours.seconds:.1f}x the --json time "
        f"(target ≤ 3 s {verdict(table.seconds <= 3)}, ≤ 600 MB {verdict(table.peak_mb <= 600)})"
    )
    broken = folder / "broken100k.json"
    subprocess.run([sys.executable, "-c", BREAK_PLAN, str(json_plan), str(broken)], check=True)
    wrong = best([*PROGMAN, "schedule", str(broken), "--json"], status=1)
    share = wrong.seconds / ours.seconds
    print(
        f"end_to_end: schedule --json, same JSON plan with 5 mistakes: {wrong.seconds:.2f} s, "
        f"{wrong.peak_mb:.0f} MB; {share:.1f}x the right plan's time (target ≤ 2x "
        f"{verdict(share <= 2)})"
    )
    as_yaml = best([*PROGMAN, "schedule", str(yaml_plan), "--json"])
    share = as_yaml.seconds / ours.seconds
    print(
        f"end_to_end: schedule --json, same program as YAML: {as_yaml.seconds:.2f} s, "
        f"{as_yaml.peak_mb:.0f} MB; {share:.1f}x the JSON time (target ≤ 3x "
        f"{verdict(share <= 3)})"
    )
    return ours.seconds


def schedule_1m(folder: Path, seconds_100k: float) -> None:
    plan = make_plan(folder / "program1m.json", 1_000, 1_000)
    size_mb = plan.stat().st_size / 2**20
    parse = best([sys.executable, "-c", f"import json; json.load(open({str(plan)!r}))"], 1)
    ours = measure(
        [*PROGMAN, "schedule", str(plan), "--json"],
        env={"PROGMAN_MAX_PLAN_MB": str(int(size_mb) + 1)},
    )
    print(
        f"end_to_end: schedule --json, 1M-task JSON plan ({size_mb:.0f} MiB): "
        f"{ours.seconds:.1f} s, {ours.peak_mb:.0f} MB (target ≤ 15 s "
        f"{verdict(ours.seconds <= 15)}, ≤ 4 GB {verdict(ours.peak_mb <= 4096)}); "
        f"json.load alone {parse.seconds:.1f} s ({ours.seconds / parse.seconds:.1f}x); "
        f"{ours.seconds / (10 * seconds_100k):.2f}x ten times the 100k run"
    )
    plan.unlink()


def simulate_and_impact(folder: Path) -> None:
    uncertain = make_plan(folder / "uncertain.json", 10, 1_000, estimates=True)
    baseline = best(networkx(uncertain))
    ours = best([*PROGMAN, "simulate", str(uncertain), "--iterations", "10000", "--json"])
    print(
        f"end_to_end: simulate 10,000 iterations, 10k-task plan: {ours.seconds:.2f} s, "
        f"{ours.peak_mb:.0f} MB (target ≤ 5 s {verdict(ours.seconds <= 5)}); one networkx "
        f"longest path of the file {baseline.seconds:.2f} s (ratio "
        f"{ours.seconds / baseline.seconds:.1f}x)"
    )
    plan = make_plan(folder / "program20k.json", 20, 1_000)
    baseline = best(networkx(plan))
    ours = best([*PROGMAN, "impact", str(plan), "--task", "P0.T1", "--slip", "10d", "--json"])
    print(
        f"end_to_end: impact --slip 10d, 20k-task plan: {ours.seconds:.2f} s, "
        f"{ours.peak_mb:.0f} MB (target ≤ 1.5 s {verdict(ours.seconds <= 1.5)}); networkx "
        f"longest path of the file {baseline.seconds:.2f} s, progman "
        f"{baseline.seconds / ours.seconds:.1f}x faster"
    )


def compile_once(folder: Path) -> None:
    """``progman init`` with an empty kernel cache, then the first interactive commands."""
    cache = folder / "kernel-cache"
    env = {"PROGMAN_CACHE_DIR": str(cache), "NUMBA_CACHE_DIR": str(cache)}
    sample = str(sample_plan_path())
    init = measure([*PROGMAN, "init", "--db", f"sqlite:///{folder / 'fresh.db'}"], env=env)
    commands = {
        "level": [*PROGMAN, "level", sample, "--json"],
        "simulate": [*PROGMAN, "simulate", sample, "--iterations", "2000", "--json"],
        "schedule": [*PROGMAN, "schedule", sample, "--json"],
    }
    first = {name: measure(command, env=env) for name, command in commands.items()}
    again = {name: best(command, env=env) for name, command in commands.items()}
    print(
        f"end_to_end: progman init with an empty kernel cache: {init.seconds:.1f} s "
        f"(compiles every kernel once; target ≤ 20 s {verdict(init.seconds <= 20)})"
    )
    for name in commands:
        ratio = first[name].seconds / again[name].seconds
        print(
            f"end_to_end: first {name} of the sample after init {first[name].seconds:.2f} s, "
            f"warm {again[name].seconds:.2f} s, ratio {ratio:.1f}x (no compile pause: "
            f"{verdict(ratio <= 1.5)})"
        )


def main() -> None:
    cli_start()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        compile_once(folder)
        seconds_100k = schedule_100k(folder)
        simulate_and_impact(folder)
        if not os.environ.get("PROGMAN_BENCH_E2E_QUICK"):
            schedule_1m(folder, seconds_100k)
