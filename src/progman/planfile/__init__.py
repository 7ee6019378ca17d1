"""Plan as code: load, validate and dump YAML/JSON plan files (temporary minimal version)."""

from __future__ import annotations

from pathlib import Path

import yaml

from progman.domain import Program


def load_plan(path: str | Path) -> Program:
    return Program.model_validate(yaml.safe_load(Path(path).read_text()))


def dump_plan(program: Program, path: str | Path) -> None:
    data = program.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    Path(path).write_text(yaml.safe_dump(data, sort_keys=False))


__all__ = ["dump_plan", "load_plan"]
