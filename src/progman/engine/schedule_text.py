"""The tasks of a :class:`~progman.engine.schedule_table.TaskTable` as ``--json`` and
``--csv`` text, made from whole columns a chunk of rows at a time.

A row is a dozen or so pieces joined once: fixed text (keys, separators), each distinct
date, float, flag combination, project and deadline rendered once and picked for every row
by numpy indexing, and the ids and names as they are. A string is escaped (JSON) or quoted
(CSV) on its own only in a chunk where one regular-expression search over the chunk's
strings finds a character that needs it. So no Python code runs per field, and the text is
exactly what orjson makes of the rows' dicts and what ``csv.writer`` writes of them
(tests/engine/test_schedule_text.py renders both references and compares).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat
from json.encoder import encode_basestring
from operator import is_not, methodcaller
from typing import TYPE_CHECKING, Any

import numpy as np
import orjson

from progman.collector import collector_paused

if TYPE_CHECKING:
    from progman.engine.schedule_table import TableParts

#: Rows made at a time: bounds the memory a large schedule's text takes on the way.
CHUNK = 8192

#: The fields of a task row, in the order of ``--json`` and ``--csv``.
TASK_FIELDS = (
    "id",
    "name",
    "project",
    "start",
    "finish",
    "late_start",
    "late_finish",
    "total_float",
    "free_float",
    "critical",
    "near_critical",
    "milestone",
    "summary",
    "complete",
    "driving_predecessor",
    "deadline",
)
_DATES = TASK_FIELDS[3:7]
_FLOATS = TASK_FIELDS[7:9]
_FLAGS = TASK_FIELDS[9:14]

#: what a JSON string escapes (``json.encoder.ESCAPE``: quote, backslash, control characters)
_JSON_ESCAPED = re.compile(r'[\x00-\x1f"\\]')
#: what can make ``csv.writer`` quote a field (a superset: the check only picks the path)
_CSV_QUOTED = re.compile(r'[,"\r\n]')


def _objects(values: Sequence[Any]) -> np.ndarray:
    """An object array of ``values`` (``np.array`` would look into each string)."""
    return np.fromiter(values, dtype=object, count=len(values))


def given(values: Sequence[Any]) -> np.ndarray:
    """Which of ``values`` are not None, as booleans (at once when none is: a count)."""
    if values.count(None) == len(values):
        return np.zeros(len(values), dtype=bool)
    return np.fromiter(map(is_not, values, repeat(None)), dtype=bool, count=len(values))


def distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)`` of integers; without sorting when they
    lie in a range not much wider than their number (a schedule's minutes do), and then
    the inverse in 32 bits when it fits."""
    if values.size == 0:
        return values, np.zeros(0, dtype=np.int64)
    low = int(values.min())
    span = int(values.max()) - low + 1
    if span > max(4 * values.size, 1 << 20):
        found, where = np.unique(values, return_inverse=True)
        return found, where.reshape(-1)
    offset = values - low
    seen = np.zeros(span, dtype=bool)
    seen[offset] = True
    present = np.flatnonzero(seen)
    # set only where a value is (a running sum of the bools was the slowest step of
    # describe); 32 bits, half the memory, when that holds every rank
    rank = np.zeros(span, dtype=np.int32 if present.size < 1 << 31 else np.int64)
    rank[present] = np.arange(present.size)
    return present + low, rank[offset]


def distinct_floats(values: np.ndarray) -> tuple[list[float], np.ndarray]:
    """The distinct values of floats rounded to 3 decimals (as Python floats, ascending)
    and each value's index among them: by thousandths as integers, without sorting, when
    that is exact (it is for a table's floats), else by ``np.unique``."""
    if values.size and np.isfinite(values).all() and np.abs(values).max() < 1e12:
        thousandths = np.rint(values * 1000.0).astype(np.int64)
        present, where = distinct(thousandths)
        found = np.empty(present.size, dtype=np.float64)
        found[where] = values
        same = found[where].view(np.int64) == values.view(np.int64)  # bits: 0.0 is not -0.0
        if same.all():  # one float per thousandth: exact
            return found.tolist(), where
    found, where = np.unique(values, return_inverse=True)
    return found.tolist(), where.reshape(-1)


