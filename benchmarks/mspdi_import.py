"""Importing a generated 10,000-task MS Project XML file (SPEC §6: ≤ 2 s).

The file looks like one MS Project saves: 100 summary tasks of 99 tasks each, about 40
fields per task (computed dates, slack, costs, flags), two links per task (some with
lags), 50 resources and an assignment per task. Measured in the process
(``read_mspdi``: parse, map, validate, check) and as a whole ``progman import`` run
(writing JSON, and YAML, whose writer adds half of the import's time), wall and CPU
time (the CPU figure, and the load average printed, tell a busy machine's noise),
against baselines on the same file in the same run: defusedxml's bare parse (in the
process) and MPXJ reading it (a whole process, when Java and the ``mpxj`` package are
there).
"""

from __future__ import annotations

import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from defusedxml.ElementTree import fromstring

from benchmarks.timing import best_of
from progman.io.mspdi_read import read_mspdi

TASKS = 10_000
GROUPS = 100
RESOURCES = 50

_SCRIPT = Path(sys.executable).with_name("progman")
PROGMAN = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "progman"]
MPXJ = (
    "import sys, mpxj, jpype\njpype.startJVM()\n"
    "from org.mpxj.reader import UniversalProjectReader\n"
    "print(UniversalProjectReader().read(sys.argv[1]).getTasks().size())\n"
)

_COMPUTED = (
    "<Type>0</Type><IsNull>0</IsNull><Priority>500</Priority><DurationFormat>7</DurationFormat>"
    "<ResumeValid>0</ResumeValid><EffortDriven>1</EffortDriven><Recurring>0</Recurring>"
    "<OverAllocated>0</OverAllocated><Estimated>0</Estimated><Critical>0</Critical>"
    "<IsSubproject>0</IsSubproject><ExternalTask>0</ExternalTask>"
    "<StartVariance>0</StartVariance><FinishVariance>0</FinishVariance>"
    "<WorkVariance>0</WorkVariance><FreeSlack>0</FreeSlack><TotalSlack>0</TotalSlack>"
    "<FixedCost>0</FixedCost><FixedCostAccrual>3</FixedCostAccrual>"
    "<PercentComplete>0</PercentComplete><PercentWorkComplete>0</PercentWorkComplete>"
    "<Cost>0</Cost><OvertimeCost>0</OvertimeCost><OvertimeWork>PT0H0M0S</OvertimeWork>"
    "<ActualDuration>PT0H0M0S</ActualDuration><ActualCost>0</ActualCost>"
    "<ActualWork>PT0H0M0S</ActualWork><RemainingCost>0</RemainingCost>"
    "<ConstraintType>0</ConstraintType><CalendarUID>-1</CalendarUID>"
    "<LevelAssignments>1</LevelAssignments><LevelingCanSplit>1</LevelingCanSplit>"
    "<LevelingDelay>0</LevelingDelay><LevelingDelayFormat>8</LevelingDelayFormat>"
    "<IgnoreResourceCalendar>0</IgnoreResourceCalendar><HideBar>0</HideBar>"
    "<Rollup>0</Rollup><BCWS>0</BCWS><BCWP>0</BCWP><EarnedValueMethod>0</EarnedValueMethod>"
    "<Active>1</Active><Manual>0</Manual>"
)


