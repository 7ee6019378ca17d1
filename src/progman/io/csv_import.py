"""A CSV file of tasks and links as a program (``progman import FILE --format csv``).

Reads the columns the export writes (:data:`~progman.io.csv_cells.COLUMNS`, and what
other tools call them), builds plan-file data from the cells and checks it as a plan
file is checked, with every problem placed at ``file:line:column`` and naming the column.
Nothing is returned unless the whole file is right.
"""

from __future__ import annotations

import contextlib
import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from progman.domain.durations import DURATION_REGEX
from progman.errors import Location, PlanInvalid, Problem
from progman.io.csv_cells import (
    COLUMNS,
    KINDS,
    NO,
    YES,
    header_name,
    is_jira_header,
    is_number,
    number_text,
    read_rows,
    split_list,
)

#: Columns a row may not do without.
REQUIRED = ("id", "name")
#: What a project row may hold besides its id and name.
PROJECT_COLUMNS = frozenset(
    {"project", "id", "name", "kind", "start", "deadline", "priority", "tags", "description"}
)
#: Columns written for reading only: the scheduled dates and the outline number.
COMPUTED = frozenset({"start", "finish", "wbs"})
_DURATION = re.compile(DURATION_REGEX).match
_DATE_START = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})")
PathKey = tuple[str | int, ...]


