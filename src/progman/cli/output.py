"""Where the CLI writes: results to stdout, problems and progress to stderr; and how.

A table is a :class:`Listing`: columns that say what they hold (an id, a date, a number,
a marker, or text that may wrap) and rows of cells. :func:`print_listing` fits it to the
terminal (a shorter form of the dates, then fewer columns, and the text wraps; an id, a
date or a number is never cut) and writes every column, a row per line, as plain text to a
file or a pipe. :func:`write_csv` writes records as CSV (``--csv``); :func:`write_parts`
writes text made in pieces (a large schedule's).
"""

from __future__ import annotations

import csv
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

from progman.cli.plain_table import plain_lines
from progman.errors import PlanInvalid, ProgmanError, UsageError

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.segment import Segment
    from rich.table import Table


class _Console:
    """A Rich console made on first use: Rich takes a large share of a start, and
    ``--version`` or ``validate`` write plain lines without it."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    def made(self) -> Console:
        """The console itself, made now if not yet."""
        if self._console is None:
            from rich.console import Console  # noqa: PLC0415 - on first use

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.made(), name)

    @property
    def is_terminal(self) -> bool:
        """Rich's answer, without making the console when it can only be False: a stream
        that is no terminal and no setting that says otherwise (``progman level --json``
        into a pipe writes no spinner, and needs no Rich)."""
        if self._console is None and not _terminal_settings(self._options):
            stream = self._options.get("file") or (
                sys.stderr if self._options.get("stderr") else sys.stdout
            )
            isatty = getattr(stream, "isatty", None)
            try:
                if isatty is None or not isatty():
                    return False
            except ValueError:  # a closed stream
                return False
        return bool(self.made().is_terminal)

    def __enter__(self) -> Any:  # Rich's Live holds its console with ``with``
        return self.made().__enter__()

    def __exit__(self, *exc: Any) -> None:
        self.made().__exit__(*exc)


def _terminal_settings(options: dict[str, Any]) -> bool:
    """Whether an option or the environment may make Rich call a stream a terminal."""
    return options.get("force_terminal") is not None or any(
        name in os.environ for name in ("TTY_COMPATIBLE", "FORCE_COLOR")
    )


def made(console: Console) -> Console:
    """The Rich console itself behind :data:`stdout` or :data:`stderr` (to hand to Rich)."""
    lazy: object = console
    return lazy.made() if isinstance(lazy, _Console) else console


stdout = cast("Console", _Console(highlight=False, soft_wrap=True))
stderr = cast("Console", _Console(stderr=True, highlight=False, soft_wrap=True))

#: Columns of a file or a pipe: no right edge, so a line is never wrapped.
PLAIN_WIDTH = 100_000
#: A text column (a name, a title) keeps at least this many columns before others go.
TEXT_MIN_WIDTH = 16
#: Between two columns: a space of padding and the table's blank rule.
GAP = 2

Kind = Literal["id", "text", "date", "number", "mark"]


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``1 problem``, ``2 problems``, ``0 problems`` (``nouns``: an irregular plural)."""
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def report_error(error: ProgmanError, command: str = "COMMAND") -> None:
    """One plain line per problem (``file:line:col: message``), then their count (a plan's
    check: ``1 problem found``, ``3 problems found``); a usage error as the command line's
    own are written (``command``: what was run)."""
    if isinstance(error, UsageError):
        sys.stderr.write(
            f"Invalid value for '{error.option}': {error.message}\n"
            f"Try 'progman {command} --help' for the options.\n"
        )
        sys.stderr.flush()
        return
    problems = error.problems
    for problem in problems:
        sys.stderr.write(f"{problem}\n")
    if len(problems) > 1 or isinstance(error, PlanInvalid):  # a plan's check: always counted
        sys.stderr.write(f"{plural(len(problems), 'problem')} found\n")
    sys.stderr.flush()


def working(what: str) -> AbstractContextManager[object]:
    """A spinner on a terminal's stderr while long work runs (nothing in a pipe or file)."""
    if stderr.is_terminal:
        return stderr.status(f"{what} …")
    return nullcontext()


