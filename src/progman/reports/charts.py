"""Charts as inline SVG, drawn in Python (no script, nothing fetched): a roadmap/Gantt of
bars on a time axis, the milestone trend, the Monte Carlo finish histogram, the 5×5 risk
matrix, the earned-value S-curve and a sprint burndown.

Each chart has a title, axis labels and a text alternative (``<title>``, ``<desc>`` and
:attr:`Chart.alt`, which a Markdown report shows instead of the picture). Colours are
never the only signal: a late milestone is also drawn hollow and named in the text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
INK, MUTED, GRID, ACCENT = "#1d2433", "#5b6475", "#dde2ea", "#2f5fb3"
RAG = {"green": "#1b7a3d", "amber": "#c98500", "red": "#b3261e"}
RATING = {"low": "#cfe8d5", "medium": "#fbe7a6", "high": "#f6b98b", "critical": "#e8867f"}
LINES = ("#2f5fb3", "#b3261e", "#1b7a3d", "#8a4fbf", "#c98500", "#0f8b8d", "#6b4226", "#d1498c")
WIDTH = 900


@dataclass(frozen=True)
class Chart:
    """A drawn chart: its title, a text alternative, and the ``<svg>`` element."""

    title: str
    alt: str
    svg: str


@dataclass(frozen=True)
class Bar:
    """A row of a roadmap or Gantt chart: a bar from ``start`` to ``finish`` (coloured by
    ``rag``), and optionally the bar its baseline had."""

    id: str
    label: str
    start: datetime
    finish: datetime
    rag: str | None = None
    baseline_start: date | datetime | None = None
    baseline_finish: date | datetime | None = None


@dataclass(frozen=True)
class Mark:
    """A milestone on a roadmap's row ``row`` (a bar's id)."""

    id: str
    row: str
    at: datetime
    late: bool


@dataclass(frozen=True)
class Series:
    """A named line of (x, y) points."""

    name: str
    points: tuple[tuple[date, date], ...]


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = 11,
          fill: str = INK, weight: str = "normal", extra: str = "") -> str:  # fmt: skip
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'fill="{fill}" font-weight="{weight}"{extra}>{escape(text)}</text>'
    )


def _svg(title: str, alt: str, width: float, height: float, body: list[str]) -> Chart:
    ident = "c" + "".join(ch for ch in title.lower() if ch.isalnum())[:24]
    svg = (
        f'<svg viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
        f'height="{height:.0f}" role="img" aria-labelledby="{ident}-t {ident}-d" '
        f'font-family="{FONT}">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(alt)}</desc>'
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="#fff"/>' + "".join(body) + "</svg>"
    )
    return Chart(title, alt, svg)


class _TimeAxis:
    """Days mapped onto x between ``left`` and ``right``, with month (or quarter) ticks."""

    def __init__(self, first: date, last: date, left: float, right: float) -> None:
        self.first = first.replace(day=1)
        end = last + timedelta(days=1)
        self.last = _month_after(end) if end.day != 1 else end
        self.left, self.right = left, right

    def x(self, day: date | datetime) -> float:
        if isinstance(day, datetime):
            offset = (day - datetime.combine(self.first, datetime.min.time())).total_seconds()
            days = offset / 86400
        else:
            days = (day - self.first).days
        span = max((self.last - self.first).days, 1)
        return self.left + (self.right - self.left) * days / span

    def ticks(self) -> list[date]:
        months, day = [], self.first
        while day <= self.last:
            months.append(day)
            day = _month_after(day)
        step = 1 if len(months) <= 14 else 3 if len(months) <= 40 else 12
        return [m for m in months if (m.month - 1) % step == 0]

    def draw(self, top: float, bottom: float, label: str) -> list[str]:
        parts = []
        ticks = self.ticks()
        for n, tick in enumerate(ticks):
            x = self.x(tick)
            parts.append(f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" '
                         f'stroke="{GRID}"/>')  # fmt: skip
            if tick < self.last:
                name = tick.strftime("%b")
                if n == 0 or tick.month == 1:
                    name += f" {tick.year}"
                parts.append(_text(x + 3, bottom + 14, name, size=10, fill=MUTED))
        parts.append(_text((self.left + self.right) / 2, bottom + 30, label, anchor="middle",
                           size=11, fill=MUTED))  # fmt: skip
        return parts


def _month_after(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _today_line(axis: _TimeAxis, when: date, top: float, bottom: float) -> list[str]:
    x = axis.x(when)
    return [
        f'<line x1="{x:.1f}" y1="{top - 4:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="{ACCENT}" '
        'stroke-width="1.5" stroke-dasharray="4 3"/>',
        _text(x, top - 7, f"status date {when.isoformat()}", anchor="middle", size=10,
              fill=ACCENT),
    ]  # fmt: skip


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _day(value: date | datetime) -> str:
    return _as_date(value).isoformat()


# -- roadmap / Gantt --------------------------------------------------------------------------


def gantt(
    title: str, rows: Sequence[Bar], when: date, marks: Sequence[Mark] = (), *, note: str = ""
) -> Chart:
    """Bars per row on a time axis with the status date; baseline bars (grey, beneath)
    and milestones (diamonds; hollow red when late) when given."""
    label_width, row_height, top = 190.0, 30.0, 34.0
    days = [d for r in rows for d in (r.start, r.finish, r.baseline_start, r.baseline_finish)
            if d is not None] + [m.at for m in marks]  # fmt: skip
    dates = [_as_date(d) for d in days] + [when]
    axis = _TimeAxis(min(dates), max(dates), label_width, WIDTH - 20)
    bottom = top + row_height * max(len(rows), 1)
    body = axis.draw(top, bottom, "calendar month")
    index = {r.id: n for n, r in enumerate(rows)}
    for n, row in enumerate(rows):
        y = top + n * row_height
        if n % 2:
            body.append(f'<rect x="0" y="{y:.1f}" width="{WIDTH}" height="{row_height}" '
                        'fill="#f6f8fb" opacity="0.7"/>')  # fmt: skip
        label = row.label if len(row.label) <= 28 else row.label[:27] + "…"
        body.append(_text(8, y + 19, label))
        colour = RAG.get(row.rag or "", ACCENT)
        x0, x1 = axis.x(row.start), max(axis.x(row.finish), axis.x(row.start) + 2)
        has_base = row.baseline_start is not None and row.baseline_finish is not None
        height = 12 if has_base else 16
        body.append(
            f'<rect x="{x0:.1f}" y="{y + 6:.1f}" width="{x1 - x0:.1f}" height="{height}" rx="3" '
            f'fill="{colour}" opacity="0.85"><title>{escape(row.label)}: {_day(row.start)} to '
            f"{_day(row.finish)}</title></rect>"
        )
        if has_base:
            assert row.baseline_start is not None and row.baseline_finish is not None
            b0, b1 = axis.x(row.baseline_start), axis.x(row.baseline_finish)
            body.append(
                f'<rect x="{b0:.1f}" y="{y + 20:.1f}" width="{max(b1 - b0, 2):.1f}" height="5" '
                f'fill="#9aa3b2"><title>baseline: {_day(row.baseline_start)} to '
                f"{_day(row.baseline_finish)}</title></rect>"
            )
    for mark in marks:
        if mark.row not in index:
            continue
        x, y = axis.x(mark.at), top + index[mark.row] * row_height + 14
        fill, stroke = ("#fff", RAG["red"]) if mark.late else (INK, "#fff")
        body.append(
            f'<path d="M{x:.1f} {y - 7:.1f} L{x + 7:.1f} {y:.1f} L{x:.1f} {y + 7:.1f} '
            f'L{x - 7:.1f} {y:.1f} Z" fill="{fill}" stroke="{stroke}" stroke-width="2">'
            f"<title>{escape(mark.id)}: {_day(mark.at)}{' (late)' if mark.late else ''}"
            "</title></path>"
        )
    body += _today_line(axis, when, top, bottom)
    legend = ["bars: forecast, coloured by health"]
    if any(r.baseline_start for r in rows):
        legend.append("grey: baseline")
    if marks:
        legend.append("◆ milestone, ◇ late milestone")
    body.append(_text(label_width, bottom + 46, " · ".join(legend), size=10, fill=MUTED))
    alt = "; ".join(
        f"{r.label} from {_day(r.start)} to {_day(r.finish)}"
        + (f" (baseline {_day(r.baseline_finish)})" if r.baseline_finish else "")
        + (f", health {r.rag}" if r.rag else "")
        for r in rows
    )
    late = [m.id for m in marks if m.late]
    if late:
        alt += f". Late milestones: {', '.join(late)}"
    return _svg(title, (note + " " if note else "") + alt + ".", WIDTH, bottom + 56, body)


def roadmap(rows: Sequence[Bar], marks: Sequence[Mark], when: date) -> Chart:
    return gantt("Roadmap: projects and milestones", rows, when, marks)


# -- milestone trend ----------------------------------------------------------------------


def milestone_trend(series: Sequence[Series]) -> Chart:
    """Milestone trend analysis: each milestone's finish (y) as each baseline froze it and
    as forecast on the status date (x). A flat line holds; a rising one slips."""
    left, top, right, height = 80.0, 26.0, WIDTH - 170.0, 300.0
    xs = [x for s in series for x, _ in s.points]
    ys = [y for s in series for _, y in s.points]
    first_x, last_x = min(xs), max(xs)
    span_x = max((last_x - first_x).days, 1)
    low, high = min(ys), max(ys)
    pad = max((high - low).days // 10, 7)
    low, high = low - timedelta(days=pad), high + timedelta(days=pad)
    span_y = max((high - low).days, 1)
    bottom = top + height

    def at(x: date, y: date) -> tuple[float, float]:
        return (
            left + (right - left) * (x - first_x).days / span_x,
            bottom - height * (y - low).days / span_y,
        )

    body = [f'<rect x="{left}" y="{top}" width="{right - left}" height="{height}" fill="none" '
            f'stroke="{GRID}"/>']  # fmt: skip
    for k in range(6):
        day = low + timedelta(days=round(span_y * k / 5))
        _, y = at(first_x, day)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(_text(left - 6, y + 4, day.isoformat(), anchor="end", size=10, fill=MUTED))
    for x in sorted(set(xs)):
        px, _ = at(x, low)
        body.append(_text(px, bottom + 15, x.isoformat(), anchor="middle", size=10, fill=MUTED))
    body.append(_text((left + right) / 2, bottom + 32, "reported on (baseline taken, status date)",
                      anchor="middle", fill=MUTED))  # fmt: skip
    body.append(_text(14, top + height / 2, "forecast finish", anchor="middle", fill=MUTED,
                      extra=f' transform="rotate(-90 14 {top + height / 2:.1f})"'))  # fmt: skip
    ends: list[tuple[float, str, str]] = []
    for n, s in enumerate(series):
        colour = LINES[n % len(LINES)]
        points = [at(day_x, day_y) for day_x, day_y in s.points]
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for (px, py), (day_x, day_y) in zip(points, s.points, strict=True):
            body.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{colour}"><title>'
                        f"{escape(s.name)} on {day_x}: {day_y}</title></circle>")  # fmt: skip
        ends.append((points[-1][1], s.name, colour))
    for y, name, colour in _spread(ends, 12.0, top, bottom):
        body.append(_text(right + 8, y + 4, name, size=10, fill=colour))
    slipped = [s.name for s in series if s.points[-1][1] > s.points[0][1]]
    alt = "; ".join(f"{s.name}: " + ", ".join(f"{y} (on {x})" for x, y in s.points) for s in series)
    lead = (f"Slipped since the first baseline: {', '.join(slipped)}. " if slipped else
            "No milestone slipped since the first baseline. ")  # fmt: skip
    return _svg("Milestone trend: forecast finish per report date", lead + alt, WIDTH,
                bottom + 44, body)  # fmt: skip


def _spread(
    ends: list[tuple[float, str, str]], gap: float, top: float, bottom: float
) -> list[tuple[float, str, str]]:
    """Labels at their line's end, moved apart so that none overlaps the next."""
    placed: list[tuple[float, str, str]] = []
    for wanted, name, colour in sorted(ends):
        y = max(wanted, placed[-1][0] + gap) if placed else wanted
        placed.append((y, name, colour))
    overflow = placed[-1][0] - bottom if placed else 0
    if overflow > 0:
        placed = [(max(y - overflow, top), n, c) for y, n, c in placed]
    return placed


