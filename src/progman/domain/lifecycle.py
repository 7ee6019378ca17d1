"""Lifecycle and governance (``progman gates``): the phases of a project, where each stage
gate stands, and the program's decision log.

A program's projects go through the phases of its ``lifecycle`` (default
:data:`DEFAULT_LIFECYCLE`; ``monitoring`` is monitoring and control). A gate closes the
``phase`` it names, of its ``project`` or, without one, of the program. A gate is tied to
the schedule only through its ``milestone`` (any work item: its forecast finish is when
the gate can be held): work items carry no phase, so "the finish of the phase's work" is
what the plan says it is by naming that item. A gate without one has no forecast.

Everything here is pure: the caller passes the forecast finishes the schedule gives and
the date to judge as of. The checks of :func:`check_lifecycle` run with the plan's other
checks (:mod:`progman.domain.validation`), each at the path of the field at fault.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from difflib import get_close_matches
from typing import Any, Literal

from progman.domain.findings import Path, Report
from progman.domain.governance import GateDecision, StageGate
from progman.domain.program import Program

#: The phases of a project when the program names none (``lifecycle:``).
DEFAULT_LIFECYCLE = ("initiation", "planning", "execution", "monitoring", "closure")
#: A gate not yet decided is *due* this many days before its planned date.
DUE_WITHIN_DAYS = 14

GateState = Literal["passed", "stopped", "overdue", "blocked", "due", "upcoming"]
PhaseSource = Literal["plan", "gates", "lifecycle"]


def lifecycle_of(program: Program) -> tuple[str, ...]:
    """The program's phases in order: its own ``lifecycle``, else the default."""
    return tuple(program.lifecycle) if program.lifecycle else DEFAULT_LIFECYCLE


# -- checks ---------------------------------------------------------------------------------


def check_lifecycle(program: Program, report: Report, tasks: Collection[str]) -> None:
    """Call ``report(code, message, path)`` for every problem of the lifecycle and the
    gates: a phase the lifecycle lacks, a milestone that is no work item, and a gate passed
    (``go``) with unmet criteria and no ``override``."""
    phases = lifecycle_of(program)
    seen: set[str] = set()
    for k, phase in enumerate(program.lifecycle or ()):
        if phase in seen:
            report(
                "plan.duplicate_id", f"phase '{phase}' is twice in the lifecycle", ("lifecycle", k)
            )
        seen.add(phase)
    for i, project in enumerate(program.projects):
        if project.phase is not None and project.phase not in phases:
            report(
                "plan.unknown_reference",
                _unknown_phase(project.phase, f"project {project.id}", phases),
                ("projects", i, "phase"),
            )
    for i, gate in enumerate(program.gates):
        if gate.phase is not None and gate.phase not in phases:
            report(
                "plan.unknown_reference",
                _unknown_phase(gate.phase, f"gate {gate.id}", phases),
                ("gates", i, "phase"),
            )
        if gate.milestone is not None and gate.milestone not in tasks:
            hint = get_close_matches(gate.milestone, list(tasks), n=1, cutoff=0.6)
            report(
                "plan.unknown_reference",
                f"unknown task '{gate.milestone}' in milestone of gate {gate.id}"
                + (f"; did you mean '{hint[0]}'?" if hint else ""),
                ("gates", i, "milestone"),
            )
        decision = gate.decision
        unmet = gate.unmet
        if decision is not None and decision.verdict == "go" and unmet and not decision.override:
            report(
                "plan.gate_unmet_criteria",
                f"gate {gate.id} is passed (go) with {len(unmet)} of {len(gate.criteria)} "
                f"criteria unmet ({_quoted(unmet[0].text)}"
                + (f" and {len(unmet) - 1} more" if len(unmet) > 1 else "")
                + "); meet them (met: true), decide hold or recycle, or say why it passes "
                "anyway: override: {reason: ..., by: ...} in the decision",
                ("gates", i, "decision", "outcome"),
            )


def deprecation_warnings(program: Program) -> list[tuple[str, Path]]:
    """A sentence and a path for each use of a deprecated word (``no_go``)."""
    return [
        (
            f"outcome 'no_go' of gate {gate.id} is deprecated and read as 'stop'; write stop",
            ("gates", i, "decision", "outcome"),
        )
        for i, gate in enumerate(program.gates)
        if gate.decision is not None and gate.decision.outcome == "no_go"
    ]


def _unknown_phase(phase: str, whose: str, phases: tuple[str, ...]) -> str:
    hint = get_close_matches(phase, phases, n=1, cutoff=0.6)
    return (
        f"unknown phase '{phase}' of {whose}; the lifecycle is {', '.join(phases)}"
        + (f"; did you mean '{hint[0]}'?" if hint else "")
        + " (a program may name its own phases: lifecycle: [...])"
    )


