"""The "Earned value" and "Health" pages on a real database (SQLite, and PostgreSQL
through scripts/with-postgres.sh): the figures and reasons the CLI gives for the same
plan, ratings as words and signs, the S-curve's labels, the baseline and status-date
chooser, and a clear message where nothing can be measured."""

from __future__ import annotations

import html
import json
from datetime import date

from tests.api_support import PASSWORD
from tests.storage.helpers import do_save_program

from progman.cli.main import main as cli
from progman.domain.health import HealthOverride, HealthSettings
from progman.planfile import load_plan
from progman.samples import sample_plan_path

SAMPLE = str(sample_plan_path())


def _login(api, name: str = "victor") -> None:
    done = api.client.post("/login", data={"username": name, "password": PASSWORD})
    assert done.status_code == 200, done.text


def _cli_json(capsys, *args: str) -> dict:
    assert cli([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _money(value: float) -> str:
    return f"{value:,.0f}".replace("-", "−")


def _save_variant(api, key: str, **changes) -> None:
    sample = load_plan(sample_plan_path())
    do_save_program(api.url, sample.model_copy(update={"key": key, "name": key, **changes}), "t")


def test_earned_value_shows_the_clis_figures_with_words_and_the_s_curve(api, capsys):
    _login(api)
    response = api.client.get("/programs/DPL/evm")
    assert response.status_code == 200, response.text
    page = html.unescape(response.text)
    figures = _cli_json(capsys, "evm", SAMPLE)
    whole = figures["program"]
    assert f"Against baseline {figures['baseline']}, as of the end of 2027-04-30" in page
    for name in ("bac", "pv", "ev", "ac", "eac"):
        assert f'<td class="num">{_money(whole[name])}</td>' in page, name
    assert whole["spi"] < 1 and f'▼ {whole["spi"]:.2f}<span class="sr-only"> below 1<' in page
    for project, measures in figures["projects"].items():
        assert f'<span class="id">{project}</span>' in page
        assert f'<td class="num">{_money(measures["bac"])}</td>' in page
    # the S-curve: labelled axes with the currency, a legend, the status date's line
    assert 'role="img"' in page and '<title id="scurve-title">' in page
    assert "EUR (cumulative)" in page and "in EUR" in page
    assert "PV, planned value" in page and "EV, earned value" in page and "AC, actual cost" in page
    assert "status date 30 Apr 2027" in page
    assert page.count('class="evm-line pv" points="') == 1
    weeks = figures["weeks"]
    assert page.count('<tr><th scope="row">') >= len(weeks)  # the table of the figures
    assert 'href="/programs/DPL/evm" aria-current="page">Earned value<' in page


def test_the_chooser_measures_against_another_date(api, capsys):
    _login(api)
    response = api.client.get("/programs/DPL/evm?baseline=BL1&status_date=2027-03-31")
    assert response.status_code == 200
    page = html.unescape(response.text)
    assert "as of the end of 2027-03-31" in page
    assert '<option value="BL1" selected>' in page and 'value="2027-03-31"' in page
    earlier = _cli_json(capsys, "evm", SAMPLE, "--status-date", "2027-03-31")
    assert f'<td class="num">{_money(earlier["program"]["pv"])}</td>' in page


def test_no_baseline_or_no_status_date_is_said_plainly(api):
    _save_variant(api, "NOB", baselines=[])
    _save_variant(api, "NOD", status_date=None)
    _login(api, "alice")
    none = html.unescape(api.client.get("/programs/NOB/evm").text)
    assert "This program has no baseline to measure against: take one first" in none
    assert "<svg viewBox" not in none
    undated = api.client.get("/programs/NOD/evm")
    assert undated.status_code == 200
    assert "Earned value is measured as of a status date, and this program has none" in (
        undated.text
    )
    dated = api.client.get("/programs/NOD/evm?status_date=2027-04-30")
    assert "as of the end of 2027-04-30" in dated.text
    unknown = html.unescape(api.client.get("/programs/DPL/evm?baseline=NOPE").text)
    assert "the plan has no baseline 'NOPE' (it has: BL1)" in unknown


def test_health_shows_every_scope_with_words_icons_and_the_clis_reasons(api, capsys):
    _login(api)
    response = api.client.get("/programs/DPL/health")
    assert response.status_code == 200, response.text
    page = html.unescape(response.text)
    health = _cli_json(capsys, "health", SAMPLE)
    icons = {"green": "✓", "amber": "!", "red": "✗"}
    scopes = [("DPL", health["program"]), *health["projects"].items()]
    for ident, h in scopes:
        heading = page[page.index(f'<h2 id="health-{ident}">') :]
        heading = heading[: heading.index("</h2>")]
        colour = h["rag"]
        marker = f'<span aria-hidden="true">{icons[colour]}</span>'
        assert f'<span class="rag {colour}">{marker} {colour}' in heading
        for reason in h["reasons"]:
            assert reason["text"].split(": ", 1)[1] in page
    assert 'aria-current="page">Health<' in page


def test_an_override_shows_beside_the_computed_colour(api, capsys):
    override = HealthOverride(
        project="WEB", rag="green", comment="the board moved the launch", by="paula",
        on=date(2027, 4, 28),
    )  # fmt: skip
    _save_variant(api, "OVR", health=HealthSettings(overrides=[override]))
    _login(api, "alice")
    page = html.unescape(api.client.get("/programs/OVR/health").text)
    section = page[page.index('<h2 id="health-WEB">') :]
    section = section[: section.index("</section>")]
    assert "(computed)" in section and "(override)" in section
    assert (
        "Overridden to <strong>green</strong> by paula on 2027-04-28: “the board moved the launch”"
    ) in section
    assert '<span class="rag red">' in section  # the computed colour is still there


def test_a_strangers_pages_are_not_found(api):
    _login(api, "otto")
    for path in ("/programs/DPL/evm", "/programs/DPL/health"):
        response = api.client.get(path)
        assert response.status_code == 404, path


def test_health_reads_the_p80_of_the_simulation_kept_for_the_revision(api, capsys):
    _save_variant(api, "SIM")
    _login(api, "alice")
    before = html.unescape(api.client.get("/programs/SIM/health").text)
    assert "judged by the CPM schedule only" in before and "has its P80" not in before
    assert api.client.get("/programs/SIM/montecarlo?iterations=200").status_code == 200
    response = api.client.get("/programs/SIM/health")
    assert response.status_code == 200, response.text
    page = html.unescape(response.text)
    assert "by the P80 of the" in page and "(200 iterations, seed 0)" in page
    simulated = _cli_json(capsys, "health", SAMPLE, "--simulate", "200")
    texts = [
        reason["text"].split(": ", 1)[1]
        for h in [simulated["program"], *simulated["projects"].values()]
        for reason in h["reasons"]
        if reason["signal"] == "schedule"
    ]
    p80 = [text for text in texts if "has its P80" in text or "by the P80 dates" in text]
    assert p80, "the sample's simulation judges deadlines by their P80"
    for text in texts:
        assert text in page
    for h in [simulated["program"], *simulated["projects"].values()]:
        assert f'<span class="rag {h["rag"]}">' in page
