"""The "Earned value" and "Health" pages in a real browser (Debian's Chromium through
Playwright, against a live server on the sample): the S-curve is drawn with its legend and
status-date line, the chooser measures against another date, the health of each scope is
read as words; screenshots "evm" and "health"; axe-core finds no serious or critical
violation."""

from __future__ import annotations

from tests.web.browsing import logged_in, serious_violations, shoot


def test_earned_value_draws_the_s_curve_and_the_chooser_changes_the_date(site, browser):
    page = logged_in(browser, site, "victor", "/programs/DPL/evm")
    assert page.inner_text("h1") == "Earned value"
    assert page.locator("nav.views a[aria-current=page]").inner_text() == "Earned value"
    curve = page.locator("svg[role=img] polyline.evm-line")
    assert curve.count() == 3
    box = page.locator("svg[role=img]").bounding_box()
    assert box is not None and box["width"] > 600  # drawn, not collapsed
    assert "status date 30 Apr 2027" in page.inner_text("figure.chart")
    assert "▼ 0." in page.inner_text("table.grid >> nth=0")  # SPI under 1: a sign, not colour
    assert serious_violations(page) == []
    shoot(page, "evm")

    page.fill("#status_date", "2027-03-31")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**status_date=2027-03-31**")
    assert "as of the end of 2027-03-31" in page.inner_text("table.grid >> nth=0")


def test_health_reads_each_scope_as_a_word_with_its_reasons(site, browser):
    page = logged_in(browser, site, "victor", "/programs/DPL/health")
    assert page.inner_text("h1") == "Health"
    program = page.inner_text("#health-DPL")
    assert any(word in program for word in ("red", "amber", "green"))
    assert page.locator("section.health-scope").count() == 6  # the program and 5 projects
    assert page.locator("ul.reasons li").count() > 20
    page.click("text=Earned value")
    page.wait_for_url("**/programs/DPL/evm")
    page.go_back()
    assert serious_violations(page) == []
    shoot(page, "health")
