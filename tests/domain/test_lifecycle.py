"""Lifecycle and stage gates: the checks of the plan (a gate passed with unmet criteria
needs an override, phases of the lifecycle, a milestone that exists, ``no_go`` read as
``stop`` with a warning) at file:line, and where each gate and project stands
(:func:`progman.domain.lifecycle.governance`) on small plans worked by hand."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

from progman.cli.main import main
from progman.domain.lifecycle import DEFAULT_LIFECYCLE, decision_log, governance
from progman.errors import PlanInvalid
from progman.planfile import load_plan

HEAD = """\
key: L
name: Lifecycle
start: 2027-03-01
status_date: 2027-04-30
projects:
  - id: P
    name: Build
    tasks:
      - {id: P.work, name: Work, duration: 10d}
      - {id: P.done, name: Done, milestone: true, depends: [P.work]}
  - id: Q
    name: Other
    tasks:
      - {id: Q.work, name: Work, duration: 5d}
"""


def _load(tmp_path: Path, body: str, head: str = HEAD):
    path = tmp_path / "gates.yaml"
    path.write_text(head + textwrap.dedent(body), encoding="utf-8")
    return load_plan(path), path


def _problems(tmp_path: Path, body: str, head: str = HEAD) -> list[str]:
    with pytest.raises(PlanInvalid) as raised:
        _load(tmp_path, body, head)
    return [str(p) for p in raised.value.problems]


UNMET = """\
gates:
  - id: G1
    name: Design approved
    project: P
    phase: planning
    criteria:
      - {text: Budget approved, met: true}
      - {text: Architecture reviewed, met: false}
    decision:
      outcome: go
      date: 2027-03-20
      by: ann
"""


def test_a_gate_passed_with_unmet_criteria_is_refused_at_its_line(tmp_path):
    (problem,) = _problems(tmp_path, UNMET)
    line = (HEAD + UNMET).splitlines().index("      outcome: go") + 1
    assert problem.startswith(f"{tmp_path / 'gates.yaml'}:{line}:")
    assert "gate G1 is passed (go) with 1 of 2 criteria unmet ('Architecture reviewed')" in problem
    assert "override: {reason: ..., by: ...}" in problem


def test_an_override_with_a_reason_lets_it_pass(tmp_path):
    body = UNMET + "      override: {reason: Review booked for next week, by: ann}\n"
    program, _ = _load(tmp_path, body)
    (gate,) = governance(program, {}, date(2027, 4, 30)).gates
    assert gate.status == "passed" and gate.overridden
    assert (gate.met, gate.total, gate.unmet) == (1, 2, ("Architecture reviewed",))
    assert "1 criterion unmet, overridden by ann: Review booked for next week" in gate.reason
    assert gate.to_json()["decision"]["override"] == {
        "reason": "Review booked for next week",
        "by": "ann",
    }


def test_an_override_needs_a_reason_and_who(tmp_path):
    body = UNMET + "      override: {reason: '  ', by: ann}\n"
    (problem,) = _problems(tmp_path, body)
    assert "reason" in problem and "must not be empty" in problem


@pytest.mark.parametrize("outcome", ["hold", "recycle", "stop"])
def test_only_a_go_needs_its_criteria_met(tmp_path, outcome):
    program, _ = _load(tmp_path, UNMET.replace("outcome: go", f"outcome: {outcome}"))
    assert program.gates[0].decision.verdict == outcome


def test_no_go_is_read_as_stop_with_a_warning(tmp_path, capsys):
    program, path = _load(tmp_path, UNMET.replace("outcome: go", "outcome: no_go"))
    (gate,) = governance(program, {}, date(2027, 4, 30)).gates
    assert gate.status == "stopped" and gate.to_json()["decision"]["outcome"] == "stop"
    assert main(["validate", str(path)]) == 0
    err = capsys.readouterr().err
    line = (HEAD + UNMET).splitlines().index("      outcome: go") + 1
    assert f"gates.yaml:{line}:16: warning: outcome 'no_go' of gate G1 is deprecated" in err


def test_phases_and_milestones_are_checked(tmp_path):
    body = """\
    gates:
      - {id: G1, name: Ready, project: P, phase: excution, milestone: P.dnoe}
    """
    problems = _problems(tmp_path, body)
    assert any("unknown phase 'excution' of gate G1" in p and "'execution'" in p for p in problems)
    assert any(
        "unknown task 'P.dnoe' in milestone of gate G1; did you mean 'P.done'" in p
        for p in problems
    )


def test_a_program_names_its_own_lifecycle(tmp_path):
    head = HEAD.replace(
        "status_date: 2027-04-30\n", "status_date: 2027-04-30\nlifecycle: [discover, build, run]\n"
    )
    head = head.replace("    name: Build\n", "    name: Build\n    phase: build\n")
    program, _ = _load(
        tmp_path,
        "gates: [{id: G1, name: Discovered, project: Q, phase: discover,\n"
        "         decision: {outcome: go, date: 2027-03-05}}]\n",
        head,
    )
    found = governance(program, {}, date(2027, 4, 30))
    assert found.lifecycle == ("discover", "build", "run")
    assert (found.projects["P"].phase, found.projects["P"].source) == ("build", "plan")
    assert (found.projects["Q"].phase, found.projects["Q"].source) == ("build", "gates")
    wrong = head.replace("phase: build", "phase: planning")
    problems = _problems(tmp_path, "", wrong)
    assert any(
        "unknown phase 'planning' of project P; the lifecycle is discover, build, run" in p
        for p in problems
    )


def test_the_default_lifecycle_and_a_duplicated_phase(tmp_path):
    program, _ = _load(tmp_path, "")
    assert governance(program, {}, date(2027, 4, 30)).lifecycle == DEFAULT_LIFECYCLE
    head = HEAD.replace(
        "status_date: 2027-04-30\n", "status_date: 2027-04-30\nlifecycle: [a, b, a]\n"
    )
    (problem,) = _problems(tmp_path, "", head)
    assert "phase 'a' is twice in the lifecycle" in problem


# -- where gates stand ----------------------------------------------------------------------

GATES = """\
gates:
  - id: PASSED
    name: Passed
    project: P
    phase: initiation
    criteria: [{text: a, met: true}]
    decision: {outcome: go, date: 2027-03-02, by: ann, comment: fine}
  - id: LATE
    name: Late
    project: P
    phase: planning
    planned: 2027-04-20
    criteria: [{text: a, met: true}, {text: b}]
    decision: {outcome: hold, date: 2027-04-21, by: bob}
  - id: BLOCKED
    name: Blocked
    project: P
    phase: execution
    planned: 2027-05-10
    criteria: [{text: a}]
  - id: DUE
    name: Due
    project: Q
    phase: planning
    planned: 2027-05-14
    criteria: [{text: a, met: true}]
  - id: READY
    name: Milestone done
    project: Q
    phase: execution
    planned: 2027-06-30
    milestone: P.done
    criteria: [{text: a, met: true}]
  - id: LATER
    name: Later
    phase: closure
    planned: 2027-05-15
    milestone: P.done
  - id: STOP
    name: Stopped
    project: Q
    phase: monitoring
    decision: {outcome: stop, date: 2027-04-01, by: cy, comment: no money}
