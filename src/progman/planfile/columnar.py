"""A plan of simple tasks read straight into columns: the gate of the columnar path.

``progman schedule big.json --json`` on a million tasks spent most of its time building and
checking one pydantic ``WorkItem`` per task, which the schedule then reads back into
columns. :func:`simple_columns` reads the parsed data into those columns directly, for the
plans where it can prove that the object path (``Program.model_validate`` and
``check_program``) would accept the plan and build the same thing.

The gate only accepts; it never reports. Anything it is not sure of (a field beyond the
simple ones, a typo in a link, a duplicate id, a section naming tasks) returns the reason,
and the plan goes the usual way, which writes every message, did-you-mean and
file:line:col as it always has. A cycle is left to the CPM kernel, which finds it at no
cost; the caller then goes the usual way too (:meth:`ColumnarPlan.program`).
See docs/design/columnar-plans.md.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, islice, repeat
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from progman.collector import collector_paused
from progman.domain import Program, WorkItem
from progman.domain.base import ID_MAX_LENGTH, ID_PATTERN
from progman.domain.checked import mark_checked, seal
from progman.domain.durations import Duration, duration_of_text
from progman.domain.validation import check_program
from progman.domain.work import (
    _LAG_AT_END,
    _PLAIN_ID,
    Assignment,
    Dependency,
    ThreePointEstimate,
)
from progman.engine.build_arrays import NO_LAG
from progman.engine.build_columns import LinkColumns, flatten
from progman.engine.columnar import LazyItems, TaskColumns
from progman.engine.kernels import FS
from progman.engine.network import LINK_CODES
from progman.errors import PlanInvalid
from progman.planfile.columnar_decode import (
    TaskFields,
    all_of,
    decode_simple_json,
    fields_of_dicts,
)
from progman.planfile.loader import max_plan_bytes, read_plan_data, validate_plan_data
from progman.planfile.source import FileLocator, Locator, NoPlaces, load_document

#: The fields of a simple task: any other sends the plan the usual way.
TASK_FIELDS = frozenset(
    {"id", "name", "duration", "estimate", "depends", "milestone", "resources", "tasks"}
)
#: The fields of a summary task (one with subtasks): its dates are its children's.
SUMMARY_FIELDS = frozenset({"id", "name", "depends", "tasks"})
#: Sections whose entries may name tasks: the header is checked without its tasks, so
#: such an entry sends the plan the usual way (``risks`` and ``benefits``: their tasks,
#: in ``affects`` and ``depends_on``, are looked up among the columns).
_NAMING_TASKS = ("gates", "change_requests", "sprints")
_NAMING_FIELD = {"risks": "affects", "benefits": "depends_on"}
#: ``dict.get`` typed loosely: the parsed values are of any type until tested
_get: Callable[..., Any] = dict.get


@dataclass(frozen=True, eq=False)
class ColumnarPlan:
    """A plan file whose tasks are columns; what only a schedule needs, checked.

    ``shell`` is the program with its projects' task lists left empty, validated and
    checked (against the task ids of ``table``). It must never reach code that reads
    tasks: such code calls :meth:`program`, the whole program as the usual loader builds
    it, made once, on first use.
    """

    shell: Program
    table: TaskColumns
    #: the parsed plan, or how to parse it (a typed decode made no dicts of the tasks)
    source: dict[str, Any] | Callable[[], dict[str, Any]] = field(repr=False)
    places: Locator | None = field(default=None, repr=False)
    #: every link runs from an earlier task to a later one: the plan has no cycle
    ordered: bool = False
    sealed: bool = False
    _made: list[Program] = field(default_factory=list, repr=False)
    _parsed: list[dict[str, Any]] = field(default_factory=list, repr=False)

    @property
    def data(self) -> dict[str, Any]:
        """The plan as parsed data (parsed on first use if the gate read it typed)."""
        if not callable(self.source):
            return self.source
        if not self._parsed:
            self._parsed.append(self.source())
        return self._parsed[0]

    def program(self) -> Program:
        """The whole program, built once. A plan whose links all run forward is proven
        acyclic by the gate, so it is not checked again; any other is loaded as usual,
        which reports a cycle with its path and position."""
        if not self._made:
            self._made.append(self._build())
        return self._made[0]

    def work_items(self) -> LazyItems:
        """The tasks as ``WorkItem`` objects in table order, built only if one is read."""
        return LazyItems(len(self.table), self._flat_items)

    def _flat_items(self) -> Sequence[WorkItem]:
        return flatten(self.program()).items

    def _build(self) -> Program:
        with collector_paused(keep=True):
            if self.ordered:
                try:
                    program = Program.model_validate(self.data)
                except ValidationError:  # not expected: the usual path says what is wrong
                    return validate_plan_data(self.data, self.places, sealed=self.sealed)
                if self.sealed:
                    seal(program)
                mark_checked(program)
                return program
            _raise_problems(self.data, self.places)  # a cycle: found without building all
            return validate_plan_data(self.data, self.places, sealed=self.sealed)


def load_plan_columns(
    path: str | os.PathLike[str], *, sealed: bool = False
) -> ColumnarPlan | Program:
    """The plan file or folder at ``path`` as columns when the gate accepts it, else as
    :func:`~progman.planfile.load_plan` loads it (every problem reported as usual)."""
    with collector_paused(keep=True):
        found = _typed_json(Path(path), sealed)
        if isinstance(found, ColumnarPlan):
            return found
        _raise_yaml_problems(Path(path))
        data, places = read_plan_data(path)
        if found is None:  # not read typed: the gate over the parsed data
            found = simple_columns(data, places, sealed=sealed)
            if isinstance(found, ColumnarPlan):
                return found
        _raise_problems(data, places)
        return validate_plan_data(data, places, sealed=sealed)


def _raise_yaml_problems(path: Path) -> None:
    """For a YAML plan file the gate refused: its problems, from the data rapidyaml reads
    (:func:`~progman.planfile.yaml_fast.simple_yaml_data`), as libyaml's would give them."""
    if path.suffix.lower() not in (".yaml", ".yml") or not path.is_file():
        return
    from progman.planfile.yaml_fast import simple_yaml_data  # noqa: PLC0415 - on use
    from progman.planfile.yaml_places import ParsedYaml, TreeLocator  # noqa: PLC0415

    limit = max_plan_bytes()
    try:
        if path.stat().st_size > limit:
            return
        raw = path.read_bytes()
    except OSError:  # the usual read says what is wrong
        return
    found = simple_yaml_data(raw, str(path))
    if found is not None:
        data, buffer, tree = found
        usual = FileLocator(path, str(path), limit)
        _raise_problems(data, TreeLocator(ParsedYaml(raw, buffer, tree), str(path), usual))