def output() -> Console:
    """The console results go to: the terminal's, or plain text as wide as a line needs
    (a file or a pipe has no right edge: nothing is wrapped or cut)."""
    if stdout.is_terminal:
        return stdout
    from rich.console import Console  # noqa: PLC0415 - Rich: only here

    return Console(
        width=PLAIN_WIDTH, color_system=None, highlight=False, soft_wrap=True, emoji=False
    )


# -- tables ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of a :class:`Listing`.

    ``kind``: ``id``, ``date``, ``number`` and ``mark`` cells are never wrapped or cut;
    ``text`` wraps. When the terminal is too narrow, the columns with a ``shorten`` step
    show their cells' short form from that step on, and those with a ``drop`` step are
    left out from it on (steps 1, 2, … are taken in turn until the table fits).
    """

    header: str
    kind: Kind = "text"
    shorten: int | None = None
    drop: int | None = None
    justify: Literal["left", "right", "center"] | None = None

    @property
    def alignment(self) -> Literal["left", "right", "center"]:
        if self.justify is not None:
            return self.justify
        return "right" if self.kind == "number" else "left"


@dataclass(frozen=True)
class Cell:
    """A cell with a style (on a terminal only) or a short form (a date without its time)."""

    text: str
    style: str = ""
    short: str | None = None


@dataclass
class Listing:
    """A table to print with :func:`print_listing`: a title, columns, rows and a legend
    (the words that explain markers and styles; never colours alone).

    The cells are held by column (a list of texts each, short forms and styles only where
    a column has them): a schedule's 100,000 rows are 11 lists, not a million objects."""

    columns: Sequence[Column]
    title: str | None = None
    legend: str | None = None
    _texts: list[list[str]] = field(init=False, repr=False)
    _shorts: list[list[str | None] | None] = field(init=False, repr=False)
    _styles: list[list[str] | None] = field(init=False, repr=False)
    _row_styles: list[str] = field(init=False, repr=False, default_factory=list)
    _sections: list[bool] = field(init=False, repr=False, default_factory=list)

    def __post_init__(self) -> None:
        self._texts = [[] for _ in self.columns]
        self._shorts = [None] * len(self.columns)
        self._styles = [None] * len(self.columns)

    def __len__(self) -> int:
        """How many rows."""
        return len(self._sections)

    def add_row(self, *cells: str | Cell, style: str = "", end_section: bool = False) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns")
        at = len(self)
        for index, cell in enumerate(cells):
            if isinstance(cell, Cell):
                text, short, style_of_cell = cell.text, cell.short, cell.style
            else:
                text, short, style_of_cell = cell, None, ""
            self._texts[index].append(text)
            if short is not None or self._shorts[index] is not None:
                self._column_of(self._shorts, index, None, at).append(short)
            if style_of_cell or self._styles[index] is not None:
                self._column_of(self._styles, index, "", at).append(style_of_cell)
        self._row_styles.append(style)
        self._sections.append(end_section)

    def add_rows(
        self,
        texts: Sequence[Sequence[str]],
        *,
        shorts: Mapping[int, Sequence[str | None]] | None = None,
        styles: Sequence[str] | None = None,
        end_sections: Sequence[bool] | None = None,
    ) -> None:
        """Many rows at once, given by column: ``texts[c][r]`` is row r's text in column
        c; ``shorts`` the short forms of the columns that have them (by column index);
        ``styles`` the rows' styles; ``end_sections`` which rows end a section."""
        if len(texts) != len(self.columns):
            raise ValueError(f"{len(texts)} columns of cells for {len(self.columns)} columns")
        count = len(texts[0]) if texts else 0
        if any(len(cells) != count for cells in texts):
            raise ValueError("the columns of cells differ in length")
        shorts = shorts or {}
        extras = [*shorts.values(), *(x for x in (styles, end_sections) if x is not None)]
        if any(len(extra) != count for extra in extras):
            raise ValueError("the short forms, styles or sections differ from the cells in length")
        if not set(shorts) <= set(range(len(self.columns))):
            raise ValueError(f"short forms for a column out of 0..{len(self.columns) - 1}")
        at = len(self)
        for index, cells in enumerate(texts):
            self._texts[index].extend(cells)
            alternatives = self._shorts[index]
            if index in shorts:
                self._column_of(self._shorts, index, None, at).extend(shorts[index])
            elif alternatives is not None:
                alternatives.extend([None] * count)
            cell_styles = self._styles[index]
            if cell_styles is not None:
                cell_styles.extend([""] * count)
        self._row_styles.extend(styles if styles is not None else [""] * count)
        self._sections.extend(end_sections if end_sections is not None else [False] * count)

    @staticmethod
    def _column_of(table: list[Any], index: int, empty: object, count: int) -> list[Any]:
        """The column ``index`` of ``table`` (short forms or styles), made now (``count``
        empty values for the rows before) if it has none yet."""
        if table[index] is None:
            table[index] = [empty] * count
        column: list[Any] = table[index]
        return column

    def column_texts(self, index: int, short: bool = False) -> list[str]:
        """The cells of column ``index``, each in its short form when ``short`` and it has
        one."""
        texts = self._texts[index]
        shorts = self._shorts[index]
        if not short or shorts is None:
            return texts
        return [text if alt is None else alt for text, alt in zip(texts, shorts, strict=True)]

    def sections(self) -> list[bool]:
        """Whether each row ends a section (a blank line follows it)."""
        return self._sections

    def steps(self) -> int:
        """How many steps of narrowing the columns know."""
        return max((s for c in self.columns for s in (c.shorten, c.drop) if s), default=0)

    def width(self, step: int) -> int:
        """Columns the table needs at ``step`` of narrowing, its text at its narrowest."""
        widths = [
            min(natural, TEXT_MIN_WIDTH) if column.kind == "text" else natural
            for column, natural in self._shown(step)
        ]
        return sum(widths) + GAP * max(len(widths) - 1, 0)

    def _shown(self, step: int) -> list[tuple[Column, int]]:
        """The columns shown at ``step``, each with the width of its widest cell."""
        return [
            (column, self._natural(index, self._short_at(column, step), column))
            for index, column in enumerate(self.columns)
            if column.drop is None or step < column.drop
        ]

    @staticmethod
    def _short_at(column: Column, step: int) -> bool:
        return column.shorten is not None and step >= column.shorten

    def render(self, step: int = 0, *, styled: bool = True) -> Table:
        """The Rich table at ``step`` of narrowing (see :class:`Column`)."""
        from rich import box  # noqa: PLC0415 - Rich tables: only when a table is printed
        from rich.table import Table  # noqa: PLC0415

        table = Table(
            box=box.SIMPLE_HEAD,
            show_edge=False,
            pad_edge=False,
            padding=(0, 1, 0, 0),
            header_style="bold" if styled else "",
        )
        kept = []
        for index, column in enumerate(self.columns):
            if column.drop is not None and step >= column.drop:
                continue
            short = self._short_at(column, step)
            texts = self.column_texts(index, short)
            no_styles = [""] * len(self)
            cell_styles = (self._styles[index] if styled else None) or no_styles
            kept.append((texts, cell_styles))
            wraps = column.kind == "text"
            table.add_column(
                column.header,
                justify=column.alignment,
                no_wrap=not wraps,
                overflow="fold",
                min_width=None if wraps else self._natural(index, short, column),
            )
        for at, (style, end_section) in enumerate(
            zip(self._row_styles, self._sections, strict=True)
        ):
            cells = [_styled(texts[at], cell_styles[at]) for texts, cell_styles in kept]
            table.add_row(*cells, style=style if styled else "", end_section=end_section)
        return table

    def _natural(self, index: int, short: bool, column: Column) -> int:
        texts = self.column_texts(index, short)
        return max((_longest_line(text) for text in [*texts, column.header]), default=0)


