"""Turn pydantic validation errors into plan problems that read well and say where."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable
from typing import Any, NamedTuple

from pydantic import BaseModel, ValidationError

from progman.domain import Program
from progman.domain.validation import did_you_mean
from progman.planfile.expected import expected_text
from progman.planfile.source import PathKey


class FieldProblem(NamedTuple):
    """A problem of one field, not yet placed in the text (see :mod:`progman.planfile.places`)."""

    path: PathKey
    key: bool  # the mapping key is at fault (an unknown field), not its value
    code: str
    message: str


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model class inside ``list[X] | None`` / ``dict[str, X]`` / ``X``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _model_in(typing.get_args(annotation)[0])
    if origin in (list, dict, tuple, typing.Union, types.UnionType):
        args = typing.get_args(annotation)
        for arg in reversed(args) if origin is dict else args:
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def _field_names(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def model_at(path: PathKey) -> type[BaseModel] | None:
    """Which model a data path points into (``("projects", 0)`` → Project)."""
    model: type[BaseModel] | None = Program
    container = False  # inside a list/dict field: the next part is an index or a key
    for part in path:
        if model is None:
            return None
        if container:
            container = False
            continue
        fields = {info.alias or name: info for name, info in model.model_fields.items()}
        info = fields.get(str(part))
        if info is None:
            return None
        annotation = info.annotation
        origin = typing.get_origin(annotation)
        if origin in (types.UnionType, typing.Union):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else annotation
            origin = typing.get_origin(annotation)
        container = origin in (list, dict)
        model = _model_in(annotation)
    return model


def _entity_hint(data: Any, path: PathKey) -> str:
    """`` (task 'API.auth')``: the id of the nearest enclosing entity, for context."""
    node, nearest = data, ""
    for part in path:
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            nearest = node["id"]
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
    return f" (in '{nearest}')" if nearest else ""


def clean_path(data: Any, loc: Iterable[Any]) -> PathKey:
    """Keep the parts of a pydantic ``loc`` that exist in the data (drop union/validator tags)."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            node = node[part]
            path.append(part)
        elif isinstance(node, dict | list):
            # a missing or unknown key still names where it belongs
            if isinstance(part, str) and isinstance(node, dict):
                path.append(part)
            break
        else:
            break
    return tuple(path)


def _expected(error: Any, path: PathKey, data: Any) -> tuple[str, str] | None:
    """The field and what it expects in the plan's words (:mod:`.expected`), if known."""
    field_at = max((i for i, part in enumerate(path) if isinstance(part, str)), default=None)
    if field_at is None:
        return None
    holder = model_at(path[:field_at])
    return expected_text(error, path, data, holder.__name__ if holder else None)


def _message(error: Any, path: PathKey, data: Any) -> str:
    kind = error["type"]
    field = path[-1] if path else "plan"
    context = _entity_hint(data, path)
    if kind == "extra_forbidden":
        model = model_at(path[:-1])
        hint = did_you_mean(str(field), _field_names(model)) if model else ""
        return f"unknown field '{field}'{context}{hint}"
    if kind == "missing":
        return f"missing required field '{field}'{context}"
    expected = _expected(error, path, data)
    if expected is not None:
        named, text = expected
        return f"{named}{context}: {text}"
    text = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    if kind == "string_pattern_mismatch":
        text = "ids may hold letters, digits and _ . - / : and no spaces"
        return f"invalid id {error.get('input')!r} in '{field}'{context}: {text}"
    if kind in ("model_type", "dict_type"):  # a task written as text, a list for a mapping
        model = model_at(path)
        fields = [f for f in _field_names(model) if f in ("id", "name")] if model else []
        shape = f" such as {{{', '.join(f'{f}: ...' for f in fields)}}}" if fields else ""
        return f"expected a mapping of fields{shape}{context}, got {error.get('input')!r}"
    if kind.startswith("literal_error"):
        return f"invalid value {error.get('input')!r} for '{field}'{context}: {text}"
    return f"{field}{context}: {text}" if not isinstance(field, int) else f"{text}{context}"


def problems_from_validation(exc: ValidationError, data: Any) -> list[FieldProblem]:
    """One problem per distinct location, with the most useful message for it."""
    seen: set[PathKey] = set()
    found: list[FieldProblem] = []
    for error in exc.errors(include_url=False):
        path = clean_path(data, error["loc"])
        if error["type"] == "missing" and not (path and path[-1] == error["loc"][-1]):
            path = (*path, error["loc"][-1])
        if path in seen:
            continue
        seen.add(path)
        code = {"extra_forbidden": "plan.unknown_field", "missing": "plan.missing_field"}.get(
            error["type"], "plan.invalid_value"
        )
        found.append(
            FieldProblem(
                path, error["type"] == "extra_forbidden", code, _message(error, path, data)
            )
        )
    return found