def _raise_problems(data: dict[str, Any], places: Locator | None) -> None:
    """Raise the problems of a plan the gate refused, found by checking only the tasks it
    cannot prove right (:mod:`~progman.planfile.broken`), if it can tell them."""
    from progman.planfile.broken import excerpt_problems  # noqa: PLC0415 - only on failure

    problems = excerpt_problems(data, places or NoPlaces())
    if problems:
        raise PlanInvalid(problems)


def simple_columns(
    data: dict[str, Any], places: Locator | None = None, *, sealed: bool = False
) -> ColumnarPlan | str:
    """The plan of parsed ``data`` as columns, or why it must go the usual way."""
    projects = data.get("projects")
    if type(projects) is not list or not all_of(dict, projects):
        return "the projects are not a list of mappings"
    shell = _shell(data, projects)
    if isinstance(shell, str):
        return shell
    header, named = shell
    found = _task_columns(projects, {r.id for r in header.resources})
    return _plan(header, named, found, data, places, sealed=sealed)


def _typed_json(path: Path, sealed: bool) -> ColumnarPlan | str | None:
    """The JSON (or YAML: :mod:`~progman.planfile.yaml_fast`) plan file at ``path``
    through the typed decode and the gate; or why the gate refuses it (the parsed data
    would be the same: the object path reads it); or None when it is not of the typed
    shape (the usual parse and the gate read it, and report any problem, the file's size
    too)."""
    suffix = path.suffix.lower()
    if suffix not in (".json", ".yaml", ".yml") or not path.is_file():
        return None
    display, limit = str(path), max_plan_bytes()
    try:
        if path.stat().st_size > limit:
            return None
        raw = path.read_bytes()
    except OSError:  # the usual read says what is wrong
        return None
    if suffix == ".json":
        decoded = decode_simple_json(raw)
    else:
        from progman.planfile.yaml_fast import decode_simple_yaml  # noqa: PLC0415 - on use

        decoded = decode_simple_yaml(raw, display)
    if decoded is None:
        return None
    head, counts, fields = decoded
    shell = _shell(head, head["projects"])
    if isinstance(shell, str):
        return shell
    header, named = shell
    found = _columns(fields, len(counts), counts, {r.id for r in header.resources})
    places = FileLocator(path, display, limit)
    return _plan(header, named, found, partial(_parsed, raw, display), places, sealed=sealed)


