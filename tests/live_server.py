"""The ``site`` fixture: a live ``progman`` server (uvicorn in a thread, the API and the
pages) on the ``sqlite_api`` fixture's database, for the browser and for what only a real
HTTP exchange shows."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from progman.asgi import create_app


@pytest.fixture
def site(sqlite_api) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A live server on the ``sqlite_api`` fixture's database; its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        create_app(sqlite_api.url), host="127.0.0.1", port=port, log_level="error"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start within 30 s"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
