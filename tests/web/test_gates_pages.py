"""The "Stage gates" page on a real database (SQLite, and PostgreSQL through
scripts/with-postgres.sh): the gates, phases and decision log that ``progman gates``
gives for the same plan, each status a word with its sign, those wanting action first;
a plan without gates says so; a stranger finds nothing."""

from __future__ import annotations

import html
import json
from datetime import date

from tests.api_support import PASSWORD
from tests.storage.helpers import do_save_program

from progman.cli.main import main as cli
from progman.planfile import load_plan
from progman.samples import sample_plan_path

SAMPLE = str(sample_plan_path())
SIGNS = {"passed": "✓", "stopped": "✗", "overdue": "!", "blocked": "■", "due": "●", "upcoming": "·"}


def _login(api, name: str = "victor") -> None:
    done = api.client.post("/login", data={"username": name, "password": PASSWORD})
    assert done.status_code == 200, done.text


def _cli_json(capsys, *args: str) -> dict:
    assert cli([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _section(page: str, heading: str) -> str:
    part = page[page.index(f'<h2 id="{heading}">') :]
    return part[: part.index("</section>")]


def _row(part: str, ident: str) -> str:
    row = part[part.index(f'<tr id="{ident}"') :]
    return row[: row.index("</tr>")]


def _save_variant(api, key: str, **changes) -> None:
    sample = load_plan(sample_plan_path())
    do_save_program(api.url, sample.model_copy(update={"key": key, "name": key, **changes}), "t")


def test_the_gates_are_the_clis_with_words_and_signs_overdue_first(api, capsys):
    _login(api)
    response = api.client.get("/programs/DPL/gates")
    assert response.status_code == 200, response.text
    page = html.unescape(response.text)
    expected = _cli_json(capsys, "gates", SAMPLE)
    assert f"As of {expected['status_date']}" in page
    gates = _section(page, "gates-heading")
    for gate in expected["gates"]:
        row = _row(gates, f"gate-{gate['id']}")
        status = gate["status"]
        assert f'<span aria-hidden="true">{SIGNS[status]}</span> {status}</span>' in row
        criteria = gate["criteria"]
        assert f'<td class="num">{criteria["met"]}/{criteria["total"]}</td>' in row
        assert gate["reason"] in row
        for text in criteria["unmet"]:
            assert f"unmet: {text}" in row
    statuses = {g["id"]: g["status"] for g in expected["gates"]}
    assert statuses["G3"] == "overdue" and statuses["G1"] == "passed"
    order = [gates.index(f'id="gate-{g}"') for g in ("G3", "G4", "G1")]
    assert order == sorted(order)  # overdue, then upcoming, then passed
    g2 = _row(gates, "gate-G2")
    assert "<td>go*<br>" in g2 and "overridden by katrin: Vendor onboarding cannot wait" in g2
    assert 'aria-current="page">Gates<' in page


def test_the_phases_and_the_decision_log_are_the_clis(api, capsys):
    _login(api)
    page = html.unescape(api.client.get("/programs/DPL/gates").text)
    expected = _cli_json(capsys, "gates", SAMPLE)
    phases = _section(page, "phases-heading")
    for ident, p in expected["projects"].items():
        row = _row(phases, f"phase-{ident}")
        assert f"<td>{p['phase']}</td><td>{p['source']}</td>" in row
        assert (p["next_gate"] or "—") in row
    assert "G2" in _row(phases, "phase-LOY")  # its gate passed
    log = _section(page, "log-heading")
    positions = [log.index(f'<tr id="log-{e["id"]}">') for e in expected["decisions"]]
    assert positions == sorted(positions) and len(positions) == 9  # by date, as the CLI
    dates = [e["date"] for e in expected["decisions"]]
    assert dates == sorted(dates)
    for entry in expected["decisions"]:
        row = _row(log, f"log-{entry['id']}")
        assert entry["date"] in row and entry["title"] in row
    assert "override by katrin: Vendor onboarding" in _row(log, "log-G2")


def test_a_later_status_date_shows_a_blocked_gate_before_the_rest(api, capsys):
    _save_variant(api, "LATE", status_date=date(2027, 6, 20))
    _login(api, "alice")
    page = html.unescape(api.client.get("/programs/LATE/gates").text)
    gates = _section(page, "gates-heading")
    g4 = _row(gates, "gate-G4")
    assert '<span aria-hidden="true">■</span> blocked</span>' in g4
    assert "3 of 3 criteria unmet" in g4
    first = [gates.index(f'id="gate-{g}"') for g in ("G3", "G4", "G5", "G1")]
    assert first == sorted(first)  # overdue, blocked, upcoming, passed
    assert "As of 2027-06-20" in page


def test_a_plan_without_gates_says_so(api):
    _save_variant(api, "NOG", gates=[], decisions=[])
    _login(api, "alice")
    response = api.client.get("/programs/NOG/gates")
    assert response.status_code == 200
    page = html.unescape(response.text)
    assert "The plan has no stage gates (its <code>gates:</code> section is empty)." in page
    assert "No decisions yet." in page
    assert '<tr id="phase-API">' in page  # the phases still show


def test_a_strangers_gates_are_not_found_and_a_visitor_logs_in(api):
    anonymous = api.client.get("/programs/DPL/gates", follow_redirects=False)
    assert anonymous.status_code == 303 and "/login" in anonymous.headers["location"]
    _login(api, "otto")
    response = api.client.get("/programs/DPL/gates")
    assert response.status_code == 404
    assert "no program with key 'DPL'" in html.unescape(response.text)
