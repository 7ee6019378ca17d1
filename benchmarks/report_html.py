"""The program-level HTML status report of a generated 50-project / 20,000-task program
(issue 15, point 10: ≤ 5 s), with a baseline taken at the start and a status date two
months in, so that the variance, earned value and S-curve sections have work to do.

* whole process: ``progman report PLAN --level program --format html -o FILE``, against
  ``progman schedule PLAN --json`` of the same file (best of 3 each);
* in process: :func:`progman.services.reports.render_report` on the loaded program,
  against :func:`progman.services.scheduling.schedule_program` of it (median of 3).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from benchmarks.end_to_end import PROGMAN, best, make_plan, verdict
from progman.planfile import dump_plan, load_plan
from progman.services.baselines import frozen_baseline
from progman.services.reports import render_report
from progman.services.scheduling import schedule_program

TARGET_S = 5.0


def _plan(folder: Path) -> Path:
    generated = make_plan(folder / "generated.json", 50, 400, people=50)
    program = load_plan(generated)
    baseline = frozen_baseline(program, "BL1", created=program.start)
    program = program.model_copy(
        update={"status_date": program.start + timedelta(days=60), "baselines": [baseline]}
    )
    path = folder / "program20k.json"
    dump_plan(program, path)
    return path


def _median(repeat: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        plan = _plan(Path(folder))
        output = Path(folder) / "report.html"
        report = [*PROGMAN, "report", str(plan), "--level", "program", "--format", "html",
                  "-o", str(output), "--force"]  # fmt: skip
        ours = best(report)
        size_kb = output.stat().st_size / 1024
        baseline = best([*PROGMAN, "schedule", str(plan), "--json"])
        program = load_plan(plan)
        render_report(program, "program", "html")  # the first call pays the imports
        inside = _median(3, lambda: render_report(program, "program", "html"))
        scheduled = _median(3, lambda: schedule_program(program))
    ratio = ours.seconds / baseline.seconds
    print(
        f"report_html, program report of 50 projects / 20,000 tasks: whole process "
        f"{ours.seconds:.2f} s, {ours.peak_mb:.0f} MB, {size_kb:.0f} kB of HTML (target ≤ "
        f"{TARGET_S:.0f} s {verdict(ours.seconds <= TARGET_S)}); schedule --json of the "
        f"same file {baseline.seconds:.2f} s (report/schedule {ratio:.1f}x)"
        f"; in process {inside:.2f} s against its schedule {scheduled:.2f} s "
        f"({inside / scheduled:.1f}x)"
    )
