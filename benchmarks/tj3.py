"""Leveling against TaskJuggler (``tj3``, Debian package ``tj3``) on the same networks.

Random resource-constrained programs of 100, 300 and 1,000 tasks (``SEEDS`` per size):
10–25 single-capacity people, one person per task, efforts of 1–8 working days, 0–3
finish-to-start links per task to tasks at most ``WINDOW`` positions earlier. Each network
is written twice: as a progman plan (YAML, the default calendar Mon–Fri 8 h) and as a
TaskJuggler project (the same start, working hours Mon–Fri 08:00–16:00, ``effort`` in
days, ``allocate`` one resource, ``depends`` links, a CSV task report with start and
end). TaskJuggler books an effort task's hours wherever its person is free, so a task
may pause while its person works on another; the progman tasks say the same with
``interruptible: true`` (without it progman solves the harder problem of tasks that run in
one piece). Both run as whole processes, as a user runs them: ``progman level plan.yaml --json``
(kernels cached: one run before the timed ones) and ``tj3 project.tjp``. The finish of each
(the latest task end) is compared in working days from the start.

Verdict: progman's leveled finish is no later than tj3's in every case, and it takes less
wall time in every case. ``PROGMAN_BENCH_TJ3_SIZES=100,300`` chooses the sizes,
``PROGMAN_BENCH_TJ3_SEEDS=3`` the networks per size, ``PROGMAN_BENCH_TJ3_REPEAT`` the
runs per tool (best wall time of them). Each line also gives both tools' CPU time (user +
system, best of the runs) and the load average: on a shared machine the wall times
measure the other users as well.
"""

from __future__ import annotations

import csv
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np

from benchmarks.plans import write_plan

START = date(2027, 1, 4)  # a Monday
DAY_OPENS, HOURS_PER_DAY = 8, 8  # progman's default calendar: 08:00–16:00, Mon–Fri
WINDOW = 30
SIZES = (100, 300, 1_000)
SEEDS = 3
PROGMAN = Path(sys.executable).with_name("progman")


@dataclass(frozen=True)
class Network:
    """One generated program: per task its effort (days), its person and predecessors."""

    people: int
    effort: list[int]
    person: list[int]
    depends: list[list[int]]

    @property
    def size(self) -> int:
        return len(self.effort)


def generate(tasks: int, seed: int) -> Network:
    """A random resource-constrained network (same seed, same network)."""
    rng = random.Random(seed * 100_003 + tasks)
    people = rng.randint(10, 25)
    effort, person, depends = [], [], []
    for i in range(tasks):
        effort.append(rng.randint(1, 8))
        person.append(rng.randrange(people))
        count = rng.randint(0, 3) if i else 0
        depends.append(sorted({rng.randrange(max(0, i - WINDOW), i) for _ in range(count)}))
    return Network(people, effort, person, depends)


def plan_data(net: Network, name: str) -> dict[str, object]:
    """The network as a progman plan."""
    tasks = []
    for i in range(net.size):
        task: dict[str, object] = {
            "id": f"t{i}",
            "name": f"Task {i}",
            "work": f"{net.effort[i]}d",
            "resources": {f"r{net.person[i]}": 1.0},
            "interruptible": True,  # as TaskJuggler books effort (see the module doc)
        }
        if net.depends[i]:
            task["depends"] = [f"t{p}" for p in net.depends[i]]
        tasks.append(task)
    return {
        "program": name,
        "key": "TJB",
        "start": START.isoformat(),
        "resources": [{"id": f"r{r}", "name": f"Person {r}"} for r in range(net.people)],
        "projects": [{"id": "P", "name": name, "tasks": tasks}],
    }


def tjp_text(net: Network, name: str, horizon_days: int) -> str:
    """The network as a TaskJuggler project with a CSV report of every task's dates."""
    lines = [
        f'project tjb "{name}" {START.isoformat()} +{horizon_days}d {{',
        '  timezone "UTC"',
        "  timingresolution 60min",
        f"  dailyworkinghours {HOURS_PER_DAY}",
        f"  workinghours mon - fri {DAY_OPENS}:00 - {DAY_OPENS + HOURS_PER_DAY}:00",
        "  workinghours sat, sun off",
        "}",
    ]
    lines += [f'resource r{r} "Person {r}"' for r in range(net.people)]
    for i in range(net.size):
        lines.append(f'task t{i} "Task {i}" {{')
        if net.depends[i]:
            lines.append("  depends " + ", ".join(f"t{p}" for p in net.depends[i]))
        lines.append(f"  effort {net.effort[i]}d")
        lines.append(f"  allocate r{net.person[i]}")
        lines.append("}")
    lines += [
        'taskreport "tasks" {',
        "  formats csv",
        "  columns id, start, end",
        '  timeformat "%Y-%m-%d %H:%M"',
        "}",
    ]
    return "\n".join(lines) + "\n"