def _quoted(text: str, room: int = 60) -> str:
    return f"'{text}'" if len(text) <= room else f"'{text[: room - 1]}…'"


# -- where each gate and project stands -----------------------------------------------------


@dataclass(frozen=True)
class GateStatus:
    """Where one gate stands as of a date, with a sentence saying why."""

    id: str
    name: str
    project: str | None
    phase: str | None
    planned: date | None
    milestone: str | None
    forecast: date | None  # the milestone's forecast finish
    slip_days: int | None  # forecast - planned, calendar days (late when positive)
    met: int
    total: int
    unmet: tuple[str, ...]
    decision: GateDecision | None
    status: GateState
    reason: str

    @property
    def overridden(self) -> bool:
        return self.decision is not None and self.decision.override is not None

    def to_json(self) -> dict[str, Any]:
        d = self.decision
        return {
            "id": self.id,
            "name": self.name,
            "project": self.project,
            "phase": self.phase,
            "planned": _iso(self.planned),
            "milestone": self.milestone,
            "forecast": _iso(self.forecast),
            "slip_days": self.slip_days,
            "criteria": {"met": self.met, "total": self.total, "unmet": list(self.unmet)},
            "decision": None
            if d is None
            else {
                "outcome": d.verdict,
                "date": d.date.isoformat(),
                "by": d.by,
                "comment": d.comment,
                "override": None
                if d.override is None
                else {"reason": d.override.reason, "by": d.override.by},
            },
            "overridden": self.overridden,
            "status": self.status,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ProjectPhase:
    """A project's current phase and where it comes from: the plan's ``phase``, else the
    phase after the last gate passed, else the lifecycle's first."""

    id: str
    name: str
    phase: str
    source: PhaseSource
    passed: tuple[str, ...]  # gates of the project decided go, in lifecycle order
    next_gate: str | None  # the first of its gates not passed nor stopped
    stopped_at: str | None  # the gate that stopped it
    note: str | None  # the plan's phase disagrees with the gates

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "phase": self.phase,
            "source": self.source,
            "gates_passed": list(self.passed),
            "next_gate": self.next_gate,
            "stopped_at": self.stopped_at,
            "note": self.note,
        }


@dataclass(frozen=True)
class LogEntry:
    """A line of the decision log: a decision of the register or a gate's decision."""

    date: date
    id: str
    kind: Literal["decision", "gate"]
    title: str
    by: str | None
    outcome: str | None
    rationale: str | None
    related: tuple[str, ...]
    override: dict[str, str] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "by": self.by,
            "outcome": self.outcome,
            "rationale": self.rationale,
            "related": list(self.related),
            "override": self.override,
        }


@dataclass(frozen=True)
class Governance:
    """Every gate, each project's phase and the decision log of a program as of a date."""

    key: str
    name: str
    status_date: date
    lifecycle: tuple[str, ...]
    gates: tuple[GateStatus, ...]
    projects: dict[str, ProjectPhase]
    decisions: tuple[LogEntry, ...]

    def to_json(self) -> dict[str, Any]:
        """``progman gates --json`` (docs/user-guide.md, "Lifecycle and stage gates")."""
        return {
            "program": self.key,
            "status_date": self.status_date.isoformat(),
            "lifecycle": list(self.lifecycle),
            "gates": [g.to_json() for g in self.gates],
            "projects": {ident: p.to_json() for ident, p in self.projects.items()},
            "decisions": [e.to_json() for e in self.decisions],
        }


def governance(program: Program, forecasts: Mapping[str, date], as_of: date) -> Governance:
    """Where each gate and project of ``program`` stands as of ``as_of``, ``forecasts``
    holding the forecast finish of (at least) every gate's milestone."""
    phases = lifecycle_of(program)
    gates = tuple(_gate_status(g, forecasts.get(g.milestone or ""), as_of) for g in program.gates)
    projects = {
        p.id: _project_phase(p.id, p.name, p.phase, program.gates, phases) for p in program.projects
    }
    return Governance(
        key=program.key,
        name=program.name,
        status_date=as_of,
        lifecycle=phases,
        gates=gates,
        projects=projects,
        decisions=decision_log(program),
    )


def _gate_status(gate: StageGate, forecast: date | None, as_of: date) -> GateStatus:
    unmet = gate.unmet
    met = len(gate.criteria) - len(unmet)
    slip = (forecast - gate.planned).days if forecast and gate.planned else None
    status, reason = _standing(gate, forecast, as_of)
    if slip and slip > 0 and status not in ("passed", "stopped"):
        reason += f"; {gate.milestone} is forecast {forecast}, {_days(slip)} late"
    return GateStatus(
        id=gate.id,
        name=gate.name,
        project=gate.project,
        phase=gate.phase,
        planned=gate.planned,
        milestone=gate.milestone,
        forecast=forecast,
        slip_days=slip,
        met=met,
        total=len(gate.criteria),
        unmet=tuple(c.text for c in unmet),
        decision=gate.decision,
        status=status,
        reason=reason,
    )


