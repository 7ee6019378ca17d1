"""Take the screenshots of docs/user-guide.md: the sample program served as the tests
serve it (tests/api_support.py), each main view opened in Debian's Chromium through
Playwright at 1280×800 and saved under docs/screenshots/. Run by ``make screenshots``.
"""

from __future__ import annotations

import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.api_support import PASSWORD, _serving  # noqa: E402 - the tests' own set-up
from tests.web.browsing import chromium_path  # noqa: E402

from progman.asgi import create_app  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
#: name, path, and the element the picture starts at (None: the top of the page)
VIEWS = [
    ("dashboard", "/programs/DPL", None),
    ("roadmap", "/programs/DPL/roadmap", None),
    ("gantt", "/programs/DPL/gantt", None),
    ("resources", "/programs/DPL/resources", None),
    ("montecarlo", "/programs/DPL/montecarlo", None),
    ("task-impact", "/programs/DPL/items/API.payments?slip=10", "#impact"),
    ("whatif", "/programs/DPL/whatif?run=1&sets=API.payments.remaining%3D45d", "#answer-section"),
    ("evm", "/programs/DPL/evm", None),
    ("health", "/programs/DPL/health", None),
    ("risks", "/programs/DPL/risks", None),
    ("changes", "/programs/DPL/changes", None),
    ("gates", "/programs/DPL/gates", None),
    ("admin-users", "/admin/users", None),
]


def _serve(url: str) -> tuple[uvicorn.Server, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(url), host="127.0.0.1", port=port, log_level="error")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        serving = _serving(f"sqlite:///{Path(folder) / 'progman.db'}")
        api = next(serving)
        server, site = _serve(api.url)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), args=["--no-sandbox"]
            )
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(f"{site}/login")
            page.fill("#username", "alice")  # an administrator: every page, the admin ones too
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{site}/")
            for name, path, start in VIEWS:
                page.goto(f"{site}{path}")
                page.wait_for_load_state("networkidle")  # the Gantt draws from its feed
                if start:
                    page.locator(start).scroll_into_view_if_needed()
                    page.evaluate(f"document.querySelector('{start}').scrollIntoView()")
                page.screenshot(path=str(OUT / f"{name}.png"))
                print(f"docs/screenshots/{name}.png", file=sys.stderr)
            browser.close()
        server.should_exit = True
        next(serving, None)


if __name__ == "__main__":
    main()
