"""A listing printed to a file or a pipe is made without Rich (cli/plain_table.py): its text
is Rich's, byte for byte, for generated tables and for every command that prints one; what
the plain renderer does not cover goes to Rich."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from progman.cli import output, plain_table
from progman.cli.output import PLAIN_WIDTH, Cell, Column, Listing, print_listing
from progman.cli.plain_table import plain_lines

from .test_table_widths import COMMANDS, invoke, resolved, stored  # noqa: F401 - fixture

#: ASCII, spaces, the table's own wide-looking marks (◆ ✓ — ·), East Asian wide characters,
#: an emoji, a combining accent, a no-break and an ideographic space
PRINTABLE = "ab Z09-.%[]:◆✓—·漢字🙂\u0301\xa0\u3000"
#: what Rich alone prints: a tab, control characters, other line breaks, a zero width joiner
#: and a variation selector
UNCOVERED = "\t\x07\r\x1b\x85\u2028\u200d\ufe0f"
KINDS = ("id", "text", "date", "number", "mark")


def plain_console(width: int = PLAIN_WIDTH) -> Console:
    """A console as :func:`progman.cli.output.output` makes it for a file or a pipe."""
    return Console(
        file=io.StringIO(),
        width=width,
        color_system=None,
        highlight=False,
        soft_wrap=True,
        emoji=False,
    )


def printed(listing: Listing, *, fast: bool, width: int = PLAIN_WIDTH) -> str:
    """The text :func:`print_listing` writes of ``listing`` (by Rich if not ``fast``)."""
    console = plain_console(width)
    if fast:
        print_listing(listing, console)
    else:
        saved = output.plain_lines
        output.plain_lines = lambda *_: None  # type: ignore[assignment]
        try:
            print_listing(listing, console)
        finally:
            output.plain_lines = saved
    file = console.file
    assert isinstance(file, io.StringIO)
    return file.getvalue()


@st.composite
def listings(draw: st.DrawFn, alphabet: str = PRINTABLE + "\n") -> Listing:
    """A listing of 1-6 columns of every kind and justification, multi-line headers and
    cells, short forms, styles and sections."""
    words = st.text(alphabet=alphabet, max_size=12)
    count = draw(st.integers(1, 6))
    columns = [
        Column(
            draw(st.text(alphabet="abc %\n◆漢", max_size=8)),
            draw(st.sampled_from(KINDS)),
            shorten=draw(st.sampled_from([None, 1])),
            justify=draw(st.sampled_from([None, "left", "right", "center"])),
        )
        for _ in range(count)
    ]
    listing = Listing(
        columns,
        title=draw(st.none() | st.text(alphabet="ab ◆", max_size=10)),
        legend=draw(st.none() | st.text(alphabet="ab ✓", max_size=10)),
    )
    for _ in range(draw(st.integers(0, 8))):
        cells = [
            Cell(
                draw(words), style=draw(st.sampled_from(["", "red"])), short=draw(st.none() | words)
            )
            if draw(st.booleans())
            else draw(words)
            for _ in columns
        ]
        listing.add_row(
            *cells, style=draw(st.sampled_from(["", "dim"])), end_section=draw(st.booleans())
        )
    return listing


@settings(max_examples=300, deadline=None)
@given(listings())
def test_a_generated_table_is_rich_s_text(listing: Listing) -> None:
    assert plain_lines(listing, PLAIN_WIDTH) is not None  # covered: the plain path ran
    assert printed(listing, fast=True) == printed(listing, fast=False)


@settings(max_examples=100, deadline=None)
@given(listings(), st.integers(1, 3))
def test_a_table_written_a_few_rows_at_a_time_is_the_same(listing: Listing, chunk: int) -> None:
    """Sections ending at the edge of a chunk, and the last row's, as in one chunk."""
    whole = printed(listing, fast=True)
    saved = plain_table.CHUNK
    plain_table.CHUNK = chunk
    try:
        assert printed(listing, fast=True) == whole
    finally:
        plain_table.CHUNK = saved


@settings(max_examples=100, deadline=None)
@given(listings(PRINTABLE + UNCOVERED + "\n"))
def test_what_the_plain_renderer_leaves_to_rich_is_rich_s_text(listing: Listing) -> None:
    assert printed(listing, fast=True) == printed(listing, fast=False)


@pytest.mark.parametrize(
    "header",
    ["[bold]x[/bold]", ":smile: x", "a\tb", "x\u2028y"],
    ids=["markup", "emoji", "tab", "separator"],
)
def test_a_header_rich_must_read_is_left_to_rich(header: str) -> None:
    listing = Listing([Column(header), Column("n", "number")])
    listing.add_row("a", "1")
    assert plain_lines(listing, PLAIN_WIDTH) is None
    assert printed(listing, fast=True) == printed(listing, fast=False)


