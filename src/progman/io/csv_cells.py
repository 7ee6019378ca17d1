"""The CSV column set of tasks and links, and how each cell is written and read.

One row per work item (and one per project, ``kind`` = ``project``, holding its name);
the columns are documented in docs/interop.md. Cells hold the plan format's own short
forms (``3d``, ``SNET 2027-03-01``, ``API.auth SS+5d``) so that a spreadsheet user writes
what a plan file holds; lists are separated by ``;``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from progman.errors import Location, ProgmanError

#: The columns, in the order the export writes them. ``wbs``, ``start`` and ``finish`` are
#: written for reading (outline number, scheduled dates); import reads ``wbs`` only to
#: place a row without ``parent``, and ``start`` only for the program's start.
COLUMNS = (
    "project",
    "id",
    "parent",
    "wbs",
    "name",
    "kind",
    "milestone",
    "duration",
    "work",
    "estimate",
    "depends",
    "constraint",
    "deadline",
    "start",
    "finish",
    "resources",
    "percent_complete",
    "actual_start",
    "actual_finish",
    "remaining",
    "status",
    "priority",
    "story_points",
    "fixed_cost",
    "actual_cost",
    "tags",
    "description",
)
#: What other tools call a column, read as ours (header names are compared in lower case
#: with spaces, dashes and ``%`` folded: "% Complete" is ``percent_complete``).
ALIASES = {
    "task_id": "id",
    "key": "id",
    "task_name": "name",
    "title": "name",
    "summary": "parent",
    "parent_id": "parent",
    "outline_number": "wbs",
    "wbs_code": "wbs",
    "type": "kind",
    "predecessors": "depends",
    "dependencies": "depends",
    "resource_names": "resources",
    "assignees": "resources",
    "complete": "percent_complete",
    "percent": "percent_complete",
    "points": "story_points",
    "notes": "description",
    "complete_percent": "percent_complete",
    "percent_done": "percent_complete",
}
KINDS = ("project", "task", "epic", "story")
YES = frozenset({"yes", "y", "true", "1", "x", "ja", "oui"})
NO = frozenset({"", "no", "n", "false", "0"})
#: A cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_STARTS = frozenset("=+-@\t\r")
LIST_SEPARATOR = "; "
_LIST_COMMA = re.compile(r"(?<!\d),|,(?!\d)")


def header_name(text: str) -> str:
    """A header cell as a column name: ``"% Complete"`` → ``percent_complete``."""
    name = text.strip().lower().replace("%", " percent ")
    name = "_".join(name.replace("-", " ").replace("_", " ").split())
    return ALIASES.get(name, name)


def escaped(cell: str) -> str:
    """``cell`` safe to open in a spreadsheet: one leading ``'`` when it would start a
    formula (OWASP's advice), or when it starts with ``'`` that :func:`unescaped` would
    drop; :func:`unescaped` gives ``cell`` back."""
    if cell and (
        cell[0] in FORMULA_STARTS
        or (cell[0] == "'" and len(cell) > 1 and cell[1] in FORMULA_STARTS | {"'"})
    ):
        return "'" + cell
    return cell


def unescaped(cell: str) -> str:
    """A cell as :func:`escaped` wrote it, without the escaping ``'``."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in FORMULA_STARTS | {"'"}:
        return cell[1:]
    return cell


def csv_bytes(rows: Iterable[Sequence[str]], delimiter: str = ",") -> bytes:
    """The rows as CSV in UTF-8 with a byte-order mark (so spreadsheets read accents
    right), every cell escaped."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow([escaped(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def decoded(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and its encoding: UTF-8 (with or without a byte-order mark),
    else Windows-1252 (what a spreadsheet's plain "CSV" writes on Windows)."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def sniff_delimiter(text: str) -> str:
    """``;``, tab or ``,``: whichever the header line (the first that is not empty,
    outside quotes) holds most of."""
    first = text.lstrip("\r\n").split("\n", 1)[0]
    outside = "".join(part for i, part in enumerate(first.split('"')) if i % 2 == 0)
    counts = {sep: outside.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


#: Columns of Jira's CSV export that a tasks CSV does not have (compared in lower case,
#: spaces folded, as :mod:`progman.io.jira_csv` reads them): a file with both is Jira's.
JIRA_COLUMNS = frozenset({"issue key", "issue type"})
#: How much of a file :func:`is_jira_file` reads to find its header.
HEADER_BYTES = 65536


def is_jira_header(header: Iterable[str]) -> bool:
    """Whether the header cells are those of Jira's CSV export (``Issue key``, ``Issue
    Type``) rather than of a tasks CSV."""
    return JIRA_COLUMNS.issubset(" ".join(cell.lower().split()) for cell in header)


def is_jira_file(file: Path) -> bool:
    """Whether ``file`` is Jira's CSV export, from its header (the first non-blank row of
    its first :data:`HEADER_BYTES`): how ``--format auto`` and a plan command reading a
    ``.csv`` directly tell it from a tasks CSV. False for a file it cannot read: the
    tasks CSV reader then says what is wrong with it."""
    try:
        with file.open("rb") as stream:
            head = stream.read(HEADER_BYTES)
    except OSError:
        return False
    text, _ = decoded(head)
    try:
        for cells in csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text)):
            if any(cell.strip() for cell in cells):
                return is_jira_header(cells)
    except csv.Error:
        pass
    return False


def split_list(cell: str) -> list[str]:
    """A list cell (``a; b``, also ``a, b`` and one per line) as its entries."""
    parts = cell.replace("\n", ";").split(";")
    if len(parts) == 1 and "," in cell:
        parts = _LIST_COMMA.split(cell)  # not a decimal comma: 0,5
    return [part.strip() for part in parts if part.strip()]


def number_text(cell: str) -> str:
    """A number as a spreadsheet in a comma-decimal locale may write it (``0,5``,
    ``1 200,50``) in the form Python reads (``0.5``)."""
    text = cell.strip().replace("\u00a0", "").replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    return text


def is_number(text: str) -> bool:
    """Whether ``text`` reads as a number (how an assignment's units are told from a name)."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def plain_number(value: float) -> str:
    """``3`` for 3.0, ``2.5`` for 2.5: the shortest text that reads back equal."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class CsvUnreadable(ProgmanError):
    """A CSV file that cannot be read as a table (too big, broken quoting, no header)."""

    code = "import.unreadable"
    http_status = 422


def read_rows(file: Path, limit: int) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header cells of ``file`` and each following row with the line it starts on,
    its cells unescaped; blank rows are left out. UTF-8 (a byte-order mark is fine) or
    Windows-1252, separated by ``,``, ``;`` or tabs; a file over ``limit`` bytes is
    refused before it is read."""
    where = Location(file=str(file))
    if file.stat().st_size > limit:
        raise CsvUnreadable(
            f"the file is larger than {limit // 2**20} MiB (PROGMAN_MAX_PLAN_MB raises the limit)",
            location=where,
        )
    text, _ = decoded(file.read_bytes())
    if "\x00" in text:
        raise CsvUnreadable(
            "the file holds NUL bytes: it is not a CSV text file (save it as CSV UTF-8)",
            location=where,
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text), strict=True)
    rows: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((line, [unescaped(cell) for cell in cells]))
            line = reader.line_num + 1
    except csv.Error as error:
        raise CsvUnreadable(
            f"the row starting here cannot be read as CSV ({error}): is a quote left open?",
            location=Location(str(file), line),
        ) from None
    if not rows:
        raise CsvUnreadable("the file is empty: it needs a header row", location=where)
    (_, header), *body = rows
    if not body:
        raise CsvUnreadable(
            "the file has a header row and nothing below it: there is nothing to import",
            location=Location(str(file), 2),
        )
    return [cell.strip() for cell in header], body