class _Columns:
    """What both renderings share: the columns as arrays, each distinct value's index."""

    def __init__(self, parts: TableParts) -> None:
        n = len(parts.ids)
        self.parts = parts
        columns = parts.columns
        moments, moment_of = distinct(np.concatenate([columns[name] for name in _DATES]))
        self.stamps: list[str] = parts.tables.stamps(moments)
        self.moment_of = [moment_of[k * n : (k + 1) * n] for k in range(len(_DATES))]
        (self.totals, total_of), (self.frees, free_of) = (
            distinct_floats(columns[name]) for name in _FLOATS
        )
        #: the pairs (total float, free float) there are, and each task's
        pairs, self.pair_of = distinct(total_of.astype(np.int64) * len(self.frees) + free_of)
        self.pairs = list(zip(*(p.tolist() for p in divmod(pairs, len(self.frees))), strict=True))
        flags = np.zeros(n, dtype=np.uint8)
        for name in _FLAGS:  # the five flags as one code, the first the highest bit
            flags = flags * np.uint8(2) + columns[name].astype(np.uint8)
        self.flags = flags
        self.drivers = parts.drivers
        deadlines = parts.deadlines
        dated = np.flatnonzero(given(deadlines))
        days = list(map(methodcaller("isoformat"), map(deadlines.__getitem__, dated.tolist())))
        index: dict[str, int] = {}
        self.deadline_of = np.full(n, -1, dtype=np.int32)  # -1: none, else into days
        self.deadline_of[dated] = [index.setdefault(day, len(index)) for day in days]
        self.days = list(index)

    def encoded(self, column: Sequence[str], at: np.ndarray | slice, style: _Style) -> np.ndarray:
        """The strings ``column[at]`` as UTF-8 text of ``style``: as they are, from one
        encoding of the lot, unless a character needs escaping or quoting (then each
        such string through ``style.fix``)."""
        if isinstance(at, slice):
            chosen = list(column[at])
        else:
            chosen = list(map(column.__getitem__, at.tolist()))
        if not chosen:
            return _objects([])
        # a newline between them: a string ``style`` keeps as it is holds none
        text = "\n".join(chosen).encode()
        if style.count(np.frombuffer(text, dtype=np.uint8)) == len(chosen) - 1:
            return _objects(text.split(b"\n"))
        found = style.pattern.search
        return _objects([(style.fix(s) if found(s) else s).encode() for s in chosen])

    def texts(self, column: Sequence[str], style: _Style) -> np.ndarray:
        """Every string of ``column`` as text of ``style`` (a ``str``): the strings
        themselves unless a character needs escaping or quoting (then each such string
        through ``style.fix``); no string is made when none does."""
        if not column:
            return _objects([])
        text = "\n".join(column).encode()
        if style.count(np.frombuffer(text, dtype=np.uint8)) == len(column) - 1:
            return _objects(column)
        found = style.pattern.search
        return _objects([style.fix(s) if found(s) else s for s in column])


@dataclass(frozen=True)
class _Style:
    """How a text format writes a string: the characters it escapes or quotes for
    (``pattern``, and ``count``, how many bytes of UTF-8 text are such), and how."""

    pattern: re.Pattern[str]
    count: Callable[[np.ndarray], int]
    fix: Callable[[str], str]


def _json_string(text: str) -> str:
    return encode_basestring(text)[1:-1]