def _text(cell: Cell, short: bool) -> str:
    return cell.short if short and cell.short is not None else cell.text


def _longest_line(text: str) -> int:
    from rich.cells import cell_len  # noqa: PLC0415

    return max((cell_len(line) for line in text.split("\n")), default=0)


def _styled(text: str, style: str) -> RenderableType:
    from rich.text import Text  # noqa: PLC0415

    return Text(text, style=style)


def print_listing(listing: Listing, console: Console | None = None) -> None:
    """The title, the table fitted to the terminal (or whole, as plain text, to a file or
    a pipe) and the legend."""
    console = console or output()
    plain = not console.is_terminal
    if listing.title:
        console.print(_styled(listing.title, "" if plain else "bold"), soft_wrap=plain)
    if plain or not len(listing):
        step = 0
    else:
        step = next(
            (s for s in range(listing.steps() + 1) if listing.width(s) <= console.width),
            listing.steps(),
        )
    chunks = plain_lines(listing, console.width) if plain else None
    if chunks is not None:  # the text Rich would print, made without it
        for chunk in chunks:
            console.print(_Verbatim(chunk), soft_wrap=True)
        if listing.legend:
            console.print(_styled(listing.legend, ""), soft_wrap=True)
        return
    table = listing.render(step, styled=not plain)
    needed = listing.width(step)
    if needed > console.width:  # even its essentials do not fit: wider lines, nothing cut
        from rich.console import Console  # noqa: PLC0415 - Rich: only here

        console = Console(
            width=needed,
            color_system="auto" if console.color_system else None,
            force_terminal=console.is_terminal,
            highlight=False,
            soft_wrap=True,
        )
    console.print(table)
    if listing.legend:
        console.print(_styled(listing.legend, "" if plain else "dim"), soft_wrap=plain)


