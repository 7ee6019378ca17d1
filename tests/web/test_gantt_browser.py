"""The Gantt chart in a real browser (Debian's Chromium through Playwright, against a live
server on the sample program): it draws the plan, axe-core finds no serious violation, a
dragged bar moves its successors and says so, a link that would close a cycle is refused
with the API's message, a viewer finds nothing to edit (and the API refuses them anyway),
and a name with markup is shown as text."""

from __future__ import annotations

import re

from tests.api_support import ADMIN
from tests.web.browsing import logged_in, serious_violations, shoot

from progman.services.database import unit_of_work
from progman.services.work_items import do_update_work_item

GANTT = "/programs/DPL/gantt"


def _open(browser, site: str, user: str = "paula"):  # type: ignore[no-untyped-def]
    page = logged_in(browser, site, user, GANTT)
    page.wait_for_selector("#gantt[data-ready=true]")
    return page


def _row(page, ident: str):  # type: ignore[no-untyped-def]
    """The grid row of ``ident``, scrolled into the chart (rows are drawn when seen)."""
    page.evaluate("(id) => gantt.showTask(id)", ident)
    return page.locator(f".gantt_grid_data .gantt_row[data-task-id='{ident}']")


def _open_panel(page, ident: str) -> None:  # type: ignore[no-untyped-def]
    """Click ``ident``'s name: a click on its start or duration cell opens that cell's editor,
    which takes the keyboard's focus a moment later (and with it what a test types next)."""
    _row(page, ident).locator(".gantt_cell_tree").click()
    assert page.inner_text("#task-panel-title").startswith(ident + " ")


def _task(page, ident: str) -> dict:  # type: ignore[no-untyped-def]
    return page.evaluate(
        """(id) => { const t = gantt.getTask(id);
        return {start: t.start_date.toISOString(), end: t.end_date.toISOString(),
                float: t.total_float, critical: t.critical, version: t.version}; }""",
        ident,
    )


def test_the_gantt_draws_the_sample_with_its_markers_and_passes_axe(site, browser):
    page = _open(browser, site)
    assert page.evaluate("gantt.getTaskCount()") == 107  # 5 projects and their 102 items
    assert 10 < page.locator(".gantt_task_line").count() < 107  # virtualised: what is seen
    assert page.locator(".gantt_task_line.critical").count() > 0
    assert page.locator(".gantt-line.status-date").count() == 1
    assert page.locator(".gantt-line-label.today").count() == 1
    assert page.locator(".baseline-bar").count() > 0
    assert "Europe/Berlin" in page.inner_text("#gantt-about")
    floats = page.locator(".gantt_grid_data .gantt_row").all_inner_texts()
    assert any(text.rstrip().endswith("!") for text in floats)  # critical, said by a sign
    assert serious_violations(page) == []
    shoot(page, "gantt")
    page.click("[data-zoom=month]")
    assert page.get_attribute("[data-zoom=month]", "aria-pressed") == "true"
    _open_panel(page, "MOB.beta")
    slip = page.get_attribute("#task-slip", "href")
    assert slip == "/programs/DPL/items/MOB.beta"
    assert page.inner_text("#task-links li") == "MOB.hardening SS +5d Remove"  # with its lag


def test_dragging_a_bar_moves_its_successors_and_says_what_moved(site, browser):
    page = _open(browser, site)
    _row(page, "MOB.beta")
    launch = _task(page, "MOB.launch")
    bar = page.locator(".gantt_task_line[data-task-id='MOB.beta']")
    box = bar.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 60, y, steps=6)
    page.mouse.move(x + 250, y, steps=6)  # about four weeks on the week zoom
    page.mouse.up()
    page.wait_for_function("document.getElementById('gantt-notice').textContent.includes('moved')")
    notice = page.inner_text("#gantt-notice")
    assert re.fullmatch(r"\d+ tasks and milestones MOB\.launch, .* moved (up to )?\+\d+ d", notice)
    moved = _task(page, "MOB.launch")
    assert moved["end"] > launch["end"]
    assert _task(page, "MOB.beta")["version"] == 2
    assert page.locator(".gantt_task_line.moved[data-task-id='MOB.launch']").count() == 1
    shoot(page, "gantt-moved")


