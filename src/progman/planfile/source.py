"""Read YAML/JSON plan text into plain data at C speed; find positions only for problems.

The fast path keeps no positions: JSON goes through orjson, YAML through libyaml's
composer and a small builder that applies the plan's scalar rules. Only when there are
problems to report does a :class:`Locator` read the text once more to place all their
data paths (``("projects", 1, "tasks", 0, "depends", 0)``) at file:line:col: through the
YAML node tree's marks, or for JSON with a walk that skips at C speed every subtree no
problem is in (:mod:`progman.planfile.jsonscan`). A path that does not exist in the text
(a missing field) is placed at its nearest ancestor that does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import orjson
import yaml

from progman.errors import Location, Problem
from progman.planfile.jsonscan import PathKey, Spot, find_duplicate_key, json_places

__all__ = ["PathKey", "Spot"]

#: A document that expands (through aliases) to more values than this and than half its
#: length in characters is refused: protects against alias ("billion laughs") bombs.
MAX_VALUES = 5_000_000

_BOOL_WORDS = {"true", "false"}

try:  # the C parser is ~10x faster; fall back to the pure Python one where libyaml is missing
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader


class DocumentError(Exception):
    """The text is not well-formed YAML/JSON, or exceeds a limit; carries one problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def mark_location(file: str, mark: Any) -> Location:
    """A libyaml mark (0-based line and column) as a plan location."""
    return Location(file, mark.line + 1, mark.column + 1)


# -- YAML --------------------------------------------------------------------------------


class YamlScalars:
    """The plan's YAML rules: no YAML 1.1 surprises (``no`` → False, ``1:30`` → 90)."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.constructor = yaml.SafeLoader("")  # only its construct_* methods are used
        # merge keys (<<) and value keys (=) are resolved only in documents that can hold them
        self.merges = "<<" in text or "=" in text

    def scalar(self, node: yaml.ScalarNode) -> Any:
        tag, text = node.tag, node.value
        if tag == _STR:
            return text
        if tag == _BOOL:
            return text.lower() == "true" if text.lower() in _BOOL_WORDS else text
        if tag in _NUMBERS and ":" in text:
            return text
        fast = _FAST_SCALARS.get(tag)
        if fast is not None:
            try:
                return fast(text)
            except ValueError:
                pass  # unusual spellings (0x1F, .inf, 2027-1-4) go to PyYAML
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError) as exc:
            raise DocumentError(
                Problem(
                    "plan.syntax",
                    f"cannot read value {text!r}: {exc}",
                    mark_location(self.file, node.start_mark),
                )
            ) from exc

    def key(self, node: yaml.Node) -> str:
        """A mapping key as text: ``1`` → "1", ``true`` → "true", ``2027-01-04`` as written."""
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _STR:
                return str(node.value)
            value = self.scalar(node)
            if isinstance(value, str):
                return value
            if isinstance(value, int | float) and not isinstance(value, bool):
                return str(value)
            return str(node.value)
        raise DocumentError(
            Problem(
                "plan.syntax",
                "a mapping key must be a plain value",
                mark_location(self.file, node.start_mark),
            )
        )

    def pairs(self, node: yaml.MappingNode) -> list[tuple[yaml.Node, yaml.Node]]:
        """The mapping's key/value nodes with merge keys (<<) resolved."""
        if self.merges:
            try:
                self.constructor.flatten_mapping(node)
            except yaml.MarkedYAMLError as exc:  # `<<: text`: nothing to merge
                mark = exc.problem_mark or node.start_mark
                raise DocumentError(
                    Problem(
                        "plan.syntax",
                        "a merge key (<<) takes a mapping or a list of mappings, e.g. "
                        "'<<: *defaults'; found "
                        + (exc.problem or "something else").rsplit("found ", 1)[-1],
                        mark_location(self.file, mark),
                    )
                ) from exc
        return node.value  # type: ignore[no-any-return]


