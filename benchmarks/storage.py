"""Stored programs against plan files (issue 10, SPEC §6): load, re-save and import.

On SQLite, and on PostgreSQL too when ``PROGMAN_TEST_PG_URL`` (or ``PROGMAN_BENCH_PG_URL``)
names a database (``scripts/with-postgres.sh .venv/bin/python -m benchmarks storage``):

* loading a stored 20,000-task program (20 projects, 50 people, ~2 links per task) into
  the domain, in an open database session: target ≤ 0.3 s; against ``progman.load_plan`` of
  the same program as a JSON plan file (validated and checked) and against a bare SELECT of
  its work item, link and assignment rows through the driver (the least any loader pays);
  from its snapshot (what a load reads after any save), and from its rows (the fallback
  when the snapshot is stale or missing; printed for comparison);
* re-saving it unchanged: target ≤ 0.3 s, against the same two baselines;
* ``progman db import`` of the 100,000-task JSON plan into an empty database, whole
  process: target ≤ 15 s (SQLite), against ``progman validate`` of the same file (its read
  and check, which the import includes).

``PROGMAN_BENCH_STORAGE_QUICK=1`` leaves out the 100,000-task import.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, make_url, text

from benchmarks.end_to_end import PROGMAN, make_plan, measure, verdict
from progman.planfile import load_plan
from progman.storage import open_engine, transaction, upgrade_database
from progman.storage.repository import load_program, save_program

T = TypeVar("T")
TARGET_SECONDS = 0.3
IMPORT_TARGET_SECONDS = 15.0
ACTOR = "benchmark"
_BARE_QUERIES = (
    "SELECT id, key, version, position, attributes, name, kind, milestone, status, deadline,"
    " sprint, priority, project_id, parent_id FROM work_items WHERE program_id = {id}"
    " ORDER BY position, id",
    "SELECT successor_id, predecessor_id, type, lag FROM dependencies"
    " WHERE program_id = {id} ORDER BY successor_id, position",
    "SELECT work_item_id, resource_id, role, skill, units, work, cost FROM assignments"
    " WHERE program_id = {id} ORDER BY work_item_id, position",
)


def stored_program(name: str, url: str, plan: Path) -> None:
    """Load and re-save times of the 20,000-task program stored at ``url``."""
    program = load_plan(plan)
    upgrade_database(url)
    with open_engine(url) as engine:

        def save() -> object:
            with transaction(engine, write=True) as session:
                return save_program(session, program, ACTOR)

        def load() -> object:
            with transaction(engine, write=False) as session:
                return load_program(session, program.key)

        save()
        bare = _bare_select(engine)
        file_time, _ = _best(lambda: load_plan(plan))
        bare_time, _ = _best(bare)
        load_time, loaded = _best(load)
        resave_time, result = _best(save)
        with transaction(engine, write=True) as session:  # a stale snapshot: rows are read
            session.execute(text("UPDATE programs SET snapshot_revision = NULL"))
        rows_time, from_rows = _best(load)
    assert loaded == program == from_rows
    assert not getattr(result, "changed", True), "an unchanged program must change nothing"
    tasks = sum(1 for _ in program.work_items())
    for what, (seconds, cpu) in (("load", load_time), ("re-save unchanged", resave_time)):
        print(
            f"storage {name}: {what} of a stored {tasks}-task program {seconds:.3f} s, "
            f"cpu {cpu:.3f} s (target <= {TARGET_SECONDS} s: "
            f"{verdict(seconds <= TARGET_SECONDS)}); load_plan of its JSON file "
            f"{file_time[0]:.3f} s, cpu {file_time[1]:.3f} s, ratio {seconds / file_time[0]:.2f}x; "
            f"bare SELECT of its rows {bare_time[0]:.3f} s, ratio {seconds / bare_time[0]:.1f}x"
        )
    print(
        f"storage {name}: load of it from its rows (no valid snapshot) {rows_time[0]:.3f} s, "
        f"cpu {rows_time[1]:.3f} s"
    )


def _best(action: Callable[[], T], repeat: int = 3) -> tuple[tuple[float, float], T]:
    """The fastest wall time of ``repeat`` runs with its process CPU time (on a shared
    machine the CPU time shows what the run itself cost), and the last result."""
    runs = []
    result: Any = None
    for _ in range(repeat):
        cpu, start = time.process_time(), time.perf_counter()
        result = action()
        runs.append((time.perf_counter() - start, time.process_time() - cpu))
    return min(runs), result


def _bare_select(engine: Engine) -> Callable[[], None]:
    """The rows of the program's bulk tables, fetched by the driver and nothing else."""
    with transaction(engine, write=False) as session:
        program_id = session.execute(text("SELECT id FROM programs")).scalar_one()

    def run() -> None:
        with transaction(engine, write=False) as session:
            driver: Any = session.connection().connection.driver_connection
            cursor = driver.cursor()
            for query in _BARE_QUERIES:
                cursor.execute(query.format(id=int(program_id)))
                cursor.fetchall()
            cursor.close()

    return run


def db_import(name: str, url: str, plan: Path) -> None:
    """``progman db import`` of the 100,000-task plan into an empty database, whole process."""
    upgrade_database(url)
    baseline = measure([*PROGMAN, "validate", str(plan)])
    run = measure([*PROGMAN, "db", "import", str(plan), "--db", url, "--as", ACTOR])
    ok = run.seconds <= IMPORT_TARGET_SECONDS
    print(
        f"storage {name}: progman db import of a 100000-task JSON plan {run.seconds:.2f} s, "
        f"{run.peak_mb:.0f} MB (target <= {IMPORT_TARGET_SECONDS:g} s: {verdict(ok)}); "
        f"progman validate of it {baseline.seconds:.2f} s, "
        f"ratio {run.seconds / baseline.seconds:.1f}x"
    )


@contextmanager
def _postgres_schema(base: str) -> Iterator[str]:
    """A fresh schema in the benchmark's PostgreSQL database, dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    finally:
        admin.dispose()


def main() -> None:
    quick = os.environ.get("PROGMAN_BENCH_STORAGE_QUICK") == "1"
    postgres = os.environ.get("PROGMAN_BENCH_PG_URL") or os.environ.get("PROGMAN_TEST_PG_URL")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        plan_20k = make_plan(folder / "p20k.json", 20, 1_000, people=50)
        plan_100k = None if quick else make_plan(folder / "p100k.json", 100, 1_000)
        stored_program("SQLite", f"sqlite:///{folder / 'load.db'}", plan_20k)
        if plan_100k is not None:
            db_import("SQLite", f"sqlite:///{folder / 'import.db'}", plan_100k)
        if postgres:
            with _postgres_schema(postgres) as url:
                stored_program("PostgreSQL", url, plan_20k)
            if plan_100k is not None:
                with _postgres_schema(postgres) as url:
                    db_import("PostgreSQL", url, plan_100k)
        else:
            print(
                "storage PostgreSQL: skipped (set PROGMAN_TEST_PG_URL, or run through "
                "scripts/with-postgres.sh)"
            )


if __name__ == "__main__":
    main()
