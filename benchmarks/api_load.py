"""The REST API under 50 concurrent clients on 127.0.0.1 (issue 11, SPEC §6).

A real ``progman serve`` (uvicorn, one process per core) on a SQLite database holding a generated
program of 50 projects and 20,000 tasks. 50 clients (httpx2, asyncio) send a fixed number
of requests each, bounded in count and time, only to 127.0.0.1:

* reads: the program summary, one work item, its schedule (``schedule --json``), a page
  of work items; target p95 ≤ 50 ms, no errors;
* edits: ``PATCH`` of a work item's duration with its ``If-Match``, re-read first; target
  p95 ≤ 150 ms with its re-schedule, no error but the 412 of a concurrent writer, and no
  lost update (the last duration written is the one stored).

The baseline of the run is one client alone doing the same reads once every server
process has loaded the program (the latency a user would see on an idle server); the
program summary alone is also held to its own target (≤ 200 ms server time).
``PROGMAN_BENCH_API_QUICK=1``: 5 projects of 1,000 tasks.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.end_to_end import PROGMAN, make_plan, verdict

CLIENTS = 50
READS_PER_CLIENT = 40
EDITS_PER_CLIENT = 2
READ_TARGET_MS = 50.0
EDIT_TARGET_MS = 150.0
SUMMARY_TARGET_MS = 200.0
TIME_LIMIT_S = 300.0
WORKERS = max(1, min(os.cpu_count() or 1, 4))  # one server process per core


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


@dataclass
class Tally:
    """What the clients saw: latencies in ms, unexpected statuses, edits that went in."""

    reads: list[float] = field(default_factory=list)
    summary: list[float] = field(default_factory=list)  # the program summary's reads
    edits: list[float] = field(default_factory=list)
    errors: list[int] = field(default_factory=list)
    written: list[tuple[int, str]] = field(default_factory=list)


async def _reads(client, headers, target, count, tally) -> None:  # type: ignore[no-untyped-def]
    key, item = target
    paths = [
        f"/api/v1/programs/{key}",
        f"/api/v1/programs/{key}/work-items/{item}",
        f"/api/v1/programs/{key}/schedule",
        f"/api/v1/programs/{key}/work-items?limit=50",
    ]
    for n in range(count):
        start = time.perf_counter()
        response = await client.get(paths[n % len(paths)], headers=headers)
        tally.reads.append((time.perf_counter() - start) * 1000)
        if n % len(paths) == 0:
            tally.summary.append(tally.reads[-1])
        if response.status_code != 200:
            tally.errors.append(response.status_code)


async def _edits(client, headers, target, count, tally) -> None:  # type: ignore[no-untyped-def]
    key, item = target
    url = f"/api/v1/programs/{key}/work-items/{item}"
    for _ in range(count):
        etag = (await client.get(url, headers=headers)).headers["etag"]
        days = 1 + len(tally.written) % 9
        start = time.perf_counter()
        response = await client.patch(
            url, json={"duration": f"{days}d"}, headers={**headers, "If-Match": etag}
        )
        tally.edits.append((time.perf_counter() - start) * 1000)
        if response.status_code == 200:
            tally.written.append((response.json()["item"]["version"], f"{days}d"))
        elif response.status_code != 412:  # a concurrent writer won: expected, not lost
            tally.errors.append(response.status_code)


async def _load(base: str, token: str, key: str, item: str, clients: int) -> dict[str, object]:
    import httpx2  # noqa: PLC0415 - a test dependency

    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx2.Limits(max_connections=clients)
    target = (key, item)
    async with httpx2.AsyncClient(base_url=base, limits=limits, timeout=60.0) as client:
        await _reads(client, headers, target, 40, Tally())  # each server process loads it
        alone = Tally()
        await _reads(client, headers, target, 40, alone)
        tally = Tally()
        tasks = [_reads(client, headers, target, READS_PER_CLIENT, tally) for _ in range(clients)]
        tasks += [
            _edits(client, headers, target, EDITS_PER_CLIENT, tally) for _ in range(clients // 5)
        ]
        await asyncio.wait_for(asyncio.gather(*tasks), TIME_LIMIT_S)
        stored = await client.get(f"/api/v1/programs/{key}/work-items/{item}", headers=headers)
        last = max(tally.written)[1] if tally.written else None
    return {
        "alone": alone.reads,
        "summary": alone.summary,
        "reads": tally.reads,
        "edits": tally.edits,
        "errors": tally.errors,
        "lost": last is not None and stored.json()["duration"] != last,
    }


def main() -> None:
    quick = os.environ.get("PROGMAN_BENCH_API_QUICK") == "1"
    projects, per_project = (5, 1_000) if quick else (50, 400)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        plan = make_plan(folder / "program.json", projects, per_project, people=50)
        url = f"sqlite:///{folder / 'load.db'}"
        subprocess.run([*PROGMAN, "db", "upgrade", "--db", url], check=True, capture_output=True)
        subprocess.run([*PROGMAN, "db", "import", str(plan), "--db", url], check=True,
                       capture_output=True)  # fmt: skip
        subprocess.run([*PROGMAN, "user", "add", "bench", "--role", "admin", "--db", url],
                       check=True, capture_output=True)  # fmt: skip
        token = subprocess.run([*PROGMAN, "token", "create", "bench", "--db", url], check=True,
                               capture_output=True, text=True).stdout.strip()  # fmt: skip
        port = _free_port()
        server = subprocess.Popen(
            [*PROGMAN, "serve", "--db", url, "--port", str(port), "--workers", str(WORKERS)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for(port)
            result = asyncio.run(_load(f"http://127.0.0.1:{port}", token, "GEN", "P1.T200",
                                       CLIENTS))  # fmt: skip
        finally:
            server.terminate()
            server.wait(timeout=30)
    reads, edits, alone = result["reads"], result["edits"], result["alone"]
    assert isinstance(reads, list) and isinstance(edits, list) and isinstance(alone, list)
    tasks = projects * per_project
    read_p95, edit_p95 = _p95(reads), _p95(edits) if edits else float("nan")
    print(
        f"api_load: {CLIENTS} clients, {tasks:,} tasks: reads p95 {read_p95:.0f} ms over "
        f"{len(reads)} (target ≤ {READ_TARGET_MS:.0f} ms {verdict(read_p95 <= READ_TARGET_MS)}); "
        f"one client alone p95 {_p95(alone):.0f} ms, ratio {read_p95 / _p95(alone):.1f}x"
    )
    summary = result["summary"]
    assert isinstance(summary, list)
    summary_ms = statistics.median(summary)
    print(
        f"api_load: program summary of {projects} projects / {tasks:,} tasks alone: median "
        f"{summary_ms:.1f} ms (target ≤ {SUMMARY_TARGET_MS:.0f} ms server time: "
        f"{verdict(summary_ms <= SUMMARY_TARGET_MS)})"
    )
    print(
        f"api_load: edits p95 {edit_p95:.0f} ms over {len(edits)} (target ≤ "
        f"{EDIT_TARGET_MS:.0f} ms {verdict(edit_p95 <= EDIT_TARGET_MS)}); errors "
        f"{result['errors'] or 'none'}; lost update: {'YES' if result['lost'] else 'none'}"
    )


def _wait_for(port: int, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    sys.exit(f"api_load: progman serve did not listen on port {port} within {seconds} s")


if __name__ == "__main__":
    main()
