"""A :class:`~progman.cli.output.Listing` as plain text, made without Rich: the lines Rich
prints of it to a file or a pipe, in a fraction of the time.

Rich measures and renders every cell as a Text in Padding (some 70 µs each): a
100,000-task schedule took over a minute to write to a file. In a file the table is printed
whole (no fitting, no wrapping, no styles), so its text follows from the cells' widths
alone: the SIMPLE_HEAD box without edge (a rule of ``─`` under the headers, a blank line at
the end of a section), a space of padding on the right of every column but the last and a
space between two, the headers aligned to the bottom and the cells to the top, each line
justified as Rich justifies it (a right or centred one loses its trailing spaces first),
widths in terminal cells as Rich's ``cell_len`` counts them. Whatever is not covered here
(markup or an emoji code in a header, a tab or another control character, line breaks
other than ``\\n``, a zero width joiner, a table wider than the console) returns None, and
the caller prints with Rich: the two never differ (tests/cli/test_plain_table.py compares
them on generated tables and on every command that prints a listing).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from itertools import repeat
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from progman.cli.output import Listing

#: Lines written at a time (the text of a large table is never held whole).
CHUNK = 4096
#: Text this renderer leaves to Rich: control characters that Rich removes, expands (a
#: tab) or measures as it alone does, the line breaks other than ``\n`` that its measuring
#: (``str.splitlines``) splits on while its rendering does not, and the zero width joiner
#: and variation selector, which join characters into graphemes that Rich crops whole.
_UNCOVERED = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u200d\ufe0f]")
#: What Rich may read in a header (a string: markup ``[bold]``, an emoji code ``:smile:``).
_MARKUP = re.compile(r"[\[:]")


def plain_lines(listing: Listing, width: int) -> Iterator[str] | None:
    """The table's text as Rich prints it plain on a console ``width`` columns wide, in
    chunks of lines (each ending with a newline); None when Rich must print it."""
    columns = listing.columns
    if not columns or any(_MARKUP.search(c.header) or _UNCOVERED.search(c.header) for c in columns):
        return None
    texts = [listing.column_texts(index) for index in range(len(columns))]
    fitted = []
    for index, (column, cells) in enumerate(zip(columns, texts, strict=True)):
        joined = "\n".join(cells)
        if _UNCOVERED.search(joined):
            return None
        narrow = _narrow(joined + column.header)
        split = bool(cells) and joined.count("\n") > len(cells) - 1  # a cell of lines
        last = index == len(columns) - 1
        fitted.append(
            _fit(
                column.header,
                cells,
                alignment=column.alignment,
                narrow=narrow,
                split=split,
                last=last,
            )
        )
    # each column but the last has a space of padding; a space between two columns
    table_width = sum(f.width for f in fitted) + 2 * (len(fitted) - 1)
    if table_width > width:
        return None
    return _lines(listing, fitted, table_width)


class _Fitted:
    """One column: its header's lines justified, its width, and its cells as given (each
    justified when its chunk of rows is written: the text is never held twice)."""

    __slots__ = ("cells", "header", "justify", "last", "split", "width")

    def __init__(
        self,
        header: list[str],
        cells: list[str],
        justify: _Justify | None,
        *,
        split: bool,
        last: bool,
    ) -> None:
        self.header = header
        self.cells = cells
        self.justify = justify
        self.width = 0 if justify is None else justify.width
        self.split = split
        self.last = last

    def justified(self, lo: int, hi: int) -> list[str]:
        """Cells ``lo..hi`` justified to the column's width (a cell of lines: each line)."""
        cells, justify = self.cells[lo:hi], self.justify
        if justify is None:  # no room: Rich renders nothing
            return [""] * len(cells)
        if self.split:
            return ["\n".join(map(justify, cell.split("\n"))) for cell in cells]
        if justify.narrow and justify.alignment == "left":
            return list(map(str.ljust, cells, repeat(justify.width)))
        if justify.narrow and justify.alignment == "right":
            return list(map(str.rjust, map(str.rstrip, cells), repeat(justify.width)))
        return list(map(justify, cells))


