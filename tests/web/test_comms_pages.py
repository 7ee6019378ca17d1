"""The "Stakeholders" page on a real database (SQLite, and PostgreSQL through
scripts/with-postgres.sh): the reports due, the plan and the grid that ``progman comms``
gives for the same plan; a stranger finds nothing."""

from __future__ import annotations

import html
import json

from tests.api_support import PASSWORD

from progman.cli.main import main as cli
from progman.samples import sample_plan_path

SAMPLE = str(sample_plan_path())


def _login(api, name: str = "victor") -> None:
    done = api.client.post("/login", data={"username": name, "password": PASSWORD})
    assert done.status_code == 200, done.text


def _section(page: str, heading: str) -> str:
    part = page[page.index(f'<h2 id="{heading}">') :]
    return part[: part.index("</section>")]


def test_the_page_is_the_clis_plan(api, capsys):
    _login(api)
    response = api.client.get("/programs/DPL/comms")
    assert response.status_code == 200, response.text
    page = html.unescape(response.text)
    assert cli(["comms", SAMPLE, "--json"]) == 0
    expected = json.loads(capsys.readouterr().out)
    assert f"As of {expected['date']}" in page
    due = _section(page, "due-heading")
    assert f"{len(expected['due'])} reports due on {expected['date']}" in due
    assert due.count('<tr id="due-') == len(expected["due"])
    for line in expected["due"]:
        assert f'<td class="num">{line["due"]}</td>' in due
    plan = _section(page, "plan-heading")
    assert plan.count('<tr><th scope="row">') == len(expected["reports"])
    grid = _section(page, "grid-heading")
    for name, entries in expected["grid"].items():
        for entry in entries:
            row = grid[grid.index(f'<tr id="grid-{entry["stakeholder"]}"') :]
            assert row.startswith(f'<tr id="grid-{entry["stakeholder"]}" class="quadrant-{name}">')
    assert 'aria-current="page">Stakeholders<' in page


def test_a_stranger_finds_nothing(api):
    _login(api)
    assert api.client.get("/programs/OTH/comms").status_code == 404