def test_a_table_wider_than_the_console_is_left_to_rich() -> None:
    listing = Listing([Column("id", "id"), Column("name")])
    listing.add_row("T1", "a name of forty characters, more or less")
    assert plain_lines(listing, 40) is None
    assert plain_lines(listing, 60) is not None
    assert printed(listing, fast=True, width=40) == printed(listing, fast=False, width=40)


def test_the_plain_text_has_rich_s_shape() -> None:
    """Headers at the bottom, a rule, numbers to the right, a blank line between sections
    (none after the last row), a centred cell, a wide character counted as two."""
    listing = Listing(
        [
            Column("", "mark"),
            Column("id", "id"),
            Column("total\nfloat", "number"),
            Column("c", justify="center"),
        ]
    )
    listing.add_row("*", "漢", "1d ", "ab", end_section=True)
    listing.add_row("", "T10", "12d", "abcd", end_section=True)
    lines = printed(listing, fast=True).split("\n")
    assert lines == [
        "        total      ",
        "   id   float   c  ",
        "───────────────────",
        "*  漢      1d   ab ",
        "                   ",
        "   T10    12d  abcd",
        "",
    ]
    assert printed(listing, fast=False).split("\n") == lines


def test_an_empty_table_prints_its_headers() -> None:
    listing = Listing([Column("id", "id"), Column("%\ndone", "number")], title="T", legend="L")
    assert printed(listing, fast=True) == printed(listing, fast=False)
    assert printed(listing, fast=True) == "T\n       %\nid  done\n────────\nL\n"


def test_rows_added_by_column_are_rows_added_one_by_one() -> None:
    columns = [Column("id", "id"), Column("start", "date", shorten=1), Column("n", "number")]
    one, many = Listing(columns), Listing(columns)
    one.add_row("A", Cell("2027-01-04 08:00", short="2027-01-04"), "1", end_section=True)
    one.add_row("B", Cell("2027-01-05 08:00", short="2027-01-05"), "2", style="red")
    many.add_rows(
        [["A", "B"], ["2027-01-04 08:00", "2027-01-05 08:00"], ["1", "2"]],
        shorts={1: ["2027-01-04", "2027-01-05"]},
        styles=["", "red"],
        end_sections=[True, False],
    )
    for step in (0, 1):
        assert one.width(step) == many.width(step)
        for styled in (True, False):
            a, b = plain_console(120), plain_console(120)
            a.print(one.render(step, styled=styled))
            b.print(many.render(step, styled=styled))
            assert a.file.getvalue() == b.file.getvalue()  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="2 columns of cells for 3 columns"):
        many.add_rows([["C"], ["x"]])
    with pytest.raises(ValueError, match="differ in length"):
        many.add_rows([["C"], ["x", "y"], ["1"]])
    with pytest.raises(ValueError, match="styles or sections differ"):
        many.add_rows([["C"], ["x"], ["1"]], styles=["", "red"])
    with pytest.raises(ValueError, match=r"out of 0\.\.2"):
        many.add_rows([["C"], ["x"], ["1"]], shorts={3: ["y"]})
    assert len(many) == 2  # bad input changed nothing
    assert [many.column_texts(c) for c in range(3)] == [
        ["A", "B"],
        ["2027-01-04 08:00", "2027-01-05 08:00"],
        ["1", "2"],
    ]


#: the commands of COMMANDS whose answer holds no listing (a tree, the risk grid)
NO_LISTING = {"show", "risk matrix"}
#: more commands that print listings, and a schedule's other forms
MORE = [
    ("comms", ["comms", "PLAN", "--due", "2027-03-01"], []),
    ("schedule --project", ["schedule", "PLAN", "--project", "API"], []),
    ("schedule --status-date", ["schedule", "PLAN", "--status-date", "2027-05-03"], []),
]
#: a time the command took, which differs between two runs
TIMING = re.compile(r"\d+(\.\d+)? s\b")


@pytest.mark.parametrize(("name", "args", "headers"), COMMANDS + MORE, ids=lambda v: v)
def test_every_command_s_piped_table_is_rich_s_text(
    name: str,
    args: list[str],
    headers: list[str],
    stored: str,  # noqa: F811 - the fixture imported above
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    command = resolved(args, stored)
    made: list[bool] = []

    def recorded(listing: Listing, width: int) -> Iterator[str] | None:
        chunks = plain_lines(listing, width)
        made.append(chunks is not None)
        return chunks

    monkeypatch.setattr(output, "plain_lines", recorded)
    fast = invoke(command, None)
    assert any(made) == (name not in NO_LISTING)  # the plain renderer printed its tables
    monkeypatch.setattr(output, "plain_lines", lambda *_: None)
    assert TIMING.sub("# s", invoke(command, None)) == TIMING.sub("# s", fast)
