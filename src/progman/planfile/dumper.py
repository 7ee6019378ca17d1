"""Write a program as a plan file (YAML or JSON) or a folder of files, losing no data.

Defaults are left out and short forms are used where they hold all the data
(``resources: {alice: 1.0}``, ``depends: ["API.auth SS+5d"]``), so a dumped plan reads
like a hand-written one and loads back to an equal :class:`Program`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson
import yaml

from progman.collector import collector_paused
from progman.domain import Program
from progman.errors import ProgmanError

_FLOW_WIDTH = 90


_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"


def _is_plain(value: Any) -> bool:
    return not isinstance(value, dict | list)


def _short(items: list[Any]) -> bool:
    return len(", ".join(str(v) for v in items)) <= _FLOW_WIDTH


def _flow_list(data: list[Any]) -> bool:
    return all(_is_plain(v) for v in data) and _short(data)


def _flow_dict(data: dict[str, Any]) -> bool:
    return (
        bool(data)
        and all(_is_plain(v) for v in data.values())
        and _short([f"{k}: {v}" for k, v in data.items()])
        and "id" not in data
        and "name" not in data
    )


class _PlanDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Block style for structure, flow style for short lists and maps of plain values.

    Strings, lists and maps become the nodes PyYAML's representers make, in one step
    instead of its generic dispatch; and the resolver the C emitter asks twice per scalar
    (would its text read back as another type?) matches each text once. Both ran in
    Python for each of a large plan's nodes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._resolved: dict[str, str] = {}

    def represent_data(self, data: Any) -> yaml.Node:
        kind = type(data)
        if kind is str:  # represent_str: a plain scalar, never an alias
            self.alias_key = None
            return yaml.ScalarNode(_STR_TAG, data, style=self.default_style)
        if kind is not dict and kind is not list:
            node: yaml.Node = super().represent_data(data)
            return node
        known = self.represented_objects.get(id(data))
        if known is not None:  # the same object again: an alias, as PyYAML writes it
            return known  # type: ignore[no-any-return]
        self.object_keeper.append(data)
        if kind is dict:
            pairs: list[tuple[yaml.Node, yaml.Node]] = []
            node = yaml.MappingNode(_MAP_TAG, pairs, flow_style=_flow_dict(data))
            self.represented_objects[id(data)] = node
            for key, value in data.items():
                pairs.append((self.represent_data(key), self.represent_data(value)))
            return node
        items: list[yaml.Node] = []
        node = yaml.SequenceNode(_SEQ_TAG, items, flow_style=_flow_list(data))
        self.represented_objects[id(data)] = node
        for value in data:
            items.append(self.represent_data(value))
        return node

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        """The tag a scalar's text reads back as: decided by the text alone (this dumper
        has no path resolvers), so each text is matched against the patterns once."""
        if kind is not yaml.ScalarNode or self.yaml_path_resolvers:
            tag: str = super().resolve(kind, value, implicit)
            return tag
        if not implicit[0]:
            return str(self.DEFAULT_SCALAR_TAG)
        found = self._resolved.get(value)
        if found is None:
            found = self._resolved[value] = super().resolve(kind, value, implicit)
        return found


def _prune(value: Any) -> Any:
    """Drop keys whose value is an empty list or mapping: those are the defaults."""
    if isinstance(value, dict):
        return {k: _prune(v) for k, v in value.items() if v not in ([], {})}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def plan_data(program: Program, *, json_mode: bool = False) -> dict[str, Any]:
    """The program as plain data in plan-file shape (what the file holds)."""
    data = program.model_dump(
        mode="json" if json_mode else "python", by_alias=True, exclude_defaults=True
    )
    pruned: dict[str, Any] = _prune(data)
    return pruned


def dumps_plan(program: Program, fmt: str = "yaml") -> str:
    """The plan as YAML or JSON text (no cyclic collection meanwhile: the plan data and
    YAML's nodes are many small acyclic objects, and each full collection walked them)."""
    with collector_paused():
        if fmt == "json":  # orjson: the text of json.dumps(indent=2), several times faster
            text = orjson.dumps(plan_data(program, json_mode=True), option=orjson.OPT_INDENT_2)
            return text.decode() + "\n"
        return _yaml_text(plan_data(program))


def _yaml_text(data: Any) -> str:
    text: str = yaml.dump(
        data,
        Dumper=_PlanDumper,
        sort_keys=False,
        allow_unicode=True,
        width=120,
        default_flow_style=False,
    )
    return text


def dump_plan(program: Program, path: str | os.PathLike[str]) -> None:
    """Write the plan to ``path``: ``.json``, ``.yaml``/``.yml``, or a folder (no suffix)."""
    target = Path(path)
    if target.is_dir() or not target.suffix:
        _dump_folder(program, target)
    elif target.suffix.lower() == ".json":
        _write(target, dumps_plan(program, "json"))
    else:
        _write(target, dumps_plan(program, "yaml"))


def _dump_folder(program: Program, folder: Path) -> None:
    """``program.yaml`` with everything but projects, then ``projects/NN-ID.yaml`` each."""
    if folder.exists() and any(folder.iterdir()):
        raise ProgmanError(
            f"folder {folder} is not empty; write a plan folder into a new or empty folder"
        )
    data = plan_data(program)
    projects = data.pop("projects", [])
    _write(folder / "program.yaml", _yaml_text(data))
    width = max(2, len(str(len(projects))))
    for number, project in enumerate(projects, start=1):
        name = f"{number:0{width}d}-{_safe_name(project['id'])}.yaml"
        _write(folder / "projects" / name, _yaml_text({"projects": [project]}))


def _safe_name(ident: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in ident)


def _write(path: Path, text: str) -> None:
    """Write atomically: a crash mid-write never leaves a half-written plan behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