def horizon(net: Network) -> int:
    """Calendar days for the TaskJuggler project: room for twice the larger of the
    critical path and the busiest person's work (doubled again if it does not fit)."""
    finish = [0] * net.size
    for i in range(net.size):
        finish[i] = max((finish[p] for p in net.depends[i]), default=0) + net.effort[i]
    load = np.bincount(net.person, weights=net.effort, minlength=net.people)
    return int(2 * (max(*finish, int(load.max())) + 20) * 7 / 5)


def working_days(moment: datetime) -> float:
    """Working days of the Mon–Fri 8 h calendar from ``START`` to ``moment``."""
    whole = int(np.busday_count(START, moment.date()))
    hours = min(max(moment.hour + moment.minute / 60 - DAY_OPENS, 0.0), HOURS_PER_DAY)
    on_a_workday = bool(np.is_busday(moment.date()))
    return whole + (hours / HOURS_PER_DAY if on_a_workday else 0.0)


def timed(
    command: list[str], cwd: Path, repeat: int
) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Best wall time and best CPU time (user + system) of ``repeat`` whole-process runs,
    and the last run."""
    best, best_cpu, done = float("inf"), float("inf"), None
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
        best = min(best, time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best_cpu = min(best_cpu, used)
    assert done is not None
    return best, best_cpu, done


def run_progman(plan: Path, repeat: int) -> tuple[float, float, float, int]:
    """Wall and CPU seconds, finish (working days) and schedules of ``progman level PLAN
    --json``."""
    seconds, cpu, done = timed([str(PROGMAN), "level", str(plan), "--json"], plan.parent, repeat)
    if done.returncode != 0:
        raise RuntimeError(f"progman level failed: {done.stderr.strip()}")
    body = json.loads(done.stdout)
    if not body["feasible"]:
        raise RuntimeError(f"progman left {plan} over-allocated")
    finish = working_days(datetime.fromisoformat(body["finish"]))
    return seconds, cpu, finish, int(body["schedules"])


def run_tj3(net: Network, folder: Path, name: str, repeat: int) -> tuple[float, float, float]:
    """Wall and CPU seconds and finish (working days) of ``tj3 project.tjp`` on the network."""
    days = horizon(net)
    for _ in range(4):
        project = folder / "project.tjp"
        project.write_text(tjp_text(net, name, days), encoding="utf-8")
        report = folder / "tasks.csv"
        report.unlink(missing_ok=True)
        seconds, cpu, done = timed(["tj3", "--silent", str(project)], folder, repeat)
        if done.returncode == 0 and report.exists():
            with report.open(encoding="utf-8") as handle:
                rows = list(csv.DictReader(handle, delimiter=";"))
            if len(rows) == net.size:
                end = max(datetime.strptime(r["End"], "%Y-%m-%d %H:%M") for r in rows)
                return seconds, cpu, working_days(end)
        days *= 2  # the project did not fit its time frame
    raise RuntimeError(f"tj3 failed on {name}: {done.stderr.strip()[-500:]}")


def main() -> None:
    if shutil.which("tj3") is None:
        print("tj3: TaskJuggler (tj3) not installed; skipped (make bench installs it)")
        return
    sizes = [int(s) for s in os.environ.get("PROGMAN_BENCH_TJ3_SIZES", "").split(",") if s]
    seeds = int(os.environ.get("PROGMAN_BENCH_TJ3_SEEDS", str(SEEDS)))
    repeat = int(os.environ.get("PROGMAN_BENCH_TJ3_REPEAT", "1"))
    cases = [(n, s) for n in sizes or SIZES for s in range(seeds)]
    earlier, faster = 0, 0
    with tempfile.TemporaryDirectory(prefix="progman-tj3-") as tmp:
        root = Path(tmp)
        warm = root / "warm.yaml"
        write_plan(plan_data(generate(50, 0), "warm-up"), warm)
        run_progman(warm, 1)  # kernels loaded (or compiled) once, as after `progman init`
        for tasks, seed in cases:
            net = generate(tasks, seed)
            name = f"{tasks} tasks, seed {seed}"
            folder = root / f"n{tasks}-s{seed}"
            folder.mkdir()
            plan = write_plan(plan_data(net, name), folder / "plan.yaml")
            ours, our_cpu, our_finish, schedules = run_progman(plan, repeat)
            theirs, their_cpu, their_finish = run_tj3(net, folder, name, repeat)
            earlier += our_finish <= their_finish
            faster += ours < theirs
            print(
                f"tj3 {name} ({net.people} people): finish progman {our_finish:g} / tj3 "
                f"{their_finish:g} working days (ratio {our_finish / their_finish:.3f}); wall "
                f"progman {ours:.2f} s ({schedules:,} schedules) / tj3 {theirs:.2f} s "
                f"({theirs / ours:.1f}x faster); CPU progman {our_cpu:.2f} s / tj3 "
                f"{their_cpu:.2f} s; load average {os.getloadavg()[0]:.1f}"
            )
    verdict = "OK" if earlier == faster == len(cases) else "MISSED"
    print(
        f"tj3: progman finishes no later than TaskJuggler in {earlier}/{len(cases)} cases and "
        f"takes less wall time in {faster}/{len(cases)}: {verdict}"
    )


if __name__ == "__main__":
    main()