decisions:
  - {id: D2, title: Second, date: 2027-04-21, by: dee, outcome: yes, rationale: because}
  - {id: D1, title: First, date: 2027-03-01}
"""


def test_each_status_on_a_plan_worked_by_hand(tmp_path):
    program, _ = _load(tmp_path, GATES)
    as_of = date(2027, 4, 30)
    # P.done forecast on 2027-04-28 (READY: done by the status date) and, for LATER, a
    # forecast of 2027-05-20: five days after its planned date.
    found = governance(program, {"P.done": date(2027, 4, 28)}, as_of)
    status = {g.id: g.status for g in found.gates}
    assert status == {
        "PASSED": "passed",  # decided go
        "LATE": "overdue",  # planned 04-20, on hold, 10 days ago
        "BLOCKED": "blocked",  # planned within 14 days, its criterion unmet
        "DUE": "due",  # planned within 14 days, every criterion met
        "READY": "due",  # its milestone is done (planned only on 06-30)
        "LATER": "due",  # planned 05-15: 15 days away, but its milestone is done
        "STOP": "stopped",
    }
    late = found.gates[1]
    assert (
        late.reason
        == "planned 2027-04-20, 10 days ago; 1 of 2 criteria unmet ('b'); hold since 2027-04-21"
    )
    assert (late.met, late.total, late.overridden) == (1, 2, False)
    later = governance(program, {"P.done": date(2027, 5, 20)}, as_of).gates[5]
    assert (later.status, later.forecast, later.slip_days) == ("upcoming", date(2027, 5, 20), 5)
    assert later.reason == "planned 2027-05-15; P.done is forecast 2027-05-20, 5 days late"
    ready = found.gates[4]
    assert ready.slip_days == (date(2027, 4, 28) - date(2027, 6, 30)).days


def test_project_phases_follow_the_plan_or_the_gates(tmp_path):
    program, _ = _load(tmp_path, GATES)
    found = governance(program, {}, date(2027, 4, 30))
    p, q = found.projects["P"], found.projects["Q"]
    assert (p.phase, p.source, p.passed, p.next_gate) == ("planning", "gates", ("PASSED",), "LATE")
    assert (q.phase, q.source, q.stopped_at, q.next_gate) == (
        "initiation",
        "lifecycle",
        "STOP",
        None,
    )
    stated = program.model_copy(
        update={
            "projects": [
                program.projects[0].model_copy(update={"phase": "execution"}),
                program.projects[1],
            ]
        }
    )
    p = governance(stated, {}, date(2027, 4, 30)).projects["P"]
    assert (p.phase, p.source) == ("execution", "plan")
    assert p.note == "in execution although gate LATE (planning) is not passed"


def test_the_decision_log_is_in_date_order_with_gate_decisions(tmp_path):
    program, _ = _load(tmp_path, GATES)
    log = decision_log(program)
    assert [(e.date.isoformat(), e.id, e.kind) for e in log] == [
        ("2027-03-01", "D1", "decision"),
        ("2027-03-02", "PASSED", "gate"),
        ("2027-04-01", "STOP", "gate"),
        ("2027-04-21", "D2", "decision"),  # the register's first within a day
        ("2027-04-21", "LATE", "gate"),
    ]
    stop = log[2]
    assert (stop.outcome, stop.by, stop.rationale, stop.related) == (
        "stop",
        "cy",
        "no money",
        ("Q",),
    )
