"""The roadmap and the dashboard show key-result progress and the benefits at risk with
their reason: the figures of ``progman objectives`` and ``progman benefits``."""

from __future__ import annotations

import html
import json
import re

from tests.api_support import ADMIN, PASSWORD

from progman.cli.main import main as cli
from progman.samples import sample_plan_path
from progman.services.database import unit_of_work
from progman.services.registers import BENEFIT, do_update_entry


def _main(api, path: str) -> str:
    api.client.post(
        "/login", data={"username": "victor", "password": PASSWORD, "next": "/programs/DPL"}
    )
    page = api.client.get(path)
    assert page.status_code == 200, page.text
    return html.unescape(page.text.split('<main id="main">', 1)[1])


def test_the_roadmap_shows_key_result_progress_and_that_no_benefit_is_at_risk(api, capsys):
    main = _main(api, "/programs/DPL/roadmap")
    assert cli(["objectives", str(sample_plan_path()), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    table = main.split('id="key-results"', 1)[1].split("</table>", 1)[0]
    for objective in data["objectives"]:
        for kr in objective["key_results"]:
            row = table.split(f'<span class="id">{kr["id"]}</span>', 1)[1].split("</tr>", 1)[0]
            if kr["progress"] is None:
                assert "not measured" in row
            else:
                assert f"{round(kr['progress'] * 100)} %" in row
    assert "KR3.1</span> Production deployments per week" in table
    lane = main.split('class="lane-head"')[3]
    assert "O3" in lane and "progress 56 %" in lane and "forecast 2027-09-24" in lane
    assert "No benefit is at risk" in main


def test_a_benefit_due_before_its_forecast_shows_at_risk_with_its_chain(api, capsys):
    with unit_of_work(api.url, write=True) as session:
        do_update_entry(
            session, ADMIN, "DPL", BENEFIT, "B1", fields={"due": "2027-08-01"}, if_match=1
        )
    roadmap = _main(api, "/programs/DPL/roadmap")
    risky = roadmap.split('id="benefits-at-risk"', 1)[1].split("</section>", 1)[0]
    reason = (
        "B1 is at risk: MKT.launch is forecast 2027-09-06, 36 days after its due date 2027-08-01"
    )
    assert "! B1" in risky and reason in risky
    assert "(MKT.launch is held by its constraint)" in risky  # start no earlier than Sep 6
    assert "No benefit is at risk" not in roadmap
    dashboard = _main(api, "/programs/DPL")
    goals = dashboard.split('id="goals"', 1)[1].split("</section>", 1)[0]
    assert "▲ at risk" in goals and reason in goals
    assert "Progress 10 %: KR1.1 9 %, KR1.2 11 %" in re.sub(r"<[^>]+>", "", goals)
    assert cli(["benefits", "--db", api.url, "--program", "DPL", "--json"]) == 0
    b1 = json.loads(capsys.readouterr().out)["benefits"][0]
    assert b1["at_risk"] and b1["reason"] in risky
