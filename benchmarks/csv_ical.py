"""CSV import, CSV export and iCal export of a generated 10,000-task program, each a whole
``progman`` process, against baselines measured in the same run, interleaved.

The program: 10 projects of 1,000 tasks (about two links each, 5 % across projects), 50
people, every 25th task a milestone and every 100th with a deadline; its CSV is what
``progman export`` writes (all columns, the scheduled dates included, about 1.1 MiB).

Baselines (whole processes too, so that interpreter start is on both sides):

* import: the ``csv`` module reading the same file into rows in a fresh interpreter.
  progman's reader uses that module as well, so the ratio is progman's own work on top of
  splitting the file: mapping the cells, checking the plan, building the program, writing
  the plan file. pandas would be a faster parser but is not progman's and not installed;
* exports: ``progman validate`` of the plan the exports read. Every command loads and
  checks its plan, so the difference is the export itself: the schedule (CPM) and writing
  the rows or events.

Each figure is the best of ``ROUNDS`` runs: wall and CPU (user + system) seconds, and the
peak resident memory of that process (``wait4``'s ``ru_maxrss``). The load average is
printed beside them: the machine is shared, and CPU time is the figure least moved by it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.plans import program_data, write_plan

PROJECTS, PER_PROJECT, PEOPLE = 10, 1_000, 50
ROUNDS = 3
PROGMAN = [sys.executable, "-m", "progman"]
#: The import baseline: every row of the file split by the csv module.
CSV_ROWS = (
    "import csv, sys\n"
    "with open(sys.argv[1], encoding='utf-8-sig', newline='') as f:\n"
    "    rows = list(csv.reader(f))\n"
    "print(len(rows))\n"
)


@dataclass
class Best:
    """The best wall and CPU seconds and the highest peak RSS (MiB) over the runs."""

    wall: float = float("inf")
    cpu: float = float("inf")
    rss: float = 0.0

    def add(self, wall: float, cpu: float, rss: float) -> None:
        self.wall, self.cpu, self.rss = min(self.wall, wall), min(self.cpu, cpu), max(self.rss, rss)

    def __str__(self) -> str:
        return f"{self.wall:.2f} s wall, {self.cpu:.2f} s CPU, {self.rss:.0f} MiB peak RSS"


#: Runs the command given and prints its wall and CPU seconds and peak RSS (KiB). A small
#: process of its own starts it: Linux carries the peak RSS of the process that forks
#: over to the program it runs, and this benchmark's process holds all of progman.
LAUNCHER = (
    "import json, resource, subprocess, sys, time\n"
    "began = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "wall = time.perf_counter() - began\n"
    "used = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "if done.returncode:\n"
    "    sys.exit(done.stderr.decode(errors='replace'))\n"
    "print(json.dumps([wall, used.ru_utime + used.ru_stime, used.ru_maxrss]))\n"
)


def measured(command: list[str], best: Best) -> None:
    """Run ``command`` once (output discarded; a failure stops the benchmark) and add its
    wall and CPU seconds and peak RSS, those of that process alone."""
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *command], capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    wall, cpu, rss = json.loads(done.stdout)
    best.add(wall, cpu, rss / 1024)


def generated() -> dict[str, Any]:
    """The program, with milestones and deadlines for the iCal export to write."""
    data = program_data(PROJECTS, PER_PROJECT, people=PEOPLE)
    for project in data["projects"]:
        for number, task in enumerate(project["tasks"], start=1):
            if number % 25 == 0:
                task.pop("duration", None)
                task["milestone"] = True
            if number % 100 == 0:
                task["deadline"] = "2027-09-30"
    return data


def main() -> None:
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        source = write_plan(generated(), folder / "source.json")
        table = folder / "generated.csv"
        subprocess.run(
            [*PROGMAN, "export", str(source), "-o", str(table)], check=True, capture_output=True
        )
        plan = folder / "plan.json"  # written by the import, read by the exports
        runs = {name: Best() for name in ("rows", "import", "validate", "csv", "ical")}
        for _ in range(ROUNDS):  # interleaved: a burst of load hits both sides alike
            measured([sys.executable, "-c", CSV_ROWS, str(table)], runs["rows"])
            measured([*PROGMAN, "import", str(table), "-o", str(plan), "--force"], runs["import"])
            measured([*PROGMAN, "validate", str(plan)], runs["validate"])
            out = str(folder / "out.csv")
            measured([*PROGMAN, "export", str(plan), "-o", out, "--force"], runs["csv"])
            out = str(folder / "out.ics")
            measured([*PROGMAN, "export", str(plan), "-o", out, "--force"], runs["ical"])
        size = table.stat().st_size / 2**20
        events = (folder / "out.ics").read_text().count("BEGIN:VEVENT")
    load_after = os.getloadavg()
    rows, imported, validate = runs["rows"], runs["import"], runs["validate"]
    print(
        f"csv_ical: {PROJECTS * PER_PROJECT} tasks, CSV {size:.1f} MiB, {events} iCal events; "
        f"best of {ROUNDS}, whole processes; load average {load_before[0]:.2f} before, "
        f"{load_after[0]:.2f} after (2 cores)"
    )
    print(
        f"  progman import CSV → JSON plan: {imported} (csv module rows only: {rows}; "
        f"CPU ratio {imported.cpu / rows.cpu:.1f}x)"
    )
    for name, what in (("csv", "CSV"), ("ical", "iCal")):
        run = runs[name]
        print(
            f"  progman export → {what}: {run} (progman validate of the plan: {validate}; "
            f"the export's own CPU {run.cpu - validate.cpu:.2f} s)"
        )
