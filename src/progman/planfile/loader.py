"""Load a plan file or a folder of plan files into a validated :class:`Program`.

All problems are collected and raised together as :class:`PlanInvalid`, each with
file:line:column. A folder is one program: list sections (projects, risks, ...) of its
files are concatenated in file-name order; a file holding a single project (top-level
``id`` and ``tasks``) counts as one entry of ``projects``.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import ValidationError

from progman.collector import collector_paused
from progman.domain import Program
from progman.domain.base import ID_PATTERN
from progman.domain.checked import mark_checked, seal
from progman.domain.excerpt import Excerpt
from progman.domain.plan_warnings import plan_warnings
from progman.domain.program import LIST_SECTIONS, MAPPING_SECTIONS
from progman.domain.validation import Finding, check_program
from progman.errors import InputNotFound, Location, PlanInvalid, Problem
from progman.planfile.errors import clean_path as _clean_path
from progman.planfile.errors import model_at, problems_from_validation
from progman.planfile.source import (
    DocumentError,
    FileLocator,
    Locator,
    NoPlaces,
    PathKey,
    Spot,
    TextLocator,
    load_document,
    read_text,
)

PLAN_SUFFIXES = (".yaml", ".yml", ".json")
#: MiB: a 1M-task plan is about 110 MiB (3.3 GB of memory to load and check), with as much
#: again to spare; a file that would need tens of GB is refused before it is read.
DEFAULT_MAX_MB = 256


def max_plan_bytes() -> int:
    """Largest plan file accepted: ``PROGMAN_MAX_PLAN_MB`` MiB (default 256)."""
    try:
        return int(float(os.environ.get("PROGMAN_MAX_PLAN_MB", DEFAULT_MAX_MB)) * 2**20)
    except ValueError:
        return DEFAULT_MAX_MB * 2**20


def load_plan(path: str | os.PathLike[str], *, sealed: bool = False) -> Program:
    """Read, validate and return the program in a plan file or folder.

    The program is checked once here (:func:`~progman.domain.validation.check_program`)
    and marked checked, so the engine does not check it again unless it is changed.
    ``sealed``: the caller promises never to change the program in place
    (:func:`~progman.domain.checked.seal`), so that the engine need not even make sure it
    is unchanged (two passes over a 100k-task program saved).
    """
    with collector_paused(keep=True):
        data, places = read_plan_data(path)
        return validate_plan_data(data, places, sealed=sealed)


def load_plan_warned(path: str | os.PathLike[str]) -> tuple[Program, list[Problem]]:
    """:func:`load_plan`, and the plan's warnings (what it holds but probably does not
    mean, :func:`~progman.domain.plan_warnings.plan_warnings`), each at file:line:col."""
    with collector_paused(keep=True):
        data, places = read_plan_data(path)
        program = validate_plan_data(data, places)
        found = plan_warnings(program)
        if not found:
            return program, []
        return program, _placed([((f.path, False), f.code, f.message) for f in found], places)


def read_plan_data(path: str | os.PathLike[str]) -> tuple[dict[str, Any], Locator]:
    """The raw (not yet validated) data of a plan file or folder, and where to find its
    values' positions should there be problems to report."""
    source = Path(path)
    if not source.exists():
        raise InputNotFound(
            f"no such plan file or folder: {source}", location=Location(str(source))
        )
    if source.is_dir():
        return _read_folder(source)
    display = str(source)
    try:
        text = read_text(source, display, max_plan_bytes())
        data = load_document(text, display)
    except DocumentError as exc:
        raise PlanInvalid([exc.problem]) from None
    if not isinstance(data, dict):
        [where] = TextLocator(display, text).locate_all([((), False)])
        raise PlanInvalid(
            [Problem("plan.syntax", "a plan is a mapping that starts with 'program: NAME'", where)]
        )
    return data, FileLocator(source, display, max_plan_bytes())


def _plan_files(folder: Path) -> list[Path]:
    files = [
        p
        for p in folder.rglob("*")
        if p.suffix.lower() in PLAN_SUFFIXES
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    ]
    return sorted(files, key=lambda p: p.relative_to(folder).as_posix())


