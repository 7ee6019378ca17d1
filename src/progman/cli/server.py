"""Run the API app with uvicorn: one process, or one per core each on its own socket.

uvicorn's own workers share one listening socket, and whichever process accepts first
takes the connection: a burst of keep-alive connections (50 clients at once) can all land
in one process while the others idle. Here each worker binds its own socket to the same
address with ``SO_REUSEPORT``, so the kernel spreads the connections over the processes.
Where the platform has no ``SO_REUSEPORT``, uvicorn's workers are used.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import sys
import time
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from types import FrameType

import uvicorn

from progman.errors import UsageError

APP = "progman.asgi:create_app"
#: A replacement worker that ends this soon after it started has a fault a restart will not
#: mend: the server stops rather than start workers in a loop.
QUICK_EXIT_SECONDS = 10.0


def serve_app(host: str, port: int, workers: int) -> None:
    """Serve until interrupted (Ctrl+C or SIGTERM stops every worker)."""
    if workers == 1 or not hasattr(socket, "SO_REUSEPORT"):
        uvicorn.run(
            APP, factory=True, host=host, port=port, workers=workers, log_level="info",
            access_log=False,
        )  # fmt: skip
        return
    _listening(host, port, shared=False).close()  # a busy or bad address: refused here
    _Supervisor(host, port, workers).run()


class _Supervisor:
    """Starts the workers, starts again one that dies (not a replacement that dies at once
    in turn: that is a fault no restart mends), and stops them all on Ctrl+C or SIGTERM."""

    def __init__(self, host: str, port: int, workers: int) -> None:
        self.address = (host, port)
        self.context = multiprocessing.get_context("spawn")
        self.processes = [self._start() for _ in range(workers)]
        self.stopping = False

    def _start(self, *, replacing: bool = False) -> BaseProcess:
        process = self.context.Process(target=_worker, args=self.address)
        process.start()
        process.started_at = time.monotonic()  # type: ignore[attr-defined]
        process.replacing = replacing  # type: ignore[attr-defined]
        return process

    def stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True
        for process in self.processes:
            if process.is_alive():
                process.terminate()  # uvicorn ends its requests and exits on SIGTERM

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)  # the workers get the Ctrl+C themselves too
        while not self.stopping:
            wait([process.sentinel for process in self.processes])
            for number, process in enumerate(self.processes):
                if self.stopping or process.is_alive():
                    continue
                lived = time.monotonic() - process.started_at  # type: ignore[attr-defined]
                if process.replacing and lived < QUICK_EXIT_SECONDS:  # type: ignore[attr-defined]
                    print(
                        f"progman serve: a new worker ended {lived:.1f} s after it started "
                        f"(exit code {process.exitcode}); stopping",
                        file=sys.stderr,
                    )
                    self.stop(signal.SIGTERM, None)
                    break
                print(
                    f"progman serve: worker {process.pid} ended (exit code {process.exitcode});"
                    " starting another",
                    file=sys.stderr,
                )
                self.processes[number] = self._start(replacing=True)
        for process in self.processes:
            process.join()


def _worker(host: str, port: int) -> None:
    config = uvicorn.Config(
        APP, factory=True, host=host, port=port, log_level="info", access_log=False
    )
    uvicorn.Server(config).run(sockets=[_listening(host, port)])


def _listening(host: str, port: int, *, shared: bool = True) -> socket.socket:
    """A socket bound to the address; ``shared``: with ``SO_REUSEPORT`` (each worker's),
    else alone, so that an address something else listens on is refused."""
    family, kind, protocol, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, protocol)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if shared:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind(address)
    except OSError as error:
        sock.close()
        raise UsageError(
            f"cannot listen on {host}:{port} ({error.strerror}): choose another --port, or "
            "stop what serves there",
            option="port",
        ) from None
    return sock
