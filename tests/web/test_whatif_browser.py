"""The task page with its impact panel, the what-if page and the project page in a real
browser (Debian's Chromium through Playwright, against a live server on the sample): each
saved as a screenshot, axe-core finds no serious violation, and each does its job."""

from __future__ import annotations

from tests.web.browsing import logged_in, serious_violations, shoot


def test_the_impact_panel_says_what_moves_if_a_task_slips(site, browser):
    page = logged_in(browser, site, "victor", "/programs/DPL/items/API.payments")
    assert page.inner_text("h1").startswith("Payments integration")
    page.fill("#slip", "10")
    page.click("text=Show what moves")
    page.wait_for_url("**slip=10*")
    summary = page.inner_text("#impact-summary")
    assert "API.payments slips 10 days" in summary and "3 projects" in summary
    assert page.locator("#impact-milestones tbody tr").count() == 5
    assert page.locator("ol.chains li").count() >= 1
    assert serious_violations(page) == []
    shoot(page, "task-impact")
    page.locator("#impact-projects a", has_text="WEB").click()
    page.wait_for_url(f"{site}/programs/DPL/projects/WEB")


def test_a_what_if_is_compared_with_the_plan_and_the_baseline(site, browser):
    page = logged_in(browser, site, "victor", "/programs/DPL")
    page.click('nav.views >> text="What-if"')
    page.wait_for_url(f"{site}/programs/DPL/whatif")
    page.fill("#sets", "NOPE.build.duration=5d")
    page.click("form.whatif button[type=submit]")
    page.wait_for_url("**run=1*")
    assert "no task" in page.inner_text("#sets-error")
    assert page.get_attribute("#sets", "aria-invalid") == "true"
    page.fill("#sets", "API.perf.duration=30d")
    page.select_option("#model", "cpm")
    page.click("form.whatif button[type=submit]")
    page.wait_for_selector("#whatif-dates")
    assert page.locator("#whatif-dates tbody tr").count() >= 6
    why = page.inner_text("#whatif-why")
    assert "WEB" in why and "API.perf → API.ready" in why
    assert serious_violations(page) == []
    shoot(page, "whatif")


def test_a_task_added_on_the_project_page_shows_what_moved(site, browser):
    page = logged_in(browser, site, "paula", "/programs/DPL/projects/API")
    assert page.locator("table.wbs tbody tr").count() == 20
    assert serious_violations(page) == []
    shoot(page, "project")
    fold = page.locator('[id="row-API.quality"] button.fold')
    fold.click()
    assert fold.get_attribute("aria-expanded") == "false"
    assert page.locator('[id="row-API.perf"]').is_hidden()
    assert page.locator('[id="row-API.migration"]').is_visible()
    fold.click()
    assert page.locator('[id="row-API.perf"]').is_visible()
    page.click('[aria-label="Add under API.quality"]')
    assert page.locator("#new-parent").input_value() == "API.quality"
    page.fill("#new-id", "API.signoff")
    page.fill("#new-name", "Security sign-off")
    page.fill("#new-duration", "3d")
    page.click("form.add-item button[type=submit]")
    page.wait_for_selector("#moved-notice")
    assert "Added task API.signoff" in page.inner_text("#moved-notice")
    assert page.locator('[id="row-API.signoff"]').count() == 1
    page.click('[aria-label="Edit API.signoff"]')
    page.fill('[id="duration-API.signoff"]', "8d")
    page.click('[id="edit-API.signoff"] >> text=Save')
    page.wait_for_selector("#moved-notice")
    assert "Saved API.signoff" in page.inner_text("#moved-notice")
    assert "8d" in page.inner_text('[id="row-API.signoff"]')
    assert serious_violations(page) == []
    viewer = logged_in(browser, site, "victor", "/programs/DPL/projects/API")
    assert (
        viewer.locator('[aria-label^="Edit "]').count() == 0
        and viewer.locator("form.add-item").count() == 0
    )