def _read_folder(folder: Path) -> tuple[dict[str, Any], Locator]:
    files = _plan_files(folder)
    if not files:
        raise PlanInvalid(
            [
                Problem(
                    "plan.empty",
                    "the folder holds no .yaml, .yml or .json plan files",
                    Location(str(folder)),
                )
            ]
        )
    problems: list[Problem] = []
    documents: list[tuple[str, dict[str, Any]]] = []
    for file in files:
        try:
            text = read_text(file, str(file), max_plan_bytes())
            data = load_document(text, str(file))
        except DocumentError as exc:
            problems.append(exc.problem)
            continue
        if not isinstance(data, dict):
            [where] = TextLocator(str(file), text).locate_all([((), False)])
            problems.append(Problem("plan.syntax", "each plan file is a mapping", where))
            continue
        documents.append((str(file), data))
    # the file that names the program comes first, the rest keep file-name order
    documents.sort(key=lambda doc: "program" not in doc[1])
    merged: dict[str, Any] = {}
    places = FolderLocator({str(f): FileLocator(f, str(f), max_plan_bytes()) for f in files})
    clashes: list[Clash] = []
    for name, data in documents:
        clashes.extend(_merge(merged, places, name, data))
    found = places.locate_in_files([(clash.file, clash.spot) for clash in clashes])
    problems.extend(
        Problem(clash.code, clash.message, at) for clash, at in zip(clashes, found, strict=True)
    )
    if problems:
        raise PlanInvalid(problems)
    if "program" not in merged:
        raise PlanInvalid(
            [
                Problem(
                    "plan.missing_field",
                    "no file in the folder names the program; add 'program: NAME' to one of them",
                    Location(str(folder)),
                )
            ]
        )
    return merged, places


class Clash(NamedTuple):
    """Two files of a folder set the same thing."""

    file: str
    spot: Spot
    code: str
    message: str


class FolderLocator:
    """Places paths of a folder's merged program in the files they came from.

    Merging records, per section, which run of list entries (or which mapping entry, or
    which setting) each file gave; a merged path is mapped back through that record, so
    merging costs nothing per value.
    """

    def __init__(self, files: dict[str, FileLocator]) -> None:
        self.files = files
        self.first: str | None = None  # the program's root: line 1 of its first file
        # list section -> runs of entries: (first merged index, count, file, whole file?)
        self.runs: dict[str, list[tuple[int, int, str, bool]]] = {}
        self.owners: dict[PathKey, str] = {}  # (setting,) / (section,) / (section, name)

    def add_list(self, key: str, start: int, count: int, file: str, whole: bool) -> None:
        self.runs.setdefault(key, []).append((start, count, file, whole))
        if not whole:
            self.owners[(key,)] = file

    def add(self, path: PathKey, file: str) -> None:
        self.owners[path] = file

    def source(self, path: PathKey) -> tuple[str, PathKey, bool] | None:
        """The file and the path in it holding the merged ``path`` (None: the root), and
        whether that is the path itself (not its nearest ancestor)."""
        if not path:
            return None
        head = path[0]
        runs = self.runs.get(str(head))
        if runs is not None:
            if len(path) >= 2 and isinstance(path[1], int):
                k = bisect_right(runs, path[1], key=lambda run: run[0]) - 1
                if k >= 0:
                    start, count, file, whole = runs[k]
                    if path[1] < start + count:
                        rest = path[2:]
                        return file, rest if whole else (head, path[1] - start, *rest), True
            owner = self.owners.get((head,))
            return (owner, (head,), len(path) == 1) if owner is not None else None
        owner = self.owners.get(path[:2]) or self.owners.get(path[:1])
        return (owner, path, True) if owner is not None else None

    def locate_all(self, spots: Sequence[Spot]) -> list[Location]:
        wanted: list[tuple[str | None, Spot]] = []
        for path, key in spots:
            found = self.source(path)
            if found is None:
                wanted.append((None, ((), False)))
            else:
                file, inner, exact = found
                wanted.append((file, (inner, key and exact)))
        return self.locate_in_files(wanted)

    def locate_in_files(self, wanted: Sequence[tuple[str | None, Spot]]) -> list[Location]:
        """Spots of given files (None: the root), each file read once."""
        by_file: dict[str, list[int]] = {}
        for index, (file, _) in enumerate(wanted):
            if file is not None:
                by_file.setdefault(file, []).append(index)
        places = [Location(self.first, 1, 1) if self.first else Location() for _ in wanted]
        for file, indexes in by_file.items():
            found = self.files[file].locate_all([wanted[i][1] for i in indexes])
            for index, where in zip(indexes, found, strict=True):
                places[index] = where
        return places


