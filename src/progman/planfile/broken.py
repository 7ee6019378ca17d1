"""The problems of a large plan of simple tasks, found by checking only its suspect tasks.

A 100,000-task plan with three mistakes took four times as long to report them as a right
one takes to schedule: the columnar gate refused it, and the usual loader built and
checked every task twice (once to find the bad fields, once more without them, for the
cross-references). Here the tasks are read as columns, as the gate reads them; a task is
*suspect* unless the gate's own per-task tests prove it right (fields and types, a valid
id, duration, estimate, link and assignment; its links naming known tasks, itself not;
its id not repeated; on no cycle). Only the suspects are built and checked, by the usual
code (:func:`~progman.planfile.loader.checked_plan_data`), within the whole program's
task ids (:class:`~progman.domain.excerpt.Excerpt`), so every message, did-you-mean,
cycle path and file:line:col is the one checking the whole program writes.

It answers None when it cannot tell cheaply (subtasks, an id that reads as a link with a
lag, more than an eighth of the tasks suspect): the usual loader reads the plan then.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from itertools import chain, repeat
from typing import Any

import numpy as np
from pydantic import ValidationError

from progman.domain import Program
from progman.domain.base import ID_MAX_LENGTH
from progman.domain.durations import duration_of_text
from progman.domain.excerpt import Excerpt
from progman.domain.work import _LAG_AT_END, _PLAIN_ID, Assignment, Dependency, ThreePointEstimate
from progman.errors import Problem
from progman.planfile.columnar_decode import all_of, fields_of_dicts
from progman.planfile.loader import plan_problems
from progman.planfile.source import Locator, PathKey

#: The fields of a simple task without subtasks (the gate's, but ``tasks``).
_FLAT_FIELDS = frozenset(
    {"id", "name", "duration", "estimate", "depends", "milestone", "resources"}
)
#: Beyond this share of suspect tasks (and a few), checking them is no cheaper than the
#: usual loader, which must then build the right plan anyway.
_MOST_SUSPECT = 8
_A_FEW = 64
#: Levels of tasks taken a whole level at a time before the rest is taken step by step.
_MAX_LEVELS = 2_000
_get: Callable[..., Any] = dict.get
_ABSENT = object()


def excerpt_problems(data: dict[str, Any], places: Locator) -> list[Problem] | None:
    """Every problem of the plan ``data`` as :func:`~progman.planfile.loader.
    validate_plan_data` reports them, placed by ``places`` (empty: the plan is right);
    or None when this cannot tell cheaply."""
    projects = data.get("projects")
    if type(projects) is not list or not all_of(dict, projects):
        return None
    task_lists = list(map(_get, projects, repeat("tasks"), repeat([])))
    if not all_of(list, task_lists):
        return None
    tasks = list(chain.from_iterable(task_lists))
    suspect = _suspects(tasks, _people(data, projects))
    if suspect is None:
        return None
    ids, bad = suspect
    rows = np.flatnonzero(bad).tolist()
    if len(rows) > len(tasks) // _MOST_SUSPECT + _A_FEW:
        return None
    starts = np.cumsum([0, *map(len, task_lists)]).tolist()
    local: dict[int, list[int]] = {}  # per project, the excerpt's tasks' positions in it
    holders = (np.searchsorted(starts, rows, side="right") - 1).tolist()
    for row, p in zip(rows, holders, strict=True):
        local.setdefault(p, []).append(row - starts[p])
    shell = dict(data)
    shell["projects"] = [
        {**project, "tasks": [task_lists[p][t] for t in local.get(p, ())]}
        if "tasks" in project
        else project
        for p, project in enumerate(projects)
    ]
    kept_ids = list(ids)
    for row in rows:
        kept_ids[row] = None
    excerpt = Excerpt(kept_ids, rows, _mover(local))
    return plan_problems(shell, places, excerpt)


def _mover(local: dict[int, list[int]]) -> Callable[[PathKey], PathKey]:
    """From the excerpt's paths to the whole plan's: ``projects[p].tasks[t]`` of the
    excerpt is ``projects[p].tasks[local[p][t]]``."""

    def moved(path: PathKey) -> PathKey:
        if len(path) >= 4 and path[0] == "projects" and path[2] == "tasks":
            p, t = path[1], path[3]
            if type(p) is int and type(t) is int and p in local and 0 <= t < len(local[p]):
                return ("projects", p, "tasks", local[p][t], *path[4:])
        return path

    return moved


def _people(data: dict[str, Any], projects: list[dict[str, Any]]) -> set[str]:
    """The ids of the program's resources if its own fields (all but the tasks and what
    names them) are valid; else none, and every task with resources is suspect."""
    naming = ("risks", "benefits", "gates", "change_requests", "sprints")
    shell = {k: v for k, v in data.items() if k not in naming}
    shell["projects"] = [{**p, "tasks": []} if "tasks" in p else p for p in projects]
    try:
        program = Program.model_validate(shell)
    except ValidationError:
        return set()
    return {r.id for r in program.resources}


def _suspects(tasks: list[Any], people: set[str]) -> tuple[list[Any], np.ndarray] | None:
    """Each task's id, and which tasks are not proven right; None when that cannot be
    told here (subtasks, an id that reads as a link with a lag)."""
    n = len(tasks)
    mapping = [type(task) is dict for task in tasks]
    entries = [task if is_dict else {} for task, is_dict in zip(tasks, mapping, strict=True)]
    if any(map(dict.__contains__, entries, repeat("tasks"))):
        return None
    bad = ~np.fromiter(mapping, dtype=bool, count=n)
    bad |= ~np.fromiter(map(_FLAT_FIELDS.issuperset, entries), dtype=bool, count=n)
    fields = fields_of_dicts(entries, _ABSENT)
    ids = fields.ids
    if (
        all_of(str, ids)
        and max(map(len, ids), default=0) <= ID_MAX_LENGTH
        and all(map(_PLAIN_ID, ids))
    ):
        named: list[str | None] = ids  # the common case, proven in C
    else:
        bad |= _flags(ids, _plain_id)
        # the id each task has once validated (stripped), if a link may name it
        named = [_named(ident) for ident in ids]
    if any(ident is not None and "-" in ident and _LAG_AT_END(ident) for ident in named):
        return None  # 'A-1d' would be read as a link to A with a lag: the usual way
    # each id at its first task (as the check indexes them)
    index: dict[Any, int] = dict(zip(reversed(named), range(n - 1, -1, -1), strict=True))
    index.pop(None, None)
    if len(index) < n - named.count(None):  # a repeated id: every task holding it
        twice = {ident for ident, times in Counter(named).items() if times > 1 and ident}
        bad |= np.fromiter(map(twice.__contains__, named), dtype=bool, count=n)
    names = fields.names
    if (
        not (all_of(str, names) and "".join(names).isascii())
        or list(map(str.strip, names)) != names
    ):  # else every name is proven plain in C
        bad |= _flags(names, _plain_name)
    bad |= _flags(fields.durations, _right_duration)
    bad |= _wrong_estimates(fields.estimates)
    milestone = fields.milestone
    bad |= ~np.fromiter((type(flag) is bool for flag in milestone), dtype=bool, count=n)
    for k in (k for k, flag in enumerate(milestone) if flag is True):
        if fields.durations[k] is not None or fields.estimates[k] is not None:
            bad[k] = True
    bad |= _wrong_assignments(fields.resources, people)
    bad |= _wrong_links(fields.depends, index, n)
    return ids, bad


def _named(ident: Any) -> str | None:
    """The id a task has once validated, if it is a valid one (pydantic strips it)."""
    if type(ident) is not str:
        return None
    text = ident.strip()
    return text if len(text) <= ID_MAX_LENGTH and _PLAIN_ID(text) else None


def _plain_id(ident: Any) -> bool:
    return type(ident) is str and len(ident) <= ID_MAX_LENGTH and bool(_PLAIN_ID(ident))


def _plain_name(name: Any) -> bool:
    # pydantic strips whitespace; for ASCII text Python's strip agrees with it
    return type(name) is str and name.isascii() and name.strip() == name


def _right_duration(text: Any) -> bool:
    if text is None:
        return True
    amount = duration_of_text(text) if type(text) is str else None
    return amount is not None and amount.amount >= 0


def _right_estimate(given: Any) -> bool:
    if given is None:
        return True
    if type(given) is not tuple:  # lists of texts come as tuples (see _wrong_estimates)
        return False
    try:
        ThreePointEstimate.model_validate(list(given))
    except ValidationError:
        return False
    return True


def _wrong_estimates(givens: list[Any]) -> np.ndarray:
    """Tasks whose ``estimate`` is not valid, each distinct one validated once."""
    keys = [
        tuple(given) if type(given) is list and all_of(str, given) else given for given in givens
    ]
    return _flags(keys, _right_estimate)


def _flags(values: list[Any], right: Callable[[Any], bool]) -> np.ndarray:
    """Which ``values`` are not ``right``: each distinct text (or None) judged once."""
    try:
        wrong = {value for value in dict.fromkeys(values) if not right(value)}
    except TypeError:  # a value that is a list or a mapping: one by one
        pass
    else:
        if not wrong:
            return np.zeros(len(values), dtype=bool)
        return np.fromiter(map(wrong.__contains__, values), dtype=bool, count=len(values))
    verdict: dict[Any, bool] = {}
    out = np.zeros(len(values), dtype=bool)
    for k, value in enumerate(values):
        if value is None or type(value) in (str, tuple):
            known = verdict.get(value)
            if known is None:
                known = verdict[value] = right(value)
        else:
            known = right(value)
        if not known:
            out[k] = True
    return out


def _wrong_assignments(given: list[Any], people: set[str]) -> np.ndarray:
    """Tasks whose ``resources`` are not the short form naming known people."""
    out = np.zeros(len(given), dtype=bool)
    made: dict[tuple[str, Any], bool] = {}
    for k, mapping in enumerate(given):
        if mapping is _ABSENT:
            continue
        if type(mapping) is not dict:
            out[k] = True
            continue
        for who, units in mapping.items():
            if type(who) is not str or who not in people or type(units) not in (int, float):
                out[k] = True
                break
            right = made.get((who, units))
            if right is None:
                try:
                    Assignment.model_validate({"resource": who, "units": units})
                    right = True
                except ValidationError:
                    right = False
                made[who, units] = right
            if not right:
                out[k] = True
                break
    return out


def _wrong_links(depends: list[Any], index: dict[str, int], n: int) -> np.ndarray:
    """Tasks with a link that is not valid, names no task or the task itself, and the
    tasks that may lie on a cycle of links."""
    out = np.zeros(n, dtype=bool)
    if not all_of(list, depends):
        listed = [type(links) is list for links in depends]
        out |= ~np.fromiter(listed, dtype=bool, count=n)
        depends = [links if is_list else [] for links, is_list in zip(depends, listed, strict=True)]
    counts = np.fromiter(map(len, depends), dtype=np.int64, count=n)
    flat = list(chain.from_iterable(depends))
    if not all_of(str, flat):  # a link that is no text: named by nothing
        flat = [text if type(text) is str else None for text in flat]
    m = len(flat)
    pred = np.fromiter(map(index.get, flat, repeat(-1)), dtype=np.int64, count=m)
    written = np.flatnonzero(pred < 0).tolist()
    if written:  # a type, a lag, a typo: each distinct text parsed once
        parsed = {text: _link_task(text, index) for text in map(flat.__getitem__, written)}
        pred[written] = list(map(parsed.__getitem__, map(flat.__getitem__, written)))
    succ = np.repeat(np.arange(n, dtype=np.int64), counts)
    wrong = (pred < 0) | (pred == succ)
    out[succ[wrong]] = True
    pred, succ = pred[~wrong], succ[~wrong]
    if (pred > succ).any():
        out |= _maybe_on_cycle(n, pred, succ)
    return out


def _link_task(text: str | None, index: dict[str, int]) -> int:
    """The position of the task a link written with a type or a lag names, or -1."""
    if text is None:
        return -1
    try:
        link = Dependency.model_validate(text)
    except ValidationError:
        return -1
    return index.get(link.task, -1)


def _maybe_on_cycle(n: int, pred: np.ndarray, succ: np.ndarray) -> np.ndarray:
    """The tasks left once those with no predecessor left, then those with no successor
    left, are taken away again and again: every task on a cycle, and some others."""
    left = np.ones(n, dtype=bool)
    for source, target in ((pred, succ), (succ, pred)):
        inside = left[source] & left[target]
        _take_sources(left, source[inside], target[inside])
    return left


def _take_sources(left: np.ndarray, source: np.ndarray, target: np.ndarray) -> None:
    """Kahn's algorithm a whole level at a time: clear in ``left`` each task that no
    cycle of the links ``source[k] -> target[k]`` can reach."""
    n = left.size
    order = np.argsort(source, kind="stable")
    following = target[order]  # each task's successors, a run per task
    first = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(source, minlength=n), out=first[1:])
    waiting = np.bincount(target, minlength=n)
    level = np.flatnonzero(left & (waiting == 0))
    for _ in range(_MAX_LEVELS):
        if not level.size:
            return
        left[level] = False
        starts, sizes = first[level], first[level + 1] - first[level]
        total = int(sizes.sum())
        if not total:
            return
        runs = np.repeat(starts - np.cumsum(sizes) + sizes, sizes) + np.arange(total)
        reached, times = np.unique(following[runs], return_counts=True)
        waiting[reached] -= times
        level = reached[waiting[reached] == 0]
    # chains too long for whole levels (a plan written bottom up): the rest step by step
    ready, after, runs_at, count = (
        level.tolist(),
        following.tolist(),
        first.tolist(),
        waiting.tolist(),
    )
    for node in ready:  # grows while it is read
        for child in after[runs_at[node] : runs_at[node + 1]]:
            count[child] -= 1
            if not count[child]:
                ready.append(child)
    left[ready] = False


__all__ = ["excerpt_problems"]
