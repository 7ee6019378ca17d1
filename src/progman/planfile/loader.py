"""Load a plan file or a folder of plan files into a validated :class:`Program`.

All problems are collected and raised together as :class:`PlanInvalid`, each with
file:line:column. A folder is one program: list sections (projects, risks, ...) of its
files are concatenated in file-name order; a file holding a single project (top-level
``id`` and ``tasks``) counts as one entry of ``projects``.
"""

from __future__ import annotations

import copy
import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from progman.domain import Program
from progman.domain.program import LIST_SECTIONS, MAPPING_SECTIONS
from progman.domain.validation import check_program
from progman.errors import InputNotFound, Location, PlanInvalid, Problem
from progman.planfile.errors import clean_path as _clean_path
from progman.planfile.errors import model_at, problems_from_validation
from progman.planfile.source import DocumentError, PathKey, Positions, parse_document, read_text

PLAN_SUFFIXES = (".yaml", ".yml", ".json")
DEFAULT_MAX_MB = 32


def max_plan_bytes() -> int:
    """Largest plan file accepted: ``PROGMAN_MAX_PLAN_MB`` MiB (default 32)."""
    try:
        return int(float(os.environ.get("PROGMAN_MAX_PLAN_MB", DEFAULT_MAX_MB)) * 2**20)
    except ValueError:
        return DEFAULT_MAX_MB * 2**20


def load_plan(path: str | os.PathLike[str]) -> Program:
    """Read, validate and return the program in a plan file or folder."""
    with _collector_paused():
        data, positions = read_plan_data(path)
        return validate_plan_data(data, positions)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Building millions of small objects triggers the cyclic GC over and over (quadratic
    in effect); it has nothing to collect here, so it waits until the plan is built."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_plan_data(path: str | os.PathLike[str]) -> tuple[dict[str, Any], Positions]:
    """The raw (not yet validated) data of a plan file or folder, with positions."""
    source = Path(path)
    if not source.exists():
        raise InputNotFound(
            f"no such plan file or folder: {source}", location=Location(str(source))
        )
    if source.is_dir():
        return _read_folder(source)
    try:
        data, positions = parse_document(
            read_text(source, str(source), max_plan_bytes()), str(source)
        )
    except DocumentError as exc:
        raise PlanInvalid([exc.problem]) from None
    if not isinstance(data, dict):
        raise PlanInvalid(
            [
                Problem(
                    "plan.syntax",
                    "a plan is a mapping that starts with 'program: NAME'",
                    positions.locate(()),
                )
            ]
        )
    return data, positions


def _plan_files(folder: Path) -> list[Path]:
    files = [
        p
        for p in folder.rglob("*")
        if p.suffix.lower() in PLAN_SUFFIXES
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    ]
    return sorted(files, key=lambda p: p.relative_to(folder).as_posix())


def _read_folder(folder: Path) -> tuple[dict[str, Any], Positions]:
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
    documents: list[tuple[str, Any, Positions]] = []
    for file in files:
        try:
            data, positions = parse_document(
                read_text(file, str(file), max_plan_bytes()), str(file)
            )
        except DocumentError as exc:
            problems.append(exc.problem)
            continue
        if not isinstance(data, dict):
            problems.append(
                Problem("plan.syntax", "each plan file is a mapping", positions.locate(()))
            )
            continue
        documents.append((str(file), data, positions))
    # the file that names the program comes first, the rest keep file-name order
    documents.sort(key=lambda doc: "program" not in doc[1])
    merged: dict[str, Any] = {}
    merged_positions = Positions()
    for name, data, positions in documents:
        problems.extend(_merge(merged, merged_positions, name, data, positions))
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
    return merged, merged_positions