def _standing(gate: StageGate, forecast: date | None, as_of: date) -> tuple[GateState, str]:
    """The status and its sentence. A decided go or stop settles the gate; otherwise (no
    decision, hold, recycle) its planned date before ``as_of`` makes it overdue, and a gate
    whose milestone is done or whose planned date is near is due, blocked when some of its
    criteria are unmet."""
    d = gate.decision
    unmet = gate.unmet
    if d is not None and d.verdict == "go":
        text = f"passed {d.date}" + (f" by {d.by}" if d.by else "")
        if d.override is not None and unmet:
            text += (
                f"; {_count(len(unmet), 'criterion', 'criteria')} unmet, overridden by "
                f"{d.override.by}: {d.override.reason}"
            )
        return "passed", text
    if d is not None and d.verdict == "stop":
        return "stopped", f"stopped {d.date}" + (f" by {d.by}" if d.by else "")
    pending = "" if d is None else f"; {d.verdict} since {d.date}"
    open_items = (
        f"{len(unmet)} of {len(gate.criteria)} criteria unmet ({_quoted(unmet[0].text, 50)}"
        + (f" and {len(unmet) - 1} more)" if len(unmet) > 1 else ")")
        if unmet
        else ""
    )
    if gate.planned is not None and gate.planned < as_of:
        days = (as_of - gate.planned).days
        text = f"planned {gate.planned}, {_days(days)} ago"
        return "overdue", text + (f"; {open_items}" if open_items else "") + pending
    ready = forecast is not None and forecast <= as_of
    near = gate.planned is not None and gate.planned <= as_of + timedelta(days=DUE_WITHIN_DAYS)
    if ready or near:
        when = f"{gate.milestone} is done" if ready else f"planned {gate.planned}"
        if unmet:
            return "blocked", f"{when}; {open_items}" + pending
        return "due", f"{when}; every criterion met, ready for a decision" + pending
    if gate.planned is None:
        return "upcoming", "no planned date" + pending
    return "upcoming", f"planned {gate.planned}" + pending


def _project_phase(
    ident: str,
    name: str,
    stated: str | None,
    gates: list[StageGate],
    phases: tuple[str, ...],
) -> ProjectPhase:
    order = {phase: k for k, phase in enumerate(phases)}
    own = sorted(
        (g for g in gates if g.project == ident and g.phase in order),
        key=lambda g: (order[g.phase or ""], g.planned or date.max),
    )
    passed = [g for g in own if g.decision is not None and g.decision.verdict == "go"]
    stopped = next((g for g in own if g.decision and g.decision.verdict == "stop"), None)
    pending = [g for g in own if g not in passed and g is not stopped]
    after_gates = None
    if passed:
        last = max(order[g.phase or ""] for g in passed)
        after_gates = phases[min(last + 1, len(phases) - 1)]
    note = None
    if stated is not None and stated in order:
        skipped = [g for g in pending if order[g.phase or ""] < order[stated]]
        if skipped:
            g = skipped[0]
            note = f"in {stated} although gate {g.id} ({g.phase}) is not passed"
        elif after_gates is not None and order[after_gates] > order[stated]:
            note = f"gate {passed[-1].id} passed {passed[-1].phase}; the plan still says {stated}"
    source: PhaseSource
    if stated is not None:
        phase, source = stated, "plan"
    elif after_gates is not None:
        phase, source = after_gates, "gates"
    else:
        phase, source = phases[0], "lifecycle"
    return ProjectPhase(
        id=ident,
        name=name,
        phase=phase,
        source=source,
        passed=tuple(g.id for g in passed),
        next_gate=pending[0].id if pending and stopped is None else None,
        stopped_at=stopped.id if stopped is not None else None,
        note=note,
    )


def decision_log(program: Program) -> tuple[LogEntry, ...]:
    """The decisions register and every gate decision, by date (plan order within a day:
    the register's first)."""
    entries = [
        LogEntry(
            date=d.date,
            id=d.id,
            kind="decision",
            title=d.title,
            by=d.by,
            outcome=d.outcome,
            rationale=d.rationale,
            related=tuple(d.related),
        )
        for d in program.decisions
    ]
    for gate in program.gates:
        d = gate.decision
        if d is None:
            continue
        entries.append(
            LogEntry(
                date=d.date,
                id=gate.id,
                kind="gate",
                title=gate.name,
                by=d.by,
                outcome=d.verdict,
                rationale=d.comment,
                related=tuple(x for x in (gate.project, gate.milestone) if x),
                override=None
                if d.override is None
                else {"reason": d.override.reason, "by": d.override.by},
            )
        )
    return tuple(sorted(entries, key=lambda e: e.date))  # stable: plan order within a day


def _days(n: int) -> str:
    return _count(n, "day", "days")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
