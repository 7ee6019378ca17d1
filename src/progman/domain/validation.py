"""Whole-program checks that a single field cannot make: unique ids, references, cycles, dates.

Each finding carries the path of the offending field (``("projects", 1, "tasks", 0,
"depends", 0)``) so that the plan-file layer can turn it into file:line:col, and the
storage layer into a field path. All findings are collected; nothing stops at the first.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter

from progman.domain.acyclic import acyclic
from progman.domain.durations import Duration
from progman.domain.lifecycle import check_lifecycle
from progman.domain.program import Program
from progman.domain.resources import person_capacity_problems
from progman.domain.risks import Risk
from progman.domain.strategy_checks import check_strategy
from progman.domain.suggest import Suggester, suggestion
from progman.domain.work import WorkItem

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    path: Path


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """``"; did you mean 'API.auth'?"`` when a close candidate exists, else ``""``."""
    pool = candidates if isinstance(candidates, list | tuple | set | dict) else list(candidates)
    return suggestion(name, Suggester(pool))


def format_path(path: Path) -> str:
    """``("projects", 1, "tasks", 0)`` → ``projects[1].tasks[0]``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


class _Checker:
    def __init__(self, program: Program) -> None:
        self.program = program
        self.findings: list[Finding] = []
        #: Every work item by id (the first one of a duplicated id), depth first in file order.
        self.items: dict[str, WorkItem] = {}
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
        self.add(
            "plan.duplicate_id",
            f"duplicate task id '{ident}' (first defined at {format_path(self.path_of(ident))}); "
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
        for i, (ident, item) in enumerate(self.items.items()):
            fields = item.__dict__
            for d, dep in enumerate(fields["depends"]):
                task = dep.task
                j = position.get(task)
                if j is None:
                    self.reference(
                        "task", task, self.items, self._link(ident, d), f"depends of {ident}"
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
        for component in _strongly_connected(successors):
            cycle = _cycle_within(component, successors)
            first, second = cycle[-2], cycle[-1]  # the link second <- first closes the loop
            d = next(i for i, dep in enumerate(self.items[second].depends) if dep.task == first)
            self.add(
                "plan.cycle",
                "dependency cycle: "
                + " -> ".join(cycle)
                + "; remove or reverse one of these links",
                self._link(second, d),
            )


_ID = attrgetter("id")
_TASKS = attrgetter("tasks")


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


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _strongly_connected(successors: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (no recursion limit); only components with a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in successors:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, child_index = work.pop()
            if child_index == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            children = successors[node]
            if child_index < len(children):
                work.append((node, child_index + 1))
                child = children[child_index]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(component)
    return components


def _cycle_within(component: list[str], successors: dict[str, list[str]]) -> list[str]:
    """A shortest cycle through the component's first node: [a, b, ..., a]."""
    members = set(component)
    start = min(component)
    parents: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in successors[node]:
                if child not in members:
                    continue
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parents[path[-1]])
                    path.reverse()
                    return [*path, start]
                if child not in parents:
                    parents[child] = node
                    following.append(child)
        frontier = following
    raise AssertionError("a strongly connected component always holds a cycle")


def check_program(program: Program) -> list[Finding]:
    """Every cross-reference problem of the program (empty list when it is consistent)."""
    c = _Checker(program)
    prog = program
    calendars = set(prog.calendars)
    c.reference("calendar", prog.calendar, calendars, ("calendar",), "the program calendar")
    projects = c.unique("project", ((p.id, ("projects", i)) for i, p in enumerate(prog.projects)))
    resources = c.unique(
        "resource", ((r.id, ("resources", i)) for i, r in enumerate(prog.resources))
    )
    objectives = c.unique(
        "objective", ((o.id, ("objectives", i)) for i, o in enumerate(prog.objectives))
    )
    c.unique(
        "key result",
        (
            (kr.id, ("objectives", i, "key_results", k))
            for i, o in enumerate(prog.objectives)
            for k, kr in enumerate(o.key_results)
        ),
    )
    c.unique("benefit", ((b.id, ("benefits", i)) for i, b in enumerate(prog.benefits)))
    c.unique("risk", ((r.id, ("risks", i)) for i, r in enumerate(prog.risks)))
    c.unique("stakeholder", ((s.id, ("stakeholders", i)) for i, s in enumerate(prog.stakeholders)))
    sprints = c.unique("sprint", ((s.id, ("sprints", i)) for i, s in enumerate(prog.sprints)))
    c.unique(
        "change request",
        ((cr.id, ("change_requests", i)) for i, cr in enumerate(prog.change_requests)),
    )
    c.unique("baseline", ((b.id, ("baselines", i)) for i, b in enumerate(prog.baselines)))
    c.unique("gate", ((g.id, ("gates", i)) for i, g in enumerate(prog.gates)))
    c.unique("decision", ((d.id, ("decisions", i)) for i, d in enumerate(prog.decisions)))
    c.index_work_items()
    tasks = c.items

    for i, project in enumerate(prog.projects):
        c.reference(
            "calendar",
            project.calendar,
            calendars,
            ("projects", i, "calendar"),
            f"calendar of project {project.id}",
        )
        for objective in project.objectives:
            c.reference(
                "objective",
                objective,
                objectives,
                ("projects", i, "objectives", objective),
                f"objectives of project {project.id}",
            )
    for i, resource in enumerate(prog.resources):
        c.reference(
            "calendar",
            resource.calendar,
            calendars,
            ("resources", i, "calendar"),
            f"calendar of resource {resource.id}",
        )
        for where, message in person_capacity_problems(resource):
            c.add("plan.invalid_value", message, ("resources", i, *where))
    for i, benefit in enumerate(prog.benefits):
        c.reference(
            "objective",
            benefit.objective,
            objectives,
            ("benefits", i, "objective"),
            f"objective of benefit {benefit.id}",
        )
        for k, task in enumerate(benefit.depends_on):
            c.reference(
                "task",
                task,
                tasks,
                ("benefits", i, "depends_on", k),
                f"depends_on of benefit {benefit.id}",
            )
    check_strategy(prog, c.add, projects)
    check_lifecycle(prog, c.add, tasks)
    for i, risk in enumerate(prog.risks):
        c.reference(
            "project", risk.project, projects, ("risks", i, "project"), f"project of risk {risk.id}"
        )
        for k, task in enumerate(risk.affects):
            c.reference(
                "task", task, tasks, ("risks", i, "affects", k), f"affects of risk {risk.id}"
            )
    for i, sprint in enumerate(prog.sprints):
        c.reference(
            "project",
            sprint.project,
            projects,
            ("sprints", i, "project"),
            f"project of sprint {sprint.id}",
        )
    for i, gate in enumerate(prog.gates):
        c.reference(
            "project", gate.project, projects, ("gates", i, "project"), f"project of gate {gate.id}"
        )
    for i, person in enumerate(prog.stakeholders):
        for k, line in enumerate(person.communication):
            c.reference(
                "project",
                line.project,
                projects,
                ("stakeholders", i, "communication", k, "project"),
                f"project of a report to {person.id}",
            )
    anything = _change_targets(prog, set(tasks), sprints) if prog.change_requests else set()
    for i, change in enumerate(prog.change_requests):
        if change.state in ("applied", "rejected"):  # history: its targets may be gone
            continue
        for k, item in enumerate(change.changes):
            c.reference(
                "entity",
                item.target,
                anything,
                ("change_requests", i, "changes", k, "target"),
                f"changes of change request {change.id}",
            )
    for i, override in enumerate(prog.health.overrides if prog.health else ()):
        c.reference(
            "project",
            override.project,
            projects,
            ("health", "overrides", i, "project"),
            "project of a health override",
        )
    c.check_work_items(resources, calendars, sprints)
    c.check_cycles()
    for i, risk in enumerate(prog.risks):
        _check_risk(c, risk, ("risks", i))
    return c.findings


_RISK_FIELDS = tuple(name for name in Risk.model_fields if name not in ("id", "history"))
_IMPACT_DIMENSIONS = ("schedule", "cost", "scope", "quality")


def _change_targets(program: Program, tasks: set[str], sprints: set[str]) -> set[str]:
    """What a change request's change may target: what ``apply_changes`` reaches, by id
    or as ``kind:id`` (``stakeholder:tomas``, ``calendar:office``), and sprints."""
    by_kind: dict[str, set[str]] = {
        "project": {p.id for p in program.projects},
        "resource": {r.id for r in program.resources},
        "risk": {r.id for r in program.risks},
        "benefit": {b.id for b in program.benefits},
        "objective": {o.id for o in program.objectives},
        "key_result": {k.id for o in program.objectives for k in o.key_results},
        "stakeholder": {s.id for s in program.stakeholders},
        "calendar": set(program.calendars),
    }
    targets = {program.key, *tasks, *sprints}
    for kind, ids in by_kind.items():
        targets |= ids
        targets |= {f"{kind}:{ident}" for ident in ids}
    return targets


def _check_risk(c: _Checker, risk: Risk, path: Path) -> None:
    """An issue is certain; a residual is no worse than the risk; history names risk fields."""
    if risk.kind == "issue" and risk.probability != 1:
        c.add(
            "plan.invalid_risk",
            f"{risk.id} is an issue (it has happened), so its probability is 1; write "
            f"probability: 1, or kind: risk if it may still not happen",
            (*path, "probability"),
        )
    if risk.escalated_on is not None and not risk.escalated:
        c.add(
            "plan.invalid_risk",
            f"{risk.id} has escalated_on {risk.escalated_on} but is not escalated; "
            "write escalated: true or remove escalated_on",
            (*path, "escalated_on"),
        )
    if risk.residual is not None:
        _check_residual(c, risk, path)
    status_date = c.program.status_date
    for k, change in enumerate(risk.history):
        if change.field not in _RISK_FIELDS:
            c.add(
                "plan.invalid_risk",
                f"history of {risk.id} changes unknown risk field '{change.field}'"
                f"{did_you_mean(change.field, _RISK_FIELDS)}",
                (*path, "history", k, "field"),
            )
        if status_date is not None and change.date > status_date:
            c.add(
                "plan.date_range",
                f"history of {risk.id} has a change on {change.date}, after the status date "
                f"{status_date}; history cannot be in the future",
                (*path, "history", k, "date"),
            )


def _check_residual(c: _Checker, risk: Risk, path: Path) -> None:
    """A response cannot make a threat likelier or bigger, nor an opportunity less so.

    A dimension the residual leaves out has no remaining impact, so only stated ones count.
    """
    assert risk.residual is not None
    residual = risk.residual
    gain = risk.kind == "opportunity"
    worse = "lower" if gain else "higher"
    if (
        (residual.probability < risk.probability)
        if gain
        else (residual.probability > risk.probability)
    ):
        c.add(
            "plan.invalid_risk",
            f"residual probability {residual.probability:g} of {risk.id} is {worse} than its "
            f"probability {risk.probability:g}; a response cannot make "
            f"{'an opportunity less' if gain else 'a risk more'} likely",
            (*path, "residual", "probability"),
        )
    for dimension in _IMPACT_DIMENSIONS:
        after = _magnitude(getattr(residual.impact, dimension))
        if after is None:
            continue
        before = _magnitude(getattr(risk.impact, dimension)) or 0.0
        if (after < before) if gain else (after > before):
            stated = getattr(risk.impact, dimension)
            c.add(
                "plan.invalid_risk",
                f"residual {dimension} impact {getattr(residual.impact, dimension)} of "
                f"{risk.id} is {'smaller' if gain else 'bigger'} than its {dimension} impact "
                f"{stated if stated is not None else 'none'}; the residual is what remains "
                "after the response, so it cannot be worse",
                (*path, "residual", "impact", dimension),
            )


def _magnitude(value: Duration | float | int | None) -> float | None:
    """Size of an impact: working minutes of a duration (8 h days), else the number."""
    if value is None:
        return None
    if isinstance(value, Duration):
        return abs(value.working_minutes())
    return abs(float(value))
