"""Jira's CSV export as plan data (``progman import FILE --format jira-csv``).

Jira writes one row per issue and repeats a column for each value of a multi-valued field
(``Sprint``, ``Labels``, ``Outward issue link (Blocks)``). The mapping (docs/interop.md):
projects by ``Project key``; epics become epics with their issues beneath them (``Parent``
or the older ``Custom field (Epic Link)``), sub-tasks sit under their parent; "blocks" /
"is blocked by" links become finish-to-start links; sprints become sprints; story points,
assignees (as resources and assignments), due dates, labels, priority and status are kept.
What Jira's file does not hold (sprint dates, links to issues outside the file) is said
in a warning at ``file:line``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from progman.errors import Location, PlanInvalid, Problem
from progman.io.csv_cells import number_text, read_rows
from progman.io.csv_import import CsvPlaces, TabularPlan

REQUIRED = ("issue key", "summary", "issue type")
#: Jira's date formats: the export's own (``12/Jan/27 10:15 AM``) and ISO.
DATE_FORMATS = ("%d/%b/%y %I:%M %p", "%d/%b/%y %H:%M", "%d/%b/%y", "%d/%b/%Y %I:%M %p", "%d/%b/%Y")
#: Jira's status (or its status category) → progman's.
STATUSES = {
    "to do": "todo",
    "open": "todo",
    "backlog": "todo",
    "selected for development": "todo",
    "new": "todo",
    "in progress": "in_progress",
    "in development": "in_progress",
    "in review": "review",
    "review": "review",
    "code review": "review",
    "qa": "review",
    "in testing": "review",
    "blocked": "blocked",
    "on hold": "blocked",
    "done": "done",
    "closed": "done",
    "resolved": "done",
    "won't do": "cancelled",
    "cancelled": "cancelled",
    "canceled": "cancelled",
}
PRIORITIES = {"highest": 900, "high": 700, "medium": 500, "low": 300, "lowest": 100}
KINDS = {"epic": "epic", "story": "story"}
SPRINT_DAYS = 14
POINT_COLUMNS = ("custom field (story points)", "custom field (story point estimate)")
BLOCKS_IN = "inward issue link (blocks)"
BLOCKS_OUT = "outward issue link (blocks)"


@dataclass
class _Issue:
    line: int
    key: str
    data: dict[str, Any]
    project: str
    parent: str | None = None
    children: list[_Issue] = field(default_factory=list)


def read_jira_csv(
    file: Path, start: date | None = None, *, limit: int
) -> tuple[TabularPlan, list[Problem]]:
    """The plan data of a Jira CSV export, and a warning for each thing it could not keep."""
    header, body = read_rows(file, limit)
    return _JiraReader(str(file), header, _key_of(file)).read(body, start)


class _JiraReader:
    def __init__(self, file: str, header: list[str], default_project: str) -> None:
        self.file = file
        self.default_project = default_project
        self.columns: dict[str, list[int]] = {}
        self.titles: dict[str, str] = {}  # as the header writes it, for messages
        for number, text in enumerate(header, start=1):
            name = " ".join(text.lower().split())
            self.columns.setdefault(name, []).append(number)
            self.titles.setdefault(name, text.strip())
        missing = [name for name in REQUIRED if name not in self.columns]
        if missing:
            raise PlanInvalid(
                Problem(
                    "import.missing_column",
                    f"the header has no column {name!r}: is this Jira's CSV export "
                    "(Export > CSV, all fields)?",
                    Location(file, 1),
                )
                for name in missing
            )
        self.places = CsvPlaces(file)
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.issues: dict[str, _Issue] = {}
        self.by_id: dict[str, str] = {}
        self.projects: dict[str, str] = {}
        self.people: dict[str, str] = {}  # display name → resource id
        self.sprints: dict[str, tuple[str, int]] = {}  # name → (project, line)
        self.blocks: list[tuple[str, str, int, str]] = []  # (before, after, line, column)
        self.created: list[date] = []

    # -- cells ---------------------------------------------------------------------------

    def values(self, cells: list[str], name: str) -> list[str]:
        """Every non-empty value of the (maybe repeated) column ``name``."""
        found = (cells[n - 1].strip() for n in self.columns.get(name, []) if n <= len(cells))
        return [value for value in found if value]

    def value(self, cells: list[str], name: str) -> str:
        found = self.values(cells, name)
        return found[0] if found else ""

    def place(self, path: tuple[str | int, ...], line: int, name: str) -> None:
        numbers = self.columns.get(name)
        if numbers:
            self.places.add(path, line, numbers[0], self.titles[name])

    def problem(self, line: int, name: str, message: str) -> None:
        column = self.columns.get(name, [None])[0]
        where = Location(self.file, line, column)
        title = self.titles.get(name, name)
        self.problems.append(Problem("import.invalid_cell", f"column {title!r}: {message}", where))

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(Problem("import.not_kept", message, Location(self.file, line)))

    def day(self, line: int, name: str, text: str) -> date | None:
        if not text:
            return None
        for form in DATE_FORMATS:
            try:
                return datetime.strptime(text, form).date()
            except ValueError:
                continue
        try:
            return datetime.fromisoformat(text).date()
        except ValueError:
            self.problem(
                line, name, f"cannot read the date {text!r}; Jira writes 12/Jan/27 10:15 AM"
            )
            return None

    # -- rows ----------------------------------------------------------------------------

    def read(
        self, body: list[tuple[int, list[str]]], start: date | None
    ) -> tuple[TabularPlan, list[Problem]]:
        for line, cells in body:
            self.issue(line, cells)
        self.link_issues()
        first = start or (min(self.created) if self.created else None)
        if first is None:
            self.problems.append(
                Problem(
                    "import.no_start",
                    "no 'Created' date in the file; give --start YYYY-MM-DD",
                    Location(self.file),
                )
            )
        if self.problems:
            self.problems.sort(key=lambda p: (p.location.line or 0, p.location.column or 0))
            raise PlanInvalid(self.problems)
        assert first is not None
        return TabularPlan(self.plan_data(first), self.places), self.warnings

    def issue(self, line: int, cells: list[str]) -> None:
        key = self.value(cells, "issue key")
        if not key:
            self.problem(line, "issue key", "every issue needs its key (e.g. MOB-12)")
            return
        if key in self.issues:
            self.problem(
                line, "issue key", f"{key} is listed twice (also line {self.issues[key].line})"
            )
            return
        kind_text = self.value(cells, "issue type").lower()
        project = self.value(cells, "project key") or self.default_project
        self.projects.setdefault(project, self.value(cells, "project name") or project)
        data: dict[str, Any] = {"id": key, "name": self.value(cells, "summary") or key}
        kind = KINDS.get(kind_text, "task")
        if kind != "task":
            data["kind"] = kind
        status = self.status(cells)
        if status:
            data["status"] = status
        if status == "done":
            data["percent_complete"] = 100.0  # the schedule treats its work as done
        description = self.value(cells, "description")
        if description:
            data["description"] = description
        priority = PRIORITIES.get(self.value(cells, "priority").lower())
        if priority is not None:
            data["priority"] = priority
        tags = self.values(cells, "labels") + [
            f"component:{c}" for c in self.values(cells, "component/s")
        ]
        if tags:
            data["tags"] = tags
        self.estimate(line, cells, data)
        self.points(line, cells, data)
        due = self.day(line, "due date", self.value(cells, "due date"))
        if due is not None:
            data["deadline"] = due.isoformat()
        created = self.day(line, "created", self.value(cells, "created"))
        if created is not None:
            self.created.append(created)
        assignee = self.value(cells, "assignee")
        if assignee:
            data["resources"] = [{"resource": self.person(assignee)}]
        sprints = self.values(cells, "sprint") + self.values(cells, "custom field (sprint)")
        if sprints:  # an issue carried over sits in each sprint it was in: the last is its own
            data["sprint"] = sprint_id(sprints[-1])
            for name in sprints:
                self.sprints.setdefault(name, (project, line))
        issue = _Issue(line, key, data, project)
        issue.parent = (
            self.value(cells, "parent")
            or self.value(cells, "parent key")
            or self.value(cells, "custom field (epic link)")
            or None
        )
        for other in self.values(cells, BLOCKS_IN):  # this issue is blocked by the other
            self.blocks.append((other, key, line, BLOCKS_IN))
        for other in self.values(cells, BLOCKS_OUT):  # this issue blocks the other
            self.blocks.append((key, other, line, BLOCKS_OUT))
        self.issues[key] = issue
        issue_id = self.value(cells, "issue id")
        if issue_id:
            self.by_id[issue_id] = key

    def status(self, cells: list[str]) -> str | None:
        for name in ("status", "status category"):
            found = STATUSES.get(self.value(cells, name).lower())
            if found:
                return found
        return None

    def estimate(self, line: int, cells: list[str], data: dict[str, Any]) -> None:
        """``Original Estimate`` in seconds as the duration in working hours."""
        text = number_text(self.value(cells, "original estimate"))
        if not text:
            return
        try:
            seconds = float(text)
        except ValueError:
            self.problem(line, "original estimate", f"write seconds (Jira's unit), not {text!r}")
            return
        hours = seconds / 3600
        data["duration"] = f"{hours:g}h"

    def points(self, line: int, cells: list[str], data: dict[str, Any]) -> None:
        for name in POINT_COLUMNS:
            text = number_text(self.value(cells, name))
            if not text:
                continue
            try:
                data["story_points"] = float(text)
            except ValueError:
                self.problem(line, name, f"write a number of story points, not {text!r}")
            return

    def person(self, name: str) -> str:
        """The resource id of the person Jira names ``name`` (``Jürgen Albers`` →
        ``jurgen_albers``), the same id for the same name."""
        if name not in self.people:
            plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
            base = re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_") or "person"
            ident, number = base, 2
            while ident in self.people.values():
                ident, number = f"{base}_{number}", number + 1
            self.people[name] = ident
        return self.people[name]

    # -- structure -----------------------------------------------------------------------

    def link_issues(self) -> None:
        """Hang issues under their parents, and turn "blocks" links into dependencies."""
        for issue in self.issues.values():
            if issue.parent is None:
                continue
            parent = self.issues.get(self.by_id.get(issue.parent, issue.parent))
            if parent is None:
                self.warn(
                    issue.line,
                    f"{issue.key}'s parent {issue.parent} is not in the file: {issue.key} is put "
                    f"at the top of {issue.project}",
                )
                issue.parent = None
            elif parent.project != issue.project or self.ancestor(issue, parent):
                self.warn(
                    issue.line,
                    f"{issue.key} cannot sit under {parent.key} (another project, or a circle): "
                    f"it is put at the top of {issue.project}",
                )
                issue.parent = None
            else:
                issue.parent = parent.key
                parent.children.append(issue)
        seen: set[tuple[str, str]] = set()
        for before, after, line, _ in self.blocks:
            if (before, after) in seen:
                continue  # Jira writes each link on both issues
            seen.add((before, after))
            missing = [k for k in (before, after) if k not in self.issues]
            if missing:
                self.warn(
                    line,
                    f"the link {before} blocks {after} is left out: {', '.join(missing)} is not "
                    "in the file",
                )
            elif self.related(before, after):
                self.warn(
                    line,
                    f"the link {before} blocks {after} is left out: one holds the other (an epic "
                    "and its own issue)",
                )
            else:
                self.issues[after].data.setdefault("depends", []).append(before)

    def ancestor(self, issue: _Issue, parent: _Issue) -> bool:
        """Would hanging ``issue`` under ``parent`` make a circle?"""
        seen = {issue.key}
        node: _Issue | None = parent
        while node is not None:
            if node.key in seen:
                return True
            seen.add(node.key)
            node = self.issues.get(node.parent) if node.parent else None
        return False

    def related(self, one: str, other: str) -> bool:
        """Is one of the two issues a parent (or grandparent) of the other?"""
        for low, high in ((one, other), (other, one)):
            node = self.issues[low]
            while node.parent is not None:
                if node.parent == high:
                    return True
                node = self.issues[node.parent]
        return False

    def plan_data(self, first: date) -> dict[str, Any]:
        projects = []
        for index, (ident, name) in enumerate(self.projects.items()):
            tops = [i for i in self.issues.values() if i.project == ident and i.parent is None]
            tasks = [
                self.tree(("projects", index, "tasks", n), issue) for n, issue in enumerate(tops)
            ]
            projects.append({"id": ident, "name": name, "method": "agile", "tasks": tasks})
        data: dict[str, Any] = {
            "program": f"{', '.join(self.projects.values())} (from Jira)",
            "key": self.default_project if len(self.projects) != 1 else next(iter(self.projects)),
            "start": first.isoformat(),
            "projects": projects,
        }
        if self.people:
            data["resources"] = [{"id": ident, "name": name} for name, ident in self.people.items()]
            for number, name in enumerate(self.people):
                line = next(
                    i.line
                    for i in self.issues.values()
                    if i.data.get("resources", [{}])[0].get("resource") == self.people[name]
                )
                self.place(("resources", number), line, "assignee")
        if self.sprints:
            data["sprints"] = self.sprint_data(first)
        return data

    def tree(self, path: tuple[str | int, ...], issue: _Issue) -> dict[str, Any]:
        for name, column in (
            ("id", "issue key"),
            ("name", "summary"),
            ("kind", "issue type"),
            ("status", "status"),
            ("duration", "original estimate"),
            ("story_points", POINT_COLUMNS[0]),
            ("deadline", "due date"),
            ("resources", "assignee"),
            ("sprint", "sprint"),
            ("depends", BLOCKS_IN),
            ("tags", "labels"),
        ):
            self.place((*path, name), issue.line, column)
        self.place(path, issue.line, "issue key")
        data = issue.data
        if issue.children:
            data.pop("duration", None)  # a summary's length is its children's
            data["tasks"] = [
                self.tree((*path, "tasks", n), child) for n, child in enumerate(issue.children)
            ]
        return data

    def sprint_data(self, first: date) -> list[dict[str, Any]]:
        """Jira's CSV holds no sprint dates: sprints follow each other, two weeks each,
        from the program's start, in the order of their names' numbers."""

        def order(name: str) -> tuple[int, str]:
            found = re.findall(r"\d+", name)
            return (int(found[-1]) if found else 0, name)

        sprints = []
        begin = first
        for number, name in enumerate(sorted(self.sprints, key=order)):
            project, line = self.sprints[name]
            finish = begin + timedelta(days=SPRINT_DAYS - 1)
            sprints.append(
                {
                    "id": sprint_id(name),
                    "name": name,
                    "project": project,
                    "start": begin.isoformat(),
                    "finish": finish.isoformat(),
                }
            )
            self.place(("sprints", number), line, "sprint")
            begin = finish + timedelta(days=1)
        self.warn(
            self.sprints[min(self.sprints, key=lambda n: self.sprints[n][1])][1],
            f"Jira's CSV export holds no sprint dates: the {len(sprints)} sprints are placed "
            f"two weeks each from {first}, in the order of their numbers; correct them in the plan",
        )
        return sprints


def sprint_id(name: str) -> str:
    """A sprint's id from its name: ``MOB Sprint 3`` → ``MOB_Sprint_3``."""
    return re.sub(r"[^A-Za-z0-9_.\-/:]+", "_", name).strip("_") or "sprint"


def _key_of(file: Path) -> str:
    key = re.sub(r"[^A-Za-z0-9_]+", "_", file.stem).strip("_").upper()
    return key[:40] or "JIRA"
