"""What the web pages "Earned value" and "Health" show of a stored program: the earned
value against a chosen baseline with its weekly S-curve laid out for an SVG, or the
reason it cannot be measured; the health of the program and each project.

The figures are :mod:`progman.services.evm`'s and :mod:`progman.services.health`'s; this
module only chooses and lays out (the chart's scales, ticks and polylines), so the
templates hold no arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from progman.errors import UsageError
from progman.services.evm import EarnedValue, Measures, program_earned_value
from progman.services.health import ProgramHealth, program_health

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from progman.domain.access import User

__all__ = ["EvmView", "ProgramHealth", "evm_view", "health_view"]

#: The chart's drawing area in SVG units (the labels sit in the margins).
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 860, 260, 80, 40, 30


@dataclass(frozen=True)
class Tick:
    at: float  # SVG coordinate along its axis
    label: str


@dataclass(frozen=True)
class SCurve:
    """Cumulative PV, EV and AC per week as SVG polylines, with the axes' ticks and the
    status date's x."""

    width: int
    height: int
    left: int
    top: int
    bottom: int
    pv: str
    ev: str
    ac: str
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    status_x: float | None
    first: date
    last: date
    top_value: float


@dataclass(frozen=True)
class EvmRow:
    scope: str  # "program" or "project"
    id: str
    name: str
    figures: Measures


@dataclass(frozen=True)
class EvmView:
    baselines: tuple[tuple[str, str], ...]  # (id, label), oldest first
    baseline: str | None  # the chosen one (None: the latest)
    status_date: date | None
    message: str | None  # why there is nothing to show
    result: EarnedValue | None
    rows: tuple[EvmRow, ...]
    chart: SCurve | None
    currency: str


def evm_view(
    session: Session,
    user: User,
    key: str,
    *,
    baseline: str | None = None,
    status_date: date | None = None,
) -> EvmView:
    """Earned value of the stored program ``key``; without a baseline or a status date,
    the message saying what to do instead of an error page."""
    from progman.services.catalog import visible_program  # noqa: PLC0415 - database stack

    program = visible_program(session, user, key)
    baselines = tuple(
        (b.id, f"{b.id}{' — ' + b.name if b.name else ''} ({b.created:%Y-%m-%d})")
        for b in program.baselines
    )
    when = status_date or program.status_date
    try:
        result = program_earned_value(program, baseline=baseline, status_date=status_date)
    except UsageError as error:
        return EvmView(baselines, baseline, when, _message(error), None, (), None, program.currency)
    names = {p.id: p.name for p in program.projects}
    rows = (
        EvmRow("program", program.key, program.name, result.program),
        *(
            EvmRow("project", ident, names.get(ident, ident), m)
            for ident, m in result.projects.items()
        ),
    )
    return EvmView(
        baselines, result.baseline, result.status_date, None, result, rows, s_curve(result),
        result.currency,
    )  # fmt: skip


def _message(error: UsageError) -> str:
    if error.option == "status_date":
        return (
            "Earned value is measured as of a status date, and this program has none: set the "
            "program's status_date, or choose a status date above."
        )
    if error.option == "baseline" and "no baseline to measure" in error.message:
        return (
            "This program has no baseline to measure against: take one first (progman "
            "baseline PLAN --save ID, or POST /api/v1/programs/{key}/baselines)."
        )
    return error.message


def health_view(session: Session, user: User, key: str) -> ProgramHealth:
    """The health of the stored program ``key`` as ``user`` may see it; the schedule
    signal reads P80 forecasts too when a simulation of this revision is kept
    (:func:`progman.services.simulation.kept_simulation`), as ``health --simulate N``."""
    from progman.services.catalog import visible_program  # noqa: PLC0415 - database stack
    from progman.services.simulation import kept_simulation  # noqa: PLC0415 - numba: on use

    program = visible_program(session, user, key)
    return program_health(program, simulation=kept_simulation(session, user, key))


def s_curve(result: EarnedValue) -> SCurve | None:
    """The weekly S-curve laid out in SVG units (None without weeks)."""
    weeks = result.weeks
    if not weeks:
        return None
    top_value = max(
        [w.pv for w in weeks] + [w.ev or 0.0 for w in weeks] + [w.ac or 0.0 for w in weeks]
    )
    top_value = _nice(top_value) if top_value > 0 else 1.0
    first, last = weeks[0].monday, weeks[-1].monday + timedelta(days=7)
    span = max((last - first).days, 1)

    def x(day: date) -> float:
        return round(LEFT + WIDTH * (day - first).days / span, 1)

    def y(value: float) -> float:
        return round(TOP + HEIGHT - HEIGHT * value / top_value, 1)

    def line(values: Sequence[tuple[date, float | None]]) -> str:
        return " ".join(f"{x(d)},{y(v)}" for d, v in values if v is not None)

    ends = [(w.monday + timedelta(days=7), w) for w in weeks]  # cumulative at the week's end
    start = [(first, 0.0)]
    step = max(1, len(weeks) // 10)
    x_ticks = tuple(
        Tick(x(w.monday), w.monday.strftime("%d %b %Y" if n == 0 else "%d %b"))
        for n, w in enumerate(weeks)
        if n % step == 0
    )
    y_ticks = tuple(Tick(y(top_value * k / 4), f"{top_value * k / 4:,.0f}") for k in range(5))
    status = result.status_date + timedelta(days=1)
    return SCurve(
        width=LEFT + WIDTH + 20,
        height=TOP + HEIGHT + BOTTOM,
        left=LEFT,
        top=TOP,
        bottom=TOP + HEIGHT,
        pv=line(start + [(d, w.pv) for d, w in ends]),
        ev=line(start + [(min(d, status), w.ev) for d, w in ends]),
        ac=line(start + [(min(d, status), w.ac) for d, w in ends]),
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        status_x=x(status) if first <= status <= last else None,
        first=first,
        last=last,
        top_value=top_value,
    )


def _nice(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × a power of ten at or above ``value``."""
    power = 10.0 ** (len(f"{int(value):d}") - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power
