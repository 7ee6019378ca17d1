"""The task page with its impact panel, the what-if page and the project page with WBS
editing, on a real database (SQLite, and PostgreSQL through scripts/with-postgres.sh): the
same figures as ``progman impact`` and ``progman whatif``, edits that write and say what
moved, stale versions, viewers refused, errors next to their field, names shown as text."""

from __future__ import annotations

import html
import json
import re

import pytest
from tests.api_support import ADMIN, PASSWORD

from progman.cli.main import main as cli
from progman.domain import ChangeItem
from progman.errors import NotFound
from progman.samples import sample_plan_path
from progman.services.catalog import program_entry
from progman.services.database import unit_of_work
from progman.services.scenario_catalog import do_save_scenario
from progman.services.work_items import do_update_work_item, get_work_item

SAMPLE = str(sample_plan_path())


def _login(api, name: str) -> None:
    done = api.client.post("/login", data={"username": name, "password": PASSWORD})
    assert done.status_code == 200, done.text[:300]


def _main(text: str) -> str:
    return html.unescape(text.split('<main id="main">', 1)[1])


def _csrf(text: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', text)
    assert found, "no CSRF field on the page"
    return found.group(1)


def _when(stamp: str) -> str:
    return stamp.replace("T", " ")


def _days(value: float) -> str:
    return f"{value:+g} d".replace("-", "−")


def _revision(api) -> int:
    with unit_of_work(api.url, write=False) as session:
        return program_entry(session, ADMIN, "DPL").revision


def _cli_json(capsys, *args: str) -> dict:
    assert cli(list(args)) == 0
    return json.loads(capsys.readouterr().out)


# -- the task page and its impact panel ---------------------------------------------------


def test_the_task_page_shows_dates_float_resources_and_links_both_ways(api):
    _login(api, "victor")
    page = api.client.get("/programs/DPL/items/API.perf")
    assert page.status_code == 200
    main = _main(page.text)
    assert "<h1>Load and performance testing" in main
    assert "2027-06-16 08:00" in main and "2027-06-29 16:00" in main  # progman schedule's
    assert "△ near-critical" in main and "1 d" in main
    assert "jonas 50 %, lukas 50 %" in main
    preds = main.split('id="preds"')[1].split("</table>")[0]
    assert "API.payments" in preds and "(driving)" in preds and "API.cart" in preds
    succs = main.split('id="succs"')[1].split("</table>")[0]
    assert "API.ready" in succs and "<td>FS</td>" in succs
    assert "Edit it on the project page" not in main  # a viewer
    missing = api.client.get("/programs/DPL/items/NOPE.x")
    assert missing.status_code == 404 and "no work item 'NOPE.x'" in _main(missing.text)


def test_the_impact_panel_shows_the_figures_of_progman_impact(api, capsys):
    _login(api, "victor")
    page = api.client.get("/programs/DPL/items/API.payments?slip=10")
    assert page.status_code == 200, page.text[:500]
    main = _main(page.text)
    answer = _cli_json(capsys, "impact", SAMPLE, "--task", "API.payments", "--slip", "10", "--json")
    finish = answer["finish"]
    assert f"{_when(finish['before'])} → {_when(finish['after'])}" in main
    assert f"<strong>{_days(finish['delay_days'])}</strong>" in main
    tasks = main.split('id="impact-tasks"')[1].split("</table>")[0]
    assert tasks.count("<tr>") == len(answer["changed"]) + 1  # and the head's row
    for t in answer["changed"]:
        cells = (
            rf'<span class="id">{re.escape(t["id"])}</span></a> [^<]*</td><td>{t["project"]}</td>'
            rf"\s*<td>{_when(t['before'])}</td><td>{_when(t['after'])}</td>"
            rf'<td class="num">{re.escape(_days(t["delay_days"]))}</td>'
        )
        assert re.search(cells, tasks), t["id"]
    for kind, rows in (("milestones", answer["milestones"]), ("projects", answer["projects"])):
        table = main.split(f'id="impact-{kind}"')[1].split("</table>")[0]
        assert len(rows) >= 1 and table.count("<tr") == len(rows) + 1
        for row in rows:
            found = re.search(
                rf'<span class="id">{re.escape(row["id"])}</span>.*?'
                rf'<td class="num">{re.escape(_days(row["delay_days"]))}</td>',
                table,
                re.S,
            )
            assert found, row["id"]
    benefits = main.split('id="impact-benefits"')[1].split("</table>")[0]
    objectives = main.split('id="impact-objectives"')[1].split("</table>")[0]
    for b in answer["benefits"]:
        assert b["id"] in benefits and _days(b["delay_days"]) in benefits
    for o in answer["objectives"]:
        assert o["id"] in objectives and _days(o["delay_days"]) in objectives
    chains = main.split('class="chains"')[1].split("</ol>")[0]
    shown = [re.findall(r">([A-Z]+\.[a-z_0-9]+)</a>", li) for li in chains.split("<li>")[1:]]
    assert shown == answer["chains"]


def test_a_slip_that_cannot_be_is_said_next_to_the_field(api):
    _login(api, "victor")
    for slip, said in (("abc", "whole number of working days"), ("0", "from 1 to 500")):
        page = api.client.get(f"/programs/DPL/items/API.perf?slip={slip}")
        assert page.status_code == 400
        main = _main(page.text)
        assert 'aria-describedby="slip-error"' in main and said in main
        assert 'id="impact-summary"' not in main
    done = api.client.get("/programs/DPL/items/API.auth?slip=5")  # finished: cannot slip
    assert done.status_code == 400 and "it cannot slip" in _main(done.text)


# -- the what-if page ----------------------------------------------------------------------


def _dates_row(main: str, ident: str) -> str:
    table = main.split('id="whatif-dates"')[1].split("</table>", maxsplit=1)[0]
    found = re.search(rf"<tr [^>]*>\s*<td>[^\n]*?{re.escape(ident)}</span>.*?</tr>", table, re.S)
    assert found, ident
    return found.group(0)


def test_the_what_if_page_sets_changes_beside_the_plan_and_the_baseline(api, capsys):
    _login(api, "victor")
    page = api.client.get(
        "/programs/DPL/whatif",
        params={"run": "1", "sets": "API.perf.duration=30d", "model": "cpm"},
    )
    assert page.status_code == 200, page.text[:500]
    main = _main(page.text)
    answer = _cli_json(
        capsys, "whatif", "run", SAMPLE, "--set", "API.perf.duration=30d", "--no-leveled",
        "--json",
    )  # fmt: skip
    assert answer["baseline"] == "BL1" and "Baseline BL1" in main
    for row in (*answer["projects"], *answer["milestones"]):
        shown = _dates_row(main, row["id"])
        for version in ("baseline", "current", "scenario"):
            day = (row[version] or "—")[:10]
            assert f"<td>{day}</td>" in shown, (row["id"], version)
        delta = f"{row['delta_working_days']:+d}".replace("-", "−")
        assert f'<td class="num">{delta}</td></tr>' in re.sub(r"\s+</tr>", "</tr>", shown)
    why = main.split('id="whatif-why"')[1].split("</table>")[0]
    later = [p for p in answer["projects"] if p["why"]]
    assert later and {p["id"] for p in later} == {"WEB", "LOY"}
    for p in later:
        assert p["why"] in why


def test_a_stored_scenario_is_compared_as_whatif_compare_does(api, capsys):
    changes = [ChangeItem(op="set", target="API.perf", field="duration", value="30d")]
    with unit_of_work(api.url, write=True) as session:
        do_save_scenario(session, ADMIN, "DPL", "slow-perf", changes, title="Slow perf test")
    _login(api, "victor")
    form = api.client.get("/programs/DPL/whatif")
    assert 'value="slow-perf"' in form.text and "Slow perf test" in form.text
    page = api.client.get(
        "/programs/DPL/whatif", params={"run": "1", "scenario": "slow-perf", "model": "cpm"}
    )
    main = _main(page.text)
    assert page.status_code == 200 and "scenario slow-perf" in main
    typed = _main(
        api.client.get(
            "/programs/DPL/whatif",
            params={"run": "1", "sets": "API.perf.duration=30d", "model": "cpm"},
        ).text
    )
    table = main.split('id="whatif-dates"')[1].split("</table>")[0]
    assert table == typed.split('id="whatif-dates"')[1].split("</table>")[0]


@pytest.mark.parametrize(
    ("params", "field", "said"),
    [
        ({"sets": "NOPE.x.duration=5d"}, "sets", "line 1: set NOPE.x.duration: no task"),
        ({"sets": "API.perf.duration=5d\nWEB.uat.duration=xx"}, "sets", "line 2: set WEB.uat"),
        ({"sets": "API.perf.duration"}, "sets", "write ID.FIELD=VALUE"),
        ({"deps": "MOB.build"}, "deps", "write SUCCESSOR:PREDECESSOR"),
        ({"removes": "NOPE"}, "removes", "no task, project, resource"),
        (
            {
                "move": "nobody",
                "source": "WEB",
                "target": "MOB",
                "first": "2027-05-03",
                "last": "2027-05-28",
            },
            "move",
            "no person or material 'nobody'",
        ),
        ({"move": "noah", "source": "WEB"}, "target", "a move needs --to"),
        ({"scenario": "nope"}, "scenario", "has no scenario 'nope'"),
        ({"baseline": "BL9"}, "baseline", "no baseline 'BL9'"),
    ],
)
def test_bad_what_if_input_is_said_next_to_its_field_and_nothing_is_written(
    api, params, field, said
):
    _login(api, "paula")
    before = _revision(api)
    page = api.client.get("/programs/DPL/whatif", params={"run": "1", **params})
    assert page.status_code == 422
    main = _main(page.text)
    assert f'aria-describedby="{field}-error"' in main
    error = main.split(f'id="{field}-error" role="alert">')[1].split("</span>")[0]
    assert said in error
    assert 'id="whatif-dates"' not in main
    for value in params.values():  # what was typed stays in the form
        assert html.escape(value, quote=False).split("\n")[0] in page.text
    assert _revision(api) == before


# -- the project page and its WBS editing ---------------------------------------------------


def _row(main: str, ident: str) -> str:
    return main.split(f'<tr id="row-{ident}"')[1].split("</tr>", maxsplit=1)[0]


def test_the_project_page_shows_the_wbs_as_an_indented_tree(api):
    _login(api, "victor")
    page = api.client.get("/programs/DPL/projects/API")
    assert page.status_code == 200
    main = _main(page.text)
    assert "20 work items" in main
    summary, child = _row(main, "API.quality"), _row(main, "API.perf")
    assert re.search(r'<tr id="row-API.quality" [^>]*class="summary', page.text)
    depth = [float(re.search(r"padding-left: ([\d.]+)em", r).group(1)) for r in (summary, child)]
    assert depth[0] < depth[1]
    assert "2027-06-16 08:00" in child and "10d" in child  # its most likely estimate
    assert "−5 d ▲" in _row(main, "API.payments")
    assert "?edit=" not in main and 'action="/programs/DPL/projects/API/items' not in main
    missing = api.client.get("/programs/DPL/projects/NOPE")
    assert missing.status_code == 404 and "no project 'NOPE'" in _main(missing.text)
    dashboard = api.client.get("/programs/DPL").text
    assert 'href="/programs/DPL/projects/API"' in dashboard


def test_changing_a_duration_writes_it_and_says_what_moved(api):
    _login(api, "paula")
    form = api.client.get("/programs/DPL/projects/API?edit=API.perf")
    assert 'id="duration-API.perf"' in form.text and 'name="version" value="1"' in form.text
    done = api.client.post(
        "/programs/DPL/projects/API/items/API.perf",
        data={"csrf": _csrf(form.text), "version": "1", "name": "Load and performance testing",
              "duration": "14d"},
    )  # fmt: skip
    assert done.status_code == 200, done.text[:500]
    main = _main(done.text)
    notice = main.split('id="moved-notice">')[1].split("</p>")[0]
    assert notice == "✓ Saved API.perf: 1 task and milestone API.ready moved +4 d."
    assert re.search(r'<tr id="row-API.ready" [^>]*class=" moved', done.text)
    assert "2027-07-05 16:00" in _row(main, "API.ready")
    with unit_of_work(api.url, write=False) as session:
        stored = get_work_item(session, ADMIN, "DPL", "API.perf")
    assert str(stored.item.duration) == "14d" and stored.version == 2


def test_a_stale_edit_says_someone_else_changed_it_and_shows_the_current_values(api):
    _login(api, "paula")
    form = api.client.get("/programs/DPL/projects/API?edit=API.pentest").text
    with unit_of_work(api.url, write=True) as session:
        do_update_work_item(session, ADMIN, "DPL", "API.pentest", {"duration": "12d"}, if_match=1)
    stale = api.client.post(
        "/programs/DPL/projects/API/items/API.pentest",
        data={"csrf": _csrf(form), "version": "1", "name": "Pen test", "duration": "20d"},
    )
    assert stale.status_code == 409
    main = _main(stale.text)
    row = _row(main, "API.pentest")
    assert "Someone else changed API.pentest" in row and "version 2 now" in row
    assert 'value="12d"' in row and 'value="External penetration test"' in row
    assert 'name="version" value="2"' in row
    with unit_of_work(api.url, write=False) as session:
        kept = get_work_item(session, ADMIN, "DPL", "API.pentest")
    assert kept.item.name == "External penetration test" and str(kept.item.duration) == "12d"


def test_adding_a_task_and_a_milestone_and_deleting_one(api):
    _login(api, "paula")
    page = api.client.get("/programs/DPL/projects/API?add=API.quality")
    assert '<option value="API.quality" selected>' in page.text
    token = _csrf(page.text)
    added = api.client.post(
        "/programs/DPL/projects/API/items",
        data={"csrf": token, "parent": "API.quality", "id": "API.review", "name": "Release review",
              "kind": "task", "duration": "3d"},
    )  # fmt: skip
    assert added.status_code == 200, added.text[:500]
    main = _main(added.text)
    assert "✓ Added task API.review:" in main
    assert "API.review" in _row(main, "API.review") and "3d" in _row(main, "API.review")
    gate = api.client.post(
        "/programs/DPL/projects/API/items",
        data={"csrf": token, "parent": "API", "id": "API.gate", "name": "Go/no-go",
              "kind": "milestone"},
    )  # fmt: skip
    assert gate.status_code == 200 and "◆" in _row(_main(gate.text), "API.gate")
    with unit_of_work(api.url, write=False) as session:
        view = get_work_item(session, ADMIN, "DPL", "API.review")
        assert view.parent == "API.quality" and get_work_item(session, ADMIN, "DPL", "API.gate")
    gone = api.client.post(
        "/programs/DPL/projects/API/items/API.review",
        data={"csrf": token, "version": str(view.version), "delete": "yes"},
    )
    assert gone.status_code == 200 and "✓ Deleted API.review:" in _main(gone.text)
    assert '<tr id="row-API.review"' not in gone.text
    with unit_of_work(api.url, write=False) as session, pytest.raises(NotFound):
        get_work_item(session, ADMIN, "DPL", "API.review")


@pytest.mark.parametrize(
    ("fields", "field", "said"),
    [
        ({"id": "API.x", "name": "X", "duration": "zz"}, "new-duration", "invalid duration 'zz'"),
        ({"id": "API.perf", "name": "X", "duration": "2d"}, "new-id", "duplicate task id"),
        ({"id": "bad id!", "name": "X", "duration": "2d"}, "new-id", "should match pattern"),
        ({"id": "API.x", "name": " ", "duration": "2d"}, "new-name", "give the new item a name"),
        ({"id": "API.x", "name": "X", "duration": ""}, "new-duration", "how long"),
    ],
)
def test_a_refused_new_item_is_said_next_to_its_field_and_nothing_is_written(
    api, fields, field, said
):
    _login(api, "paula")
    token = _csrf(api.client.get("/programs/DPL/projects/API").text)
    before = _revision(api)
    refused = api.client.post(
        "/programs/DPL/projects/API/items",
        data={"csrf": token, "parent": "API", "kind": "task", **fields},
    )
    assert refused.status_code == 422
    main = _main(refused.text)
    error = main.split(f'id="{field}-error" role="alert">')[1].split("</span>")[0]
    assert said in error and f'aria-describedby="{field}-error"' in main
    assert _revision(api) == before


def test_a_bad_duration_on_an_edit_is_said_next_to_it(api):
    _login(api, "paula")
    token = _csrf(api.client.get("/programs/DPL/projects/API").text)
    refused = api.client.post(
        "/programs/DPL/projects/API/items/API.pentest",
        data={"csrf": token, "version": "1", "name": "Pen test", "duration": "soon"},
    )
    assert refused.status_code == 422
    row = _row(_main(refused.text), "API.pentest")
    assert 'id="duration-API.pentest-error"' in row and "invalid duration 'soon'" in row
    assert 'value="soon"' in row  # what was typed stays
    with unit_of_work(api.url, write=False) as session:
        assert get_work_item(session, ADMIN, "DPL", "API.pentest").version == 1


def test_a_viewer_sees_no_edit_controls_and_the_server_refuses_the_edit(api):
    _login(api, "victor")
    page = api.client.get("/programs/DPL/projects/API?edit=API.pentest").text
    assert 'id="duration-API.pentest"' not in page and "Add a task or milestone" not in page
    before = _revision(api)
    for url, data in (
        ("/programs/DPL/projects/API/items/API.pentest", {"version": "1", "duration": "20d"}),
        ("/programs/DPL/projects/API/items/API.pentest", {"version": "1", "delete": "yes"}),
        ("/programs/DPL/projects/API/items", {"parent": "API", "id": "API.x", "name": "X",
                                              "duration": "2d"}),
    ):  # fmt: skip
        refused = api.client.post(url, data={"csrf": _csrf(page), **data})
        assert refused.status_code == 403, url
        assert "victor may not change API" in _main(refused.text)
    forged = api.client.post(
        "/programs/DPL/projects/API/items/API.pentest",
        data={"csrf": "forged", "version": "1", "duration": "20d"},
    )
    assert forged.status_code == 403 and "reload the page" in _main(forged.text)
    assert _revision(api) == before


def test_a_name_with_markup_is_shown_as_text_on_the_three_pages(api):
    _login(api, "paula")
    token = _csrf(api.client.get("/programs/DPL/projects/API").text)
    renamed = api.client.post(
        "/programs/DPL/projects/API/items/API.ready",  # a milestone: every page names it
        data={"csrf": token, "version": "1", "name": "<script>alert(1)</script>"},
    )
    assert renamed.status_code == 200
    for url in (
        "/programs/DPL/projects/API",
        "/programs/DPL/items/API.ready",
        "/programs/DPL/items/API.perf?slip=3",
        "/programs/DPL/whatif?run=1&model=cpm&sets=API.perf.duration%3D30d",
    ):
        page = api.client.get(url).text
        assert "<script>alert(1)</script>" not in page, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, url


def _edit_form(text: str, ident: str) -> dict[str, str]:
    """What the browser sends with the row's Save button: the form's fields and the row's
    inputs that belong to it."""
    row = text.split(f'<tr id="row-{ident}"')[1].split("</tr>", maxsplit=1)[0]
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', row))
    for name, value in re.findall(r'name="(name|duration)" form="[^"]+"[^>]*value="([^"]*)"', row):
        fields[name] = html.unescape(value)
    return {k: html.unescape(v) for k, v in fields.items()}


def test_renaming_a_task_sized_by_its_estimate_keeps_the_estimate(api):
    _login(api, "paula")
    form = _edit_form(api.client.get("/programs/DPL/projects/API?edit=API.perf").text, "API.perf")
    assert form["duration"] == form["was_duration"] == "10d"  # its most likely estimate
    same = api.client.post("/programs/DPL/projects/API/items/API.perf", data=form)
    assert "Nothing to save: API.perf is as it was." in _main(same.text)
    renamed = api.client.post(
        "/programs/DPL/projects/API/items/API.perf", data={**form, "name": "Load tests"}
    )
    assert renamed.status_code == 200 and "✓ Saved API.perf: Nothing else moved" in _main(
        renamed.text
    )
    with unit_of_work(api.url, write=False) as session:
        stored = get_work_item(session, ADMIN, "DPL", "API.perf")
    assert stored.item.name == "Load tests" and stored.item.duration is None
    assert stored.item.estimate is not None and stored.version == 2
