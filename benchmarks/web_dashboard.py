"""The web UI's program dashboard of a generated 50-project / 20,000-task program (issue 13,
SPEC §6: server time ≤ 200 ms), in process through the ASGI app (no network, no browser).

* warm: the page again at the same revision (what most viewers get): median of 10;
* cold: the first view of a revision (an edit was just saved): the load analysis of every
  person's assignments runs once, then it is kept for the revision.

The baseline of the run is the REST API's whole schedule of the same revision (the JSON a
script would read instead), warm.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from benchmarks.end_to_end import make_plan, verdict
from progman.asgi import create_app
from progman.domain.access import User
from progman.planfile import load_plan
from progman.services.database import dispose_engines, unit_of_work
from progman.services.programs import init_database
from progman.services.users import do_add_user
from progman.services.work_items import do_update_work_item, get_work_item

TARGET_MS = 200.0
ADMIN = User("bench-admin", "admin")


def _timed(client: TestClient, path: str, **headers: str) -> float:
    start = time.perf_counter()
    response = client.get(path, headers=headers)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, response.text[:300]
    return elapsed


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        plan = make_plan(Path(folder) / "plan.json", 50, 400, people=50)
        url = f"sqlite:///{Path(folder) / 'web.db'}"
        init_database(url, load_plan(plan))
        with unit_of_work(url, write=True) as session:
            do_add_user(session, ADMIN, "pm", "admin", password="bench password 1")
        try:
            _measure(url)
        finally:
            dispose_engines()


def _measure(url: str) -> None:
    with TestClient(create_app(url)) as client:
        login = {"username": "pm", "password": "bench password 1"}
        assert client.post("/login", data=login, follow_redirects=False).status_code == 303
        first = _timed(client, "/programs/GEN")  # loads the program, schedules it
        warm = statistics.median(_timed(client, "/programs/GEN") for _ in range(10))
        cold = []
        for n in range(3):
            with unit_of_work(url, write=True) as session:
                version = get_work_item(session, ADMIN, "GEN", "P3.T100").version
                do_update_work_item(
                    session, ADMIN, "GEN", "P3.T100", {"duration": f"{4 + n}d"}, if_match=version
                )
            cold.append(_timed(client, "/programs/GEN"))
        schedule = statistics.median(
            _timed(client, "/api/v1/programs/GEN/schedule") for _ in range(5)
        )
    cold_ms = statistics.median(cold)
    print(
        f"web dashboard, 50 projects / 20,000 tasks: warm {warm:.0f} ms (target ≤ "
        f"{TARGET_MS:.0f} ms: {verdict(warm <= TARGET_MS)}), first view after an edit "
        f"{cold_ms:.0f} ms ({verdict(cold_ms <= TARGET_MS)}), first view of the process "
        f"{first:.0f} ms; the API's whole schedule {schedule:.0f} ms "
        f"(dashboard/schedule {warm / schedule:.1f}x)"
    )


if __name__ == "__main__":
    main()
