"""A report document laid out as Markdown, as one self-contained HTML file, or as PDF.

A section is one Jinja2 template under ``templates/sections/`` that writes its data with
the macros of a *kit*: ``kit/md.j2`` or ``kit/html.j2`` (tables, paragraphs, colours,
charts), so the same template makes both formats. The HTML environment escapes every
value; the Markdown one escapes table cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Template

#: The formats a report is written in.
FORMATS = ("md", "html", "pdf")


@dataclass(frozen=True)
class Part:
    """One section of a document: its template (``sections/NAME.j2``), heading and data;
    ``group`` heads the sections of one project in a team report."""

    name: str
    title: str
    data: Any
    group: str | None = None

    @property
    def anchor(self) -> str:
        return f"{self.group}-{self.name}" if self.group else self.name


@dataclass(frozen=True)
class Document:
    """A whole report: what it is, of what, as of when, and its sections in order."""

    title: str
    program: str
    as_of: date
    generated: date
    notes: tuple[str, ...]
    parts: tuple[Part, ...]

    @property
    def groups(self) -> list[tuple[str | None, list[Part]]]:
        """The parts by group, in order (one group, None, unless a team report)."""
        found: list[tuple[str | None, list[Part]]] = []
        for part in self.parts:
            if not found or found[-1][0] != part.group:
                found.append((part.group, []))
            found[-1][1].append(part)
        return found


def render_markdown(document: Document) -> str:
    return _render(document, "md")


def render_html(document: Document) -> str:
    return _render(document, "html")


def render_pdf(html: str) -> bytes:
    """The HTML report printed to PDF by WeasyPrint (nothing is fetched: the HTML holds
    everything it shows)."""
    import weasyprint  # noqa: PLC0415 - pango and cairo: only for a PDF

    return bytes(weasyprint.HTML(string=html, base_url=None).write_pdf())


def _render(document: Document, fmt: str) -> str:
    environment = _environment(fmt)
    kit = environment.get_template(f"kit/{fmt}.j2").module
    sections = {
        part.anchor: _section(environment, part.name).render(part=part, data=part.data, kit=kit)
        for part in document.parts
    }
    page = environment.get_template(f"document.{fmt}.j2")
    return page.render(document=document, sections=sections, kit=kit).strip() + "\n"


def _section(environment: Environment, name: str) -> Template:
    return environment.get_template(f"sections/{name}.j2")


@cache
def _environment(fmt: str) -> Environment:
    environment = Environment(
        loader=PackageLoader("progman.reports", "templates"),
        autoescape=fmt == "html",
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    environment.filters.update(
        day=day, money=money, number=number, percent=percent, signed=signed, cell=md_cell
    )
    environment.tests["numeric"] = numeric
    environment.tests["dated"] = dated
    return environment


# -- how values are written (both formats) ----------------------------------------------------


def day(value: date | datetime | None) -> str:
    """A date as YYYY-MM-DD (a moment: its day), "—" for none."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat()


def money(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{round(value) + 0:,}".replace("-", "−")


def number(value: float | None, digits: int = 1) -> str:
    """A figure with at most ``digits`` decimals (no trailing zeros), "—" for none."""
    if value is None:
        return "—"
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"
    return "0" if text in ("-0", "") else text.replace("-", "−")


def signed(value: float | None, digits: int = 1) -> str:
    """A variance with its sign (+3, −2, 0)."""
    if value is None:
        return "—"
    text = number(value, digits)
    return text if text.startswith("−") or text == "0" else f"+{text}"


def percent(value: float | None) -> str:
    """A share (0..1) as a whole percentage."""
    return "—" if value is None else f"{value * 100:.0f} %"


def md_cell(value: Any) -> str:
    """Text that keeps a Markdown table's shape: no pipes, no line breaks."""
    return str(value).replace("|", "\\|").replace("\n", " ")


_NUMBER = re.compile(r"^[+−-]?[\d,.]+( %)?$")


def numeric(value: Any) -> bool:
    """Whether a table cell holds a figure (right-aligned in HTML)."""
    return isinstance(value, int | float) or (isinstance(value, str) and bool(_NUMBER.match(value)))


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def dated(value: Any) -> bool:
    """Whether a table cell is a date (kept on one line in HTML)."""
    return isinstance(value, str) and bool(_DATE.match(value))
