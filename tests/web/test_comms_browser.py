"""The "Stakeholders" page in a real browser (Debian's Chromium through Playwright, against
a live server on the sample): the reports due, the plan and the grid; screenshot "comms";
axe-core finds no serious or critical violation."""

from __future__ import annotations

from tests.web.browsing import logged_in, serious_violations, shoot

from progman.planfile import load_plan
from progman.samples import sample_plan_path


def test_the_stakeholders_page_lists_the_due_reports_and_the_grid(site, browser):
    page = logged_in(browser, site, "victor", "/programs/DPL/comms")
    assert page.inner_text("h1") == "Stakeholders and communication"
    assert page.locator("nav.views a[aria-current=page]").inner_text() == "Stakeholders"
    due = page.locator("table.comms-due tbody tr")
    assert due.count() == 12
    assert "Katrin Maier" in due.nth(0).inner_text() and "2027-04-26" in due.nth(0).inner_text()
    grid = page.locator("table.comms-grid tbody tr")
    assert grid.count() == len(load_plan(sample_plan_path()).stakeholders)
    assert grid.nth(0).inner_text().startswith("Manage closely")
    box = page.locator("table.comms-plan").bounding_box()
    assert box is not None and box["width"] > 600
    assert serious_violations(page) == []
    shoot(page, "comms")