class _Builder(YamlScalars):
    """Plain Python values from a composed node tree; positions are not kept.

    Plain text scalars (most nodes) are taken inline, without a call per node.
    """

    def build(self, node: yaml.Node) -> Any:
        kind = type(node)
        if kind is _SCALAR:
            return node.value if node.tag == _STR else self.scalar(node)  # type: ignore[arg-type]
        if kind is yaml.MappingNode:
            return self.mapping(node)  # type: ignore[arg-type]
        build = self.build
        return [
            child.value if type(child) is _SCALAR and child.tag == _STR else build(child)
            for child in node.value
        ]

    def mapping(self, node: yaml.MappingNode) -> dict[str, Any]:
        result: dict[str, Any] = {}
        build = self.build
        for key_node, value_node in self.pairs(node):
            key = (
                key_node.value
                if type(key_node) is _SCALAR and key_node.tag == _STR
                else self.key(key_node)
            )
            if key in result:
                raise DocumentError(
                    Problem(
                        "plan.duplicate_key",
                        f"key '{key}' appears twice in the same mapping; keep one",
                        mark_location(self.file, key_node.start_mark),
                    )
                )
            if type(value_node) is _SCALAR and value_node.tag == _STR:
                result[key] = value_node.value
            else:
                result[key] = build(value_node)
        return result


_SCALAR = yaml.ScalarNode
_STR = "tag:yaml.org,2002:str"
_BOOL = "tag:yaml.org,2002:bool"
_NUMBERS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_FAST_SCALARS: dict[str, Any] = {
    "tag:yaml.org,2002:int": int,
    "tag:yaml.org,2002:float": float,
    "tag:yaml.org,2002:null": lambda text: None,
    "tag:yaml.org,2002:timestamp": lambda text: (
        date.fromisoformat(text) if len(text) == 10 else _no_fast_path(text)
    ),
}


def _no_fast_path(text: str) -> None:
    raise ValueError(text)


def compose_yaml(text: str, file: str) -> yaml.Node | None:
    """libyaml's node tree of the text (``None`` when empty); syntax errors say where."""
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        tab = _indenting_tab(text, exc)
        if tab is not None:
            line, column = tab
            message = "a tab character; indent with spaces (YAML does not allow tabs there)"
            raise DocumentError(
                Problem("plan.syntax", message, Location(file, line, column))
            ) from exc
        mark = exc.problem_mark or exc.context_mark
        where = mark_location(file, mark) if mark else Location(file)
        detail = exc.problem or str(exc)
        if exc.context:
            started = exc.context_mark
            at = (
                f" started at line {started.line + 1}, column {started.column + 1}"
                if started
                else ""
            )
            detail = f"{detail} ({exc.context}{at})"
        raise DocumentError(Problem("plan.syntax", f"invalid YAML: {detail}", where)) from exc
    except yaml.YAMLError as exc:
        raise DocumentError(Problem("plan.syntax", f"invalid YAML: {exc}", Location(file))) from exc


def _indenting_tab(text: str, error: yaml.MarkedYAMLError) -> tuple[int, int] | None:
    """Where (1-based line, column) a tab that YAML refuses stands, when one is the cause of
    ``error``: in the indentation of a line from the error's context to its problem, or at
    the problem itself. libyaml only says 'found character that cannot start any token'."""
    marks = [m for m in (error.context_mark, error.problem_mark) if m is not None]
    problem_text = error.problem or ""
    if not marks or not ("tab" in problem_text or "cannot start any token" in problem_text):
        return None
    lines = text.splitlines()
    first, last = min(m.line for m in marks), max(m.line for m in marks)
    for number in range(first, min(last, len(lines) - 1) + 1):
        line = lines[number]
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            return number + 1, indent.index("\t") + 1
    problem = error.problem_mark
    if problem is not None and problem.line < len(lines):
        line = lines[problem.line]
        if problem.column < len(line) and line[problem.column] == "\t":
            return problem.line + 1, problem.column + 1
    return None