# -- Monte Carlo histogram ----------------------------------------------------------------


def histogram(
    weeks: Sequence[tuple[date, int]],
    marks: Sequence[tuple[str, datetime | None]],
    iterations: int,
) -> Chart:
    """How many iterations finish in each week, with the plan's date, P50 and P80."""
    left, top, right, height = 60.0, 30.0, WIDTH - 20.0, 220.0
    bottom = top + height
    first, last = weeks[0][0], weeks[-1][0] + timedelta(days=7)
    for _, moment in marks:
        if moment is not None:
            first = min(first, moment.date() - timedelta(days=7))
            last = max(last, moment.date() + timedelta(days=7))
    axis = _TimeAxis(first, last, left, right)
    peak = max(count for _, count in weeks) or 1
    body = axis.draw(top, bottom, "week the program finishes")
    for k in range(5):
        value = peak * k / 4
        y = bottom - height * k / 4
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(_text(left - 6, y + 4, f"{value / iterations * 100:.0f} %", anchor="end",
                          size=10, fill=MUTED))  # fmt: skip
    body.append(_text(14, top + height / 2, "share of iterations", anchor="middle", fill=MUTED,
                      extra=f' transform="rotate(-90 14 {top + height / 2:.1f})"'))  # fmt: skip
    for week, count in weeks:
        x0, x1 = axis.x(week), axis.x(week + timedelta(days=7))
        h, w = height * count / peak, max(x1 - x0 - 1, 1)
        body.append(f'<rect x="{x0 + 0.5:.1f}" y="{bottom - h:.1f}" width="{w:.1f}"'
                    f' height="{h:.1f}" fill="#8fb0e3"><title>week of {week}: {count} of '
                    f"{iterations}</title></rect>")  # fmt: skip
    styles = {"plan": INK, "P50": ACCENT, "P80": RAG["red"]}
    for n, (name, moment) in enumerate(marks):
        if moment is None:
            continue
        x = axis.x(moment)
        colour = styles.get(name, INK)
        body.append(f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" '
                    f'stroke="{colour}" stroke-width="2" stroke-dasharray="5 3"/>')  # fmt: skip
        body.append(_text(x + 4, top + 12 + 13 * n, f"{name} {_day(moment)}", size=10,
                          fill=colour, weight="bold"))  # fmt: skip
    alt = (
        f"{iterations} iterations; finishes from the week of {weeks[0][0]} to the week of "
        f"{weeks[-1][0]}; " + ", ".join(f"{name} {_day(m)}" for name, m in marks if m is not None)
    )
    return _svg("Monte Carlo: when the program finishes", alt, WIDTH, bottom + 40, body)