class _Verbatim:
    """Text printed as it is, through the console (so its capture and recording see it)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: Any) -> Iterator[Segment]:
        from rich.segment import Segment  # noqa: PLC0415

        yield Segment(self.text)


def print_listings(listings: Iterable[Listing], console: Console | None = None) -> None:
    """Listings one after the other, a blank line between two."""
    console = console or output()
    for number, listing in enumerate(listings):
        if number:
            console.print()
        print_listing(listing, console)


def print_text(text: str, console: Console | None = None) -> None:
    """A line of text (Rich markup): wrapped at spaces on a terminal, whole in a file."""
    console = console or output()
    console.print(text, soft_wrap=not console.is_terminal)


def print_renderable(renderable: RenderableType, console: Console | None = None) -> None:
    """Any other Rich renderable (a tree): on a terminal as wide as it is, and to a file or
    a pipe as wide as its longest line (never cut at 80 columns)."""
    console = console or output()
    if not console.is_terminal:
        from rich.console import Console  # noqa: PLC0415
        from rich.measure import Measurement  # noqa: PLC0415

        wide = Measurement.get(console, console.options, renderable).maximum
        console = Console(width=max(wide, 1), color_system=None, highlight=False, soft_wrap=True)
    console.print(renderable, soft_wrap=False)


# -- JSON -----------------------------------------------------------------------------------


def print_json(value: Any) -> None:
    """``value`` as one line of JSON on stdout, as ``json.dumps`` writes it: the answer of
    ``--json`` for the commands whose answers are small (:func:`write_json` for large ones)."""
    import json  # noqa: PLC0415 - only the commands that write JSON need it

    sys.stdout.write(json.dumps(value) + "\n")
    sys.stdout.flush()


def write_json(value: Any) -> None:
    """``value`` as one line of compact JSON on stdout, by orjson: a fraction of
    ``json.dumps``'s time on a large answer (an impact that moves thousands of tasks)."""
    import orjson  # noqa: PLC0415 - only the commands that write JSON need it

    text = orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_APPEND_NEWLINE)
    sys.stdout.flush()
    binary = getattr(sys.stdout, "buffer", None)
    if binary is None:  # a text-only stream
        sys.stdout.write(text.decode())
        return
    binary.write(text)
    binary.flush()


def write_parts(parts: Iterable[bytes], end: bytes = b"") -> None:
    """UTF-8 text made in pieces (a large schedule's ``--json`` or ``--csv``) on stdout as
    it is made, then ``end``: the whole text is never held."""
    sys.stdout.flush()
    binary = getattr(sys.stdout, "buffer", None)
    if binary is None:  # a text-only stream
        sys.stdout.write((b"".join(parts) + end).decode())
        return
    binary.writelines(parts)
    binary.write(end)
    binary.flush()


# -- CSV ------------------------------------------------------------------------------------


def write_csv(records: Iterable[Mapping[str, Any]], fields: Sequence[str]) -> None:
    """One CSV line per record on stdout, a header first (``fields``, in order); lists are
    joined with spaces, None is empty, True/False are written as ``true``/``false``."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(fields)
    for record in records:
        writer.writerow([_csv_value(record.get(name)) for name in fields])
    sys.stdout.flush()


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value)
    return value