def _csv_field(text: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([text, ""])
    return out.getvalue()[:-2]


_JSON = _Style(
    _JSON_ESCAPED,
    lambda b: int(np.count_nonzero((b < 0x20) | (b == ord('"')) | (b == ord("\\")))),
    _json_string,
)
_CSV = _Style(
    _CSV_QUOTED,
    lambda b: int(np.count_nonzero(np.isin(b, np.frombuffer(b',"\r\n', dtype=np.uint8)))),
    _csv_field,
)


def json_rows(parts: TableParts, reasons: Sequence[str | None]) -> Iterator[bytes]:
    """The ``tasks`` entries of ``--json`` as JSON text, a chunk of rows at a time
    (comma-separated, without the brackets). ``reasons``: ``driving_predecessor`` by the
    negative codes of ``parts.drivers``, the last for -1 (None for no driver)."""
    with collector_paused():
        pieces = _JsonPieces(_Columns(parts), reasons)
    n = len(parts.ids)
    for lo in range(0, n, CHUNK):
        with collector_paused():
            text = pieces.chunk(slice(lo, min(lo + CHUNK, n)))
        yield text


def csv_rows(parts: TableParts, reasons: Sequence[str | None], at: np.ndarray) -> Iterator[bytes]:
    """The tasks at positions ``at`` as ``--csv`` lines (what ``csv.writer`` writes of
    their ``--json`` entries, None empty, booleans ``true``/``false``), a chunk at a time."""
    with collector_paused():
        pieces = _CsvPieces(_Columns(parts), reasons)
    for lo in range(0, at.size, CHUNK):
        with collector_paused():
            text = pieces.chunk(at[lo : lo + CHUNK])
        yield text


def _text(value: Any) -> str:
    return orjson.dumps(value).decode()


def _flags(code: int, true: str, false: str, names: Sequence[str]) -> str:
    return "".join(
        name + (true if code >> (len(names) - 1 - k) & 1 else false) for k, name in enumerate(names)
    )


def _encoded(texts: Iterable[str]) -> np.ndarray:
    return _objects([text.encode() for text in texts])


#: what ends a JSON row and starts the next (the next's is cut from the chunk's last)
_NEXT = ',{"id":"'


class _JsonPieces:
    """A JSON row as 12 pieces of text: the id, ``","name":"``, the name, the project
    (with the keys around it), the four dates, the two floats, the five flags with the
    driver's opening quote, the driver, and its closing quote with the deadline and the next
    row's ``{"id":"``. Each piece but the id, the name and the driver is one of a few texts
    made once; the ids and the names are the table's own strings (escaped only if one must
    be). A chunk's pieces are joined as ``str`` and encoded once (ASCII: one copy)."""

    def __init__(self, columns: _Columns, reasons: Sequence[str | None]) -> None:
        self.columns = columns
        self.projects = _objects(
            [f'","project":{encode_basestring(p)},"start":' for p in columns.parts.project_ids]
        )
        after = (',"finish":', ',"late_start":', ',"late_finish":', ',"total_float":')
        self.dates = [_objects([f'"{s}"{key}' for s in columns.stamps]) for key in after]
        totals = [_text(v) for v in columns.totals]
        frees = [_text(v) for v in columns.frees]
        self.floats = _objects([f'{totals[t]},"free_float":{frees[f]}' for t, f in columns.pairs])
        keys = [f',"{name}":' for name in _FLAGS]
        self.flags = _objects(  # by flags code * 2 + whether a task drives
            [
                _flags(code, "true", "false", keys) + ',"driving_predecessor":' + quote
                for code in range(1 << len(_FLAGS))
                for quote in ("", '"')
            ]
        )
        #: by the negative codes: the reasons as JSON text (no quotes around)
        self.reasons = _objects(["null" if r is None else _text(r) for r in reasons])
        days = [*(f'"{day}"' for day in columns.days), "null"]  # by code, -1 last
        self.deadlines = _objects(  # by deadline code * 2 + whether a task drives
            [f'{quote},"deadline":{day}}}{_NEXT}' for day in days for quote in ("", '"')]
        )
        # every id and name as JSON text once: a chunk picks its rows' and its drivers'
        self.ids = columns.texts(columns.parts.ids, _JSON)
        self.names = columns.texts(columns.parts.names, _JSON)

    def chunk(self, at: slice) -> bytes:
        c = self.columns
        drivers = c.drivers[at]
        by_task = drivers >= 0
        values = self.reasons[np.minimum(drivers, -1)]
        values[by_task] = self.ids[drivers[by_task]]
        pieces = np.empty((by_task.size, 12), dtype=object)
        pieces[:, 0] = self.ids[at]
        pieces[:, 1] = '","name":"'
        pieces[:, 2] = self.names[at]
        pieces[:, 3] = self.projects[c.parts.project_of[at]]
        for k, dates in enumerate(self.dates):
            pieces[:, 4 + k] = dates[c.moment_of[k][at]]
        pieces[:, 8] = self.floats[c.pair_of[at]]
        pieces[:, 9] = self.flags[c.flags[at] * 2 + by_task]
        pieces[:, 10] = values
        days = c.deadline_of[at] % (len(c.days) + 1)  # none (-1): the last
        pieces[:, 11] = self.deadlines[days * 2 + by_task]
        pieces[-1, 11] = pieces[-1, 11][: -len(_NEXT)]
        text = pieces.ravel().tolist()
        text.insert(0, '{"id":"')
        return "".join(text).encode()


class _CsvPieces:
    """A CSV line as 12 pieces of UTF-8: the id, a comma, the name, the project (with the
    commas around it), the four dates, the two floats and the five flags (each with the
    comma after it), the driver, and the deadline (with the comma before it and the
    newline)."""

    def __init__(self, columns: _Columns, reasons: Sequence[str | None]) -> None:
        self.columns = columns
        self.projects = _encoded(f",{_csv_text(p)}," for p in columns.parts.project_ids)
        self.dates = _encoded(f"{s}," for s in columns.stamps)
        totals, frees = columns.totals, columns.frees
        self.floats = _encoded(f"{totals[t]!s},{frees[f]!s}," for t, f in columns.pairs)
        self.flags = _encoded(
            _flags(code, "true,", "false,", [""] * len(_FLAGS)) for code in range(1 << len(_FLAGS))
        )
        self.reasons = _encoded("" if r is None else _csv_text(r) for r in reasons)
        self.deadlines = _encoded([*(f",{day}\n" for day in columns.days), ",\n"])

    def chunk(self, at: np.ndarray) -> bytes:
        c = self.columns
        drivers = c.drivers[at]
        by_task = drivers >= 0
        values = self.reasons[np.minimum(drivers, -1)]
        ids, names = c.parts.ids, c.parts.names
        values[by_task] = c.encoded(ids, drivers[by_task], _CSV)
        pieces = np.empty((at.size, 12), dtype=object)
        pieces[:, 0] = c.encoded(ids, at, _CSV)
        pieces[:, 1] = b","
        pieces[:, 2] = c.encoded(names, at, _CSV)
        pieces[:, 3] = self.projects[c.parts.project_of[at]]
        for k, moment_of in enumerate(c.moment_of):
            pieces[:, 4 + k] = self.dates[moment_of[at]]
        pieces[:, 8] = self.floats[c.pair_of[at]]
        pieces[:, 9] = self.flags[c.flags[at]]
        pieces[:, 10] = values
        pieces[:, 11] = self.deadlines[c.deadline_of[at]]
        return b"".join(pieces.ravel().tolist())


def _csv_text(text: str) -> str:
    return _csv_field(text) if _CSV_QUOTED.search(text) else text


def csv_header() -> bytes:
    """The first line of ``--csv``: the field names."""
    return (",".join(TASK_FIELDS) + "\n").encode()


def csv_lines(rows: Sequence[dict[str, Any]]) -> bytes:
    """``--csv`` lines of task rows one at a time by ``csv.writer`` (a schedule whose tasks
    are objects, such as a leveled one)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow([_csv_value(row.get(name)) for name in TASK_FIELDS])
    return out.getvalue().encode()


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value
