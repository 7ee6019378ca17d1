"""The web UI in a real browser: Debian's Chromium driven by Playwright against a live
``progman`` server (uvicorn in a thread) on the sample program. Each main page is saved as
a screenshot under tests/web/screenshots/ (not committed), and axe-core (from the npm
lockfile) must find no serious or critical accessibility violation on it."""

from __future__ import annotations

from tests.api_support import PASSWORD
from tests.web.browsing import logged_in, serious_violations, shoot


def test_a_program_manager_logs_in_and_reads_the_dashboard(site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{site}/programs/DPL")
    assert page.url == f"{site}/login?next=/programs/DPL"
    assert serious_violations(page) == []
    shoot(page, "login")
    page.fill("#username", "paula")
    page.fill("#password", "wrong")
    page.click("button[type=submit]")
    assert page.inner_text("#login-error") == "wrong user name or password"
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{site}/programs/DPL")
    assert page.inner_text("h1").startswith("Digital Platform Launch")
    first_late = page.locator("#main table.grid tbody tr").first
    assert "WEB.launch" in first_late.inner_text() and "late" in first_late.inner_text()
    assert serious_violations(page) == []
    shoot(page, "dashboard")
    page.click("text=progman")
    page.wait_for_url(f"{site}/")
    assert page.locator("a[href='/programs/DPL']").count() == 1
    assert serious_violations(page) == []
    shoot(page, "programs")


def test_the_keyboard_reaches_the_content_first_and_logs_out(site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{site}/login")
    page.fill("#username", "victor")
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the content"
    page.click("text=Log out")
    page.wait_for_url(f"{site}/login")
    page.goto(f"{site}/programs/DPL")
    assert page.url.startswith(f"{site}/login")


def test_a_viewer_picks_a_cell_of_the_risk_matrix_and_reads_the_audit_log(site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{site}/login?next=/programs/DPL/risks")
    page.fill("#username", "victor")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{site}/programs/DPL/risks")
    assert serious_violations(page) == []
    shoot(page, "risks")
    everything = page.locator("#register ~ table tbody tr, section:has(#register) tbody tr")
    total = everything.count()
    page.locator("table.matrix td.cell a").first.click()
    page.wait_for_url("**cell=*")
    assert 0 < everything.count() < total
    assert page.locator("table.matrix td.chosen").count() == 1
    page.click("nav.views >> text=Roadmap")
    page.wait_for_url(f"{site}/programs/DPL/roadmap")
    assert page.locator(".roadmap .bar").count() >= 5
    assert serious_violations(page) == []
    shoot(page, "roadmap")
    page.click('nav.views >> text="Monte Carlo"')
    page.wait_for_url(f"{site}/programs/DPL/montecarlo")
    assert page.locator("svg rect.hist").count() >= 3
    assert serious_violations(page) == []
    shoot(page, "montecarlo")
    page.click('nav.views >> text="Board"')
    page.wait_for_url(f"{site}/programs/DPL/board")
    assert page.locator("svg path.link.pushing").count() == 1
    assert serious_violations(page) == []
    shoot(page, "board")
    page.click("nav.views >> text=Audit log")
    page.wait_for_url(f"{site}/programs/DPL/audit")
    assert serious_violations(page) == []
    shoot(page, "audit")
    page.fill("#entity", "API.pentest")
    page.click("text=Filter")
    # The filter is a GET form: count the rows of the page it loads, not of the one it
    # leaves (count() does not wait, and mid-navigation the document has no rows at all).
    page.wait_for_url("**entity=API.pentest*")
    assert page.locator("tbody tr").count() == 1


#: Every main view of a program, as the navigation and the pages link them.
MAIN_VIEWS = [
    "", "/roadmap", "/board", "/gantt", "/resources", "/risks", "/montecarlo", "/whatif",
    "/evm", "/health", "/gates", "/comms", "/changes", "/audit", "/projects/API",
    "/items/API.payments?slip=5",
]  # fmt: skip


def test_every_main_view_fits_a_1280_pixel_window(site, browser):
    """Readable at 1280×800: no page is wider than the window (a wide table scrolls in its
    own box)."""
    page = logged_in(browser, site, "alice")
    for view in [*(f"/programs/DPL{v}" for v in MAIN_VIEWS), "/admin/users"]:
        page.goto(f"{site}{view}")
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1280, f"{view} is {width} px wide"
