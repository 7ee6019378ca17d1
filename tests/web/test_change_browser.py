"""The change request pages in a real browser (Debian's Chromium through Playwright,
against a live server on the sample): the list and a request with its impact, saved as
screenshots, no serious axe-core violation, and a request drafted and submitted from the
pages."""

from __future__ import annotations

from tests.web.browsing import logged_in, serious_violations, shoot


def test_a_change_request_is_drafted_and_submitted_from_the_pages(site, browser):
    page = logged_in(browser, site, "paula", "/programs/DPL")
    page.click('nav.views >> text="Change requests"')
    page.wait_for_url(f"{site}/programs/DPL/changes")
    assert page.locator("#change-requests tbody tr").count() == 2  # the sample's
    page.fill("#title", "Longer performance tests")
    page.fill("#changes", "API.perf.duration=30d\nnot a change")
    page.click("form.new-change button[type=submit]")
    assert "line 2" in page.inner_text("#changes-error")
    assert page.get_attribute("#changes", "aria-invalid") == "true"
    assert serious_violations(page) == []
    shoot(page, "changes")
    page.fill("#changes", "API.perf.duration=30d")
    page.fill("#reason", "load tests found problems")
    page.click("form.new-change button[type=submit]")
    page.wait_for_url(f"{site}/programs/DPL/changes/CR-003?done=created")
    assert page.inner_text("#change-state") == "draft"
    page.click("#submit-request")
    page.wait_for_url("**done=submitted")
    assert page.inner_text("#change-state") == "submitted"
    assert "program finish +" in page.inner_text("#impact-summary")
    assert page.locator("#impact-dates tbody tr").count() >= 6  # the program, 5 projects
    assert page.locator("#approve-request").is_visible()
    assert serious_violations(page) == []
    shoot(page, "change-request")
    viewer = logged_in(browser, site, "victor", "/programs/DPL/changes/CR-003")
    assert viewer.locator("form.step").count() == 0
    assert viewer.locator("form.new-change").count() == 0


def test_a_draft_is_edited_and_deleted_from_its_page(site, browser):
    page = logged_in(browser, site, "paula", "/programs/DPL/changes")
    page.fill("#title", "Longer performance tests")
    page.fill("#changes", "API.perf.duration=30d")
    page.click("form.new-change button[type=submit]")
    page.wait_for_url(f"{site}/programs/DPL/changes/CR-003?done=created")
    assert page.input_value("#edit-sets") == "API.perf.duration=30d"
    page.fill("#edit-sets", "API.perf.duration=35d\nAPI.perf duration 40d")
    page.click("#save-draft")
    assert "line 2" in page.inner_text("#edit-sets-error")
    assert page.get_attribute("#edit-sets", "aria-invalid") == "true"
    assert serious_violations(page) == []
    shoot(page, "change-draft-edit")
    page.fill("#edit-sets", "API.perf.duration=35d")
    page.fill("#edit-deps", "MOB.beta:API.perf FS+2d")
    page.fill("#edit-title-field", "Much longer performance tests")
    page.click("#save-draft")
    page.wait_for_url("**done=edited")
    assert page.inner_text("h1").startswith("Much longer performance tests")
    items = page.inner_text("#change-items")
    assert "set API.perf.duration = 35d" in items and "add to MOB.beta.depends" in items
    assert page.input_value("#edit-deps") == "MOB.beta:API.perf FS+2d"
    page.click("#delete-draft")
    page.wait_for_url(f"{site}/programs/DPL/changes?done=deleted")
    assert "Draft deleted" in page.inner_text("#change-notice")
    assert page.locator("#cr-CR-003").count() == 0
    assert page.locator("#change-requests tbody tr").count() == 2  # the sample's