class CsvPlaces:
    """Where each part of the plan data came from: a data path → (line, column number,
    column name). A row's entity is recorded once with its columns, and a path below it
    is placed at the cell of its field (else at the row's ``id``); a problem's path is
    placed at its longest known prefix."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.cells: dict[PathKey, tuple[int, int, str]] = {}
        self.rows: dict[PathKey, tuple[int, dict[str, int]]] = {}

    def add(self, path: PathKey, line: int, column: int, name: str) -> None:
        self.cells.setdefault(path, (line, column, name))

    def add_row(self, path: PathKey, line: int, columns: dict[str, int]) -> None:
        """The entity at ``path`` came from the row at ``line`` (``columns``: its field
        names → column numbers; ``id`` among them)."""
        self.rows.setdefault(path, (line, columns))

    def cell(self, path: PathKey) -> tuple[int, int, str] | None:
        for end in range(len(path), 0, -1):
            prefix = path[:end]
            found = self.cells.get(prefix)
            if found is not None:
                return found
            row = self.rows.get(prefix)
            if row is not None:
                line, columns = row
                field = path[end] if end < len(path) else "id"
                name = field if isinstance(field, str) and field in columns else "id"
                return line, columns[name], name
        return None

    def named(self, problems: Sequence[Problem]) -> list[Problem]:
        """The problems, each with the name of the column it is placed at."""
        lines = {p.location.line for p in problems}
        names = {(line, column): name for line, column, name in self.cells.values()}
        for line, columns in self.rows.values():
            if line in lines:
                names.update({(line, number): name for name, number in columns.items()})
        named = []
        for problem in problems:
            where = problem.location
            name = names.get((where.line or 0, where.column or 0))
            message = problem.message if name is None else f"column '{name}': {problem.message}"
            named.append(Problem(problem.code, message, where))
        return named

    def locate_all(self, spots: Sequence[tuple[PathKey, bool]]) -> list[Location]:
        located = []
        for path, _ in spots:
            found = self.cell(path)
            if found is None:
                located.append(Location(file=self.file))
            else:
                located.append(Location(self.file, found[0], found[1]))
        return located


@dataclass
class _Row:
    line: int
    cells: dict[str, str]
    columns: dict[str, int]  # column name → 1-based column number
    data: dict[str, Any] = field(default_factory=dict)
    project: str = ""
    parent: str | None = None


@dataclass(frozen=True)
class TabularPlan:
    """Plan-file data read from a table, and where each value came from; checked as a
    plan file by the caller (``services.tabular_imports``), which names each problem's
    column with :meth:`CsvPlaces.named`."""

    data: dict[str, Any]
    places: CsvPlaces


def read_csv(file: Path, start: date | None = None, *, limit: int) -> TabularPlan:
    """The plan in the CSV file ``file`` (at most ``limit`` bytes): one project per
    ``project`` value (named by its ``kind = project`` row, if any), named and keyed after
    the file; it starts on ``start``, else on the earliest ``start`` (or
    ``actual_start``) in the file. Raises every problem of the cells at once."""
    header, body = read_rows(file, limit)
    if is_jira_header(header):  # --format csv given for it: one line, not 30 columns
        raise PlanInvalid(
            [
                Problem(
                    "import.jira_csv",
                    "this is Jira's CSV export (it has the columns 'Issue key' and 'Issue "
                    "Type'), not a tasks CSV: read it with --format jira-csv (or auto)",
                    Location(str(file), 1),
                )
            ]
        )
    problems: list[Problem] = []
    columns = _columns(header, str(file), problems)
    if problems:
        raise PlanInvalid(problems)
    reader = _Reader(str(file), columns, default_project=_key_of(file))
    for line, cells in body:
        reader.row(line, cells)
    return reader.program(file.stem, start)


def _columns(header: list[str], file: str, problems: list[Problem]) -> dict[str, int]:
    """Column name → column number (1-based), with a problem for each unknown, repeated or
    missing column."""
    columns: dict[str, int] = {}
    for number, text in enumerate(header, start=1):
        name = header_name(text)
        where = Location(file, 1, number)
        if not name:
            continue
        if name not in COLUMNS:
            close = difflib.get_close_matches(name, COLUMNS, n=1)
            hint = (
                f"; did you mean '{close[0]}'?"
                if close
                else f"; the columns are {', '.join(COLUMNS)}"
            )
            problems.append(
                Problem("import.unknown_column", f"unknown column {text!r}{hint}", where)
            )
        elif name in columns:
            problems.append(
                Problem(
                    "import.repeated_column",
                    f"column {text!r} is given twice (also column {columns[name]})",
                    where,
                )
            )
        else:
            columns[name] = number
    for name in REQUIRED:
        if name not in columns:
            problems.append(
                Problem(
                    "import.missing_column", f"the header has no column {name!r}", Location(file, 1)
                )
            )
    return columns


class _Reader:
    """Rows to plan data, with the place of every value."""

    def __init__(self, file: str, columns: dict[str, int], default_project: str) -> None:
        self.file = file
        self.columns = columns
        self.default_project = default_project
        self.places = CsvPlaces(file)
        self.problems: list[Problem] = []
        self.rows: list[_Row] = []
        self.projects: dict[str, dict[str, Any]] = {}
        self.project_rows: dict[str, _Row] = {}
        self.resources: dict[str, tuple[int, int]] = {}
        self.first_dates: list[date] = []

    def problem(self, row: _Row, column: str, message: str) -> None:
        where = Location(self.file, row.line, row.columns.get(column))
        self.problems.append(Problem("import.invalid_cell", f"column '{column}': {message}", where))

    def row(self, line: int, raw: list[str]) -> None:
        if len(raw) > len(self.columns) and any(c.strip() for c in raw[len(self.columns) :]):
            extra = Location(self.file, line, len(self.columns) + 1)
            self.problems.append(
                Problem(
                    "import.extra_cells",
                    "this row has more cells than the header has columns",
                    extra,
                )
            )
        cells = {  # spaces around a cell are the spreadsheet's; a tab or CR is the text's
            name: raw[n - 1].strip(" ") if n <= len(raw) else "" for name, n in self.columns.items()
        }
        row = _Row(line, cells, self.columns)
        kind = cells.get("kind", "").lower() or "task"
        row.project = cells.get("project") or self.default_project
        if kind == "project":
            self._project(row)
            return
        if kind in ("milestone", "summary"):
            kind, row.cells["milestone"] = (
                "task",
                "yes" if kind == "milestone" else row.cells.get("milestone", ""),
            )
        if kind not in KINDS:
            self.problem(
                row,
                "kind",
                f"unknown kind {cells['kind']!r}; write {', '.join(KINDS)} or milestone",
            )
            kind = "task"
        data = row.data
        data["id"], data["name"] = cells["id"], cells["name"]
        if kind != "task":
            data["kind"] = kind
        self._flag(row, "milestone")
        for name in ("duration", "work", "remaining", "status", "constraint", "description"):
            if cells.get(name):
                data[name] = (
                    cells[name].lower().replace(" ", "_") if name == "status" else cells[name]
                )
        for name in ("deadline", "actual_start", "actual_finish"):
            if cells.get(name):
                data[name] = cells[name]
        if cells.get("estimate"):
            data["estimate"] = [part.strip() for part in cells["estimate"].split("/")]
        for name in ("depends", "tags"):
            if cells.get(name):
                data[name] = split_list(cells[name])
        for name in ("percent_complete", "story_points", "fixed_cost", "actual_cost"):
            self._number(row, name, float)
        self._number(row, "priority", int)
        if cells.get("resources"):
            data["resources"] = [
                self._assignment(row, text) for text in split_list(cells["resources"])
            ]
        row.parent = cells.get("parent") or None
        for name in ("start", "actual_start"):
            self._first_date(cells.get(name, ""))
        self.rows.append(row)

    def _first_date(self, text: str) -> None:
        found = _DATE_START.match(text)
        if found:
            with contextlib.suppress(ValueError):  # no such day: said where it is a field
                self.first_dates.append(date.fromisoformat(found[1]))

    def _project(self, row: _Row) -> None:
        cells = row.cells
        ident = cells["id"] or row.project
        if ident in self.project_rows:
            self.problem(
                row,
                "id",
                f"project {ident!r} has a row already (line {self.project_rows[ident].line})",
            )
            return
        self.project_rows[ident] = row
        data = row.data
        data["id"], data["name"] = ident, cells["name"] or ident
        for name in ("start", "deadline"):
            if cells.get(name):
                data[name] = cells[name]
                self._first_date(cells[name])
        if cells.get("tags"):
            data["tags"] = split_list(cells["tags"])
        if cells.get("description"):
            data["description"] = cells["description"]
        self._number(row, "priority", int)
        for name, value in cells.items():
            if value and name not in PROJECT_COLUMNS:
                self.problem(
                    row,
                    name,
                    "a project row (kind = project) holds only its id, name, start, deadline, "
                    "priority, tags and description",
                )

    def _flag(self, row: _Row, name: str) -> None:
        value = row.cells.get(name, "").lower()
        if value in YES:
            row.data[name] = True
        elif value not in NO:
            self.problem(row, name, f"write yes or no, not {row.cells[name]!r}")

    def _number(self, row: _Row, name: str, kind: type) -> None:
        text = number_text(row.cells.get(name, "")).removesuffix("%")
        if not text:
            return
        try:
            row.data[name] = (
                kind(float(text)) if kind is int and float(text).is_integer() else kind(text)
            )
        except ValueError:
            whole = " whole" if kind is int else ""
            self.problem(row, name, f"write a{whole} number, not {row.cells[name]!r}")

    def _assignment(self, row: _Row, text: str) -> dict[str, Any]:
        """``alice``, ``bob 50%``, ``carol 0.5 20h``, ``role:backend/skill:react 50%``:
        read from the right (the work, then the units), so a role may hold spaces."""
        words = text.split()
        entry: dict[str, Any] = {}
        if len(words) > 1 and _DURATION(words[-1]) and not is_number(words[-1]):
            entry["work"] = words.pop()
        if len(words) > 1:
            number = number_text(words[-1])
            if number.endswith("%") and is_number(number[:-1]):
                entry["units"] = float(number[:-1]) / 100
                words.pop()
            elif is_number(number):
                entry["units"] = float(number)
                words.pop()
        who = " ".join(words)
        labelled = [part.partition(":") for part in who.split("/")]
        if all(
            colon and label.strip().lower() in ("role", "skill") for label, colon, _ in labelled
        ):
            entry.update({label.strip().lower(): value.strip() for label, _, value in labelled})
        else:
            entry["resource"] = who
            self.resources.setdefault(who, (row.line, row.columns["resources"]))
        return entry

    def program(self, name: str, start: date | None) -> TabularPlan:
        """The plan data, every value's cell recorded."""
        projects = self._tree()
        first = start or (min(self.first_dates) if self.first_dates else None)
        if first is None:
            self.problems.append(
                Problem(
                    "import.no_start",
                    "no start date in the file (no 'start' or 'actual_start' cell): "
                    "add a 'start' column holding the first day on a row, or import it "
                    "with progman import --start YYYY-MM-DD",
                    Location(self.file),
                )
            )
        if self.problems:
            self.problems.sort(key=lambda p: (p.location.line or 0, p.location.column or 0))
            raise PlanInvalid(self.problems)
        data: dict[str, Any] = {
            "program": name,
            "key": self.default_project,
            "start": first.isoformat() if first else None,
            "projects": projects,
        }
        if self.resources:
            data["resources"] = [{"id": ident, "name": ident} for ident in self.resources]
            for number, (line, column) in enumerate(self.resources.values()):
                self.places.add(("resources", number), line, column, "resources")
        return TabularPlan(data, self.places)

    def _tree(self) -> list[dict[str, Any]]:
        """The projects with their work breakdown (``parent``, else the ``wbs`` number),
        each value's place recorded."""
        by_id: dict[str, _Row] = {}
        for row in self.rows:
            by_id.setdefault(row.data["id"], row)
        by_wbs = {(r.project, r.cells["wbs"]): r for r in self.rows if r.cells.get("wbs")}
        children: dict[str | None, list[_Row]] = {}
        for row in self.rows:
            parent = self._parent(row, by_id, by_wbs)
            children.setdefault(parent, []).append(row)
        projects: dict[str, dict[str, Any]] = {}
        for row in children.get(None, []):
            projects.setdefault(row.project, {"id": row.project, "name": row.project, "tasks": []})
        for ident, row in self.project_rows.items():
            projects.setdefault(ident, {"tasks": []}).update(row.data)
        ordered = sorted(projects.values(), key=lambda p: self._first_line(p["id"]))
        for index, project in enumerate(ordered):
            head = self.project_rows.get(project["id"])
            if head is not None:
                self._place(("projects", index), head)
            for position, row in enumerate(
                r for r in children.get(None, []) if r.project == project["id"]
            ):
                project["tasks"].append(
                    self._item(("projects", index, "tasks", position), row, children)
                )
        self._unreached(children)
        return ordered

    def _first_line(self, project: str) -> int:
        lines = [r.line for r in self.rows if r.project == project]
        if project in self.project_rows:
            lines.append(self.project_rows[project].line)
        return min(lines, default=0)

    def _parent(
        self, row: _Row, by_id: dict[str, _Row], by_wbs: dict[tuple[str, str], _Row]
    ) -> str | None:
        if row.parent is None:
            wbs = row.cells.get("wbs", "")
            if "." not in wbs:
                return None
            outline = wbs.rsplit(".", 1)[0]
            above = by_wbs.get((row.project, outline))
            if above is None:
                self.problem(
                    row,
                    "wbs",
                    f"no row has the outline number {outline!r} in project {row.project!r}",
                )
                return None
            return str(above.data["id"])
        found = by_id.get(row.parent)
        if found is None:
            close = difflib.get_close_matches(row.parent, list(by_id), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            self.problem(row, "parent", f"unknown parent {row.parent!r}{hint}")
            return None
        if found.project != row.project:
            self.problem(
                row,
                "parent",
                f"parent {row.parent!r} is in project {found.project!r}, not {row.project!r}",
            )
            return None
        return row.parent

    def _item(
        self, path: PathKey, row: _Row, children: dict[str | None, list[_Row]]
    ) -> dict[str, Any]:
        self._place(path, row)
        below = children.pop(row.data["id"], [])
        if below:
            row.data["tasks"] = [
                self._item((*path, "tasks", number), child, children)
                for number, child in enumerate(below)
            ]
        return row.data

    def _place(self, path: PathKey, row: _Row) -> None:
        self.places.add_row(path, row.line, row.columns)

    def _unreached(self, children: dict[str | None, list[_Row]]) -> None:
        """Rows whose parents lead round in a circle never hang from a project."""
        for parent, rows in children.items():
            for row in rows if parent is not None else []:
                self.problem(
                    row, "parent", f"the parents of {row.data['id']!r} lead round in a circle"
                )


def _key_of(file: Path) -> str:
    """A program key from a file name: ``road map 2027.csv`` → ``ROAD_MAP_2027``."""
    key = re.sub(r"[^A-Za-z0-9_]+", "_", file.stem).strip("_").upper()
    return key[:40] or "CSV"