def _parsed(raw: bytes, display: str) -> dict[str, Any]:
    """The data of a plan file the typed decode read (so UTF-8 JSON, a mapping), as the
    usual parse gives it."""
    data: dict[str, Any] = load_document(raw.decode("utf-8-sig"), display)
    return data


def _plan(
    header: Program,
    named: list[str],
    found: tuple[TaskColumns, bool] | str,
    source: dict[str, Any] | Callable[[], dict[str, Any]],
    places: Locator | None,
    *,
    sealed: bool,
) -> ColumnarPlan | str:
    """The columnar plan of the checked ``header`` and the tasks' columns ``found``."""
    if isinstance(found, str):
        return found
    table, ordered = found
    if named and not set(table.ids).issuperset(named):
        return "a risk or a benefit names no task"
    if check_program(header):
        return "the program's own fields have problems"
    return ColumnarPlan(header, table, source, places, ordered, sealed)


def _shell(data: dict[str, Any], projects: list[dict[str, Any]]) -> tuple[Program, list[str]] | str:
    """The program without its tasks, validated, if nothing in it names a task but the
    risks' ``affects`` and the benefits' ``depends_on``: those are left out of it and
    returned, to be found among the tasks (then no check of the program depends on its
    tasks). A known task's id is a valid value there."""
    for section in _NAMING_TASKS:
        if data.get(section):
            return f"the {section} may name tasks"
    shell = dict(data)
    named: list[str] = []
    for section, name in _NAMING_FIELD.items():
        entries = data.get(section) or []
        if type(entries) is not list or not all_of(dict, entries):
            return f"the {section} are not a list of mappings"
        given = [e[name] for e in entries if name in e]
        if not all_of(list, given) or not all_of(str, list(chain.from_iterable(given))):
            return f"the {section} name tasks other than by a list of ids"
        named += chain.from_iterable(given)
        if given:
            shell[section] = [{**e, name: []} if name in e else e for e in entries]
    shell["projects"] = [{**p, "tasks": []} if "tasks" in p else p for p in projects]
    try:
        program = Program.model_validate(shell)
    except ValidationError:
        return "the program's own fields are not valid"
    return program, named


def _task_columns(
    projects: list[dict[str, Any]], people: set[str]
) -> tuple[TaskColumns, bool] | str:
    """The tasks of ``projects`` as columns, and whether every link runs forward; or why
    the object path must read them. Each test below is one the object path makes too;
    ``people``: the ids of the program's resources."""
    task_lists = list(map(_get, projects, repeat("tasks"), repeat([])))
    if not all_of(list, task_lists) or not all_of(dict, list(chain.from_iterable(task_lists))):
        return "a task list that is not a list of mappings"
    tree = _tree(task_lists)
    if isinstance(tree, str):
        return tree
    tasks, counts, parent_of = tree
    if not all(map(TASK_FIELDS.issuperset, map(dict.keys, tasks))):
        return "a task with fields beyond the simple ones"
    children = None
    if parent_of is not None:
        children = list(map(_get, tasks, repeat("tasks"), repeat(None)))
        summaries = list(map(tasks.__getitem__, (k for k, below in enumerate(children) if below)))
        if not all(map(SUMMARY_FIELDS.issuperset, map(dict.keys, summaries))):
            return "a summary task with fields of its own beyond its links"
    fields = fields_of_dicts(tasks, _ABSENT)
    return _columns(fields, len(projects), counts, people, parent_of=parent_of, children=children)


