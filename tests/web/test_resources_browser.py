"""The resource heatmap in a real browser (Debian's Chromium through Playwright, against a
live server on the sample): a program manager reads the heatmap, opens a cell's tasks from
the keyboard, levels the program and follows the job to its before and after; a viewer
finds no way to level. Screenshots go to tests/web/screenshots/; axe-core must find no
serious or critical violation on any of these pages."""

from __future__ import annotations

from tests.web.browsing import logged_in, serious_violations, shoot


def test_a_program_manager_reads_the_heatmap_opens_a_cell_and_levels(site, browser):
    page = logged_in(browser, site, "paula", "/programs/DPL/resources")
    assert page.inner_text("h1") == "Resources"
    assert page.locator("nav.views a[aria-current=page]").inner_text() == "Resources"
    mia = page.locator('a[data-person="mia"][data-week="2027-W01"]')
    assert mia.inner_text() == "200▲"  # a sign beside the colour: over capacity
    assert "over capacity" in (mia.get_attribute("aria-label") or "")
    assert serious_violations(page) == []
    shoot(page, "resources")

    mia.focus()
    page.keyboard.press("Enter")  # a cell is a link: the keyboard opens it
    page.wait_for_selector("#cell-tasks")
    assert page.evaluate("document.activeElement.id") == "cell-detail"
    rows = page.locator("#cell-tasks tbody tr")
    assert rows.count() == 3
    assert "WEB.design_system" in rows.first.inner_text()
    assert "Mia Hoffmann, week 2027-W01" in page.inner_text("#detail-title")
    page.click('a[data-person="lena"][data-week="2027-W10"]')  # the mouse too
    page.wait_for_url("**week=2027-W10**")
    assert "Lena Vogt, week 2027-W10" in page.inner_text("#detail-title")
    assert serious_violations(page) == []
    shoot(page, "resources-cell")

    page.click("#level-button")
    page.wait_for_url(f"{site}/programs/DPL/resources/leveling/*")
    assert page.locator("#job-progress").count() == 1  # the job's progress, whatever its state
    page.wait_for_selector("#compare", timeout=120_000)  # the script follows it and reloads
    assert page.get_attribute("#job", "data-state") == "succeeded"
    assert page.evaluate("document.getElementById('job-progress').value") == 1
    assert page.inner_text("#job-state") == "Leveling done."
    before = int(page.inner_text("#over-before"))
    after = int(page.inner_text("#over-after"))
    assert after < before
    assert page.locator("#moved-tasks tbody tr").count() > 0
    assert "A preview" in page.inner_text(".preview")
    assert page.locator("#after-map").count() == 1
    first_week = page.locator("#heatmap th.week").first  # the leveled weeks: from the status date
    assert "W17" in first_week.inner_text() and "status date" in first_week.inner_text()
    assert serious_violations(page) == []
    shoot(page, "leveling")


def test_a_viewer_finds_no_way_to_level(site, browser):
    page = logged_in(browser, site, "victor", "/programs/DPL/resources")
    assert page.locator("a[data-person]").count() > 40
    assert page.locator("#level-button").count() == 0
    assert page.locator("form[action$='/resources/level']").count() == 0
