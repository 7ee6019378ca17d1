"""Why a date of a what-if moves later: the chain of tasks that carries the delay to it.

As ``progman impact``'s chains (:mod:`progman.engine.impact_compare`), a chain follows
driving predecessors back from the task that finishes later (a project's last task, a
milestone), earliest task first. A what-if's schedules may be leveled, so a step may also
be a person: a task leveling held up (driver ``leveling``) waits for the task of one of
its people that finishes just before it starts. The walk goes back while the task it
reaches also moved later (or is new); it stops at the first one that did not, and starts
the chain there only when that is a link the scenario added (the task's driver changed).
So a chain starts where the change is: a longer task, a new link, work the lent person
left, a person who is busy longer elsewhere.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from progman.domain import Program
from progman.engine.moves import Move
from progman.engine.schedule import Schedule
from progman.engine.schedule_table import TaskSchedule


@dataclass(frozen=True)
class Chain:
    """Task ids, earliest first, ending at the date that moved; ``people[k]`` is the person
    through whom ``tasks[k + 1]`` waits for ``tasks[k]`` (None: a link of the plan);
    ``start`` why the first task moved when the chain cannot say (leveling, a move)."""

    tasks: tuple[str, ...]
    people: tuple[str | None, ...]
    start: str | None = None

    def text(self) -> str:
        """``API.pay (leveling) → WEB.checkout →(lena) WEB.qa → WEB.launch``."""
        parts = [self.tasks[0] + (f" ({self.start})" if self.start else "")]
        for person, task in zip(self.people, self.tasks[1:], strict=True):
            parts.append(f"→({person}) {task}" if person else f"→ {task}")
        return " ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {"tasks": list(self.tasks), "people": list(self.people), "start": self.start}


class ChainFinder:
    """Chains of one comparison: the current and the scenario schedule, and the scenario's
    program (whose assignments say who a task waits for)."""

    def __init__(
        self, current: Schedule, scenario: Schedule, program: Program, move: Move | None = None
    ) -> None:
        self.before = {t.id: t for t in current.tasks}
        self.after = {t.id: t for t in scenario.tasks}
        self.move = move
        pool = {r.id for r in program.resources if r.kind != "cost"}
        self.people: dict[str, list[str]] = {}
        self.work_of: dict[str, list[str]] = defaultdict(list)
        for item in program.work_items():
            if item.tasks or item.milestone:
                continue
            names = [a.resource for a in item.resources if a.resource in pool and a.units > 0]
            self.people[item.id] = [n for n in names if n is not None]
            for name in self.people[item.id]:
                self.work_of[name].append(item.id)

    def later(self, ident: str) -> bool:
        """Whether task ``ident`` starts or finishes later in the scenario (or is new)."""
        now, then = self.after[ident], self.before.get(ident)
        return then is None or now.finish > then.finish or now.start > then.start

    def last_task(self, project: str | None = None) -> str | None:
        """The task that finishes last (of ``project``; ties: the last in plan order)."""
        return self._last.get(project)

    @cached_property
    def _last(self) -> dict[str | None, str]:
        last: dict[str | None, TaskSchedule] = {}
        for entry in self.after.values():
            if entry.summary:
                continue
            for key in (None, entry.project):
                found = last.get(key)
                if found is None or entry.finish >= found.finish:
                    last[key] = entry
        return {key: entry.id for key, entry in last.items()}

    def chain(self, ident: str | None) -> Chain | None:
        """The chain to task ``ident`` when it moved later (see the module), else None."""
        if ident is None or ident not in self.after or not self.later(ident):
            return None
        tasks: list[str] = [ident]
        people: list[str | None] = []
        task = ident
        while True:
            driver = self.after[task].driving_predecessor
            person = None
            if driver in self.after:
                previous: str | None = driver
            elif driver == "leveling":
                previous, person = self._held_by(task)
            else:
                break
            if previous is None or previous in tasks:
                break
            if not self.later(previous):
                then = self.before.get(task)
                if person is None and then is not None and then.driving_predecessor != previous:
                    tasks.append(previous)  # a link the scenario added: the chain starts there
                    people.append(None)
                break
            tasks.append(previous)
            people.append(person)
            task = previous
        tasks.reverse()
        people.reverse()
        return Chain(tuple(tasks), tuple(people), self._start(tasks[0]))

    def _held_by(self, ident: str) -> tuple[str | None, str | None]:
        """The task of one of ``ident``'s people that finishes last before it starts, and
        that person (a task leveling held up waits for it)."""
        start = self.after[ident].start
        best: tuple[TaskSchedule, str] | None = None
        for person in self.people.get(ident, []):
            for other in self.work_of[person]:
                entry = self.after.get(other)
                if other == ident or entry is None or entry.finish > start:
                    continue
                if best is None or entry.finish > best[0].finish:
                    best = (entry, person)
        return (None, None) if best is None else (best[0].id, best[1])

    def _start(self, ident: str) -> str | None:
        """Why the chain's first task moved, when its driver is leveling."""
        entry = self.after[ident]
        if entry.driving_predecessor != "leveling":
            return None
        move = self.move
        if (
            move is not None
            and entry.project == move.source
            and move.resource in self.people.get(ident, [])
        ):
            return f"{move.resource} lent to {move.target} {move.first} – {move.last}"
        return "leveling"


__all__ = ["Chain", "ChainFinder"]