def _merge(
    merged: dict[str, Any], places: FolderLocator, file: str, data: dict[str, Any]
) -> list[Clash]:
    """Fold one file of a folder into the merged program data; return its clashes."""
    whole = "tasks" in data and "id" in data and "program" not in data
    if whole:  # a file holding a single project
        data = {"projects": [data]}
    if places.first is None:
        places.first = file
    clashes: list[Clash] = []
    for key, value in data.items():
        if key in LIST_SECTIONS and isinstance(value, list):
            existing = merged.setdefault(key, [])
            places.add_list(key, len(existing), len(value), file, whole)
            existing.extend(value)
        elif key in MAPPING_SECTIONS and isinstance(value, dict):
            existing = merged.setdefault(key, {})
            for name, entry in value.items():
                if name in existing:
                    clashes.append(
                        Clash(
                            file,
                            ((key, name), True),
                            "plan.duplicate_id",
                            f"{key} '{name}' is defined in two files",
                        )
                    )
                existing[name] = entry
                places.add((key, name), file)
            places.add((key,), file)
        elif key in merged:
            clashes.append(
                Clash(
                    file,
                    ((key,), True),
                    "plan.duplicate_key",
                    f"'{key}' is set in more than one file of the folder; set it once",
                )
            )
        else:
            merged[key] = value
            places.add((key,), file)
    return clashes


def validate_plan_data(
    data: dict[str, Any], positions: Locator | None = None, *, sealed: bool = False
) -> Program:
    """Build the program from raw data; raise every problem found, each located.

    ``positions`` places problems in the text the data came from (only when there are
    problems). A valid program is marked checked (see :mod:`progman.domain.checked`),
    and sealed first with ``sealed`` (see :func:`load_plan`).
    """
    places = positions or NoPlaces()
    program, pending = checked_plan_data(data)
    if pending:
        raise PlanInvalid(_placed(pending, places))
    assert program is not None  # no problem: the program was built
    if sealed:
        seal(program)
    mark_checked(program)
    return program


#: a problem found, not yet placed in the text: where, code, message
Pending = tuple[Spot, str, str]


def checked_plan_data(
    data: dict[str, Any], excerpt: Excerpt | None = None
) -> tuple[Program | None, list[Pending]]:
    """The program of ``data`` and every problem of it (the program is None when it could
    not be built). With an ``excerpt`` (see :mod:`progman.domain.excerpt`), ``data`` holds
    only some tasks of a larger plan, and the problems are the whole plan's, at its paths."""
    moved = excerpt.moved if excerpt is not None else _same
    try:
        program = Program.model_validate(data)
    except ValidationError as exc:
        field_problems = problems_from_validation(exc, data)
        pending = [((moved(f.path), f.key), f.code, f.message) for f in field_problems]
        repaired = _without_bad_fields(data, [f.path for f in field_problems], moved)
        if repaired is not None:  # also report cross-reference problems of the rest
            reported = {moved(f.path) for f in field_problems}
            pending.extend(
                ((f.path, False), f.code, f.message)
                for f in _check(repaired, excerpt)
                if f.path not in reported
            )
        return None, pending
    findings = _check(program, excerpt)
    return program, [((f.path, False), f.code, f.message) for f in findings]


def _check(program: Program, excerpt: Excerpt | None) -> list[Finding]:
    return check_program(program) if excerpt is None else check_program(program, excerpt)


def plan_problems(
    data: dict[str, Any], places: Locator, excerpt: Excerpt | None = None
) -> list[Problem]:
    """Every problem of ``data`` (see :func:`checked_plan_data`), placed, in reading order."""
    return _placed(checked_plan_data(data, excerpt)[1], places)


def _same(path: PathKey) -> PathKey:
    return path


def _placed(pending: list[Pending], places: Locator) -> list[Problem]:
    """The problems with their positions (one more read of the text), in reading order."""
    where = places.locate_all([spot for spot, _, _ in pending])
    return _ordered(
        [Problem(code, message, at) for (_, code, message), at in zip(pending, where, strict=True)]
    )