def test_a_link_that_would_close_a_cycle_is_refused_and_the_chart_stays(site, browser):
    page = _open(browser, site)
    links = page.evaluate("gantt.getLinks().length")
    _open_panel(page, "MOB.beta")
    page.fill("#link-pred", "MOB.launch")  # MOB.launch waits for MOB.beta already
    page.click("#link-form button[type=submit]")
    page.wait_for_function(
        "document.getElementById('link-error').textContent.length > 0"
        " || document.getElementById('gantt-notice').textContent.length > 0"
    )
    assert page.inner_text("#gantt-notice") == ""  # nothing was saved
    assert "cycle" in page.inner_text("#link-error")
    assert "cycle" in page.inner_text("#gantt-error")
    assert page.evaluate("gantt.getLinks().length") == links
    assert _task(page, "MOB.beta")["version"] == 1


def test_a_viewer_finds_no_edit_controls_and_the_api_refuses_an_edit(site, browser):
    page = _open(browser, site, "victor")
    assert page.evaluate("gantt.config.readonly") is True
    assert page.locator("#link-form, #assign-form").count() == 0
    assert "may read this plan but not change it" in page.inner_text("#gantt-about")
    _open_panel(page, "MOB.beta")
    assert page.locator("#task-links button").count() == 0
    csrf = page.get_attribute("form.who input[name=csrf]", "value")
    answer = page.evaluate(
        """async (csrf) => { const r = await fetch('/api/v1/programs/DPL/work-items/MOB.beta',
        {method: 'PATCH', headers: {'Content-Type': 'application/json', 'If-Match': '"1"',
         'X-CSRF-Token': csrf}, body: JSON.stringify({constraint: 'SNET 2027-08-20'})});
        return [r.status, (await r.json()).detail]; }""",
        csrf,
    )
    assert answer[0] == 403 and "victor may not change" in answer[1]
    assert serious_violations(page) == []


def test_a_task_name_with_markup_is_shown_as_text(site, sqlite_api, browser):
    name = "<script>window.pwned = 1</script><img src=x onerror='window.pwned = 2'>"
    with unit_of_work(sqlite_api.url, write=True) as session:
        do_update_work_item(session, ADMIN, "DPL", "MOB.beta", {"name": name}, if_match=1)
    page = _open(browser, site)
    assert (
        _row(page, "MOB.beta").locator(".gantt_cell_tree .gantt_tree_content").inner_text() == name
    )
    assert name in page.locator(".gantt_task_line[data-task-id='MOB.beta']").inner_text()
    assert page.evaluate("window.pwned") is None


def test_a_duration_changed_in_the_grid_goes_through_the_api(site, browser):
    page = _open(browser, site)
    launch = _task(page, "MOB.launch")
    _row(page, "MOB.beta").locator("[data-column-name=duration_text]").click()
    field = page.locator(".gantt_grid_editor_placeholder input")
    page.wait_for_function("document.activeElement.name === 'duration_text'")
    field.fill("40d")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('gantt-notice').textContent.includes('moved')")
    assert _task(page, "MOB.launch")["end"] > launch["end"]
    assert page.evaluate("gantt.getTask('MOB.beta').duration_text") == "40d"


def test_the_keyboard_reaches_a_task_and_opens_its_panel(site, browser):
    page = _open(browser, site)
    page.focus("#gantt .gantt_layout_root")  # the first row takes the focus, a moment later
    page.wait_for_function("document.activeElement.getAttribute('data-task-id') === 'API'")
    page.keyboard.press("Shift+ArrowUp")  # closes a branch, Shift+↓ opens it
    assert page.evaluate("gantt.getTask('API').$open") is False
    page.keyboard.press("Shift+ArrowDown")
    assert page.evaluate("gantt.getTask('API').$open") is True
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.wait_for_function(
        "document.activeElement.getAttribute('data-task-id') === 'API.arch_design'"
    )
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.id === 'task-panel-title'")
    assert page.inner_text("#task-panel-title").startswith("API.arch_design")


def test_a_stale_edit_says_someone_else_changed_it_and_reloads_the_row(site, sqlite_api, browser):
    page = _open(browser, site)
    with unit_of_work(sqlite_api.url, write=True) as session:  # someone else, meanwhile
        do_update_work_item(session, ADMIN, "DPL", "MOB.beta", {"duration": "30d"}, if_match=1)
    _row(page, "MOB.beta")
    box = page.locator(".gantt_task_line[data-task-id='MOB.beta']").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 100, y, steps=6)
    page.mouse.up()
    page.wait_for_function("document.getElementById('gantt-error').textContent.length > 0")
    said = page.inner_text("#gantt-error")
    assert "changed by someone else" in said and "row has been reloaded" in said
    page.wait_for_function("gantt.getTask('MOB.beta').version === 2")
    assert page.evaluate("gantt.getTask('MOB.beta').duration_text") == "30d"