def _columns(
    fields: TaskFields,
    projects: int,
    counts: list[int],
    people: set[str],
    *,
    parent_of: np.ndarray | None = None,
    children: list[Any] | None = None,
) -> tuple[TaskColumns, bool] | str:
    """The checks of :func:`_task_columns` over the tasks' fields; ``counts``: how many
    tasks each of the ``projects`` has; ``parent_of`` and ``children``: the subtasks."""
    ids, names, n = fields.ids, fields.names, len(fields.ids)
    if not fields.typed and (not all_of(str, ids) or not all_of(str, names)):
        return "an id or a name that is not text"
    joined = "\n".join(ids)
    if not _plain_ids(ids, joined):
        return "an id that is not plain"
    if "-" in joined and any(map(_LAG_AT_END, ids)):
        return "an id that reads as a link with a lag ('A-1d')"
    # pydantic strips whitespace; for ASCII text Python's strip agrees with it
    if not "".join(names).isascii() or list(map(str.strip, names)) != names:
        return "a name that needs stripping"
    index = dict(zip(ids, range(n), strict=True))
    if len(index) != n:
        return "a duplicate task id"
    duration = _durations(fields.durations)
    if isinstance(duration, str):
        return duration
    estimate = _estimates(fields.estimates)
    if isinstance(estimate, str):
        return estimate
    milestone = fields.milestone
    if not fields.typed and not all_of(bool, milestone):
        return "a milestone flag that is not true or false"
    marked = [k for k, flag in enumerate(milestone) if flag] if any(milestone) else []
    if any(duration[k] is not None or estimate[k] is not None for k in marked):
        return "a milestone with a length"
    links = _links(fields.depends, index, typed=fields.typed, counts=fields.link_counts)
    if isinstance(links, str):
        return links
    assigned = _assignments(fields.resources, fields.absent, people)
    if isinstance(assigned, str):
        return assigned
    succ = np.repeat(np.arange(n, dtype=np.int64), links.counts)
    if (links.pred == succ).any():
        return "a task that depends on itself"
    if parent_of is not None and _links_in_line(parent_of, links.pred, succ):
        return "a link between a summary task and its own subtask"
    if children is not None and _summary_typed_links(children, links, succ):
        return "a link of another type than finish-to-start at a summary task"
    table = TaskColumns(
        ids=ids,
        names=names,
        project_of=np.repeat(np.arange(projects, dtype=np.int64), counts),
        duration=duration,
        estimate=estimate,
        milestone=milestone,
        links=links,
        resources=assigned,
        parent_of=parent_of,
        children=None if children is None else list(map(_ids_of, children)),
    )
    return table, bool((links.pred < succ).all())


def _id_characters() -> tuple[bytes, np.ndarray] | None:
    """The id pattern ``^[first][rest]*$`` as the ASCII characters ``rest`` allows (with
    the newline that joins ids) and a table of those ``first`` allows, by code; None if
    the pattern is not of that shape or allows a character beyond ASCII."""
    shape = re.fullmatch(r"\^(\[[^\]]+\])(\[[^\]]+\])\*\$", ID_PATTERN)
    if shape is None:
        return None
    for group in shape.groups():  # ASCII characters and ranges only (no ``\w``, no ``^``)
        if not re.fullmatch(r"\[[ -~]+\]", group) or group[1] == "^":
            return None
        if re.search(r"\\[A-Za-z]", group):
            return None
    first, rest = (re.compile(group).fullmatch for group in shape.groups())
    later = bytes(c for c in range(128) if rest(chr(c)) and c != ord("\n"))
    leading = np.array([bool(first(chr(c))) for c in range(256)])
    return later + b"\n", leading


_ID_CHARACTERS = _id_characters()