def generate_mspdi(tasks: int = TASKS, seed: int = 11) -> str:
    """An MSPDI file of ``tasks`` work items (summaries included)."""
    rng = random.Random(seed)
    week = "".join(
        f"<WeekDay><DayType>{d}</DayType><DayWorking>{int(1 < d < 7)}</DayWorking>"
        + (
            "<WorkingTimes><WorkingTime><FromTime>08:00:00</FromTime><ToTime>12:00:00</ToTime>"
            "</WorkingTime><WorkingTime><FromTime>13:00:00</FromTime><ToTime>17:00:00"
            "</ToTime></WorkingTime></WorkingTimes>"
            if 1 < d < 7
            else ""
        )
        + "</WeekDay>"
        for d in range(1, 8)
    )
    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Project xmlns="http://schemas.microsoft.com/project">\n'
        "<SaveVersion>14</SaveVersion><Name>generated.xml</Name>"
        "<StartDate>2027-01-04T08:00:00</StartDate><CalendarUID>1</CalendarUID>"
        "<MinutesPerDay>480</MinutesPerDay><MinutesPerWeek>2400</MinutesPerWeek>"
        "<DaysPerMonth>20</DaysPerMonth>\n<Calendars><Calendar><UID>1</UID><Name>Standard"
        "</Name><IsBaseCalendar>1</IsBaseCalendar><BaseCalendarUID>-1</BaseCalendarUID>"
        f"<WeekDays>{week}</WeekDays></Calendar></Calendars>\n<Tasks>\n"
        "<Task><UID>0</UID><ID>0</ID><Name>generated</Name><OutlineLevel>0</OutlineLevel>"
        "<Summary>1</Summary></Task>\n"
    ]
    per_group = tasks // GROUPS
    leaves: list[int] = []
    uid = 0
    for group in range(GROUPS):
        uid += 1
        parts.append(
            f"<Task><UID>{uid}</UID><ID>{uid}</ID><Name>Phase {group}</Name>"
            f"<OutlineNumber>{group + 1}</OutlineNumber><OutlineLevel>1</OutlineLevel>"
            f"<Summary>1</Summary><Milestone>0</Milestone>{_COMPUTED}</Task>\n"
        )
        for k in range(per_group - 1):
            uid += 1
            days = rng.randint(1, 10)
            links = ""
            for predecessor in {rng.choice(leaves[-300:]) for _ in range(2)} if leaves else ():
                kind = rng.choice((1, 1, 1, 3, 0))
                lag = rng.choice((0, 0, 0, 4800, 9600))
                links += (
                    f"<PredecessorLink><PredecessorUID>{predecessor}</PredecessorUID>"
                    f"<Type>{kind}</Type><CrossProject>0</CrossProject><LinkLag>{lag}</LinkLag>"
                    "<LagFormat>7</LagFormat></PredecessorLink>"
                )
            parts.append(
                f"<Task><UID>{uid}</UID><ID>{uid}</ID><Name>Task {group}.{k}</Name>"
                f"<WBS>{group + 1}.{k + 1}</WBS><OutlineNumber>{group + 1}.{k + 1}"
                "</OutlineNumber><OutlineLevel>2</OutlineLevel>"
                "<Start>2027-01-04T08:00:00</Start><Finish>2027-01-04T17:00:00</Finish>"
                f"<Duration>PT{days * 8}H0M0S</Duration><Work>PT{days * 8}H0M0S</Work>"
                f"<Summary>0</Summary><Milestone>0</Milestone>{_COMPUTED}{links}</Task>\n"
            )
            leaves.append(uid)
    parts.append("</Tasks>\n<Resources>\n")
    for r in range(1, RESOURCES + 1):
        parts.append(
            f"<Resource><UID>{r}</UID><ID>{r}</ID><Name>Person {r}</Name><Type>1</Type>"
            "<MaxUnits>1</MaxUnits><StandardRate>50</StandardRate>"
            "<StandardRateFormat>2</StandardRateFormat></Resource>\n"
        )
    parts.append("</Resources>\n<Assignments>\n")
    for k, task in enumerate(leaves, 1):
        parts.append(
            f"<Assignment><UID>{k}</UID><TaskUID>{task}</TaskUID><ResourceUID>"
            f"{rng.randint(1, RESOURCES)}</ResourceUID><Units>1</Units><Work>PT8H0M0S</Work>"
            "</Assignment>\n"
        )
    parts.append("</Assignments>\n</Project>\n")
    return "".join(parts)


def _whole(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def _whole_cpu(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one run of ``command``: the CPU figure is
    what the run costs on a quiet machine, less moved by other processes' load."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = _whole(command)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def _cpu(action: object) -> float:
    """CPU seconds of one run in this process (less moved by other processes' load)."""
    start = time.process_time()
    action()  # type: ignore[operator]
    return time.process_time() - start


def main() -> None:
    text = generate_mspdi()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.xml"
        path.write_text(text)
        data = path.read_bytes()
        parse, _ = best_of(3, lambda: fromstring(data, forbid_dtd=True))
        ours, found = best_of(3, lambda: read_mspdi(path))
        cpu = min(_cpu(lambda: read_mspdi(path)) for _ in range(3))
        parse_cpu = min(_cpu(lambda: fromstring(data, forbid_dtd=True)) for _ in range(3))
        command = [*PROGMAN, "import", str(path), "--force", "-o"]
        runs = [_whole_cpu([*command, str(Path(folder) / "plan.json")]) for _ in range(3)]
        yaml_runs = [_whole_cpu([*command, str(Path(folder) / "plan.yaml")]) for _ in range(3)]
        whole, whole_cpu = (min(run[i] for run in runs) for i in (0, 1))
        as_yaml, yaml_cpu = (min(run[i] for run in yaml_runs) for i in (0, 1))
        java = shutil.which("java")
        mpxj = None
        if java:
            try:
                mpxj = _whole([sys.executable, "-c", MPXJ, str(path)])
            except (subprocess.CalledProcessError, OSError):
                mpxj = None
    tasks = sum(1 for _ in found.program.work_items())
    against = f"MPXJ whole process {mpxj:.2f} s, ratio {whole / mpxj:.2f}x" if mpxj else "no Java"
    print(
        f"mspdi_import: {tasks} tasks, {len(text) / 2**20:.1f} MiB: read_mspdi {ours:.2f} s "
        f"(defusedxml parse only {parse:.2f} s, ratio {ours / parse:.1f}x; CPU {cpu:.2f} s "
        f"against {parse_cpu:.2f} s); progman import whole process {whole:.2f} s to JSON "
        f"(CPU {whole_cpu:.2f} s), {as_yaml:.2f} s to YAML (CPU {yaml_cpu:.2f} s) "
        f"({against}); target ≤ 2 s; load average {os.getloadavg()[0]:.2f}"
    )
