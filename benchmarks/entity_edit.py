"""One work item edited in a stored 20,000-task program (issue 11): the service a REST
``PATCH`` calls, in process, on SQLite.

* the write: ``do_update_work_item`` (read the kept program, check the version, apply the
  change, save only what it touched, mend the snapshot) and the commit: target ≤ 50 ms;
* with its re-schedule: the write and ``edit_moved`` (what moved): target ≤ 150 ms;
* catching up: a process that holds the program one revision behind reads the change
  from the audit log instead of loading the program.

Baselines of the same run: the whole-program save of the same edit (``save_program``,
what every edit cost before), and a load of the program (what catching up replaces).
Median of 15 edits, each a new duration of one task.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.end_to_end import make_plan, verdict
from progman.domain import ChangeItem
from progman.domain.scenarios import apply_changes
from progman.planfile import load_plan
from progman.services import catalog
from progman.services.database import dispose_engines, unit_of_work
from progman.services.programs import init_database
from progman.services.users import local_admin
from progman.services.work_items import do_update_work_item, edit_moved, get_work_item
from progman.storage import load_program, save_edit, save_program

WRITE_TARGET_MS = 50.0
RESCHEDULE_TARGET_MS = 150.0
EDITS = 15
ITEM = "P7.T100"


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        plan = make_plan(Path(folder) / "plan.yaml", 50, 400, people=40)
        url = f"sqlite:///{Path(folder) / 'progman.db'}"
        init_database(url, load_plan(plan))
        try:
            _measure(url)
        finally:
            dispose_engines()


def _measure(url: str) -> None:
    user = local_admin()
    writes, whole = [], []
    for n in range(EDITS + 1):  # the first edit loads the program: not counted
        with unit_of_work(url, write=True) as session:
            version = get_work_item(session, user, "GEN", ITEM).version
            start = time.perf_counter()
            edit = do_update_work_item(
                session, user, "GEN", ITEM, {"duration": f"{2 + n % 7}d"}, if_match=version
            )
        written = time.perf_counter()
        edit_moved(edit)
        moved = time.perf_counter()
        if n:
            writes.append(((written - start) * 1000, (moved - start) * 1000))
    for n in range(5):
        with unit_of_work(url, write=True) as session:
            held = load_program(session, "GEN")
            edited = apply_changes(held, [_duration(n)])
            start = time.perf_counter()
            save_program(session, edited, "benchmark")
        whole.append((time.perf_counter() - start) * 1000)
    write_ms = statistics.median(w for w, _ in writes)
    moved_ms = statistics.median(m for _, m in writes)
    whole_ms = statistics.median(whole)
    print(
        f"entity edit, 20,000 tasks: write {write_ms:.1f} ms (target ≤ {WRITE_TARGET_MS:.0f}: "
        f"{verdict(write_ms <= WRITE_TARGET_MS)}), whole-program save of the same edit "
        f"{whole_ms:.0f} ms ({whole_ms / write_ms:.0f}x)"
    )
    print(
        f"entity edit with its re-schedule: {moved_ms:.1f} ms "
        f"(target ≤ {RESCHEDULE_TARGET_MS:.0f}: {verdict(moved_ms <= RESCHEDULE_TARGET_MS)})"
    )
    _catch_up(url, user)


def _catch_up(url: str, user: object) -> None:
    catalog.LOADED.clear()
    with unit_of_work(url, write=False) as session:
        start = time.perf_counter()
        held, revision, _ = catalog.visible_program_at(session, user, "GEN")  # type: ignore[arg-type]
        load_ms = (time.perf_counter() - start) * 1000
    with unit_of_work(url, write=True) as session:  # another process's save: not kept here
        save_edit(
            session, held, apply_changes(held, [_duration(9)]), "x", expected_revision=revision
        )
    with unit_of_work(url, write=False) as session:
        start = time.perf_counter()
        catalog.visible_program_at(session, user, "GEN")  # type: ignore[arg-type]
        catch_ms = (time.perf_counter() - start) * 1000
    print(
        f"a program one revision behind, caught up from the audit log: {catch_ms:.1f} ms, "
        f"a load of it {load_ms:.0f} ms ({load_ms / catch_ms:.0f}x)"
    )


def _duration(n: int) -> ChangeItem:
    return ChangeItem(op="set", target=ITEM, field="duration", value=f"{3 + n}d")