def _load_yaml(text: str, file: str) -> Any:
    node = compose_yaml(text, file)
    if node is None:
        raise DocumentError(
            Problem(
                "plan.empty",
                "the file is empty; a plan starts with 'program: NAME'",
                Location(file, 1, 1),
            )
        )
    try:
        if _may_have_aliases(text):
            limit = max(MAX_VALUES, len(text) // 2)
            if _expanded_size(node) > limit:
                raise DocumentError(
                    Problem(
                        "plan.too_large",
                        f"the document expands to more than {limit:,} values (aliases/anchors "
                        "nested too deeply?); simplify it",
                        Location(file, 1, 1),
                    )
                )
        return _Builder(file, text).build(node)
    except RecursionError as exc:
        raise DocumentError(
            Problem("plan.syntax", "the document is nested too deeply", Location(file))
        ) from exc


_ANCHOR = re.compile(r"&\S")
_ALIAS = re.compile(r"\*\S")


def _may_have_aliases(text: str) -> bool:
    """False when the text certainly holds no alias: an anchor ``&a`` and an alias ``*a``
    both need a character right after their sign. A plain document pays two scans."""
    return bool(_ANCHOR.search(text) and _ALIAS.search(text))


def _expanded_size(node: yaml.Node, memo: dict[int, int] | None = None) -> int:
    """How many values the node becomes once every alias is expanded (memoised per node)."""
    memo = {} if memo is None else memo
    known = memo.get(id(node))
    if known is not None:
        return known
    size = 1
    if isinstance(node, yaml.MappingNode):
        size += sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    elif isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(child, memo) for child in node.value)
    memo[id(node)] = size
    return size


# -- JSON --------------------------------------------------------------------------------


def _load_json(text: str, file: str) -> Any:
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise DocumentError(_json_problem(text, file, exc)) from None
    if not _surely_unique_keys(text, data):
        duplicate = find_duplicate_key(text, file)
        if duplicate is not None:
            raise DocumentError(duplicate)
    return data


def _json_problem(text: str, file: str, error: json.JSONDecodeError) -> Problem:
    """The standard library's wording of a JSON syntax error (orjson's where it is stricter)."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        error = exc
    except ValueError:
        pass
    return Problem(
        "plan.syntax", f"invalid JSON: {error.msg}", Location(file, error.lineno, error.colno)
    )


def _surely_unique_keys(text: str, data: Any) -> bool:
    """True when no object of the text repeats a key, proven by counting (no walk).

    orjson keeps the last of repeated keys silently, dropping the first one's key string.
    Every string of the text is delimited by two unescaped quotes, and orjson writes each
    string the data kept the same way: if both hold as many strings, none was dropped.
    """
    return quotes_in(text) == quotes_in(orjson.dumps(data))


def quotes_in(text: str | bytes) -> int:
    """How many quotes of JSON ``text`` are not escaped: two per string it holds."""
    return _unescaped(text, '"' if isinstance(text, str) else b'"')


def _unescaped(text: Any, needle: Any) -> int:
    """How often ``needle`` occurs not escaped: after an even number of backslashes."""
    count, sign, prefix = text.count(needle), -1, needle[:0]
    if (b"\\" if isinstance(needle, bytes) else "\\") not in text:
        return int(count)  # one pass: no backslash, nothing escaped
    while True:
        prefix += b"\\" if isinstance(needle, bytes) else "\\"
        escaped = text.count(prefix + needle)
        if not escaped:
            return int(count)
        count += sign * escaped
        sign = -sign


# -- documents ---------------------------------------------------------------------------


def is_json(file: str) -> bool:
    return file.lower().endswith(".json")


def load_document(text: str, file: str) -> Any:
    """Parse one YAML or JSON document into plain data, fast and without positions.

    Raises :class:`DocumentError` (with file:line:col) for text that is not well formed.
    """
    return _load_json(text, file) if is_json(file) else _load_yaml(text, file)


def parse_document(text: str, file: str) -> tuple[Any, TextLocator]:
    """The document's data, and a :class:`Locator` for positions in its text."""
    return load_document(text, file), TextLocator(file, text)


