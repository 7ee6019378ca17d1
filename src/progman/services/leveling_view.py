"""Leveling from the resource heatmap: a program manager asks for the leveling job, the page
follows it, and once it is done shows what leveling would change: the over-allocated
cells and the fullest one before and after, the program's finish before and after, and
each task it moved with its delay and why.

The job is the API's (``kind`` ``level``, :func:`progman.services.jobs.do_submit_job`);
its answer is ``level --json``, from which the leveled schedule's load is rebuilt (the
tasks' dates and, for split work, its pieces). Nothing is written: leveling is a preview
until someone writes the leveled plan (``progman level … -o``) and imports it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from progman.domain.access import Access, User
from progman.engine.leveling_report import Cause
from progman.engine.load import LoadAnalysis, analyse_load
from progman.engine.schedule import Schedule
from progman.errors import NotFound
from progman.services.catalog import visible_program_at
from progman.services.heatmap import (
    WEEKS_SHOWN,
    Heatmap,
    Peak,
    heatmap_of,
    over_cells,
    peak_of,
    stored_load,
)
from progman.services.jobs import Job, JobRunner, do_submit_job, visible_job
from progman.services.single_flight import Kept
from progman.services.users import check_access

__all__ = [
    "LEVEL_ACCESS",
    "LevelingView",
    "MovedTask",
    "Standing",
    "can_level",
    "do_submit_leveling",
    "leveling_view",
]

#: Leveling moves work in every project: it is a program manager's to ask for.
LEVEL_ACCESS = Access.MANAGE_PROGRAM


@dataclass(frozen=True)
class Standing:
    """The program's finish and its over-allocation, on one schedule."""

    finish: datetime
    makespan: float  # working days of the program's calendar
    over_cells: int  # over-allocated person-weeks
    over_periods: int  # runs of over-allocated days
    peak: Peak | None


@dataclass(frozen=True)
class MovedTask:
    task: str
    name: str
    project: str
    before: datetime
    after: datetime
    days: float  # working days of the program's calendar
    cause: str


@dataclass(frozen=True)
class LevelingView:
    """A leveling job as the page shows it: its state, and once it succeeded the before
    and after (``stale``: the program was saved since the job was asked for)."""

    job: Job
    problem: str | None = None
    before: Standing | None = None
    after: Standing | None = None
    moved: tuple[MovedTask, ...] = ()
    not_leveled: tuple[str, ...] = ()  # why some work could not be leveled, in words
    heatmap: Heatmap | None = None  # of the leveled schedule
    since: date | None = None  # the status date: the figures count from its week on
    stale: bool = False


def can_level(user: User, key: str) -> bool:
    """Whether ``user`` may level program ``key`` (the page shows the button then)."""
    return user.access(key) >= LEVEL_ACCESS


def do_submit_leveling(session: Session, user: User, key: str, *, runner: JobRunner) -> Job:
    """Ask for the leveling job of the stored program ``key`` (a program manager's)."""
    check_access(user, key, LEVEL_ACCESS)
    _, revision, _ = visible_program_at(session, user, key)
    params = {"time_limit": None, "seed": 0, "status_date": None, "revision": revision}
    return do_submit_job(session, user, key, runner=runner, kind="level", params=params)


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def leveled_schedule(planned: Schedule, result: Mapping[str, Any]) -> Schedule:
    """``planned`` with the dates of a ``level --json`` answer (and its split work)."""
    dates = {t["id"]: t for t in result.get("tasks", [])}
    tasks = []
    for entry in planned.tasks:
        got = dates.get(entry.id)
        if got is None:
            tasks.append(entry)
            continue
        pieces = tuple((_moment(a), _moment(b)) for a, b in got.get("segments", ()))
        tasks.append(
            dataclasses.replace(
                entry, start=_moment(got["start"]), finish=_moment(got["finish"]), segments=pieces
            )
        )
    return dataclasses.replace(planned, tasks=tuple(tasks), finish=_moment(result["finish"]))


def _standing(analysis: LoadAnalysis, finish: str, makespan: float, since: date | None) -> Standing:
    """Over-allocation from the status date on: before it is history, which leveling
    leaves as it was (the periods it reports left are counted alike)."""
    return Standing(
        _moment(finish),
        float(makespan),
        over_cells(analysis, since),
        sum(1 for o in analysis.over_allocations if since is None or o.finish >= since),
        peak_of(analysis, since),
    )


def _cause(found: Mapping[str, Any] | None) -> str:
    if found is None:
        return "its links (it follows moved work)"
    first, last = found.get("start"), found.get("finish")
    return Cause(
        found.get("resource"),
        None if first is None else date.fromisoformat(first),
        None if last is None else date.fromisoformat(last),
        str(found.get("reason", "")),
        found.get("via"),
    ).text()


#: the load after leveling, by job and the program's stamp: paging the page reuses it
_AFTER: Kept[LoadAnalysis] = Kept(4)


def leveling_view(
    session: Session,
    user: User,
    key: str,
    job_id: str,
    *,
    runner: JobRunner,
    project: str | None = None,
    start: date | None = None,
    weeks: int = WEEKS_SHOWN,
) -> LevelingView:
    """The leveling job ``job_id`` of program ``key``; once it succeeded, what it changes
    (the heatmap after it for ``project``'s people, ``weeks`` weeks from ``start``)."""
    job = visible_job(runner, user, job_id)
    if job.request.program != key or job.request.kind != "level":
        raise NotFound(f"no leveling job {job_id!r} of program {key}")
    if job.state == "failed":
        detail = (job.problem or {}).get("detail") or "leveling failed"
        return LevelingView(job, problem=str(detail))
    if job.state != "succeeded" or job.result is None:
        return LevelingView(job)
    result = job.result
    program, planned, before = stored_load(session, user, key)
    _, revision, stamp = visible_program_at(session, user, key)
    after = _AFTER.get(
        (job.id, stamp), lambda: analyse_load(program, leveled_schedule(planned, result))
    )
    since = planned.status_date
    names = {item.id: item.name for item in program.work_items()}
    moved = tuple(
        MovedTask(
            d["id"],
            names.get(d["id"], ""),
            d["project"],
            _moment(d["before"]),
            _moment(d["after"]),
            float(d["days"]),
            _cause(d.get("cause")),
        )
        for d in result.get("delays", [])
    )
    reasons = tuple(
        f"{u['id']}: {u['reason']}"
        for u in [*result.get("unleveled", []), *result.get("oversized", [])]
    ) + tuple(
        f"{o['resource']} {o['start']} – {o['finish']}: {o['why']}"
        for o in result.get("over_allocations", [])
        if o.get("why")
    )
    asked_at = job.request.params.get("revision")
    return LevelingView(
        job,
        before=_standing(before, result["finish_before"], result["makespan_before"], since),
        after=_standing(after, result["finish"], result["makespan"], since),
        since=since,
        moved=moved,
        not_leveled=reasons,
        heatmap=heatmap_of(  # from the status date: before it, leveling changes nothing
            program,
            after,
            project=project,
            start=start or since,
            weeks=weeks,
            status_date=since,
        ),
        stale=asked_at is not None and asked_at != revision,
    )
