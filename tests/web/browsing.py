"""What the browser tests share: Debian's Chromium through Playwright, an axe-core check,
screenshots under tests/web/screenshots/ (not committed), and logging in as a sample user."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.api_support import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(__file__).resolve().parent / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:  # make test installs it; without it these tests cannot run at all
        pytest.fail("Debian's chromium is not installed: run `make test` (it installs it)")
    return found


@pytest.fixture
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - a test dependency

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox"]
        )
        yield launched
        launched.close()


def serious_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    assert AXE.is_file(), "axe-core is missing: run `make install-test` (npm ci)"
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def logged_in(browser, site: str, user: str = "paula", path: str = "/"):  # type: ignore[no-untyped-def]
    """A 1280×800 page logged in as ``user`` (password of the sample users) at ``path``."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{site}/login?next={path}")
    page.fill("#username", user)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{site}{path}")
    return page