# -- risk matrix --------------------------------------------------------------------------


def risk_matrix(
    cells: Sequence[Sequence[Sequence[str]]], ratings: Sequence[Sequence[str]]
) -> Chart:
    """The 5×5 probability × impact grid: each cell's ids, coloured by its rating.
    ``cells[p - 1][i - 1]`` and ``ratings[p - 1][i - 1]``."""
    size, left, top = 92.0, 110.0, 20.0
    levels = len(cells)
    body = []
    for p in range(levels, 0, -1):
        y = top + (levels - p) * size
        body.append(_text(left - 8, y + size / 2 + 4, str(p), anchor="end", fill=MUTED))
        for i in range(1, levels + 1):
            x = left + (i - 1) * size
            ids = list(cells[p - 1][i - 1])
            rating = ratings[p - 1][i - 1]
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{size}" height="{size}" '
                        f'fill="{RATING.get(rating, "#eee")}" stroke="#fff" stroke-width="2">'
                        f"<title>probability {p}, impact {i}: {rating}"
                        f"{', ' + ', '.join(ids) if ids else ''}</title></rect>")  # fmt: skip
            body.append(_text(x + 5, y + 13, f"{p * i}", size=9, fill=MUTED))
            shown = ids[:4] + ([f"+{len(ids) - 4}"] if len(ids) > 4 else [])
            for k, ident in enumerate(shown):
                body.append(_text(x + size / 2, y + 32 + 14 * k, ident, anchor="middle",
                                  size=11, weight="bold"))  # fmt: skip
    bottom = top + levels * size
    for i in range(1, levels + 1):
        x = left + (i - 0.5) * size
        body.append(_text(x, bottom + 15, str(i), anchor="middle", fill=MUTED))
    body.append(_text(left + levels * size / 2, bottom + 33, "impact (1 to 5)", anchor="middle",
                      fill=MUTED))  # fmt: skip
    body.append(
        _text(
            40,
            top + levels * size / 2,
            "probability (1 to 5)",
            anchor="middle",
            fill=MUTED,
            extra=f' transform="rotate(-90 40 {top + levels * size / 2})"',
        )
    )
    key_x = left + levels * size + 30
    for n, (name, colour) in enumerate(RATING.items()):
        y = top + 10 + n * 22
        body.append(f'<rect x="{key_x}" y="{y}" width="14" height="14" fill="{colour}"/>')
        body.append(_text(key_x + 20, y + 11, name))
    placed = [
        f"{', '.join(cells[p - 1][i - 1])} at probability {p}, impact {i}"
        for p in range(levels, 0, -1)
        for i in range(levels, 0, -1)
        if cells[p - 1][i - 1]
    ]
    alt = "Open risks by probability and impact: " + ("; ".join(placed) or "none")
    return _svg("Risk matrix (5×5)", alt, key_x + 120, bottom + 44, body)