def _plain_ids(ids: Sequence[str], joined: str) -> bool:
    """Whether every one of ``ids`` (texts) matches the id pattern and is at most
    ``ID_MAX_LENGTH`` long: a few passes in C over ``joined`` (the ids joined by
    newlines) instead of one match per id."""
    if _ID_CHARACTERS is None:
        return max(map(len, ids), default=0) <= ID_MAX_LENGTH and all(map(_PLAIN_ID, ids))
    if not ids:
        return True
    allowed, leading = _ID_CHARACTERS
    if not joined.isascii():
        return False
    text = joined.encode("ascii")
    if text.translate(None, allowed):  # a character no id may hold
        return False
    codes = np.frombuffer(text, dtype=np.uint8)
    breaks = np.flatnonzero(codes == ord("\n"))
    if breaks.size != len(ids) - 1:  # an id holding a newline
        return False
    starts = np.concatenate([[0], breaks + 1])
    lengths = np.append(breaks, codes.size) - starts
    if lengths.min() < 1 or lengths.max() > ID_MAX_LENGTH:
        return False
    return bool(leading[codes[starts]].all())


def _ids_of(children: list[dict[str, Any]] | None) -> tuple[str, ...]:
    """The ids of a task's subtasks (the build asks only whether there are any)."""
    return tuple(map(_get, children, repeat("id"))) if children else ()


def _tree(
    task_lists: list[list[dict[str, Any]]],
) -> tuple[list[dict[str, Any]], list[int], np.ndarray | None] | str:
    """Every task depth first in file order (as the build numbers them), how many each
    project has, and each task's parent (None: no task has subtasks)."""
    if not any(map(dict.__contains__, chain.from_iterable(task_lists), repeat("tasks"))):
        return list(chain.from_iterable(task_lists)), list(map(len, task_lists)), None
    tasks: list[dict[str, Any]] = []
    parents: list[int] = []
    counts: list[int] = []
    for top in task_lists:
        before = len(tasks)
        stack = [(entry, -1) for entry in reversed(top)]
        while stack:
            entry, parent = stack.pop()
            if type(entry) is not dict:
                return "a subtask that is not a mapping"
            parents.append(parent)
            tasks.append(entry)
            below = entry.get("tasks", [])
            if type(below) is not list:
                return "subtasks that are not a list"
            index = len(tasks) - 1
            stack.extend((child, index) for child in reversed(below))
        counts.append(len(tasks) - before)
    return tasks, counts, np.array(parents, dtype=np.int64)


def _links_in_line(parent_of: np.ndarray, pred: np.ndarray, succ: np.ndarray) -> bool:
    """Whether a link joins a task and one of its own ancestors. Depth first, a task's
    subtree is the run of indexes from it up to ``end`` (exclusive)."""
    size = np.ones(parent_of.size, dtype=np.int64)
    parents = parent_of.tolist()
    for k in range(len(parents) - 1, -1, -1):  # children come after their parents
        if parents[k] >= 0:
            size[parents[k]] += size[k]
    end = np.arange(parent_of.size, dtype=np.int64) + size
    below_pred = (pred < succ) & (succ < end[pred])
    below_succ = (succ < pred) & (pred < end[succ])
    return bool((below_pred | below_succ).any())


def _durations(texts: list[Any]) -> list[Duration | None] | str:
    """Each task's duration, each distinct text parsed once (so equal ones are shared)."""
    parsed: dict[Any, Duration | None] = {}
    if not set(map(type, texts)) <= {str, type(None)}:  # a list or a mapping: not hashable
        return "a duration that is not a text"
    for text in dict.fromkeys(texts):
        if text is None:
            parsed[None] = None
            continue
        amount = duration_of_text(text) if type(text) is str else None
        if amount is None or amount.amount < 0:
            return "a duration that is not valid"
        parsed[text] = amount
    return list(map(parsed.__getitem__, texts))


def _estimates(givens: list[Any]) -> list[ThreePointEstimate | None] | str:
    """Each task's three-point estimate, each distinct one validated once by its model."""
    found: list[ThreePointEstimate | None] = [None] * len(givens)
    made: dict[tuple[str, ...], ThreePointEstimate] = {}
    if givens.count(None) == len(givens):
        return found
    for k, given in enumerate(givens):
        if given is None:
            continue
        if type(given) is not list or not all(type(text) is str for text in given):
            return "an estimate that is not a list of texts"
        key = tuple(given)
        estimate = made.get(key)
        if estimate is None:
            try:
                estimate = made[key] = ThreePointEstimate.model_validate(given)
            except ValidationError:
                return "an estimate that is not valid"
        found[k] = estimate
    return found


