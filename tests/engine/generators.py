"""Random networks and programs for the engine's property tests, a reference CPM, and the
plan-level checks: shared by test_properties.py and test_regressions.py.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta
from graphlib import TopologicalSorter
from typing import Any

import numpy as np
from hypothesis import strategies as st

import progman
from progman.domain import Program
from progman.engine import kernels
from progman.engine.build import BuiltNetwork, build_network
from progman.engine.calendars import ELAPSED, MINUTES_PER_DAY, finish_of, work_before
from progman.engine.kernels import FF, FS, NO_TIME, SF, SS
from progman.engine.network import CpmResult, IncrementalSchedule, Network, schedule_network
from progman.engine.schedule import Schedule

DAY = MINUTES_PER_DAY

# -- random networks --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Dag:
    """A random acyclic network as plain lists (what the reference code reads)."""

    duration: list[int]
    pred: list[int]
    succ: list[int]
    kind: list[int]
    lag: list[int]

    @property
    def size(self) -> int:
        return len(self.duration)

    def network(self) -> Network:
        return Network.from_arrays(
            np.array(self.duration, dtype=np.int64),
            np.array(self.pred, dtype=np.int64),
            np.array(self.succ, dtype=np.int64),
            np.array(self.kind, dtype=np.int8),
            np.array(self.lag, dtype=np.int64),
        )


@st.composite
def dags(
    draw: st.DrawFn,
    *,
    max_tasks: int = 25,
    kinds: tuple[int, ...] = (FS, SS, FF, SF),
    lags: st.SearchStrategy[int] | None = None,
) -> Dag:
    """Random DAGs: durations incl. zero, parallel links, tasks numbered in any order.

    Links go from a lower to a higher *rank*; a random permutation then numbers the tasks,
    so the plan order is sometimes topological (the engine's shortcut) and sometimes not.
    Links come either sorted by successor (another shortcut) or in random order.
    """
    lags = st.integers(-15, 15) if lags is None else lags
    n = draw(st.integers(1, max_tasks))
    duration = draw(st.lists(st.one_of(st.just(0), st.integers(0, 30)), min_size=n, max_size=n))
    ends = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda e: e[0] != e[1])
    raw = draw(st.lists(ends, max_size=3 * n)) if n > 1 else []
    rank = draw(st.one_of(st.just(list(range(n))), st.permutations(range(n))))
    links = [
        (rank[min(a, b)], rank[max(a, b)], draw(st.sampled_from(kinds)), draw(lags)) for a, b in raw
    ]
    if draw(st.booleans()):
        links.sort(key=lambda link: link[1])
    else:
        links = draw(st.permutations(links))
    columns = [[link[k] for link in links] for k in range(4)]
    return Dag(duration, *columns)


# -- a plain-Python reference CPM ---------------------------------------------------------------


@dataclasses.dataclass
class Reference:
    early_start: list[int]
    early_finish: list[int]
    late_start: list[int]
    late_finish: list[int]
    total_float: list[int]
    free_float: list[int]
    finish: int


def _order(dag: Dag) -> list[int]:
    graph: dict[int, set[int]] = {i: set() for i in range(dag.size)}
    for p, s in zip(dag.pred, dag.succ, strict=True):
        graph[s].add(p)
    return list(TopologicalSorter(graph).static_order())


def start_needed(dag: Dag, link: int, es: list[int], ef: list[int]) -> int:
    """The earliest start of the successor that ``link`` allows (elapsed time)."""
    p, s, kind, lag = dag.pred[link], dag.succ[link], dag.kind[link], dag.lag[link]
    base = ef[p] if kind in (FS, FF) else es[p]
    return base + lag - (dag.duration[s] if kind in (FF, SF) else 0)


def finish_allowed(dag: Dag, link: int, start: list[int], finish: list[int]) -> int:
    """The latest finish of the predecessor that ``link`` allows, given successor dates."""
    p, s, kind, lag = dag.pred[link], dag.succ[link], dag.kind[link], dag.lag[link]
    other = start[s] if kind in (FS, SS) else finish[s]
    return other - lag + (dag.duration[p] if kind in (SS, SF) else 0)


def reference_cpm(dag: Dag) -> Reference:
    """Textbook CPM: forward pass (no start before 0), backward pass from the finish."""
    n = dag.size
    incoming: list[list[int]] = [[] for _ in range(n)]
    outgoing: list[list[int]] = [[] for _ in range(n)]
    for link, (p, s) in enumerate(zip(dag.pred, dag.succ, strict=True)):
        incoming[s].append(link)
        outgoing[p].append(link)
    order = _order(dag)
    es, ef = [0] * n, [0] * n
    for i in order:
        es[i] = max([0] + [start_needed(dag, k, es, ef) for k in incoming[i]])
        ef[i] = es[i] + dag.duration[i]
    end = max(ef)
    ls, lf = [0] * n, [0] * n
    for i in reversed(order):
        lf[i] = min([end] + [finish_allowed(dag, k, ls, lf) for k in outgoing[i]])
        ls[i] = lf[i] - dag.duration[i]
    total = [lf[i] - ef[i] for i in range(n)]
    free = [
        min([total[i], end - ef[i]] + [finish_allowed(dag, k, es, ef) - ef[i] for k in outgoing[i]])
        for i in range(n)
    ]
    return Reference(es, ef, ls, lf, total, free, end)


# -- edits, and incremental against full ----------------------------------------------------

CONSTRAINTS = (
    kernels.ASAP,
    kernels.ALAP,
    kernels.SNET,
    kernels.SNLT,
    kernels.FNET,
    kernels.FNLT,
    kernels.MSO,
    kernels.MFO,
)
RESULT_ARRAYS = (
    "early_start",
    "early_finish",
    "late_start",
    "late_finish",
    "total_float",
    "free_float",
    "driver",
)


@st.composite
def constrained(draw: st.DrawFn, net: Network) -> Network:
    """``net`` with random floors, constraints and deadlines (times within its horizon)."""
    n = net.size
    moments = st.integers(0, 300)
    ctype = draw(st.lists(st.sampled_from(CONSTRAINTS), min_size=n, max_size=n))
    return dataclasses.replace(
        net,
        floor=np.array(draw(st.lists(st.sampled_from([0, 0, 0, 10, 50]), min_size=n, max_size=n))),
        constraint_type=np.array(ctype, dtype=np.int8),
        constraint_time=np.array(
            [draw(moments) if c not in (kernels.ASAP, kernels.ALAP) else NO_TIME for c in ctype],
            dtype=np.int64,
        ),
        deadline=np.array(
            draw(st.lists(st.one_of(st.just(NO_TIME), moments), min_size=n, max_size=n)),
            dtype=np.int64,
        ),
    )


Edit = tuple[str, int, int]


@st.composite
def edits(draw: st.DrawFn, tasks: int, links: int) -> list[Edit]:
    """Random duration and lag changes of tasks ``0..tasks-1`` and links ``0..links-1``."""
    duration_edit = st.tuples(st.just("duration"), st.integers(0, tasks - 1), st.integers(0, 40))
    lag_edit = st.tuples(st.just("lag"), st.integers(0, max(links - 1, 0)), st.integers(-20, 20))
    kinds = st.one_of(duration_edit, lag_edit) if links else duration_edit
    return draw(st.lists(kinds, min_size=1, max_size=8))


def assert_same_result(got: CpmResult, expected: CpmResult, context: object) -> None:
    for name in RESULT_ARRAYS:
        assert getattr(got, name).tolist() == getattr(expected, name).tolist(), (name, context)
    assert got.finish == expected.finish, ("finish", context)


def check_incremental(net: Network, steps: list[Edit]) -> None:
    """After each edit, the incremental result equals a full pass over the edited network."""
    incremental = IncrementalSchedule(net)
    assert_same_result(incremental.result, schedule_network(net), "before any edit")
    duration, lag = net.duration.copy(), net.link_lag.copy()
    for step, (what, index, value) in enumerate(steps):
        if what == "duration":
            incremental.set_duration(index, value)
            duration[index] = value
        else:
            incremental.set_lag(index, value)
            lag[index] = value
        fresh = dataclasses.replace(net, duration=duration.copy(), link_lag=lag.copy())
        assert_same_result(incremental.result, schedule_network(fresh), (step, steps[: step + 1]))


# -- plan level ----------------------------------------------------------------------------------

WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LINK_TEXT = ("FS", "SS", "FF", "SF")
LAG_TEXT = ("", "", "+2d", "-1d", "+4h", "-3h", "+3ed", "-2ed", "+1w")


@st.composite
def _days_off(draw: st.DrawFn, near: st.SearchStrategy[date]) -> list[Any]:
    """Holidays or vacations: single days and ranges."""
    entries: list[Any] = []
    for first in draw(st.lists(near, max_size=4, unique=True)):
        last = first + timedelta(days=draw(st.sampled_from([0, 0, 1, 4, 9])))
        entries.append(first if last == first else {"start": first, "finish": last})
    return entries


@st.composite
def _calendar(draw: st.DrawFn, near: st.SearchStrategy[date], standard: bool) -> dict[str, Any]:
    if standard:
        workdays, hours = list(WEEK[:5]), 8
    else:
        # shares a weekday with the standard calendar: a task on one with a person on the
        # other has work time every week (with only exception days in common, a 3-day
        # task can run out of the 30-year tables)
        mask = draw(st.lists(st.booleans(), min_size=7, max_size=7).filter(lambda m: any(m[:5])))
        workdays = [day for day, on in zip(WEEK, mask, strict=True) if on]
        hours = draw(st.sampled_from([4, 6, 7.5, 8, 10]))
    extra = draw(st.lists(near, max_size=3, unique=True))
    return {
        "workdays": workdays,
        "hours_per_day": hours,
        "holidays": draw(_days_off(near)),  # may cover an extra day: that one works
        "working_days": extra,
    }


@st.composite
def plan_data(draw: st.DrawFn) -> dict[str, Any]:
    """A program with calendars (holidays, exceptions), people with their own calendars and
    vacations, projects with their own start and calendar, summary tasks (work inside them
    on other calendars and in elapsed time), milestones, constraints, deadlines and links of
    every type and lag across projects; only the links the plan checks refuse are left out
    (SS/SF from a summary, FF/SF into one).
    """
    start = draw(st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31)))
    near = st.integers(-10, 150).map(lambda k: start + timedelta(days=k))
    calendars = {"std": draw(_calendar(near, True)), "alt": draw(_calendar(near, False))}
    calendar_names = st.sampled_from([None, None, "std", "alt"])
    resources = []
    for r in range(draw(st.integers(0, 3))):
        name = draw(calendar_names)
        resource: dict[str, Any] = {"id": f"r{r}", "name": f"Person {r}"}
        if name:
            resource["calendar"] = name
        resource["vacations"] = draw(_days_off(near))
        resources.append(resource)
    dates = st.integers(-5, 90).map(lambda k: start + timedelta(days=k))
    earlier: list[str] = []
    summaries: set[str] = set()

    def link(pred: str, succ_is_summary: bool) -> str:
        kinds = list(LINK_TEXT)
        if pred in summaries:
            kinds = [k for k in kinds if k in ("FS", "FF")]
        if succ_is_summary:
            kinds = [k for k in kinds if k in ("FS", "SS")]
        return f"{pred} {draw(st.sampled_from(kinds))}{draw(st.sampled_from(LAG_TEXT))}"

    def task(ident: str, depth: int, first: date) -> dict[str, Any]:
        item: dict[str, Any] = {"id": ident, "name": ident}
        summary = depth < 2 and draw(st.integers(0, 4)) == 0
        if earlier and draw(st.integers(0, 3)):
            preds = draw(st.lists(st.sampled_from(earlier), min_size=1, max_size=3, unique=True))
            item["depends"] = [link(p, summary) for p in preds]
        if draw(st.integers(0, 4)) == 0:
            item["calendar"] = draw(st.sampled_from(["std", "alt"]))
        if summary:
            count = draw(st.integers(1, 3))
            item["tasks"] = [task(f"{ident}.{k}", depth + 1, first) for k in range(count)]
            earlier.append(ident)  # after its children: nothing inside depends on it
            summaries.add(ident)
            return item
        if draw(st.integers(0, 4)) == 0:
            item["milestone"] = True
        else:
            amounts = ["1d", "3d", "0.5d", "2h", "7h", "1w", "2ed", "36eh"]
            item["duration"] = draw(st.sampled_from(amounts))
        if resources and draw(st.integers(0, 2)) == 0:
            chosen = draw(st.lists(st.sampled_from(resources), min_size=1, max_size=2))
            item["resources"] = {r["id"]: 1.0 for r in chosen}
        kind = draw(st.sampled_from([None] * 6 + ["snet", "fnlt", "snet", "fnlt", "mso", "alap"]))
        if kind == "alap":
            item["constraint"] = {"type": "alap"}
        elif kind == "mso":  # a must-start-on date before the start would win over it
            item["constraint"] = {"type": kind, "date": first + timedelta(draw(st.integers(0, 60)))}
        elif kind:
            item["constraint"] = {"type": kind, "date": draw(dates)}
        if draw(st.integers(0, 6)) == 0:
            item["deadline"] = draw(dates)
        earlier.append(ident)
        return item

    projects = []
    for p in range(draw(st.integers(1, 3))):
        project: dict[str, Any] = {"id": f"P{p}", "name": f"Project {p}"}
        if draw(st.booleans()):
            project["start"] = start + timedelta(days=draw(st.integers(0, 20)))
        if draw(st.integers(0, 2)) == 0:
            project["calendar"] = draw(st.sampled_from(["std", "alt"]))
        first = project.get("start", start)
        project["tasks"] = [task(f"P{p}.t{t}", 0, first) for t in range(draw(st.integers(1, 6)))]
        projects.append(project)
    return {
        "program": "Generated",
        "key": "GEN",
        "start": start,
        "calendar": "std",
        "calendars": calendars,
        "resources": resources,
        "projects": projects,
    }


@dataclasses.dataclass
class Scheduled:
    """A generated program, its schedule, and its network (for calendars and indexes)."""

    program: Program
    schedule: Schedule
    built: BuiltNetwork

    def minutes(self, moment: datetime) -> int:
        return self.built.network.calendars.to_minutes(moment)

    def calendar_of(self, ident: str) -> int:
        return int(self.built.network.calendar[self.built.ids.index(ident)])


def scheduled(data: dict[str, Any]) -> Scheduled:
    program = Program.model_validate(data)
    return Scheduled(program, progman.schedule(program), build_network(program))


def lag_minutes(lag: Any, minutes_per_day: int) -> int:
    if lag.elapsed:
        return round(lag.working_minutes())
    return round(lag.working_minutes(hours_per_day=minutes_per_day / 60))


# -- plan-level checks (test_properties.py) -------------------------------------------------


def lag_calendar_of(plan: Scheduled, pred: str, succ: str) -> int:
    """The calendar a link's lag counts on, by the program's ``scheduling.lag_calendar``
    (the 24-hour calendar's lags are elapsed: see :func:`lag_is_elapsed`)."""
    mode = plan.program.scheduling.lag_calendar
    if mode == "predecessor":
        return plan.calendar_of(pred)
    if mode == "program":
        return plan.built.program_calendar
    return plan.calendar_of(succ)


def check_plan_links(data: dict[str, Any]) -> None:
    """Every link of the plan holds in its successor's working time, its lag counted on its
    lag calendar (the successor's unless the plan says otherwise), or is a conflict."""
    plan = scheduled(data)
    all_elapsed = plan.program.scheduling.lag_calendar == "24h"
    tables = plan.built.network.calendars
    cal = tables.kernel_args()
    broken = {(c.predecessor, c.successor, c.link) for c in plan.schedule.conflicts}
    # a constraint inside a summary breaks the summary's link to that child: a link into
    # the summary then shows broken through the roll-up, and that conflict is listed
    inner = {c.predecessor for c in plan.schedule.conflicts if c.link == "SS"}
    summaries_within = {
        item.id: {sub.id for sub in item.walk() if sub.tasks}
        for item in plan.program.work_items()
        if item.tasks
    }
    for item in plan.program.work_items():
        succ = plan.schedule.task(item.id)
        c = plan.calendar_of(item.id)
        for dep in item.depends:
            pred = plan.schedule.task(dep.task)
            base = pred.finish if dep.type in ("FS", "FF") else pred.start
            other = succ.start if dep.type in ("FS", "SS") else succ.finish
            lc = lag_calendar_of(plan, dep.task, item.id)
            elapsed = dep.lag.elapsed or all_elapsed
            lag = (
                round(dep.lag.amount * dep.lag.MINUTES_PER_ELAPSED[dep.lag.unit])
                if elapsed
                else lag_minutes(dep.lag, int(tables.minutes_per_day[lc]))
            )
            t = plan.minutes(base)
            if elapsed:
                t += lag
            elif lag:
                t = int(finish_of(lc, int(work_before(lc, t, *cal)) + lag, *cal))
            short = int(work_before(c, t, *cal)) - int(work_before(c, plan.minutes(other), *cal))
            excused = bool(summaries_within.get(item.id, set()) & inner)
            if short > 0 and not excused:
                assert (dep.task, item.id, dep.type) in broken, (
                    f"{item.id} breaks '{dep.task} {dep.type}{dep.lag.signed()}' by {short} "
                    f"minutes: {pred} -> {succ}"
                )


def check_roll_up(data: dict[str, Any]) -> None:
    """A summary starts with its earliest child and finishes with its latest."""
    plan = scheduled(data)
    for item in plan.program.work_items():
        if item.tasks:
            summary = plan.schedule.task(item.id)
            children = [plan.schedule.task(child.id) for child in item.tasks]
            assert summary.start == min(child.start for child in children), item.id
            assert summary.finish == max(child.finish for child in children), item.id


def own_earliest(program: Program) -> dict[str, datetime]:
    """Each work item's start-no-earlier-than date where it comes before its program's or
    project's start (the task's own date wins), and a summary's earliest of its subtasks'."""
    found: dict[str, datetime] = {}
    for item in program.work_items():
        c = item.constraint
        if c is not None and c.type == "snet" and c.date is not None:
            when = c.date if isinstance(c.date, datetime) else datetime.combine(c.date, time())
            above = (s for s in program.work_items() if any(x is item for x in s.walk()))
            for held in above:  # the item itself and its summaries
                found[held.id] = min(found.get(held.id, when), when)
    return found


def check_working_moments(data: dict[str, Any]) -> None:
    """Work starts and ends in working time (not on its people's vacations), never before
    the program or project start, unless a start-no-earlier-than date of its own (or of a
    subtask) comes before that."""
    plan = scheduled(data)
    tables = plan.built.network.calendars
    program_start = datetime.combine(plan.program.start, time())
    project_start = {
        project.id: datetime.combine(project.start or plan.program.start, time())
        for project in plan.program.projects
    }
    items = {item.id: item for item in plan.program.work_items()}
    projects = {project.id: project for project in plan.program.projects}
    vacations = {
        person.id: {
            span.start + timedelta(days=k)
            for span in person.vacations
            for k in range((span.last - span.start).days + 1)
        }
        for person in plan.program.resources
    }
    own = own_earliest(plan.program)
    for task in plan.schedule.tasks:
        floor = max(program_start, project_start[task.project])
        assert task.start >= min(floor, own.get(task.id, floor)), task
        assert task.finish >= task.start, task
        c = plan.calendar_of(task.id)
        if task.summary or c == ELAPSED:
            continue
        opening = int(tables.opening_minute[c])
        closing = opening + int(tables.minutes_per_day[c])
        start, finish = plan.minutes(task.start), plan.minutes(task.finish)
        assert tables.working[c, start // DAY], f"{task.id} starts on a day off: {task}"
        assert tables.working[c, (finish - 1) // DAY], f"{task.id} ends on a day off: {task}"
        if task.milestone:  # one moment: the start or the end of working time
            assert opening <= start % DAY <= closing, task
        else:
            assert opening <= start % DAY < closing, f"{task.id} starts off hours: {task}"
            assert opening < (finish - 1) % DAY + 1 <= closing, f"{task.id} ends off hours: {task}"
        item, project = items[task.id], projects[task.project]
        if not task.milestone:  # nobody works on their vacation
            away = {day for a in item.resources for day in vacations.get(a.resource or "", ())}
            assert task.start.date() not in away, f"{task.id} starts on a vacation: {task}"
            last = (task.finish - timedelta(minutes=1)).date()
            assert last not in away, f"{task.id} ends on a vacation: {task}"
        on_standard = (item.calendar or project.calendar or "std") == "std"
        if on_standard and not item.resources and not task.milestone:  # Mon-Fri, 8 h
            assert time(8) <= task.start.time() < time(16), task
            assert time(8) < task.finish.time() <= time(16), task