def _without_bad_fields(
    data: dict[str, Any], bad: list[PathKey], moved: Callable[[PathKey], PathKey] = _same
) -> Program | None:
    """The program with bad fields dropped or replaced by placeholders, if that makes it valid.

    Used only to find the cross-reference problems of the rest of the plan, so that the
    user sees every problem in one run. A few rounds, since a fix can uncover the next.
    Only the containers on the patched paths are copied; the data stays as it was.
    ``moved``: a path of ``data`` as the whole plan's (placeholder ids are named by it).
    """
    trimmed = dict(data)
    copied = {id(trimmed)}
    paths = bad
    for _ in range(3):
        for path in paths:
            _patch(trimmed, path, copied, moved)
        try:
            return Program.model_validate(trimmed)
        except ValidationError as exc:
            paths = [
                _clean_path(trimmed, e["loc"]) + (() if e["type"] != "missing" else (e["loc"][-1],))
                for e in exc.errors()
            ]
    return None


_PLACEHOLDERS: dict[Any, Any] = {str: "?", float: 0.0, int: 0, date: date(2000, 1, 3)}


def _patch(
    data: dict[str, Any], path: PathKey, copied: set[int], moved: Callable[[PathKey], PathKey]
) -> None:
    """Drop the field holding a bad value, or give a required one a placeholder; an entry
    of a list that is wrong as a whole (a task written as text) becomes a placeholder."""
    if len(path) >= 2 and _stub_entry(data, path, copied, moved):
        return
    field_end = max((i for i, part in enumerate(path) if isinstance(part, str)), default=-1)
    if field_end <= 0:
        return
    parent = _writable_node(data, path[:field_end], copied)
    model = model_at(path[:field_end])
    if not isinstance(parent, dict) or model is None:
        return
    name = path[field_end]
    info = next((f for n, f in model.model_fields.items() if (f.alias or n) == name), None)
    if info is not None and info.is_required():
        if name in ("id", "key"):  # a placeholder that is an id, and no other entity's
            parent[name] = _placeholder_id(moved(path))
        elif info.annotation in _PLACEHOLDERS:
            parent[name] = _PLACEHOLDERS[info.annotation]
    else:
        parent.pop(name, None)


def _stub_entry(
    data: dict[str, Any], path: PathKey, copied: set[int], moved: Callable[[PathKey], PathKey]
) -> bool:
    """Put a placeholder entity (its own id kept, if it has one) in place of the list entry
    at ``path``, so that what refers to it and the entries around it are checked as written
    (dropping the whole list would report each reference to them as unknown). False when
    the list does not hold entities with ids, or one cannot be made."""
    index = path[-1]
    model = model_at(path[:-1])
    entries = _writable_node(data, path[:-1], copied)
    if (
        not isinstance(index, int)
        or model is None
        or "id" not in model.model_fields
        or not isinstance(entries, list)
    ):
        return False
    entry = entries[index]
    given = entry.get("id") if isinstance(entry, dict) else None
    stub: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if not info.is_required():
            continue
        if name == "id":
            keep = isinstance(given, str) and _ID.fullmatch(given)
            stub[name] = given if keep else _placeholder_id(moved(path))
        elif info.annotation in _PLACEHOLDERS:
            stub[info.alias or name] = _PLACEHOLDERS[info.annotation]
        else:
            return False
    entries[index] = stub
    return True


_ID = re.compile(ID_PATTERN)


def _placeholder_id(path: PathKey) -> str:
    """An id no plan holds, unique to ``path``."""
    return re.sub(r"[^A-Za-z0-9_]", "_", "_invalid_" + "_".join(map(str, path)))


def _writable_node(data: Any, path: PathKey, copied: set[int]) -> Any:
    """The container at ``path``, each container on the way copied once (ids in ``copied``)."""
    node = data
    for part in path:
        try:
            child = node[part]
        except (KeyError, IndexError, TypeError):
            return None
        if isinstance(child, dict | list) and id(child) not in copied:
            child = child.copy()
            copied.add(id(child))
            node[part] = child
        node = child
    return node


def _ordered(problems: list[Problem]) -> list[Problem]:
    """Problems in reading order: by file, then line, then column."""
    return sorted(
        problems,
        key=lambda p: (p.location.file or "", p.location.line or 0, p.location.column or 0),
    )