def _merge(
    merged: dict[str, Any], into: Positions, file: str, data: dict[str, Any], positions: Positions
) -> list[Problem]:
    """Fold one file of a folder into the merged program data."""
    if "tasks" in data and "id" in data and "program" not in data:
        data, positions = _as_project_section(data, positions)
    problems = []
    for key, value in data.items():
        if key in LIST_SECTIONS and isinstance(value, list):
            existing = merged.setdefault(key, [])
            offset = len(existing)
            existing.extend(value)
            into.absorb(_subtree(positions, key), _shift(key, offset))
        elif key in MAPPING_SECTIONS and isinstance(value, dict):
            existing = merged.setdefault(key, {})
            for name, entry in value.items():
                if name in existing:
                    problems.append(
                        Problem(
                            "plan.duplicate_id",
                            f"{key} '{name}' is defined in two files",
                            positions.locate((key, name), key=True),
                        )
                    )
                existing[name] = entry
            into.absorb(_subtree(positions, key), lambda path: path)
        elif key in merged:
            problems.append(
                Problem(
                    "plan.duplicate_key",
                    f"'{key}' is set in more than one file of the folder; set it once",
                    positions.locate((key,), key=True),
                )
            )
        else:
            merged[key] = value
            into.absorb(_subtree(positions, key), lambda path: path)
    into.values.setdefault((), Location(file, 1, 1))
    return problems


def _as_project_section(
    data: dict[str, Any], positions: Positions
) -> tuple[dict[str, Any], Positions]:
    wrapped = Positions()
    wrapped.absorb(positions, lambda path: ("projects", 0, *path))
    return {"projects": [data]}, wrapped


def _subtree(positions: Positions, key: str) -> Positions:
    part = Positions()
    part.values = {p: w for p, w in positions.values.items() if p[:1] == (key,)}
    part.keys = {p: w for p, w in positions.keys.items() if p[:1] == (key,)}
    return part


def _shift(key: str, offset: int) -> Any:
    def remap(path: PathKey) -> PathKey:
        if len(path) >= 2 and isinstance(path[1], int):
            return (key, path[1] + offset, *path[2:])
        return path

    return remap


def validate_plan_data(data: dict[str, Any], positions: Positions | None = None) -> Program:
    """Build the program from raw data; raise every problem found, each located."""
    positions = positions or Positions()
    try:
        program = Program.model_validate(data)
    except ValidationError as exc:
        field_problems = problems_from_validation(exc, data, positions)
        problems = [problem for _, problem in field_problems]
        repaired = _without_bad_fields(data, field_problems)
        if repaired is not None:  # also report cross-reference problems of the rest
            reported = {path for path, _ in field_problems}
            problems.extend(
                Problem(f.code, f.message, positions.locate(f.path))
                for f in check_program(repaired)
                if f.path not in reported
            )
        raise PlanInvalid(_ordered(problems)) from None
    findings = check_program(program)
    if findings:
        raise PlanInvalid(
            _ordered([Problem(f.code, f.message, positions.locate(f.path)) for f in findings])
        )
    return program


def _without_bad_fields(
    data: dict[str, Any], field_problems: list[tuple[PathKey, Problem]]
) -> Program | None:
    """The program with bad fields dropped or replaced by placeholders, if that makes it valid.

    Used only to find the cross-reference problems of the rest of the plan, so that the
    user sees every problem in one run. A few rounds, since a fix can uncover the next.
    """
    trimmed = copy.deepcopy(data)
    paths = [path for path, _ in field_problems]
    for _ in range(3):
        for path in paths:
            _patch(trimmed, path)
        try:
            return Program.model_validate(trimmed)
        except ValidationError as exc:
            paths = [
                _clean_path(trimmed, e["loc"]) + (() if e["type"] != "missing" else (e["loc"][-1],))
                for e in exc.errors()
            ]
    return None


_PLACEHOLDERS: dict[Any, Any] = {str: "?", float: 0.0, int: 0, date: date(2000, 1, 3)}


def _patch(data: dict[str, Any], path: PathKey) -> None:
    """Drop the field holding a bad value, or give a required one a placeholder."""
    field_end = max((i for i, part in enumerate(path) if isinstance(part, str)), default=-1)
    if field_end <= 0:
        return
    parent = _node_at(data, path[:field_end])
    model = model_at(path[:field_end])
    if not isinstance(parent, dict) or model is None:
        return
    name = path[field_end]
    info = next((f for n, f in model.model_fields.items() if (f.alias or n) == name), None)
    if info is not None and info.is_required():
        if info.annotation in _PLACEHOLDERS:
            parent[name] = _PLACEHOLDERS[info.annotation]
    else:
        parent.pop(name, None)


def _node_at(data: Any, path: PathKey) -> Any:
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _ordered(problems: list[Problem]) -> list[Problem]:
    """Problems in reading order: by file, then line, then column."""
    return sorted(
        problems,
        key=lambda p: (p.location.file or "", p.location.line or 0, p.location.column or 0),
    )
