"""The fields of a plan's tasks as columns, and a typed decode of a JSON plan of simple tasks.

The gate (:mod:`progman.planfile.columnar`) checks a plan's tasks field by field, over
columns: every task's id, every task's name, and so on. :func:`fields_of_dicts` reads
those columns from parsed data. For a JSON plan file, :func:`decode_simple_json` gets
them in one pass of msgspec's typed decoder instead: the text is parsed, the fields of
each task are told apart, and their types checked, in C, without making a dict per task
(about half the cost of ``orjson.loads`` plus the gate's own type checks at 100k tasks).

It only accepts, as the gate does: a text that is not JSON, a task with another field or
another type than the simple ones, a repeated key, or any value it cannot be sure of
makes it answer None, and the plan is read the usual way (``orjson`` and the loader),
which reports every problem as it always has.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain, repeat
from operator import attrgetter
from typing import Any

import msgspec
import numpy as np
import orjson

from progman.planfile.source import quotes_in


@dataclass(frozen=True)
class TaskFields:
    """Each field of the simple tasks, one list per field in table order, as written in
    the plan; a missing field is None (``depends``: ``[]``, ``milestone``: False;
    ``resources``: ``absent``). Values are not yet checked but for their JSON types."""

    ids: list[Any]
    names: list[Any]
    durations: list[Any]
    estimates: list[Any]
    depends: list[Any]
    milestone: list[Any]
    resources: list[Any]
    #: the marker of a task without ``resources``
    absent: Any = None
    #: the decoder checked the types: texts, lists of texts, true or false
    typed: bool = False
    #: int64[n] how many links each task has (None: not counted yet)
    link_counts: np.ndarray | None = None


_get: Any = dict.get


def all_of(kind: type, values: list[Any]) -> bool:
    """Every one of ``values`` is exactly of type ``kind`` (not a subclass: ``True`` is no
    number here); one pass in C. For the gate and for the broken plans' suspects."""
    return set(map(type, values)) <= {kind}


def fields_of_dicts(tasks: list[dict[str, Any]], absent: Any) -> TaskFields:
    """The fields of parsed tasks (dicts), each column read in one pass in C."""
    return TaskFields(
        ids=list(map(_get, tasks, repeat("id"))),
        names=list(map(_get, tasks, repeat("name"))),
        durations=list(map(_get, tasks, repeat("duration"))),
        estimates=list(map(_get, tasks, repeat("estimate"))),
        depends=list(map(_get, tasks, repeat("depends"), repeat([]))),
        milestone=list(map(_get, tasks, repeat("milestone"), repeat(False))),
        resources=list(map(_get, tasks, repeat("resources"), repeat(absent))),
        absent=absent,
    )


