"""`progman serve --workers N`: each worker listens on the one address (its own socket), a
second server on a busy port is refused, a worker that dies is started again, and SIGTERM
stops them all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
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


def workers(pid: int) -> list[int]:
    """The server's worker processes (its children but the multiprocessing helpers)."""
    found = []
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        command = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
        if b"resource_tracker" not in command and b"semaphore_tracker" not in command:
            found.append(int(child))
    return sorted(found)


def test_workers_share_the_port_and_stop_together(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'progman.db'}"
    init_database(url)
    dispose_engines()
    port = free_port()
    command = [*PROGMAN, "serve", "--db", url, "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    said: list[str] = []  # the server's log, read as it comes
    reader = threading.Thread(target=lambda: said.extend(server.stderr or ()), daemon=True)
    reader.start()

    def started(count: int) -> bool:
        """Wait (60 s at most) until ``count`` workers said they are ready."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if sum("Application startup complete" in line for line in said) >= count:
                return True
            time.sleep(0.2)
        return False

    try:
        assert serving(port)
        clients = [httpx2.Client(base_url=f"http://127.0.0.1:{port}") for _ in range(8)]
        assert all(c.get("/api/v1/openapi.json").status_code == 200 for c in clients)
        second = subprocess.run(command, check=False, capture_output=True, text=True, timeout=60)
        assert second.returncode == 2
        assert f"cannot listen on 127.0.0.1:{port}" in second.stderr
        for client in clients:
            client.close()
        first = workers(server.pid)
        assert len(first) == 2
        os.kill(first[0], signal.SIGKILL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and first[0] in workers(server.pid):
            time.sleep(0.2)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(workers(server.pid)) < 2:
            time.sleep(0.2)
        again = workers(server.pid)
        assert len(again) == 2 and first[0] not in again and first[1] in again
        assert started(3)  # the replacement is up (a busy machine may take seconds)
        assert serving(port)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        reader.join(10)
    errors = "".join(said)
    assert server.returncode == 0, errors
    assert errors.count("Application startup complete") == 3  # two workers, one restarted
    assert "starting another" in errors
    assert not serving(port, seconds=1)
