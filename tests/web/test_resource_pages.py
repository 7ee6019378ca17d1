"""The resource heatmap's pages on a real database (SQLite, and PostgreSQL through
scripts/with-postgres.sh): the same figures as ``progman resources``, a cell's tasks, the
project filter and the weeks shown, and leveling as a job that only a program manager may
ask for, with its before and after."""

from __future__ import annotations

import html
import json
import re
import time

from tests.api_support import ADMIN
from tests.web.test_pages import _csrf, _login

from progman.cli.main import main as cli
from progman.samples import sample_plan_path
from progman.services.catalog import program_entry
from progman.services.database import unit_of_work

CELL = re.compile(
    r'<a href="[^"]*" aria-label="([^"]*)" title="[^"]*" data-person="([^"]+)" '
    r'data-week="([^"]+)">([^<]+)(?:<span class="mark" aria-hidden="true">([▲!])</span>)?</a>'
)


def _main(page: str) -> str:
    return html.unescape(page.split('<main id="main">', 1)[1])


def _cells(page: str) -> dict[tuple[str, str], tuple[str, str | None, str]]:
    """(person, week) -> (the cell's text, its mark, its words) of every cell with load."""
    return {(p, w): (text, mark or None, words) for words, p, w, text, mark in CELL.findall(page)}


