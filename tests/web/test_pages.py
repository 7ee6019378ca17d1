"""The web UI's pages on a real database (SQLite, and PostgreSQL through
scripts/with-postgres.sh): logging in and out, the programs a user may see, the dashboard
and what it says of the sample program, and names shown as text."""

from __future__ import annotations

import html
import json
import re

from tests.api_support import ADMIN, PASSWORD

from progman.cli.main import main as cli
from progman.samples import sample_plan_path
from progman.services.database import unit_of_work
from progman.services.work_items import do_update_work_item


def _login(api, name: str, follow: bool = True):
    return api.client.post(
        "/login",
        data={"username": name, "password": PASSWORD, "next": "/programs/DPL"},
        follow_redirects=follow,
    )


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def test_a_page_without_a_session_leads_to_the_login_form_and_back(api):
    away = api.client.get("/programs/DPL", follow_redirects=False)
    assert away.status_code == 303 and away.headers["location"] == "/login?next=/programs/DPL"
    form = api.client.get(away.headers["location"])
    assert form.status_code == 200 and 'name="next" value="/programs/DPL"' in form.text
    done = _login(api, "paula", follow=False)
    assert done.status_code == 303 and done.headers["location"] == "/programs/DPL"
    cookie = done.headers["set-cookie"]
    assert "progman_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    page = api.client.get("/programs/DPL")
    assert page.status_code == 200 and "<h1>Digital Platform Launch" in page.text


def test_a_wrong_password_is_said_next_to_the_field_and_no_session_is_made(api):
    response = api.client.post("/login", data={"username": "paula", "password": "nope"})
    assert response.status_code == 401
    assert 'role="alert">wrong user name or password<' in response.text
    assert 'value="paula"' in response.text  # the name stays filled in
    assert "set-cookie" not in response.headers
    assert api.client.get("/", follow_redirects=False).status_code == 303


def test_login_goes_back_only_to_a_page_of_this_site(api):
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        done = api.client.post(
            "/login",
            data={"username": "paula", "password": PASSWORD, "next": target},
            follow_redirects=False,
        )
        assert done.headers["location"] == "/", target


def test_the_program_list_shows_only_what_the_user_may_see(api):
    _login(api, "otto")
    listed = api.client.get("/").text
    assert "/programs/OTH" in listed and "/programs/DPL" not in listed
    hidden = api.client.get("/programs/DPL")
    assert hidden.status_code == 404 and "no program with key 'DPL'" in html.unescape(hidden.text)
    assert "OTH" not in hidden.text.split("<main", 1)[1]  # a not-found names no other program


def test_the_dashboard_shows_where_the_sample_stands(api):
    page = _login(api, "victor").text
    main = page.split('<main id="main">', 1)[1]
    assert "2027-10-20 16:00" in main  # the program's forecast finish
    late = main.index("WEB.launch")  # past its 2027-07-15 deadline: listed first, as late
    assert late < main.index("API.arch_approved") and "▲ late" in main
    for project in ("API", "WEB", "MOB", "LOY", "MKT"):
        assert f'<span class="id">{project}</span>' in main
    assert "Grow digital revenue" in main and "Online sales uplift" in main
    assert "PSP sandbox outage" in main  # the highest risk score (15)
    assert "Mia Hoffmann" in main  # loaded 2.0 FTE in January
    assert "progman init" in main  # the last changes, from the audit log
    assert '<a href="/programs/DPL/changes">Change requests</a>' in page
    for built, path in (("Earned value", "evm"), ("Health", "health")):
        assert f'<a href="/programs/DPL/{path}">{built}</a>' in page


def test_an_edit_shows_in_the_last_changes(api):
    _login(api, "paula")
    with unit_of_work(api.url, write=True) as session:
        do_update_work_item(session, ADMIN, "DPL", "API.pentest", {"duration": "12d"}, if_match=1)
    main = api.client.get("/programs/DPL").text.split('<main id="main">', 1)[1]
    changes = main.split('id="changes"', 1)[1]
    assert "test-admin" in changes and "API.pentest" in changes


