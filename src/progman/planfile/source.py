"""Read YAML/JSON text into plain data while remembering where every value came from.

PyYAML's C parser builds a node tree with line/column marks; we construct plain Python
values from it ourselves so that each value's position is kept in a :class:`Positions`
index keyed by its path (``("projects", 1, "tasks", 0, "depends", 0)``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from progman.errors import Location, Problem

PathKey = tuple[str | int, ...]

#: A plan holding more values than this is refused: protects against alias ("billion laughs") bombs.
MAX_VALUES = 5_000_000

_BOOL_WORDS = {"true", "false"}

try:  # the C parser is ~10x faster; fall back to the pure Python one where libyaml is missing
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader


@dataclass
class Positions:
    """Where each value (and each mapping key) of a parsed document stands."""

    values: dict[PathKey, Location] = field(default_factory=dict)
    keys: dict[PathKey, Location] = field(default_factory=dict)

    def locate(self, path: PathKey, *, key: bool = False) -> Location:
        """The position of ``path``, or of its nearest ancestor that has one."""
        table = self.keys if key else self.values
        if key and path in table:
            return table[path]
        probe = path
        while probe:
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), Location())

    def absorb(self, other: Positions, remap: Any) -> None:
        """Add ``other``'s positions with each path passed through ``remap``."""
        for path, where in other.values.items():
            self.values[remap(path)] = where
        for path, where in other.keys.items():
            self.keys[remap(path)] = where


class DocumentError(Exception):
    """The text is not well-formed YAML/JSON, or exceeds a limit; carries one problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.positions = Positions()
        self.constructor = yaml.SafeLoader("")  # only its construct_* methods are used

    def where(self, node: yaml.Node) -> Location:
        mark = node.start_mark
        return Location(self.file, mark.line + 1, mark.column + 1)

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self.positions.values[path] = self.where(node)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        return self.scalar(node)

    def mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[Any, Any]:
        self.constructor.flatten_mapping(node)  # resolves YAML merge keys (<<)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str | int | float) or isinstance(key, bool):
                key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else None
            if key is None:
                raise DocumentError(
                    Problem(
                        "plan.syntax", "a mapping key must be a plain value", self.where(key_node)
                    )
                )
            key = str(key) if not isinstance(key, str) else key
            if key in result:
                raise DocumentError(
                    Problem(
                        "plan.duplicate_key",
                        f"key '{key}' appears twice in the same mapping; keep one",
                        self.where(key_node),
                    )
                )
            self.positions.keys[(*path, key)] = self.where(key_node)
            result[key] = self.build(value_node, (*path, key))
        return result

    def scalar(self, node: yaml.ScalarNode) -> Any:
        """Construct a scalar, avoiding YAML 1.1 surprises (``no`` → False, ``1:30`` → 90)."""
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
                pass  # unusual spellings (0x1F, 1_000, .inf, 2027-1-4) go to PyYAML
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError) as exc:
            raise DocumentError(
                Problem("plan.syntax", f"cannot read value {text!r}: {exc}", self.where(node))
            ) from exc


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


def parse_document(text: str, file: str) -> tuple[Any, Positions]:
    """Parse one YAML or JSON document into plain data plus the position of every value."""
    if file.endswith(".json"):
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise DocumentError(
                Problem(
                    "plan.syntax", f"invalid JSON: {exc.msg}", Location(file, exc.lineno, exc.colno)
                )
            ) from exc
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
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
    if node is None:
        raise DocumentError(
            Problem(
                "plan.empty",
                "the file is empty; a plan starts with 'program: NAME'",
                Location(file, 1, 1),
            )
        )
    builder = _Builder(file)
    try:
        if _expanded_size(node) > MAX_VALUES:
            raise DocumentError(
                Problem(
                    "plan.too_large",
                    f"the document expands to more than {MAX_VALUES:,} values (aliases/anchors "
                    "nested too deeply?); simplify it",
                    Location(file, 1, 1),
                )
            )
        data = builder.build(node, ())
    except RecursionError as exc:
        raise DocumentError(
            Problem("plan.syntax", "the document is nested too deeply", Location(file))
        ) from exc
    return data, builder.positions


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