def _narrow(text: str) -> bool:
    """Whether every character of ``text`` takes one cell, so its cell length is its length."""
    from rich.cells import get_character_cell_size  # noqa: PLC0415 - Rich only when used

    if text.isascii():  # printable (control characters are left to Rich): one cell each
        return True
    return all(c == "\n" or get_character_cell_size(c) == 1 for c in set(text))


def _fit(
    header: str, cells: list[str], *, alignment: str, narrow: bool, split: bool, last: bool
) -> _Fitted:
    """The column's width (its widest line, header included) and how its lines justify."""
    from rich.cells import cell_len  # noqa: PLC0415 - Rich only when used

    measure = len if narrow else cell_len
    head = header.split("\n")
    if split:
        content = max(max(map(measure, cell.split("\n")), default=0) for cell in cells)
    else:
        content = max(map(measure, cells), default=0)
    content = max(content, *map(measure, head))
    if last and content == 0:  # Rich's least column: one cell
        content = 1
    if content == 0:  # Rich renders nothing in no room: not even a zero-width character
        return _Fitted([], cells, None, split=False, last=last)
    justify = _Justify(alignment, content, measure, narrow=narrow)
    return _Fitted(list(map(justify, head)), cells, justify, split=split, last=last)


class _Justify:
    """A line of a cell justified as Rich's ``Lines.justify`` does it."""

    __slots__ = ("alignment", "measure", "narrow", "width")

    def __init__(
        self, alignment: str, width: int, measure: Callable[[str], int], *, narrow: bool
    ) -> None:
        self.alignment = alignment
        self.width = width
        self.measure = measure
        self.narrow = narrow  # every character one cell: ``measure`` is ``len``

    def __call__(self, line: str) -> str:
        measure = self.measure
        if self.alignment == "left":
            return line + " " * (self.width - measure(line))
        line = line.rstrip()
        room = self.width - measure(line)
        if self.alignment == "right":
            return " " * room + line
        return " " * (room // 2) + line + " " * (room - room // 2)


def _lines(listing: Listing, fitted: list[_Fitted], table_width: int) -> Iterator[str]:
    """The header, its rule and the rows, in chunks of lines."""
    yield "".join(line + "\n" for line in _block([f.header for f in fitted], fitted, top=False))
    yield "─" * table_width + "\n"
    blank = " " * table_width + "\n"
    sections = listing.sections()
    count = len(sections)
    split = any(f.split for f in fitted)
    for lo in range(0, count, CHUNK):
        hi = min(lo + CHUNK, count)
        rows = zip(*(column.justified(lo, hi) for column in fitted), strict=True)
        if split:
            made = [
                "".join(line + "\n" for line in _block([c.split("\n") for c in row], fitted))
                for row in rows
            ]
        else:
            made = [line + "\n" for line in map("  ".join, rows)]
        for at in _section_ends(sections, lo, hi, count):
            made[at - lo] += blank
        yield "".join(made)


def _section_ends(sections: Sequence[bool], lo: int, hi: int, count: int) -> list[int]:
    """The rows of ``lo..hi`` after which a section ends (never after the last row)."""
    return [at for at in range(lo, hi) if sections[at] and at < count - 1]


def _block(cells: list[list[str]], fitted: list[_Fitted], *, top: bool = True) -> list[str]:
    """The lines of a row whose cells have several lines: each cell's lines at the top
    (a header's at the bottom), the rest of its height blank."""
    height = max(1, *map(len, cells))
    padded = []
    for lines, column in zip(cells, fitted, strict=True):
        blank = [" " * column.width] * (height - len(lines))
        padded.append(lines + blank if top else blank + lines)
    return ["  ".join(parts) for parts in zip(*padded, strict=True)]