_ABSENT = object()


def _assignments(
    given: list[Any], absent: Any, people: set[str]
) -> list[Sequence[Assignment]] | str | None:
    """Each task's assignments (None: no task has any), from the short form ``{ana: 1.0}``
    naming known resources; ``absent``: what a task without any has. Each distinct
    (resource, units) validated once by its model and shared. The long form (roles,
    skills, work) goes the usual way."""
    if given.count(absent) == len(given):
        return None
    holders = [k for k, mapping in enumerate(given) if mapping != absent]
    mappings = list(map(given.__getitem__, holders))
    if not all_of(dict, mappings):
        return "resources that are not a mapping of units"
    names = list(chain.from_iterable(mappings))
    units = list(chain.from_iterable(map(dict.values, mappings)))
    pairs = list(zip(names, units, strict=True))
    if not people.issuperset(names) or not set(map(type, units)) <= {int, float}:
        return "resources that are not known people with their units"
    made: dict[tuple[str, float], Assignment] = {}
    for who, amount in dict.fromkeys(pairs):
        try:
            made[who, amount] = Assignment.model_validate({"resource": who, "units": amount})
        except ValidationError:
            return "units that are not valid"
    each = iter(list(map(made.__getitem__, pairs)))
    none: Sequence[Assignment] = ()
    found: list[Sequence[Assignment]] = [none] * len(given)
    for k, mapping in zip(holders, mappings, strict=True):
        found[k] = list(islice(each, len(mapping)))
    return found


def _links(
    depends: list[Any], index: dict[str, int], *, typed: bool, counts: np.ndarray | None = None
) -> LinkColumns | str:
    """The links as indexes of known tasks, with their types and lags. A bare id is read
    by a look-up; any other text (``X SS+2d``, ``X-1d``) is parsed by the model once per
    distinct text. A text naming no task (a typo) goes the usual way, which reports it.
    ``typed``: the decoder made sure that ``depends`` are lists of texts; ``counts``: their
    lengths, if counted already."""
    if not typed and not all_of(list, depends):
        return "a depends that is not a list"
    if counts is None:
        counts = np.fromiter(map(len, depends), dtype=np.int64, count=len(depends))
    if typed:  # texts: each a known id, most likely, read straight into the array
        m = int(counts.sum())
        try:
            pred = np.fromiter(
                map(index.__getitem__, chain.from_iterable(depends)), dtype=np.int64, count=m
            )
        except KeyError:  # a typed link, a lag or a typo: each text below
            pass
        else:
            return LinkColumns(pred, counts, np.full(m, FS, dtype=np.int8))
    flat = list(chain.from_iterable(depends))
    if not typed and not all_of(str, flat):
        return "a link that is not text"
    m = len(flat)
    pred = np.fromiter(map(index.get, flat, repeat(-1)), dtype=np.int64, count=m)
    kind = np.full(m, FS, dtype=np.int8)
    written = np.flatnonzero(pred < 0).tolist()
    if not written:
        return LinkColumns(pred, counts, kind)
    parsed: dict[str, tuple[int, int, Duration]] = {}
    for text in dict.fromkeys(map(flat.__getitem__, written)):
        try:
            link = Dependency.model_validate(text)
        except ValidationError:
            return "a link that is not valid"
        known = index.get(link.task)
        if known is None:
            return "a link that names no task"
        parsed[text] = (known, LINK_CODES[link.type], link.lag)
    lags: list[Duration] = [NO_LAG] * m
    for k in written:
        pred[k], kind[k], lags[k] = parsed[flat[k]]
    return LinkColumns(pred, counts, kind, lags)


def _summary_typed_links(children: list[Any], links: LinkColumns, succ: np.ndarray) -> bool:
    """Whether a link other than finish-to-start starts or ends at a summary task (some
    of those the usual check refuses: it says which and why)."""
    summary = np.fromiter(map(bool, children), dtype=bool, count=len(children))
    typed = links.kind != FS
    return bool((typed & (summary[links.pred] | summary[succ])).any())


__all__ = ["TASK_FIELDS", "ColumnarPlan", "load_plan_columns", "simple_columns"]