def read_text(path: Path, display: str, max_bytes: int) -> str:
    """Read a plan file, refusing one over the size limit before reading it into memory."""
    size = path.stat().st_size
    if size > max_bytes:
        raise DocumentError(
            Problem(
                "plan.too_large",
                f"the file is {size / 2**20:.1f} MiB, over the limit of "
                f"{max_bytes / 2**20:.0f} MiB; "
                "split the program into a folder of files (one per project) or raise the limit "
                "with PROGMAN_MAX_PLAN_MB",
                Location(display),
            )
        )
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DocumentError(
            Problem(
                "plan.encoding",
                f"the file is not UTF-8 text (byte {exc.start}); save it as UTF-8",
                Location(display, line),
            )
        ) from exc


# -- positions ---------------------------------------------------------------------------


class Locator(Protocol):
    """Places data paths of one plan (a file, a folder) in its text."""

    def locate_all(self, spots: Sequence[Spot]) -> list[Location]:
        """The location of each spot, in order; one reading of the text for all of them."""
        ...


class NoPlaces:
    """For data that came from no file (a library call): problems carry no position."""

    def locate_all(self, spots: Sequence[Spot]) -> list[Location]:
        return [Location() for _ in spots]


class TextLocator:
    """Places paths in the text of one document."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.text = text

    def locate_all(self, spots: Sequence[Spot]) -> list[Location]:
        if not spots:
            return []
        try:
            if is_json(self.file):
                return json_places(self.text, self.file, spots)
            from progman.planfile.yaml_places import task_places  # noqa: PLC0415 - large ones

            found = task_places(self.text.encode("utf-8"), self.file, spots)
            return found if found is not None else _yaml_places(self.text, self.file, spots)
        except (DocumentError, RecursionError, ValueError, StopIteration):
            return [Location(self.file) for _ in spots]  # the text no longer parses


class FileLocator:
    """Places paths in a plan file, reading it again only when asked."""

    def __init__(self, source: Path, display: str, max_bytes: int) -> None:
        self.source = source
        self.display = display
        self.max_bytes = max_bytes

    def locate_all(self, spots: Sequence[Spot]) -> list[Location]:
        if not spots:
            return []
        try:
            text = read_text(self.source, self.display, self.max_bytes)
        except (DocumentError, OSError):
            return [Location(self.display) for _ in spots]
        return TextLocator(self.display, text).locate_all(spots)


# -- YAML --------------------------------------------------------------------------------


def _yaml_places(text: str, file: str, spots: Sequence[Spot]) -> list[Location]:
    root = compose_yaml(text, file)
    if root is None:
        return [Location(file) for _ in spots]
    rules = YamlScalars(file, text)
    entries: dict[int, dict[str, tuple[yaml.Node, yaml.Node]]] = {}

    def child(node: yaml.Node, part: str | int) -> tuple[yaml.Node | None, yaml.Node] | None:
        if isinstance(node, yaml.MappingNode):
            table = entries.get(id(node))
            if table is None:
                table = entries[id(node)] = {rules.key(k): (k, v) for k, v in rules.pairs(node)}
            return table.get(part) if isinstance(part, str) else None
        if isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            return (None, node.value[part]) if 0 <= part < len(node.value) else None
        return None

    return [mark_location(file, mark_of(root, path, key, child)) for path, key in spots]


#: A node's child named by a part of a path: (its key node or None in a sequence, the
#: child), or None when there is no such child.
Child = Callable[[yaml.Node, str | int], tuple[yaml.Node | None, yaml.Node] | None]


def mark_of(node: yaml.Node, path: Sequence[str | int], key: bool, child: Child) -> yaml.Mark:
    """The mark of a problem at ``path`` below ``node``: the deepest node the path reaches
    (the key itself when the problem is the key's, ``key``)."""
    mark = node.start_mark
    for depth, part in enumerate(path, 1):
        found = child(node, part)
        if found is None:
            break
        key_node, node = found
        if key and depth == len(path) and key_node is not None:
            return key_node.start_mark
        mark = node.start_mark
    return mark
