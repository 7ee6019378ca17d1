"""Positions in JSON text, found by a walk that steps only where it is asked to.

The walk follows a trie of data paths through the text and skips every value off the
trie with the standard library's C scanner, so placing any number of problems costs about
one ``json.loads`` of the text. The same walk, asked to visit everything, finds a key an
object repeats (orjson keeps the last one silently).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

from progman.errors import Location, Problem

PathKey = tuple[str | int, ...]
#: A data path, and whether the mapping key (rather than the value) at its end is meant.
Spot = tuple[PathKey, bool]

_SPACE = re.compile(r"[ \t\n\r]*")


def _space(text: str, i: int) -> int:
    return _SPACE.match(text, i).end()  # type: ignore[union-attr]


class _Everything(dict[Any, Any]):
    """A path trie that holds every path: the walk visits the whole document."""

    def get(self, key: Any, default: Any = None) -> Any:
        return self

    def __bool__(self) -> bool:
        return True


class _Repeated(Exception):
    def __init__(self, key: str, offset: int) -> None:
        self.key = key
        self.offset = offset


class _JsonWalk:
    """Steps through JSON text along a trie of paths, recording where values and keys start.

    Whatever is off the trie is skipped by the C scanner, so the walk costs about one
    ``json.loads`` of the part of the text before the last path, plus a little per path.
    """

    def __init__(self, text: str, *, unique: bool = False) -> None:
        self.text = text
        self.unique = unique
        self.values: dict[PathKey, int] = {}
        self.keys: dict[PathKey, int] = {}
        self.scan = json.JSONDecoder().scan_once  # type: ignore[attr-defined]

    def walk(self, i: int, trie: dict[Any, Any], path: PathKey) -> int:
        """Visit the value starting at offset ``i``; return the offset after it."""
        if not self.unique:
            self.values[path] = i
        opener = self.text[i]
        if trie and opener == "{":
            return self._object(i, trie, path)
        if trie and opener == "[":
            return self._array(i, trie, path)
        return int(self.scan(self.text, i)[1])

    def _object(self, i: int, trie: dict[Any, Any], path: PathKey) -> int:
        text = self.text
        i = _space(text, i + 1)
        if text[i] == "}":
            return i + 1
        seen: set[str] = set()
        while True:
            key, after = scanstring(text, i + 1)
            if self.unique:
                if key in seen:
                    raise _Repeated(key, i)
                seen.add(key)
            at, sub = i, trie.get(key)
            i = _space(text, _space(text, after) + 1)  # past the colon
            if sub is None:
                i = self.scan(text, i)[1]
            else:
                if not self.unique:
                    self.keys[(*path, key)] = at
                i = self.walk(i, sub, (*path, key))
            i = _space(text, i)
            if text[i] == "}":
                return i + 1
            i = _space(text, i + 1)  # past the comma

    def _array(self, i: int, trie: dict[Any, Any], path: PathKey) -> int:
        text = self.text
        i = _space(text, i + 1)
        if text[i] == "]":
            return i + 1
        index = 0
        while True:
            sub = trie.get(index)
            i = self.scan(text, i)[1] if sub is None else self.walk(i, sub, (*path, index))
            i = _space(text, i)
            if text[i] == "]":
                return i + 1
            i = _space(text, i + 1)
            index += 1


def json_places(text: str, file: str, spots: Sequence[Spot]) -> list[Location]:
    """Where each spot stands in well-formed JSON text (nearest existing ancestor)."""
    trie: dict[Any, Any] = {}
    for path, _ in spots:
        node = trie
        for part in path:
            node = node.setdefault(part, {})
    walk = _JsonWalk(text)
    walk.walk(_space(text, 0), trie, ())
    offsets = []
    for path, key in spots:
        if key and path in walk.keys:
            offsets.append(walk.keys[path])
            continue
        probe = path
        while probe and probe not in walk.values:
            probe = probe[:-1]
        offsets.append(walk.values.get(probe, 0))
    lines = lines_and_columns(text, offsets)
    return [Location(file, *lines[offset]) for offset in offsets]


def lines_and_columns(text: str, offsets: Sequence[int]) -> dict[int, tuple[int, int]]:
    """1-based line and column of each offset, in one pass over the text."""
    found: dict[int, tuple[int, int]] = {}
    line, done, line_start = 1, 0, 0
    for offset in sorted(set(offsets)):
        line += text.count("\n", done, offset)
        newline = text.rfind("\n", done, offset)
        if newline >= 0:
            line_start = newline + 1
        found[offset] = (line, offset - line_start + 1)
        done = offset
    return found


def find_duplicate_key(text: str, file: str) -> Problem | None:
    """The first key that an object of the (well-formed) JSON text repeats, located."""
    try:
        _JsonWalk(text, unique=True).walk(_space(text, 0), _Everything(), ())
    except _Repeated as repeated:
        line, column = lines_and_columns(text, [repeated.offset])[repeated.offset]
        return Problem(
            "plan.duplicate_key",
            f"key '{repeated.key}' appears twice in the same mapping; keep one",
            Location(file, line, column),
        )
    return None
