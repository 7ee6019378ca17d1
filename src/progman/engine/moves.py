"""Moving people between projects: "move Bob from WEB to MOB for May" before anyone commits.

A move lends a person to the receiving project for a window of days:

* the giving project may not use them in the window (its work on their assignments waits,
  or runs before or after);
* work of the receiving project that runs in the window (in the leveled plan) and asks for
  their *role*, or one of their *skills* (and then their role, if it names one), without
  naming anyone is staffed by them;
* the program is leveled as it is (:func:`progman.engine.leveling.level`); the moved
  version is scheduled with the same activity list (the same priorities, so what changes
  is the move's doing, not another search's luck), or leveled anew from it with
  ``relevel``; both are resource-feasible, and every project's finish is reported with
  the change in working days.

Nothing is written: the plan is the same afterwards. A what-if combines a move with
changes (:mod:`progman.engine.compare_versions`, with :func:`check_move` and :func:`staff`);
:func:`move_people` answers a move alone with both levelings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from progman.domain import Assignment, Program
from progman.domain.validation import did_you_mean
from progman.engine.leveling import Block, LevelResult, level, working_days
from progman.engine.schedule import Schedule
from progman.errors import Location, ProgmanError


class MoveInvalid(ProgmanError):
    """A move names an unknown person or project, or an empty window."""

    code = "whatif.move_invalid"
    http_status = 422


@dataclass(frozen=True)
class Move:
    """``resource`` works for ``target`` instead of ``source`` from ``first`` to ``last``."""

    resource: str
    source: str
    target: str
    first: date
    last: date

    @property
    def block(self) -> Block:
        """What the move takes from the giving project: the person, for the window."""
        return Block(self.resource, self.source, self.first, self.last)

    def to_json(self) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "from": self.source,
            "to": self.target,
            "between": [self.first.isoformat(), self.last.isoformat()],
        }

    def text(self) -> str:
        return (
            f"{self.resource} works for {self.target} instead of {self.source} "
            f"from {self.first} to {self.last}"
        )


@dataclass(frozen=True)
class ProjectFinish:
    id: str
    before: datetime | None
    after: datetime | None
    delta_days: float | None  # working days of the program calendar; + is later


@dataclass(frozen=True)
class MoveResult:
    move: Move
    before: LevelResult
    after: LevelResult
    projects: tuple[ProjectFinish, ...]
    staffed: tuple[str, ...]  # tasks of the target whose role or skill the person now fills

    @property
    def program_delta_days(self) -> float:
        return round(self.after.makespan - self.before.makespan, 3)

    def project(self, ident: str) -> ProjectFinish:
        return next(p for p in self.projects if p.id == ident)

    def to_json(self) -> dict[str, Any]:
        def stamp(moment: datetime | None) -> str | None:
            return moment.isoformat(timespec="minutes") if moment else None

        return {
            "move": self.move.to_json(),
            "program": {
                "before": stamp(self.before.schedule.finish),
                "after": stamp(self.after.schedule.finish),
                "delta_days": self.program_delta_days,
            },
            "projects": [
                {
                    "id": p.id,
                    "before": stamp(p.before),
                    "after": stamp(p.after),
                    "delta_days": p.delta_days,
                }
                for p in self.projects
            ],
            "staffed": list(self.staffed),
            "feasible": self.after.feasible,
        }


def move_people(
    program: Program,
    move: Move,
    *,
    time_limit: float | None = None,
    seed: int = 0,
    schedules: int | None = None,
    status_date: date | None = None,
    relevel: bool = False,
) -> MoveResult:
    """Level the program as it is and with the move; compare every project's finish.

    ``time_limit`` bounds each leveling as in :func:`~progman.engine.leveling.level`
    (default: scaled with the program)."""
    check_move(program, move)
    options: dict[str, Any] = {
        "time_limit": time_limit,
        "seed": seed,
        "schedules": schedules,
        "status_date": status_date,
    }
    before = level(program, **options)
    variant, staffed = staff(program, move, before.schedule)
    if not relevel:
        options["schedules"] = 1
    after = level(variant, blocks=(move.block,), order=before.order, **options)
    return MoveResult(move, before, after, _finishes(program, before, after), staffed)


def check_move(program: Program, move: Move) -> None:
    """Raise :class:`MoveInvalid` naming each unknown person or project, or an empty window."""
    people = {r.id: r for r in program.resources if r.kind != "cost"}
    projects = [p.id for p in program.projects]
    problems = []
    if move.resource not in people:
        problems.append(
            ("--move", f"no person or material {move.resource!r}"
             + did_you_mean(move.resource, list(people)))
        )  # fmt: skip
    for option, ident in (("--from", move.source), ("--to", move.target)):
        if ident not in projects:
            problems.append((option, f"no project {ident!r}" + did_you_mean(ident, projects)))
    if move.source == move.target:
        problems.append(("--to", f"{move.target} is also the project the person leaves"))
    if move.last < move.first:
        problems.append(("--between", f"the window ends ({move.last}) before it starts"))
    if problems:
        option = problems[0][0]
        raise MoveInvalid(
            "; ".join(m for _, m in problems), location=Location(path=option.lstrip("-"))
        )


def staff(program: Program, move: Move, leveled: Schedule) -> tuple[Program, tuple[str, ...]]:
    """The program with the person working on the target's tasks that run in the window
    (of the ``leveled`` schedule) and need them: an open assignment to their role, or to
    one of their skills (compared case-insensitively; a role named with it must be theirs
    too), is given to them, and effort-driven work (``work`` without a fixed ``duration``)
    done by people of their role gets them as one more pair of hands (so it takes less
    time)."""
    person = next(r for r in program.resources if r.id == move.resource)
    skills = {s.lower() for s in person.skills}
    if not person.role and not skills:
        return program, ()
    roles = {r.id: r.role for r in program.resources}
    variant = program.model_copy(deep=True)
    target = next(p for p in variant.projects if p.id == move.target)
    dates = {t.id: t for t in leveled.tasks}
    staffed: list[str] = []
    for item in target.work_items():
        entry = dates.get(item.id)
        if entry is None or item.tasks or item.milestone:
            continue
        if not (entry.start.date() <= move.last and entry.finish.date() >= move.first):
            continue
        if any(a.resource == person.id for a in item.resources):
            continue
        open_slot = next(
            (k for k, a in enumerate(item.resources) if a.resource is None
             and (a.role is None or a.role == person.role)
             and (a.skill is None or a.skill.lower() in skills)),
            None,
        )  # fmt: skip
        if open_slot is not None:
            taken = item.resources[open_slot]
            item.resources[open_slot] = Assignment(
                resource=person.id, units=taken.units, work=taken.work
            )
            staffed.append(item.id)
        elif (
            person.role
            and item.work is not None
            and item.duration is None
            and item.estimate is None
            and any(roles.get(a.resource or "") == person.role for a in item.resources)
        ):
            item.resources.append(Assignment(resource=person.id, units=min(1.0, person.capacity)))
            staffed.append(item.id)
    return variant, tuple(staffed)


def _finishes(
    program: Program, before: LevelResult, after: LevelResult
) -> tuple[ProjectFinish, ...]:
    out = []
    for ident, info in after.schedule.projects.items():
        old, new = before.schedule.projects[ident]["finish"], info["finish"]
        old_at = datetime.fromisoformat(old) if old else None
        new_at = datetime.fromisoformat(new) if new else None
        delta = None
        if old_at and new_at:
            delta = round(working_days(program, new_at) - working_days(program, old_at), 3)
        out.append(ProjectFinish(ident, old_at, new_at, delta))
    return tuple(out)


__all__ = [
    "Move",
    "MoveInvalid",
    "MoveResult",
    "ProjectFinish",
    "check_move",
    "move_people",
    "staff",
]
