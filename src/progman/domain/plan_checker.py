"""The collector of the whole-program checks' findings, and the checks of the work items.

:class:`PlanChecker` reports duplicate ids and unknown references (with a did-you-mean),
indexes the work items, and checks their links, assignments, calendars, sprints and
cycles; :func:`progman.domain.validation.check_program` drives it over every section.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from operator import attrgetter
from typing import TYPE_CHECKING

from progman.domain.acyclic import acyclic
from progman.domain.cycles import cycle_within, strongly_connected
from progman.domain.findings import Finding, Path, format_path
from progman.domain.program import Program
from progman.domain.suggest import Suggester, suggestion
from progman.domain.work import WorkItem

if TYPE_CHECKING:
    from progman.domain.excerpt import Excerpt

_ID = attrgetter("id")
_TASKS = attrgetter("tasks")


class PlanChecker:
    """The findings of one program's checks, and what the checks of its work items index."""

    def __init__(self, program: Program, excerpt: Excerpt | None = None) -> None:
        self.program = program
        #: ``program`` holds only some tasks of a larger one (see :mod:`.excerpt`)
        self.excerpt = excerpt
        self.findings: list[Finding] = []
        #: Every work item by id (the first one of a duplicated id), depth first in file order.
        self.items: dict[str, WorkItem] = {}
        #: Every task id a reference may name: ``items``, or the whole program's ids.
        self.known: Mapping[str, object] = self.items
        #: The summary tasks above each nested work item (top-level items are not in it).
        self.ancestors: dict[str, tuple[str, ...]] = {}
        #: Ids of the work items with subtasks.
        self.summaries: set[str] = set()
        #: The links between known tasks: predecessor and successor positions in ``items``.
        self.link_from: list[int] = []
        self.link_to: list[int] = []
        self._paths: dict[str, Path] | None = None
        #: the did-you-mean of each pool of known ids, by its id() (the pool kept with it)
        self._suggesters: dict[int, tuple[Collection[str], Suggester]] = {}

    def add(self, code: str, message: str, path: Path) -> None:
        if self.excerpt is not None:
            path = self.excerpt.moved(path)
        self.findings.append(Finding(code, message, path))

    # -- ids -------------------------------------------------------------------------------

    def unique(self, kind: str, entries: Iterable[tuple[str, Path]]) -> set[str]:
        seen: dict[str, Path] = {}
        for ident, path in entries:
            if ident in seen:
                self.add(
                    "plan.duplicate_id",
                    f"duplicate {kind} id '{ident}' (first defined at {format_path(seen[ident])}); "
                    "ids must be unique in the program",
                    (*path, "id"),
                )
            else:
                seen[ident] = path
        return set(seen)

    def reference(
        self,
        kind: str,
        ident: str | None,
        known: Collection[str],
        path: Path,
        where: str,
    ) -> None:
        if ident is not None and ident not in known:
            kept = self._suggesters.get(id(known))
            if kept is None or kept[0] is not known:  # one per pool: a large one indexed once
                kept = self._suggesters[id(known)] = (known, Suggester(known))
            suggester = kept[1]
            self.add(
                "plan.unknown_reference",
                f"unknown {kind} '{ident}' in {where}{suggestion(ident, suggester)}",
                path,
            )

    # -- work items ------------------------------------------------------------------------
    #
    # A right plan of 100k tasks must pass in a fraction of a second, so the loops below do
    # only what a right plan needs (pydantic attribute reads are slow: each field is read
    # once); paths, messages and suggestions are built when there is a finding to report.

    def index_work_items(self) -> None:
        if self.excerpt is not None:
            self.known = self.excerpt.known(self.program)
        items, summaries = self.items, self.summaries
        for p, project in enumerate(self.program.projects):
            tasks = project.tasks
            if not any(map(_TASKS, tasks)):  # flat: index in bulk unless an id repeats
                chunk = dict(zip(map(_ID, tasks), tasks, strict=True))
                if len(chunk) == len(tasks) and items.keys().isdisjoint(chunk):
                    items.update(chunk)
                    continue
            for t, item in enumerate(tasks):
                ident = item.id
                if ident in items:
                    self._duplicate_task(ident, ("projects", p, "tasks", t))
                    first = False
                else:
                    items[ident] = item
                    first = True
                children = item.tasks
                if children:
                    if first:
                        summaries.add(ident)
                    self._index_subtree(ident, children, ("projects", p, "tasks", t))

    def _index_subtree(self, summary: str, children: list[WorkItem], path: Path) -> None:
        """The work items below a top-level summary task, depth first in file order."""
        items, ancestors, summaries = self.items, self.ancestors, self.summaries
        stack: list[tuple[WorkItem, Path, tuple[str, ...]]] = [
            (child, (*path, "tasks", c), (summary,)) for c, child in enumerate(children)
        ]
        stack.reverse()
        while stack:
            item, item_path, above = stack.pop()
            ident = item.id
            if ident in items:
                self._duplicate_task(ident, item_path)
            else:
                items[ident] = item
                ancestors[ident] = above
                if item.tasks:
                    summaries.add(ident)
            below: list[tuple[WorkItem, Path, tuple[str, ...]]] = [
                (child, (*item_path, "tasks", c), (*above, ident))
                for c, child in enumerate(item.tasks)
            ]
            stack.extend(reversed(below))

    def _duplicate_task(self, ident: str, path: Path) -> None:
        first = self.path_of(ident)
        if self.excerpt is not None:
            first = self.excerpt.moved(first)
        self.add(
            "plan.duplicate_id",
            f"duplicate task id '{ident}' (first defined at {format_path(first)}); "
            "task ids must be unique in the program",
            (*path, "id"),
        )

    def path_of(self, ident: str) -> Path:
        """Where the (first) work item with this id is, e.g. ``("projects", 1, "tasks", 0)``."""
        if self._paths is None:
            self._paths = _work_item_paths(self.program)
        return self._paths[ident]

    def check_work_items(self, resources: set[str], calendars: set[str], sprints: set[str]) -> None:
        """Links, assignments, calendars and sprints of every work item (an actual date after
        the status date is a warning: :func:`progman.domain.plan_warnings.plan_warnings`).

        Also records the links between known tasks (by position) for :meth:`check_cycles`.
        """
        position = {ident: i for i, ident in enumerate(self.items)}
        tree = bool(self.summaries or self.ancestors)  # some task has subtasks
        link_from, link_to = self.link_from, self.link_to
        outside = self.known if self.excerpt is not None else {}  # right tasks left out
        for i, (ident, item) in enumerate(self.items.items()):
            fields = item.__dict__
            for d, dep in enumerate(fields["depends"]):
                task = dep.task
                j = position.get(task)
                if j is None:
                    if task in outside:  # a task of the whole program, in no cycle
                        continue
                    self.reference(
                        "task", task, self.known, self._link(ident, d), f"depends of {ident}"
                    )
                elif j == i:
                    self.add("plan.cycle", f"task {ident} depends on itself", self._link(ident, d))
                else:
                    link_from.append(j)
                    link_to.append(i)
                    if tree:
                        self._check_summary_link(ident, item, task, dep.type, d)
            if fields["resources"]:
                self._check_assignments(ident, item, resources)
            calendar = fields["calendar"]
            if calendar is not None and calendar not in calendars:
                self.reference(
                    "calendar",
                    calendar,
                    calendars,
                    (*self.path_of(ident), "calendar"),
                    f"calendar of {ident}",
                )
            sprint = fields["sprint"]
            if sprint is not None and sprint not in sprints:
                self.reference(
                    "sprint",
                    sprint,
                    sprints,
                    (*self.path_of(ident), "sprint"),
                    f"sprint of {ident}",
                )

    def _link(self, ident: str, d: int) -> Path:
        return (*self.path_of(ident), "depends", d)

    def _check_summary_link(self, ident: str, item: WorkItem, task: str, kind: str, d: int) -> None:
        """A link between a summary task and its own subtask, or of a type it cannot take."""
        ancestors = self.ancestors
        if task in ancestors.get(ident, ()) or ident in ancestors.get(task, ()):
            self.add(
                "plan.invalid_link",
                f"{ident} and {task} are a summary task and its own subtask; "
                "link the subtasks instead",
                self._link(ident, d),
            )
        elif item.tasks and kind in ("FF", "SF"):
            self.add(
                "plan.invalid_link",
                f"{ident} is a summary task: a '{kind}' link into it would bind "
                "its finish without moving any subtask; put the link on the subtask "
                "that must finish",
                self._link(ident, d),
            )
        elif task in self.summaries and kind in ("SS", "SF"):
            self.add(
                "plan.invalid_link",
                f"{task} is a summary task: a '{kind}' link from it would "
                "follow its earliest subtask, which the schedule cannot know in "
                "advance; link from that subtask instead",
                self._link(ident, d),
            )

    def _check_assignments(self, ident: str, item: WorkItem, resources: set[str]) -> None:
        for assignment in item.resources:
            if assignment.resource is not None and assignment.resource not in resources:
                self.reference(
                    "resource",
                    assignment.resource,
                    resources,
                    (*self.path_of(ident), "resources", assignment.resource),
                    f"resources of {ident}",
                )

    def check_cycles(self) -> None:
        """Report each dependency cycle once, with its full path of task ids.

        A topological pass over the links recorded by :meth:`check_work_items` proves a
        right plan acyclic; only when tasks are left over does the search for the cycles
        themselves run (and then over the whole graph, so they are reported as always).
        """
        if acyclic(len(self.items), self.link_from, self.link_to):
            return
        successors: dict[str, list[str]] = {ident: [] for ident in self.items}
        for ident, item in self.items.items():
            for dep in item.depends:
                if dep.task in self.items and dep.task != ident:
                    successors[dep.task].append(ident)
        for component in strongly_connected(successors):
            cycle = cycle_within(component, successors)
            first, second = cycle[-2], cycle[-1]  # the link second <- first closes the loop
            d = next(i for i, dep in enumerate(self.items[second].depends) if dep.task == first)
            self.add(
                "plan.cycle",
                "dependency cycle: "
                + " -> ".join(cycle)
                + "; remove or reverse one of these links",
                self._link(second, d),
            )


def _work_item_paths(program: Program) -> dict[str, Path]:
    """The path of the first work item with each id (built only to report a finding)."""
    paths: dict[str, Path] = {}
    for p, project in enumerate(program.projects):
        stack: list[tuple[WorkItem, Path]] = [
            (item, ("projects", p, "tasks", t)) for t, item in enumerate(project.tasks)
        ]
        stack.reverse()
        while stack:  # depth first in file order, as the index, so the first one wins
            item, path = stack.pop()
            paths.setdefault(item.id, path)
            children = [(child, (*path, "tasks", c)) for c, child in enumerate(item.tasks)]
            stack.extend(reversed(children))
    return paths