# -- S-curve ------------------------------------------------------------------------------


def s_curve(
    weeks: Sequence[tuple[date, float, float | None, float | None]], when: date, currency: str
) -> Chart:
    """Cumulative planned value, earned value and actual cost by week (EV and AC up to
    the status date)."""
    left, top, right, height = 90.0, 30.0, WIDTH - 110.0, 240.0
    bottom = top + height
    axis = _TimeAxis(weeks[0][0], weeks[-1][0] + timedelta(days=6), left, right)
    peak = max(max(v for v in (pv, ev, ac) if v is not None) for _, pv, ev, ac in weeks) or 1.0
    step = _nice_step(peak / 4)
    top_value = step * math.ceil(peak / step)
    body = axis.draw(top, bottom, "week")
    value = 0.0
    while value <= top_value + 1e-9:
        y = bottom - height * value / top_value
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(_text(left - 6, y + 4, f"{value:,.0f}", anchor="end", size=10, fill=MUTED))
        value += step
    body.append(
        _text(
            16,
            top + height / 2,
            f"cumulative {currency}",
            anchor="middle",
            fill=MUTED,
            extra=f' transform="rotate(-90 16 {top + height / 2:.1f})"',
        )
    )
    names = (("PV planned", 1, "#5b6475", "6 3"), ("EV earned", 2, RAG["green"], ""),
             ("AC actual", 3, RAG["red"], ""))  # fmt: skip
    ends: list[tuple[float, float, str, str]] = []
    for name, column, colour, dash in names:
        points = [
            (axis.x(w[0] + timedelta(days=6)), bottom - height * amount / top_value)
            for w in weeks
            if isinstance(amount := w[column], int | float)
        ]
        if not points:
            continue
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.2"'
                    + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")  # fmt: skip
        ends.append((*points[-1], name, colour))
    for x, y, name, colour in _apart(ends):
        body.append(_text(x + 6, y + 4, name, size=10, fill=colour, weight="bold"))
    body += _today_line(axis, when, top, bottom)
    last = [w for w in weeks if w[0] <= when]
    alt = f"Planned value rises to {weeks[-1][1]:,.0f} {currency} by the week of {weeks[-1][0]}"
    if last:
        _, pv, ev, ac = last[-1]
        alt += (f"; in the week of the status date PV {pv:,.0f}, EV {ev or 0:,.0f}, "
                f"AC {ac or 0:,.0f} {currency}")  # fmt: skip
    return _svg("S-curve: planned value, earned value and actual cost", alt + ".", WIDTH,
                bottom + 40, body)  # fmt: skip


