"""``progman gates``: the sample's gates, phases and decision log as tables, JSON and CSV;
a status date asked for; a bad plan or option answered with where and what to do; a stored
program with its own lifecycle read back from the database."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from pathlib import Path

from progman.cli.main import main
from progman.samples import sample_plan_path

SAMPLE = str(sample_plan_path())


def _json(capsys, *args: str) -> dict:
    assert main(["gates", *args, "--json"]) == 0
    return dict(json.loads(capsys.readouterr().out))


def test_the_samples_gates_as_of_its_status_date(capsys):
    answer = _json(capsys, SAMPLE)
    assert answer["status_date"] == "2027-04-30" and answer["program"] == "DPL"
    status = {g["id"]: g["status"] for g in answer["gates"]}
    assert status == {
        "G1": "passed",
        "G2": "passed",  # with the DPIA unmet, overridden
        "G3": "overdue",  # planned 04-09, on hold since 04-23
        "G4": "upcoming",
        "G5": "upcoming",
        "G6": "upcoming",
    }
    g3 = next(g for g in answer["gates"] if g["id"] == "G3")
    assert g3["criteria"] == {
        "met": 1,
        "total": 3,
        "unmet": [
            "Media plan within budget",
            "Launch date aligned with app and web launch forecast",
        ],
    }
    assert g3["decision"]["outcome"] == "hold" and g3["decision"]["by"] == "robert"
    # tied to MKT.plan_approved, which the schedule forecasts on 2027-05-07
    assert (g3["milestone"], g3["forecast"], g3["slip_days"]) == (
        "MKT.plan_approved",
        "2027-05-07",
        28,
    )
    mkt = answer["projects"]["MKT"]
    assert (mkt["phase"], mkt["source"], mkt["next_gate"]) == ("planning", "plan", "G3")
    assert answer["projects"]["LOY"]["gates_passed"] == ["G2"]
    dates = [d["date"] for d in answer["decisions"]]
    assert dates == sorted(dates) and {"D1", "G1", "G2", "G3"} <= {
        d["id"] for d in answer["decisions"]
    }


def test_the_tables_say_status_with_words_and_the_log_by_date(capsys):
    assert main(["gates", SAMPLE]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("G3 "))
    assert "! overdue" in row and "1/3" in row and "hold" in row
    row = next(line for line in out.splitlines() if line.startswith("G2 "))
    assert "go*" in row and "✓ passed" in row and "overridden by katrin" in row
    assert "Decision log" in out and "Phases (lifecycle: initiation, planning" in out


def test_a_status_date_moves_the_gates(capsys):
    earlier = _json(capsys, SAMPLE, "--status-date", "2027-04-01")
    g3 = next(g for g in earlier["gates"] if g["id"] == "G3")
    assert g3["status"] == "blocked"  # planned within 14 days, criteria unmet


def test_csv_has_a_row_per_gate(capsys):
    assert main(["gates", SAMPLE, "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["id"] for r in rows] == ["G1", "G2", "G3", "G4", "G5", "G6"]
    assert rows[1]["overridden"] == "true" and rows[2]["criteria_met"] == "1"


def test_a_bad_status_date_is_a_usage_error(capsys):
    assert main(["gates", SAMPLE, "--status-date", "soon"]) == 2
    assert "--status-date" in capsys.readouterr().err


def test_a_gate_passed_without_its_criteria_is_refused_at_file_line(tmp_path, capsys):
    text = Path(SAMPLE).read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if "override: {reason: Vendor" in line)
    plan = tmp_path / "plan.yaml"
    plan.write_text("".join(lines[:at] + lines[at + 1 :]), encoding="utf-8")
    assert main(["gates", str(plan)]) == 1
    err = capsys.readouterr().err
    outcome = max(i for i in range(at) if lines[i].strip() == "outcome: go") + 1
    assert f"{plan}:{outcome}:16: gate G2 is passed (go) with 1 of 3 criteria unmet" in err


PLAN = """\
program: Own lifecycle
key: OWN
start: 2027-03-01
status_date: 2027-03-20
lifecycle: [discover, build, run]
projects:
  - id: P
    name: Product
    tasks:
      - {id: P.mvp, name: MVP, duration: 5d}
      - {id: P.ready, name: Ready, milestone: true, depends: [P.mvp]}
gates:
  - id: G1
    name: Discovery done
    project: P
    phase: discover
    planned: 2027-03-05
    milestone: P.ready
    criteria: [{text: Users interviewed, met: true}, {text: Budget, met: false}]
    decision:
      outcome: go
      date: 2027-03-08
      by: ann
      comment: Enough evidence
      override: {reason: Budget signed next week, by: ceo}
"""


def test_a_stored_program_keeps_its_lifecycle_and_overrides(tmp_path, capsys):
    plan = tmp_path / "own.yaml"
    plan.write_text(textwrap.dedent(PLAN), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'progman.db'}"
    assert main(["init", "--db", url]) == 0
    assert main(["db", "import", str(plan), "--db", url]) == 0
    capsys.readouterr()
    stored = _json(capsys, "--db", url, "--program", "OWN")
    assert stored == _json(capsys, str(plan))
    assert stored["lifecycle"] == ["discover", "build", "run"]
    assert (
        stored["projects"]["P"]["phase"] == "build" and stored["projects"]["P"]["source"] == "gates"
    )
    (gate,) = stored["gates"]
    assert gate["decision"]["override"] == {"reason": "Budget signed next week", "by": "ceo"}
    # not started by the status date (Saturday 20 March): five working days from the 22nd
    assert gate["forecast"] == "2027-03-26"
