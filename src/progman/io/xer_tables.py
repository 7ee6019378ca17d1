"""The table layer of Primavera P6 XER files: bytes → named tables of rows.

An XER file is tab-separated text: an ``ERMHDR`` line (version, export date, user, ...),
then per table ``%T NAME``, one ``%F`` line naming its fields and ``%R`` lines of values,
and ``%E`` at the end. P6 writes it in the Windows code page of the exporting machine
(cp1252 in the West, cp1251 for Cyrillic, ...) and never says which, so the encoding is
guessed from the bytes (:func:`detect_encoding`). The file is read line by line, and only
the rows of the tables asked for are kept: a large file of tables progman does not read
costs time, not memory. Every problem is an :class:`XerInvalid` at ``file:line``.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from progman.errors import InputNotFound, Location, ProgmanError

#: Largest XER file read: ``PROGMAN_MAX_IMPORT_MB`` MiB (default 512).
DEFAULT_MAX_MB = 512
#: Longest line accepted (a calendar's data or a memo can be long, not megabytes).
MAX_LINE_BYTES = 8 * 2**20
#: How much of the file the encoding is guessed from.
SAMPLE_BYTES = 4 * 2**20
#: Code pages tried for files that are not UTF-8, most common first.
CODE_PAGES = ("cp1252", "cp1251", "cp1250", "cp1253", "cp1254", "cp1257")
#: What an encoding named in the ERMHDR line starts with (its other fields are a version,
#: dates, user and database names and a currency, which must not be taken for codecs).
_HIGH_RUNS = re.compile(rb"[\xc0-\xff]+")
_CODEC_PREFIXES = ("utf", "cp", "windows", "iso", "koi8", "latin", "mac")


class XerInvalid(ProgmanError):
    """An XER file is malformed or holds what progman cannot import; names file:line."""

    code = "input.xer_invalid"
    http_status = 422


@dataclass
class Table:
    """One ``%T`` table: its fields and the rows kept, each with its line number."""

    name: str
    fields: list[str]
    line: int
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    count: int = 0  # rows seen, kept or not

    def records(self) -> Iterable[tuple[int, dict[str, str]]]:
        """Each row as ``{field: value}`` with its line (missing trailing values are "")."""
        names = self.fields
        for line, values in self.rows:
            yield line, dict(zip(names, values + [""] * (len(names) - len(values)), strict=False))


@dataclass
class XerFile:
    """What the table layer read: the header, the encoding and the tables."""

    path: str
    encoding: str
    header: list[str]
    tables: dict[str, Table]
    lines: int

    @property
    def version(self) -> str:
        return self.header[0] if self.header else ""

    def table(self, name: str) -> Table:
        return self.tables.get(name) or Table(name, [], 0)


def max_bytes() -> int:
    try:
        return int(float(os.environ.get("PROGMAN_MAX_IMPORT_MB", DEFAULT_MAX_MB)) * 2**20)
    except ValueError:
        return DEFAULT_MAX_MB * 2**20


def detect_encoding(sample: bytes, header: list[str] | None = None) -> str:
    """The encoding of an XER file from its first bytes: a byte-order mark, a codec the
    ``ERMHDR`` line names, UTF-8 if the bytes are valid UTF-8 with non-ASCII text, else a
    Windows code page: cp1251 when non-ASCII letters come in runs (whole Cyrillic words),
    cp1252 (P6's Western default) when they stand alone among ASCII letters (é, ü, ß)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for name in header or []:
        if name.strip().lower().startswith(_CODEC_PREFIXES):
            try:
                return codecs.lookup(name.strip()).name
            except LookupError:
                continue
    if sample.isascii():
        return "cp1252"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as error:
        if error.start >= len(sample) - 4:  # the sample cut a character in two
            return "utf-8"
    runs = _HIGH_RUNS.findall(sample)
    alone = sum(1 for run in runs if len(run) == 1)
    in_runs = sum(len(run) for run in runs if len(run) > 1)
    return "cp1251" if in_runs > alone else "cp1252"


def read_tables(path: str | Path, wanted: Iterable[str], *, encoding: str | None = None) -> XerFile:
    """Read ``path`` keeping the rows of the tables ``wanted`` (every table's row count
    and fields are kept). ``encoding`` overrides the guess."""
    file = Path(path)
    where = str(file)
    try:
        size = file.stat().st_size
        handle = file.open("rb")
    except FileNotFoundError:
        raise InputNotFound("no such file", location=Location(file=where)) from None
    except OSError as error:
        raise XerInvalid(f"cannot read: {error.strerror}", location=Location(file=where)) from None
    limit = max_bytes()
    if size > limit:
        handle.close()
        raise XerInvalid(
            f"the file is {size / 2**20:.0f} MiB, more than the {limit // 2**20} MiB an import "
            "reads; raise PROGMAN_MAX_IMPORT_MB if it really is one schedule",
            location=Location(file=where),
        )
    with handle:
        sample = handle.read(SAMPLE_BYTES)
        first = sample.split(b"\n", 1)[0].lstrip(codecs.BOM_UTF8).rstrip(b"\r")
        _check_header(first, sample, where)
        header = first.decode("ascii", "replace").split("\t")[1:]
        chosen = encoding or detect_encoding(sample, header)
        handle.seek(0)
        return _read_lines(handle, where, chosen, header, frozenset(wanted))


def _check_header(first: bytes, sample: bytes, where: str) -> None:
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in first:
        raise XerInvalid(
            "not a Primavera XER file: it holds NUL bytes (UTF-16 or binary); export the "
            "project from P6 as XER, or convert the file to a code page or UTF-8",
            location=Location(file=where, line=1),
        )
    if not first.startswith(b"ERMHDR"):
        shown = first[:40].decode("ascii", "replace")
        raise XerInvalid(
            f"not a Primavera XER file: the first line should start with ERMHDR, found {shown!r}",
            location=Location(file=where, line=1),
        )


def _read_lines(
    handle: object, where: str, encoding: str, header: list[str], wanted: frozenset[str]
) -> XerFile:
    tables: dict[str, Table] = {}
    current: Table | None = None
    ended = False
    number = 0
    decode = codecs.getdecoder(encoding)
    readline = handle.readline  # type: ignore[attr-defined]
    while True:
        raw: bytes = readline(MAX_LINE_BYTES + 1)
        if not raw:
            break
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            raise XerInvalid(
                f"line longer than {MAX_LINE_BYTES // 2**20} MiB: not an XER file, or a "
                "damaged one",
                location=Location(file=where, line=number),
            )
        if number == 1:
            continue
        nul = raw.find(b"\x00")
        if nul >= 0:
            raise XerInvalid(
                f"a NUL byte at column {nul + 1}: binary data, not XER text; the file is damaged",
                location=Location(file=where, line=number),
            )
        try:
            text = decode(raw.rstrip(b"\r\n"))[0]
        except UnicodeDecodeError as error:
            raise XerInvalid(
                f"byte 0x{raw[error.start]:02x} at column {error.start + 1} is not {encoding} "
                "text: the file is damaged or in another encoding",
                location=Location(file=where, line=number),
            ) from None
        if ended:
            if text.strip():
                raise XerInvalid(
                    "text after the %E end mark", location=Location(file=where, line=number)
                )
            continue
        if not text:
            continue
        kind, _, rest = text.partition("\t")
        if kind == "%R":
            if current is None or not current.fields:
                raise XerInvalid(
                    "a %R row before any %T table and its %F fields",
                    location=Location(file=where, line=number),
                )
            values = rest.split("\t")
            if len(values) > len(current.fields):
                raise XerInvalid(
                    f"{current.name} row has {len(values)} values for {len(current.fields)} fields",
                    location=Location(file=where, line=number),
                )
            current.count += 1
            if current.name in wanted:
                current.rows.append((number, values))
        elif kind == "%T":
            name = rest.strip()
            if not name or name in tables:
                problem = f"table {name} is listed twice" if name else "a %T line without a name"
                raise XerInvalid(problem, location=Location(file=where, line=number))
            current = tables[name] = Table(name, [], number)
        elif kind == "%F":
            if current is None or current.fields:
                raise XerInvalid(
                    "a %F line that does not follow a %T line",
                    location=Location(file=where, line=number),
                )
            current.fields = [name.strip() for name in rest.split("\t")]
        elif kind == "%E":
            ended = True
        else:
            shown = text[:30]
            raise XerInvalid(
                f"a line should start with %T, %F, %R or %E, not {shown!r}",
                location=Location(file=where, line=number),
            )
    if not ended:
        raise XerInvalid(
            "the file ends without the %E end mark: it was cut short; export it again",
            location=Location(file=where, line=number),
        )
    return XerFile(where, encoding, header, tables, number)
