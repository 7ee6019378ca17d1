"""The REST API under 50 concurrent clients on 127.0.0.1 (issue 11, SPEC §6).

A real ``progman serve`` (uvicorn, one process per core) on a SQLite database holding a generated
program of 50 projects and 20,000 tasks. 50 clients (httpx2, asyncio) send a fixed number
of requests each, only to 127.0.0.1, in two phases:

* **paced** (the targets): each client sends its requests at random moments, on average
  one every :data:`READ_GAP_S` (a reader) or :data:`EDIT_GAP_S` (an editor) — 50 people
  working in the UI at once. Latency is counted from the moment a request was due, so a
  server (or a client) that falls behind is charged for the wait (no coordinated omission).
  40 readers ask in turn for the program summary, one work item, one project's schedule
  (a page of 100 tasks, as the UI's Gantt view does) and a page of work items: p95 ≤ 50 ms,
  no errors. 10 editors re-read a work item and ``PATCH`` its duration with its
  ``If-Match``: p95 ≤ 150 ms with its re-schedule, no error but the 412 of a concurrent
  writer, and no lost update (the last duration written is the one stored).
* **saturated** (for information): the same 50 clients send their reads back to back. Each
  waits for its answer before it sends again, so the latency is the number of clients over
  the throughput the machine reaches — shared here with the load generator — and the line
  reports that throughput.

The baseline of the run is one client alone doing the same reads once every server
process has loaded the program (the latency a user would see on an idle server); the
program summary and the whole 20,000-task schedule alone are reported too (the summary's
target: ≤ 200 ms server time). ``PROGMAN_BENCH_API_QUICK=1``: 5 projects of 1,000 tasks.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.end_to_end import PROGMAN, make_plan, verdict

READERS = 40
EDITORS = 10
READS_PER_CLIENT = 40
EDITS_PER_CLIENT = 8
READ_GAP_S = 0.5  # a reader's mean time between requests: 80 reads/s from 40 readers
EDIT_GAP_S = 2.0  # an editor's: 5 edits/s from 10 editors
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
    edits: list[float] = field(default_factory=list)
    errors: list[int] = field(default_factory=list)
    written: list[tuple[int, str]] = field(default_factory=list)
    seconds: float = 0.0


def _read_paths(key: str, item: str, project: str) -> list[str]:
    program = f"/api/v1/programs/{key}"
    return [
        program,
        f"{program}/work-items/{item}",
        f"{program}/schedule?project={project}&limit=100",
        f"{program}/work-items?project={project}&limit=50",
    ]


async def _read_all(client, headers, paths, count, tally, *, gap=None) -> None:  # type: ignore[no-untyped-def]
    due = time.perf_counter()
    for n in range(count):
        if gap is not None:
            due += random.expovariate(1 / gap)
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
        else:
            due = time.perf_counter()
        response = await client.get(paths[n % len(paths)], headers=headers)
        tally.reads.append((time.perf_counter() - due) * 1000)
        if response.status_code != 200:
            tally.errors.append(response.status_code)


async def _edit_all(client, headers, url, count, tally, *, gap) -> None:  # type: ignore[no-untyped-def]
    due = time.perf_counter()
    for _ in range(count):
        due += random.expovariate(1 / gap)
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        etag = (await client.get(url, headers=headers)).headers["etag"]
        days = 1 + len(tally.written) % 9
        response = await client.patch(
            url, json={"duration": f"{days}d"}, headers={**headers, "If-Match": etag}
        )
        tally.edits.append((time.perf_counter() - due) * 1000)
        if response.status_code == 200:
            tally.written.append((response.json()["item"]["version"], f"{days}d"))
        elif response.status_code != 412:  # a concurrent writer won: expected, not lost
            tally.errors.append(response.status_code)


async def _timed(tally: Tally, work: Sequence[Awaitable[None]]) -> None:
    start = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*work), TIME_LIMIT_S)
    tally.seconds = time.perf_counter() - start


async def _load(base: str, token: str, key: str, item: str, project: str) -> dict[str, object]:
    import httpx2  # noqa: PLC0415 - a test dependency

    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx2.Limits(max_connections=READERS + EDITORS)
    paths = _read_paths(key, item, project)
    url = f"/api/v1/programs/{key}/work-items/{item}"
    async with httpx2.AsyncClient(base_url=base, limits=limits, timeout=60.0) as client:
        whole_schedule = Tally()
        for _ in range(4 * WORKERS):  # each server process loads the program and its schedule
            await _read_all(client, headers, paths, len(paths), Tally())
            await _read_all(client, headers, [f"/api/v1/programs/{key}/schedule"], 1,
                            whole_schedule)  # fmt: skip
        alone = Tally()
        await _read_all(client, headers, paths, READS_PER_CLIENT, alone)
        paced = Tally()
        await _timed(
            paced,
            [_read_all(client, headers, paths, READS_PER_CLIENT, paced, gap=READ_GAP_S)
             for _ in range(READERS)]
            + [_edit_all(client, headers, url, EDITS_PER_CLIENT, paced, gap=EDIT_GAP_S)
               for _ in range(EDITORS)],
        )  # fmt: skip
        saturated = Tally()
        await _timed(
            saturated,
            [_read_all(client, headers, paths, READS_PER_CLIENT, saturated)
             for _ in range(READERS + EDITORS)],
        )  # fmt: skip
        stored = await client.get(url, headers=headers)
        last = max(paced.written)[1] if paced.written else None
    return {
        "alone": alone,
        "whole_schedule": whole_schedule,
        "paced": paced,
        "saturated": saturated,
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
            result = asyncio.run(_load(f"http://127.0.0.1:{port}", token, "GEN", "P1.T200", "P2"))
        finally:
            server.terminate()
            server.wait(timeout=30)
    _report(result, projects, projects * per_project)


def _report(result: dict[str, object], projects: int, tasks: int) -> None:
    alone, whole, paced, saturated = (
        result[name] for name in ("alone", "whole_schedule", "paced", "saturated")
    )
    assert isinstance(alone, Tally) and isinstance(whole, Tally)
    assert isinstance(paced, Tally) and isinstance(saturated, Tally)
    read_p95, alone_p95 = _p95(paced.reads), _p95(alone.reads)
    edit_p95 = _p95(paced.edits) if paced.edits else float("nan")
    offered = READERS / READ_GAP_S + EDITORS / EDIT_GAP_S
    print(
        f"api_load: {READERS + EDITORS} clients paced (~{offered:.0f} requests/s), "
        f"{tasks:,} tasks: reads p95 {read_p95:.0f} ms over {len(paced.reads)} (target ≤ "
        f"{READ_TARGET_MS:.0f} ms {verdict(read_p95 <= READ_TARGET_MS)}); one client alone "
        f"p95 {alone_p95:.0f} ms, ratio {read_p95 / alone_p95:.1f}x"
    )
    print(
        f"api_load: edits p95 {edit_p95:.0f} ms over {len(paced.edits)} (target ≤ "
        f"{EDIT_TARGET_MS:.0f} ms {verdict(edit_p95 <= EDIT_TARGET_MS)}); errors "
        f"{(paced.errors + saturated.errors) or 'none'}; "
        f"lost update: {'YES' if result['lost'] else 'none'}"
    )
    summary = alone.reads[:: len(_read_paths("", "", ""))]
    summary_ms = statistics.median(summary)
    print(
        f"api_load: program summary of {projects} projects / {tasks:,} tasks alone: median "
        f"{summary_ms:.1f} ms (target ≤ {SUMMARY_TARGET_MS:.0f} ms server time: "
        f"{verdict(summary_ms <= SUMMARY_TARGET_MS)}); the whole schedule alone: median "
        f"{statistics.median(whole.reads):.0f} ms"
    )
    clients = READERS + EDITORS
    print(
        f"api_load: {clients} clients back to back (saturated, for information): "
        f"{len(saturated.reads) / saturated.seconds:.0f} reads/s on {WORKERS} server processes "
        f"and the load generator, p95 {_p95(saturated.reads):.0f} ms (≈ {clients} / throughput)"
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
