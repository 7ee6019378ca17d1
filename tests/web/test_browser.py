"""The web UI in a real browser: Debian's Chromium driven by Playwright against a live
``progman`` server (uvicorn in a thread) on the sample program. Each main page is saved as
a screenshot under tests/web/screenshots/ (not committed), and axe-core (from the npm
lockfile) must find no serious or critical accessibility violation on it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.api_support import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(__file__).resolve().parent / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:  # make test installs it; without it these tests cannot run at all
        pytest.fail("Debian's chromium is not installed: run `make test` (it installs it)")
    return found


@pytest.fixture
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - a test dependency

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=_chromium(), args=["--no-sandbox"])
        yield launched
        launched.close()


def _serious_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    assert AXE.is_file(), "axe-core is missing: run `make install-test` (npm ci)"
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def _shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_program_manager_logs_in_and_reads_the_dashboard(site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{site}/programs/DPL")
    assert page.url == f"{site}/login?next=/programs/DPL"
    assert _serious_violations(page) == []
    _shoot(page, "login")
    page.fill("#username", "paula")
    page.fill("#password", "wrong")
    page.click("button[type=submit]")
    assert page.inner_text("#login-error") == "wrong user name or password"
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    assert page.url == f"{site}/programs/DPL"
    assert page.inner_text("h1").startswith("Digital Platform Launch")
    first_late = page.locator("#main table.grid tbody tr").first
    assert "WEB.launch" in first_late.inner_text() and "late" in first_late.inner_text()
    assert _serious_violations(page) == []
    _shoot(page, "dashboard")
    page.click("text=progman")
    assert page.url == f"{site}/" and page.locator("a[href='/programs/DPL']").count() == 1
    assert _serious_violations(page) == []
    _shoot(page, "programs")


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
    assert _serious_violations(page) == []
    _shoot(page, "risks")
    everything = page.locator("#register ~ table tbody tr, section:has(#register) tbody tr")
    total = everything.count()
    page.locator("table.matrix td.cell a").first.click()
    page.wait_for_url("**cell=*")
    assert 0 < everything.count() < total
    assert page.locator("table.matrix td.chosen").count() == 1
    page.click("nav.views >> text=Roadmap")
    page.wait_for_url(f"{site}/programs/DPL/roadmap")
    assert page.locator(".roadmap .bar").count() >= 5
    assert _serious_violations(page) == []
    _shoot(page, "roadmap")
    page.click('nav.views >> text="Monte Carlo"')
    page.wait_for_url(f"{site}/programs/DPL/montecarlo")
    assert page.locator("svg rect.hist").count() >= 3
    assert _serious_violations(page) == []
    _shoot(page, "montecarlo")
    page.click('nav.views >> text="Board"')
    page.wait_for_url(f"{site}/programs/DPL/board")
    assert page.locator("svg path.link.pushing").count() == 1
    assert _serious_violations(page) == []
    _shoot(page, "board")
    page.click("nav.views >> text=Audit log")
    page.wait_for_url(f"{site}/programs/DPL/audit")
    assert _serious_violations(page) == []
    _shoot(page, "audit")
    page.fill("#entity", "API.pentest")
    page.click("text=Filter")
    assert page.locator("tbody tr").count() == 1
