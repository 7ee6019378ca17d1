"""`progman serve --workers N`: each worker listens on the one address (its own socket), a
second server on a busy port is refused, and SIGTERM stops them all."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2

from progman.services.database import dispose_engines
from progman.services.programs import init_database

PROGMAN = [sys.executable, "-m", "progman"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serving(port: int, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx2.get(f"http://127.0.0.1:{port}/api/v1/openapi.json").status_code == 200:
                return True
        except httpx2.TransportError:
            time.sleep(0.2)
    return False


def test_workers_share_the_port_and_stop_together(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'progman.db'}"
    init_database(url)
    dispose_engines()
    port = free_port()
    command = [*PROGMAN, "serve", "--db", url, "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        assert serving(port)
        clients = [httpx2.Client(base_url=f"http://127.0.0.1:{port}") for _ in range(8)]
        assert all(c.get("/api/v1/openapi.json").status_code == 200 for c in clients)
        second = subprocess.run(command, check=False, capture_output=True, text=True, timeout=60)
        assert second.returncode == 2
        assert f"cannot listen on 127.0.0.1:{port}" in second.stderr
        for client in clients:
            client.close()
    finally:
        server.send_signal(signal.SIGTERM)
        _, errors = server.communicate(timeout=60)
    assert server.returncode == 0, errors
    assert errors.count("Application startup complete") == 2  # one line per worker
    assert not serving(port, seconds=1)
