"""The "Stage gates" page in a real browser (Debian's Chromium through Playwright, against
a live server on the sample): the overdue gate leads, each status is read as a word, the
phases and the decision log follow; screenshot "gates"; axe-core finds no serious or
critical violation."""

from __future__ import annotations

from tests.web.browsing import logged_in, serious_violations, shoot


def test_the_gates_page_leads_with_the_overdue_gate_and_reads_as_words(site, browser):
    page = logged_in(browser, site, "victor", "/programs/DPL/gates")
    assert page.inner_text("h1") == "Stage gates"
    assert page.locator("nav.views a[aria-current=page]").inner_text() == "Gates"
    rows = page.locator("table.gates tbody tr")
    assert rows.count() == 6
    first = rows.nth(0)
    assert first.get_attribute("id") == "gate-G3"
    assert first.locator("span.status").inner_text() == "! overdue"
    assert "2 of 3 criteria unmet" in first.inner_text()
    statuses = page.locator("table.gates span.status").all_inner_texts()
    assert statuses[-2:] == ["✓ passed", "✓ passed"]  # the settled gates come last
    assert page.locator("table.phases tbody tr").count() == 5
    log = page.locator("table.decision-log tbody tr")
    assert log.count() == 9 and log.nth(0).get_attribute("id") == "log-D1"
    box = page.locator("table.gates").bounding_box()
    assert box is not None and box["width"] > 600  # laid out, not collapsed
    assert serious_violations(page) == []
    shoot(page, "gates")
    page.click("nav.views >> text=Health")
    page.wait_for_url("**/programs/DPL/health")
