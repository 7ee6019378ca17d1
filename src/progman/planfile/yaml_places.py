"""Where a few tasks of a large YAML plan are, without composing the whole document.

Placing the problems of a broken 100,000-task YAML plan composed the whole text with
libyaml again (1.3M nodes, about 1.5 s) for a handful of positions. Each problem of a task
(``projects[p].tasks[t]...``) lies within that task's entry, so :func:`task_places` finds
the entry's first line with rapidyaml (the offset of its first key in the text), takes the
lines of the entry (up to the next line indented no deeper than its ``-``), and composes
only those with libyaml, whose marks, moved down by the lines before, are the positions
composing the whole document gives: the lines are the same, so are the columns.

It answers None (and the whole document is composed, as before) whenever it cannot be
sure: a spot outside the tasks, line breaks other than ``\\n``, an entry not written as
``- key: ...`` in block style, a piece that does not compose, or one whose keys are not
those rapidyaml read there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import yaml

from progman.errors import Location
from progman.planfile.source import (
    DocumentError,
    Locator,
    Spot,
    YamlScalars,
    compose_yaml,
    mark_location,
    mark_of,
)
from progman.planfile.yaml_fast import parse_in_place

try:
    import ryml
except ImportError:  # pragma: no cover - without rapidyaml the whole document is composed
    ryml = None

#: Below this many characters composing the whole text is cheap: it is done as before.
LARGE_TEXT = 1_000_000
#: Line breaks libyaml counts besides ``\n``: lines would be numbered otherwise.
_OTHER_BREAKS = tuple(b.encode() for b in ("\r", "\x85", "\u2028", "\u2029"))


class ParsedYaml(NamedTuple):
    """A YAML text's bytes and rapidyaml's tree of them, parsed in place in ``buffer``."""

    raw: bytes
    buffer: bytearray
    tree: Any


class TreeLocator:
    """Places the problems of a YAML plan file whose tree rapidyaml made already (to read
    its data): :func:`task_places` on that tree, else the file's usual locator."""

    def __init__(self, parsed: ParsedYaml, file: str, usual: Locator) -> None:
        self.parsed, self.file, self.usual = parsed, file, usual

    def locate_all(self, spots: Sequence[Spot]) -> list[Location]:
        found = task_places(self.parsed.raw, self.file, spots, self.parsed)
        return found if found is not None else self.usual.locate_all(spots)


def parsed_in_place(raw: bytes) -> ParsedYaml | None:
    """rapidyaml's tree of ``raw`` (a copy of it unescaped in place), or None."""
    buffer = bytearray(raw)  # rapidyaml unescapes scalars in it: lines counted in ``raw``
    tree = parse_in_place(buffer)
    return None if tree is None else ParsedYaml(raw, buffer, tree)


def task_places(
    raw: bytes, file: str, spots: Sequence[Spot], parsed: ParsedYaml | None = None
) -> list[Location] | None:
    """The location of each spot (all within tasks) in the YAML text ``raw`` (UTF-8), as
    composing the whole text places them; None when that is not sure (then compose the
    whole text). ``parsed``: rapidyaml's tree of ``raw``, if made already."""
    if ryml is None or len(raw) < LARGE_TEXT or not spots:
        return None
    if any(b in raw for b in _OTHER_BREAKS):
        return None
    entries: dict[tuple[int, int], list[int]] = {}
    for k, (path, _) in enumerate(spots):
        if len(path) < 4 or path[0] != "projects" or path[2] != "tasks":
            return None
        p, t = path[1], path[3]
        if type(p) is not int or type(t) is not int:
            return None
        entries.setdefault((p, t), []).append(k)
    parsed = parsed or parsed_in_place(raw)
    if parsed is None:
        return None
    tree = parsed.tree
    base = np.frombuffer(parsed.buffer, dtype=np.uint8).ctypes.data
    places = [Location(file)] * len(spots)
    for (p, t), which in entries.items():
        found = _entry(tree, base, raw, (p, t), file)
        if found is None:
            return None
        item, shift = found
        rules = YamlScalars(file, "")
        rules.merges = b"<<" in raw or b"=" in raw  # as for the whole text
        for k in which:
            path, key = spots[k]
            places[k] = _place(item, rules, (path[4:], key), file, shift)
    return places