def _week_json(capsys) -> dict:
    assert cli(["resources", str(sample_plan_path()), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_heatmap_shows_the_figures_of_progman_resources_week(api, capsys):
    _login(api, "victor")
    page = api.client.get("/programs/DPL/resources?start=2027-01-06&weeks=6")
    assert page.status_code == 200, page.text[:400]
    cells = _cells(page.text)
    weeks = sorted({w for _, w in cells})
    assert weeks[0] == "2027-W01" and len(weeks) <= 6
    # Mia (2 FTE of work on 1 FTE) is over capacity in the first week: 10 of 5 person-days
    text, mark, words = cells[("mia", "2027-W01")]
    assert (text, mark) == ("200", "▲")
    assert words == (
        "Mia Hoffmann, week 2027-W01 (2027-01-04 to 2027-01-10): load 10 of 5 person-days, "
        "200 %, over capacity"
    )
    assert cells[("lena", "2027-W01")][:2] == ("100", None)  # full, not over
    # every cell with load reads what progman resources --week prints (its JSON's figures)
    data = {r["id"]: r["weeks"] for r in _week_json(capsys)["resources"]}
    shown = 0
    for (person, week), (text, mark, _) in cells.items():
        figures = data[person][week]
        expected = (
            "∞" if figures["utilisation"] is None else str(round(100 * figures["utilisation"]))
        )
        assert text == expected, (person, week)
        assert (mark == "▲") == (figures["load"] > figures["capacity"] + 1e-9), (person, week)
        shown += 1
    assert shown > 40
    main = _main(page.text)
    assert "Over-allocated person-weeks" in main and "load as a % of capacity" in main
    assert ">W01<" in main and ">4 Jan<" in main  # week headers with their Monday


def test_a_cell_lists_the_tasks_that_make_its_load(api, capsys):
    _login(api, "victor")
    page = api.client.get("/programs/DPL/resources?person=mia&week=2027-W01")
    assert page.status_code == 200
    detail = _main(page.text).split('id="cell-detail"', 1)[1]
    assert "Mia Hoffmann, week 2027-W01 (2027-01-04 – 2027-01-10)" in detail
    rows = re.findall(
        r'<tr><td>(\w+)</td><td><span class="id">([\w.]+)</span>[^<]*</td>'
        r'<td class="num">([\d.]+)</td><td class="num">([\d.]+)</td></tr>',
        detail,
    )
    assert rows == [
        ("WEB", "WEB.design_system", "1", "5"),
        ("MOB", "MOB.research", "0.5", "2.5"),
        ("WEB", "WEB.research", "0.5", "2.5"),
    ]
    # they add up to the cell's load, and are the tasks progman resources --over names
    week = {r["id"]: r["weeks"] for r in _week_json(capsys)["resources"]}["mia"]["2027-W01"]
    assert sum(float(r[3]) for r in rows) == week["load"] == 10
    assert cli(["resources", str(sample_plan_path()), "--json"]) == 0
    over = json.loads(capsys.readouterr().out)["over_allocations"]
    first = next(o for o in over if o["resource"] == "mia" and o["start"] <= "2027-01-10")
    assert {r[1] for r in rows} <= {t["id"] for t in first["tasks"]}
    assert 'data-person="mia" data-week="2027-W01"' in page.text
    assert 'class="heat over flagged chosen"' in page.text
    wrong = api.client.get("/programs/DPL/resources?person=nobody&week=2027-W01")
    assert wrong.status_code == 404 and "no resource 'nobody'" in html.unescape(wrong.text)
    late = api.client.get("/programs/DPL/resources?person=mia&week=2031-W01")
    assert late.status_code == 400 and "no week '2031-W01'" in html.unescape(late.text)


def test_the_heatmap_filters_by_project_and_pages_through_weeks(api):
    _login(api, "victor")
    loy = api.client.get("/programs/DPL/resources?project=LOY&start=2027-07-05&weeks=4").text
    people = set(re.findall(r'<th scope="row" class="who"><span class="name">[^<]+</span> '
                            r'<span class="id">(\w+)</span>', loy))  # fmt: skip
    assert "lukas" in people and "mia" not in people  # Mia has no LOY task
    assert 'value="LOY" selected' in loy
    weeks = sorted({w for _, w in _cells(loy)})
    assert weeks and weeks[0] >= "2027-W27" and weeks[-1] <= "2027-W30"
    later = re.search(r'href="([^"]+)">Later weeks →', loy)
    assert later and "start=2027-08-02" in html.unescape(later.group(1))
    earlier = re.search(r'href="([^"]+)">← Earlier weeks', loy)
    assert earlier and "start=2027-06-07" in html.unescape(earlier.group(1))
    bad = api.client.get("/programs/DPL/resources?project=NOPE")
    assert bad.status_code == 400 and "no project 'NOPE'" in html.unescape(bad.text)
    assert api.client.get("/programs/DPL/resources?weeks=0").status_code == 422


def test_a_viewer_sees_no_level_button_and_the_server_refuses_to_level(api):
    page = _login(api, "victor")
    page = api.client.get("/programs/DPL/resources").text
    assert "Level resources" not in page and "/resources/level" not in page
    refused = api.client.post("/programs/DPL/resources/level", data={"csrf": _csrf(page)})
    assert refused.status_code == 403 and "victor may not change DPL" in html.unescape(refused.text)
    assert api.client.get("/api/v1/jobs").json()["items"] == []  # nothing was asked for
    _login(api, "paula")
    editor = api.client.get("/programs/DPL/resources").text
    assert "Level resources" in editor
    forged = api.client.post("/programs/DPL/resources/level", data={"csrf": "forged"})
    assert forged.status_code == 403 and "reload the page" in forged.text


def _finished(api, url: str) -> str:
    deadline = time.monotonic() + 120
    while True:
        page = api.client.get(url)
        assert page.status_code == 200, page.text[:400]
        if 'data-state="succeeded"' in page.text or 'data-state="failed"' in page.text:
            return page.text
        assert 'id="job-progress"' in page.text and "Check again" in page.text
        assert time.monotonic() < deadline, "leveling did not end within 120 s"
        time.sleep(0.2)


def test_a_program_manager_levels_and_reads_the_before_and_after(api):
    page = _login(api, "paula").text
    with unit_of_work(api.url, write=False) as session:
        revision = program_entry(session, ADMIN, "DPL").revision
    asked = api.client.post(
        "/programs/DPL/resources/level", data={"csrf": _csrf(page)}, follow_redirects=False
    )
    assert asked.status_code == 303
    url = asked.headers["location"]
    job_id = url.rsplit("/", 1)[1]
    assert url == f"/programs/DPL/resources/leveling/{job_id}"
    text = _finished(api, url)
    assert 'data-state="succeeded"' in text, _main(text)[:2000]
    job = api.client.get(f"/api/v1/jobs/{job_id}").json()  # the same job, through the API
    assert job["kind"] == "level" and job["owner"] == "paula" and job["progress"] == 1
    result = job["result"]
    main = _main(text)
    compare = main.split('id="compare"', 1)[1].split("</table>", 1)[0]
    assert "2027-10-20 16:00" in compare  # the plan's finish
    assert result["finish"].replace("T", " ") in compare
    before = int(re.search(r'id="over-before">(\d+)<', compare).group(1))
    after = int(re.search(r'id="over-after">(\d+)<', compare).group(1))
    assert after < before < 40  # 40: the whole plan; these count from 2027-04-30 on
    # the load rebuilt from the job's answer leaves the over-allocations leveling reports
    periods = re.findall(r"<td class=\"num\">(\d+)</td>", compare.split("periods", 1)[1])
    assert int(periods[1]) == len(result["over_allocations"])
    moved = main.split('id="moved-tasks"', 1)[1].split("</table>", 1)[0]
    assert moved.count("<tr><td>") == len(result["delays"]) > 0
    first = result["delays"][0]
    assert f'<span class="id">{first["id"]}</span>' in moved
    cause = first["cause"]
    if cause["via"] is None:
        assert (
            f"{cause['resource']} {cause['start']} – {cause['finish']}: {cause['reason']}" in moved
        )
    assert "A preview:" in main and 'id="after-map"' in main
    after_map = main.split('id="after-map"', 1)[1]  # from the week of the status date on
    assert re.findall(r'data-week="([^"]+)"', after_map) == []  # its cells are not links
    assert 'class="week status"><span class="wk">W17</span>' in after_map
    assert after_map.index("W17") < after_map.index("W18") and "W16" not in after_map
    with unit_of_work(api.url, write=False) as session:  # a preview: nothing was written
        assert program_entry(session, ADMIN, "DPL").revision == revision
    # the job is paula's: victor, who sees the program, does not see her job
    _login(api, "victor")
    assert api.client.get(url).status_code == 404
