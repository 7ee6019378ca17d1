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
from types import FrameType

import uvicorn

from progman.errors import UsageError

APP = "progman.api:create_app"


def serve_app(host: str, port: int, workers: int) -> None:
    """Serve until interrupted (Ctrl+C or SIGTERM stops every worker)."""
    if workers == 1 or not hasattr(socket, "SO_REUSEPORT"):
        uvicorn.run(
            APP, factory=True, host=host, port=port, workers=workers, log_level="info",
            access_log=False,
        )  # fmt: skip
        return
    _listening(host, port, shared=False).close()  # a busy or bad address: refused here
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_worker, args=(host, port)) for _ in range(workers)]
    for process in processes:
        process.start()

    def stop(signum: int, frame: FrameType | None) -> None:
        for process in processes:
            if process.is_alive():
                process.terminate()  # uvicorn ends its requests and exits on SIGTERM

    signal.signal(signal.SIGTERM, stop)
    try:
        for process in processes:
            process.join()
    except KeyboardInterrupt:  # the workers got the Ctrl+C too
        for process in processes:
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