class _Task(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """A simple task as JSON may write it. A field written with its default value (an
    explicit ``null``, ``[]``, ``false`` or ``{}``) is told apart from a missing one only
    by the count of strings (see :func:`_strings_of`): such a plan goes the usual way.
    Its fields hold no reference cycle: the collector need not track it (``gc=False``)."""

    id: str
    name: str
    duration: str | None = None
    estimate: list[str] | None = None
    depends: list[str] = []
    milestone: bool = False
    resources: dict[str, float] = {}


class _PlainTask(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """A task of the fields most plans' tasks have, tried first: a project none of whose
    tasks has another is decoded as these, and the other fields' columns are their
    defaults, known without searching the text for them or reading them task by task."""

    id: str
    name: str
    duration: str | None = None
    depends: list[str] = []


_TOP = msgspec.json.Decoder(dict[str, msgspec.Raw])
_PROJECTS = msgspec.json.Decoder(list[dict[str, msgspec.Raw]])
_TASKS = msgspec.json.Decoder(list[_Task])
_PLAIN_TASKS = msgspec.json.Decoder(list[_PlainTask])
#: the fields a :class:`_PlainTask` has not got
_BEYOND_PLAIN = frozenset({"estimate", "milestone", "resources"})
#: each field of a task, and its value when the task has not got it (never changed)
_DEFAULTS: tuple[tuple[str, Any], ...] = (
    ("id", None),
    ("name", None),
    ("duration", None),
    ("estimate", None),
    ("depends", []),
    ("milestone", False),
    ("resources", {}),
)


def _column(
    text: bytes, task_lists: list[list[Any]], plain: list[bool], name: str, default: Any
) -> list[Any]:
    """The values of one field of every task; a field whose name is nowhere in the text
    is its default at every task, known without reading the tasks; so is a field beyond
    the plain ones in a project decoded ``plain``."""
    if name in _BEYOND_PLAIN:
        if all(plain):
            return [default] * sum(map(len, task_lists))
        read = attrgetter(name)
        return list(
            chain.from_iterable(
                [default] * len(tasks) if simple else map(read, tasks)
                for tasks, simple in zip(task_lists, plain, strict=True)
            )
        )
    tasks = chain.from_iterable(task_lists)
    if name in ("id", "name") or f'"{name}"'.encode() in text:
        return list(map(attrgetter(name), tasks))
    return [default] * sum(map(len, task_lists))


def _tasks(text: bytes) -> tuple[list[Any], bool]:
    """A project's tasks (JSON ``text``) and whether they were read as plain tasks
    (:class:`_PlainTask`); a task with another field makes it read them all as
    :class:`_Task` (most such plans have it in their first task: little is read twice)."""
    try:
        return _PLAIN_TASKS.decode(text), True
    except msgspec.ValidationError:
        return _TASKS.decode(text), False


def decode_simple_json(text: bytes) -> tuple[dict[str, Any], list[int], TaskFields] | None:
    """The plan in JSON ``text`` (UTF-8) without its tasks (``projects`` with empty task
    lists; each value as ``orjson`` reads it), how many tasks each project has, and the
    tasks' fields; or None when the text is anything else than a plan of simple tasks with
    no repeated key (then the usual parse reads it). A plain field's key written with
    escapes is missed by :func:`_column`'s search, but not by the count of strings: None
    as well (any other field is read from the decoded tasks, escapes and all)."""
    try:
        top = _TOP.decode(text)
        projects = _PROJECTS.decode(top["projects"]) if "projects" in top else None
        if projects is None:
            return None
        head = {k: orjson.loads(bytes(v)) for k, v in top.items() if k != "projects"}
        shells = [
            {k: orjson.loads(bytes(v)) if k != "tasks" else [] for k, v in p.items()}
            for p in projects
        ]
        decoded = [_tasks(p["tasks"]) if "tasks" in p else ([], True) for p in projects]
    except (msgspec.DecodeError, orjson.JSONDecodeError):
        return None
    head["projects"] = shells
    task_lists = [tasks for tasks, _ in decoded]
    plain = [simple for _, simple in decoded]
    columns = {name: _column(text, task_lists, plain, name, default) for name, default in _DEFAULTS}
    n = len(columns["id"])
    fields = TaskFields(
        ids=columns["id"],
        names=columns["name"],
        durations=columns["duration"],
        estimates=columns["estimate"],
        depends=columns["depends"],
        milestone=columns["milestone"],
        resources=columns["resources"],
        absent={},
        typed=True,
        link_counts=np.fromiter(map(len, columns["depends"]), dtype=np.int64, count=n),
    )
    if quotes_in(text) != quotes_in(orjson.dumps(head)) + 2 * _strings_of(fields, all(plain)):
        return None  # a repeated key (or a default written out): the usual way
    return head, list(map(len, task_lists)), fields


def _strings_of(fields: TaskFields, plain: bool = False) -> int:
    """How many JSON strings (keys and values) the tasks hold: as many as the text has
    when no key was repeated (a repeated key keeps only its last value) and no field was
    written with its default value. ``plain``: the tasks have only the plain fields."""
    n = len(fields.ids)
    links = fields.link_counts
    if links is None:
        links = np.fromiter(map(len, fields.depends), dtype=np.int64, count=n)
    strings = (
        4 * n  # id and name: key and value
        + 2 * (n - fields.durations.count(None))
        + int(np.count_nonzero(links))  # the key of a list of links (an empty one: none)
        + int(links.sum())
    )
    if plain:
        return strings
    given_estimates = list(filter(None, fields.estimates))  # an empty one: no match
    given_resources = n - fields.resources.count({})
    return int(
        strings
        + len(given_estimates)
        + sum(map(len, given_estimates))
        + sum(fields.milestone)
        + given_resources
        + sum(map(len, fields.resources))
    )


__all__ = ["TaskFields", "decode_simple_json", "fields_of_dicts"]