def _apart(
    labels: list[tuple[float, float, str, str]], gap: float = 12.0
) -> list[tuple[float, float, str, str]]:
    """Line-end labels ``(x, y, text, colour)`` moved down as little as needed so that
    two that end near each other (EV and AC often do) keep ``gap`` pixels between them."""
    placed: list[tuple[float, float, str, str]] = []
    for x, y, text, colour in sorted(labels, key=lambda label: label[1]):
        near = [p[1] for p in placed if abs(p[0] - x) < 80]
        placed.append((x, max(y, max(near) + gap) if near else y, text, colour))
    return placed


def _nice_step(raw: float) -> float:
    if raw <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


# -- burndown -----------------------------------------------------------------------------


def burndown(
    title: str,
    points: Sequence[tuple[str, date, float, bool]],
    start_points: float,
) -> Chart:
    """Story points left after each sprint: done sprints as a solid line, the forecast by
    the mean velocity dashed. ``points``: (sprint, its last day, points left, forecast)."""
    left, top, right, height = 70.0, 24.0, WIDTH - 40.0, 220.0
    bottom = top + height
    count = len(points) + 1
    peak = max([start_points, *(p for _, _, p, _ in points)]) or 1.0
    step = _nice_step(peak / 4)
    top_value = step * math.ceil(peak / step)

    def at(n: int, value: float) -> tuple[float, float]:
        return left + (right - left) * n / max(count - 1, 1), bottom - height * value / top_value

    body = []
    value = 0.0
    while value <= top_value + 1e-9:
        _, y = at(0, value)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(_text(left - 6, y + 4, f"{value:g}", anchor="end", size=10, fill=MUTED))
        value += step
    labels = ["start", *(name for name, _, _, _ in points)]
    for n, label in enumerate(labels):
        x, _ = at(n, 0)
        body.append(_text(x, bottom + 15, label, anchor="middle", size=10, fill=MUTED))
    body.append(_text((left + right) / 2, bottom + 32, "sprint", anchor="middle", fill=MUTED))
    body.append(_text(16, top + height / 2, "story points left", anchor="middle", fill=MUTED,
                      extra=f' transform="rotate(-90 16 {top + height / 2:.1f})"'))  # fmt: skip
    done = [at(0, start_points)] + [at(n + 1, p) for n, (_, _, p, f) in enumerate(points) if not f]
    ahead = [done[-1]] + [at(n + 1, p) for n, (_, _, p, f) in enumerate(points) if f]
    for line, dash, colour in ((done, "", ACCENT), (ahead, "6 4", MUTED)):
        if len(line) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in line)
            body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                        f'stroke-width="2.2"' + (f' stroke-dasharray="{dash}"' if dash else "")
                        + "/>")  # fmt: skip
        for x, y in line:
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>')
    body.append(_text(left + 6, top + 12, "solid: done · dashed: forecast at the mean velocity",
                      size=10, fill=MUTED))  # fmt: skip
    alt = f"{start_points:g} points at the start; " + ", ".join(
        f"{p:g} left after {name}{' (forecast)' if f else ''}" for name, _, p, f in points
    )
    return _svg(title, alt + ".", WIDTH, bottom + 40, body)