def test_logout_needs_the_forms_token_and_ends_the_session(api):
    page = _login(api, "paula").text
    refused = api.client.post("/logout", data={"csrf": "forged"})
    assert refused.status_code == 403 and "reload the page" in refused.text
    assert api.client.get("/programs/DPL", follow_redirects=False).status_code == 200
    out = api.client.post("/logout", data={"csrf": _csrf(page)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert api.client.get("/programs/DPL", follow_redirects=False).status_code == 303


def test_a_name_with_markup_is_shown_as_text(api):
    with unit_of_work(api.url, write=True) as session:
        do_update_work_item(
            session, ADMIN, "DPL", "WEB.launch", {"name": "<script>alert(1)</script>"}, if_match=1
        )
    page = _login(api, "paula").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_risk_register_and_its_matrix_filter_by_cell_and_project(api):
    _login(api, "victor")
    page = api.client.get("/programs/DPL/risks")
    assert page.status_code == 200
    main = page.text.split('<main id="main">', 1)[1]
    register = main.split('id="register"', 1)[1]
    ids = re.findall(r'<span class="id">([A-Z]+\d+)</span>', register)
    assert ids[0] == "I1" and {"R1", "R2", "R4"} <= set(ids)  # highest score first
    cell = re.search(r'href="\?project=&amp;cell=(\d-\d)"', main)
    assert cell, "no cell of the matrix links to its risks"
    chosen = api.client.get(f"/programs/DPL/risks?cell={cell.group(1)}").text
    shown = re.findall(r'<span class="id">([A-Z]+\d+)</span>', chosen.split('id="register"')[1])
    assert shown and set(shown) < set(ids)
    only_loy = api.client.get("/programs/DPL/risks?project=LOY").text
    rows = only_loy.split('id="register"')[1].split("</table>")[0]
    assert "R4" in rows and "I1" not in rows
    bad = api.client.get("/programs/DPL/risks?project=NOPE")
    assert bad.status_code == 400 and "no project 'NOPE'" in html.unescape(bad.text)
    assert api.client.get("/programs/DPL/risks?cell=9-9").status_code == 422


def test_the_audit_log_filters_by_entity_and_by_person(api):
    with unit_of_work(api.url, write=True) as session:
        do_update_work_item(session, ADMIN, "DPL", "API.pentest", {"duration": "12d"}, if_match=1)
    _login(api, "paula")
    everything = api.client.get("/programs/DPL/audit").text
    assert "API.pentest" in everything and "Older changes" in everything  # > 50 entries
    one = api.client.get("/programs/DPL/audit?entity=API.pentest").text
    rows = one.split("<tbody>")[1].split("</tbody>")[0]
    assert rows.count("<tr>") == 2  # created at init, then the edit
    assert "duration: 10d → 12d" in html.unescape(rows)
    by = api.client.get("/programs/DPL/audit?actor=test-admin").text.split("<tbody>")[1]
    assert by.count("<tr>") == 1


def test_the_roadmap_puts_each_objectives_projects_and_milestones_on_one_axis(api):
    _login(api, "victor")
    page = api.client.get("/programs/DPL/roadmap")
    assert page.status_code == 200
    main = html.unescape(page.text.split('<main id="main">', 1)[1])
    lanes = re.split(r'class="lane-head"', main)[1:]
    assert len(lanes) == 3  # O1, O2, O3; every sample project is aligned to one at least
    first = lanes[0]
    assert "Grow digital revenue" in first
    for project in ("API", "WEB", "MOB", "LOY", "MKT"):
        assert f'<span class="id">{project}</span>' in first  # all five serve O1
    assert "WEB.launch New website live: 2027-07-21 16:00, deadline 2027-07-15 (late)" in main
    chart = main.split('class="roadmap"', 1)[1]
    assert chart.count("▲") == chart.count("(late)") >= 1
    lefts = [float(x) for x in re.findall(r'class="bar" style="left: ([\d.]+)%', main)]
    assert lefts and all(0 <= x <= 100 for x in lefts)
    assert 'class="month" style="left: 0.0%">Jan 2027' in main


def test_the_board_draws_every_cross_project_link_and_marks_the_pushing_ones(api):
    _login(api, "victor")
    page = api.client.get("/programs/DPL/board")
    assert page.status_code == 200
    main = html.unescape(page.text.split('<main id="main">', 1)[1])
    arrows = re.findall(r'<path d="M[^"]+"\s+class="link( pushing)?"', main)
    assert len(arrows) == 28  # every link whose ends sit in two projects
    assert sum(1 for a in arrows if a) == 1  # API.payments FF+3d drives WEB.checkout, critical
    assert "API.payments → WEB.checkout (FF 3d): pushing" in main
    rows = main.split("<tbody>")[1].split("</tbody>")[0]
    assert rows.index("API.payments") < rows.index("API.arch_infra")  # pushing ones first
    only = html.unescape(api.client.get("/programs/DPL/board?project=MKT").text)
    only_arrows = re.findall(r'class="link( pushing)?"', only)
    assert len(only_arrows) == 7  # the links into or out of MKT
    assert 'value="MKT" selected' in only
    missing = api.client.get("/programs/DPL/board?project=NOPE")
    assert missing.status_code == 400 and "no project 'NOPE'" in html.unescape(missing.text)


def test_the_monte_carlo_page_shows_percentiles_the_planned_date_and_its_chance(api, capsys):
    _login(api, "victor")
    page = api.client.get("/programs/DPL/montecarlo?iterations=500&seed=3")
    assert page.status_code == 200, page.text[:500]
    main = html.unescape(page.text.split('<main id="main">', 1)[1])
    sample = str(sample_plan_path())  # the same figures as progman simulate --json
    assert cli(["simulate", sample, "--iterations", "500", "--seed", "3", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    for level in ("p50", "p80", "p95"):
        assert answer["finish"][level].replace("T", " ") in main
    planned = answer["deterministic"]
    assert planned["finish"].replace("T", " ") in main
    assert f"{100 * planned['probability']:.1f} % of runs finish by the plan's date" in main
    assert main.count('class="hist"') >= 3 and 'class="scurve"' in main
    assert api.client.get("/programs/DPL/montecarlo?iterations=5").status_code == 422