def _entry(
    tree: Any, base: int, raw: bytes, at: tuple[int, int], file: str
) -> tuple[yaml.Node, int] | None:
    """Task ``t`` of project ``p`` (``at``) composed alone, and the lines before it; or None."""
    p, t = at
    projects = _child(tree, tree.root_id(), b"projects")
    project = _nth(tree, projects, p)
    tasks = _child(tree, project, b"tasks")
    entry = _nth(tree, tasks, t)
    if entry is None or not tree.is_map(entry) or not tree.num_children(entry):
        return None
    keys = [bytes(tree.key(child)) for child in _children(tree, entry)]
    first = tree.key(tree.first_child(entry))
    if not len(first):
        return None
    offset = np.frombuffer(first, dtype=np.uint8).ctypes.data - base
    if not 0 <= offset < len(raw):
        return None
    start = raw.rfind(b"\n", 0, offset) + 1
    end = raw.find(b"\n", offset)
    line = raw[start : end if end >= 0 else len(raw)]
    dash = len(line) - len(line.lstrip(b" "))
    if not line[dash:].startswith(b"- ") or start + dash + 2 > offset:
        return None  # not '- key: ...' with the first key on the dash's line
    # the entry ends where a line is indented no deeper than its dash
    ending = re.compile(rb"\n {0,%d}(?=[^ \n#])" % dash).search(raw, offset)
    piece = raw[start : ending.start() + 1 if ending else len(raw)]
    if b"\t" in piece:
        return None
    try:
        root = compose_yaml(piece.decode("utf-8"), file)
    except (DocumentError, UnicodeDecodeError):
        return None
    if not isinstance(root, yaml.SequenceNode) or len(root.value) != 1:
        return None
    item = root.value[0]
    if not isinstance(item, yaml.MappingNode):
        return None
    composed = [
        k.value.encode("utf-8") if isinstance(k, yaml.ScalarNode) else None for k, _ in item.value
    ]
    if composed != keys:
        return None
    return item, raw.count(b"\n", 0, start)


def _place(item: yaml.Node, rules: YamlScalars, spot: Spot, file: str, shift: int) -> Location:
    """As the whole document's walk places ``spot`` (below the entry: its path from the
    entry's fields on) (see ``source._yaml_places``)."""
    rest, key = spot
    mark = mark_of(item, rest, key, lambda node, part: _below(node, part, rules))
    where = mark_location(file, mark)
    return Location(where.file, (where.line or 0) + shift, where.column)


def _below(
    node: yaml.Node, part: Any, rules: YamlScalars
) -> tuple[yaml.Node | None, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        table = {rules.key(k): (k, v) for k, v in rules.pairs(node)}
        return table.get(part) if isinstance(part, str) else None
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int):
        return (None, node.value[part]) if 0 <= part < len(node.value) else None
    return None


def _children(tree: Any, node: int) -> list[int]:
    found = []
    child = tree.first_child(node)
    while child != _NONE:
        found.append(child)
        child = tree.next_sibling(child)
    return found


def _child(tree: Any, node: int | None, name: bytes) -> int | None:
    if node is None or not tree.is_map(node):
        return None
    found = tree.find_child(node, name)
    return None if found == _NONE else found


def _nth(tree: Any, node: int | None, n: int) -> int | None:
    if node is None or not tree.is_seq(node) or not 0 <= n < tree.num_children(node):
        return None
    found = tree.child(node, n)
    return None if found == _NONE else found


_NONE = ryml.NONE if ryml is not None else -1

__all__ = ["ParsedYaml", "TreeLocator", "parsed_in_place", "task_places"]
