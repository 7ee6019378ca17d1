"""Rebuild domain objects from stored contents without validating them a second time.

A stored program was validated and checked when it was saved, and every content is the
``model_dump(mode="json")`` of a valid object. ``Program.model_validate`` would run every
field's validators again; :func:`construct` instead turns the JSON forms back into Python
values (ISO dates, durations, nested models) and builds each model as ``model_construct``
does, recursively, with a builder generated per model. Input forms are still read by the
models' *before* validators (``"A SS+2d"``, ``[2d, 4d, 9d]``, ``{alice: 1.0}``); *after*
and *wrap* validators and a post-init without private state are checks and fast paths
around validation, which the stored data already passed, so they are left out. Tests
compare the result with ``model_validate``'s field by field. A type or validator this
module does not know (a plain validator, one taking ``info``, a custom type) makes its
model fall back to ``model_validate``: slower, never different.
"""

from __future__ import annotations

import copy
import inspect
import types
from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel, BeforeValidator, JsonValue
from pydantic.fields import FieldInfo

from progman.domain.base import checked_instance
from progman.domain.durations import Duration

ModelT = TypeVar("ModelT", bound=BaseModel)
Convert = Callable[[Any], Any]

_MISSING = object()
_PRIMITIVES = (str, int, float, bool, type(None))
#: Metadata that only constrains a value (checked when it was saved): nothing to redo.
_CHECK_ONLY = (AfterValidator,)


class _Unsupported(Exception):
    """A type or validator that only pydantic itself can rebuild."""


def construct(model: type[ModelT], data: Any) -> ModelT:
    """``model.model_validate(data)`` for data dumped from a valid ``model``, without checks.

    The data is taken over: its lists and mappings end up in the objects built.
    """
    result: ModelT = _builder(model)(data)
    return result


# -- builders of models ------------------------------------------------------------------------

_BUILDERS: dict[type[BaseModel], Convert] = {}


def _builder(model: type[BaseModel]) -> Convert:
    builder = _BUILDERS.get(model)
    if builder is None:
        _BUILDERS[model] = _forward(model)  # a model may nest itself (a WBS of work items)
        try:
            builder = _compile_model(model)
        except _Unsupported:
            builder = model.model_validate
        _BUILDERS[model] = builder
    return builder


def _forward(model: type[BaseModel]) -> Convert:
    """The builder of a model still being compiled, looked up when first called."""

    def build(value: Any) -> Any:
        return _BUILDERS[model](value)

    return build


def _compile_model(model: type[BaseModel]) -> Convert:
    """A function building ``model`` from its JSON form, generated for its fields.

    Generated code (as dataclasses do) because this runs once per stored entity: a dict
    display of the fields is several times faster than a loop over them. When a field is
    absent, an unknown key is present or the data is not a mapping, the general path
    :func:`_build_slowly` (defaults, pydantic's error for unknown fields) takes over.
    """
    if model.__pydantic_root_model__ or (
        model.__pydantic_post_init__ and model.__private_attributes__
    ):
        raise _Unsupported(model)  # a post-init without private state only checks: skipped
    if model.model_config.get("extra") == "allow":
        raise _Unsupported(model)
    before = _model_before_validators(model)
    field_validators = _field_validators(model)
    keys: list[tuple[str, str | None, Callable[[], Any] | None]] = []  # name, alias, default
    converters: list[tuple[str, Convert]] = []
    namespace: dict[str, Any] = {"_new": model.__new__, "_model": model, "_set": _set_attribute}
    entries = []
    for number, (name, info) in enumerate(model.__pydantic_fields__.items()):
        alias = info.alias if info.alias and info.alias != name else None
        keys.append((name, alias, _default_maker(info)))
        convert = _field_converter(info)
        for wrap in field_validators.get(name, ()):  # the last defined runs first
            convert = wrap(convert)
        if convert is None:
            entries.append(f"{name!r}: value[{name!r}]")
        else:
            converters.append((name, convert))
            namespace[f"_convert{number}"] = convert
            # None stays None; so does an empty list where converting one changes nothing
            test = f"(item := value[{name!r}]) is None"
            if _keeps_empty_list(info, convert):
                test += " or (type(item) is list and not item)"
            entries.append(f"{name!r}: item if {test} else _convert{number}(item)")
    # Shared by every instance built here: it names every field, and pydantic only ever
    # adds names to it (on assignment) or copies it, so sharing it changes nothing.
    namespace["_all"] = {name for name, _, _ in keys}
    namespace["_slowly"] = lambda value: _build_slowly(model, value, keys, converters)
    namespace["_validate"] = model.model_validate
    lines = ["def build(value):"]
    for number, validator in enumerate(before):
        namespace[f"_before{number}"] = validator
        lines.append(f"    value = _before{number}(value)")
    lines += [
        "    if type(value) is not dict:",
        "        return _validate(value)",
        f"    if len(value) != {len(keys)}:",
        "        return _slowly(value)",
        "    try:",
        "        values = {" + ", ".join(entries) + "}",
        "    except KeyError:",
        "        return _slowly(value)",
        "    instance = _new(_model)",
        "    _set(instance, '__dict__', values)",
        "    _set(instance, '__pydantic_fields_set__', _all)",
        "    _set(instance, '__pydantic_extra__', None)",
        "    _set(instance, '__pydantic_private__', None)",
        "    return instance",
    ]
    exec("\n".join(lines), namespace)
    built: Convert = namespace["build"]
    return built


def _build_slowly(
    model: type[BaseModel],
    value: dict[str, Any],
    keys: list[tuple[str, str | None, Callable[[], Any] | None]],
    converters: list[tuple[str, Convert]],
) -> Any:
    """The general case: defaults for absent fields; unknown keys are pydantic's to reject."""
    values: dict[str, Any] = {}
    given: set[str] = set()
    for name, alias, default in keys:
        item = value.get(name, _MISSING)
        if item is _MISSING and alias is not None:
            item = value.get(alias, _MISSING)
        if item is not _MISSING:
            values[name] = item
            given.add(name)
        elif default is None:
            return model.model_validate(value)  # a required field is missing: pydantic's error
        else:
            values[name] = default()
    if len(given) != len(value):
        return model.model_validate(value)  # unknown fields: the usual error
    for name, convert in converters:
        if name in given and values[name] is not None:
            values[name] = convert(values[name])
    return checked_instance(model, values, given)


_set_attribute = object.__setattr__


def _default_maker(info: FieldInfo) -> Callable[[], Any] | None:
    """How to make a field's default without pydantic's per-call introspection (None: required)."""
    if info.is_required():
        return None
    factory = info.default_factory
    if factory is None:
        default = info.default
        if isinstance(default, list | dict | set):  # pydantic copies mutable defaults
            return lambda: copy.deepcopy(default)
        return lambda: default
    if _takes_arguments(factory):  # a factory of the validated data: pydantic's to call
        raise _Unsupported(info)
    return factory  # type: ignore[return-value]


def _takes_arguments(function: Callable[..., Any]) -> bool:
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.default is p.empty and p.kind is not p.VAR_KEYWORD for p in parameters)


def _model_before_validators(model: type[BaseModel]) -> tuple[Convert, ...]:
    decorators = model.__pydantic_decorators__
    if decorators.root_validators or decorators.validators:
        raise _Unsupported(model)
    before = []
    for decorator in decorators.model_validators.values():
        mode = decorator.info.mode
        if mode == "before":
            before.append(_plain_function(decorator.func))
        elif mode != "after":
            raise _Unsupported(model)
    return tuple(reversed(before))  # like pydantic: the last defined runs first


def _field_validators(
    model: type[BaseModel],
) -> dict[str, list[Callable[[Convert | None], Convert]]]:
    """Per field, in definition order, how each field validator wraps the inner conversion.

    A *before* validator runs ahead of it (it reads input forms). *After* validators only
    check, and *wrap* validators are, in this domain, fast paths and checks around the
    plain validation (bare links, plain task lists): the stored data went through them
    when it was saved, so both are left out. A wrap validator that changed values would
    show as a difference in the tests that compare with ``model_validate``.
    """
    result: dict[str, list[Callable[[Convert | None], Convert]]] = {}
    for decorator in model.__pydantic_decorators__.field_validators.values():
        mode = decorator.info.mode
        if mode in ("after", "wrap"):
            continue
        if mode != "before":
            raise _Unsupported(model)
        wrap = partial(_then, _plain_function(decorator.func))
        fields = decorator.info.fields
        if "*" in fields:
            fields = tuple(model.__pydantic_fields__)
        for name in fields:
            result.setdefault(name, []).append(wrap)
    return result


def _plain_function(function: Any) -> Convert:
    """A validator taking the value alone (one taking ``info`` needs pydantic's context)."""
    if _positional_count(function) != 1:
        raise _Unsupported(function)
    converted: Convert = function
    return converted


def _positional_count(function: Any) -> int:
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        raise _Unsupported(function) from None
    return sum(
        1
        for p in parameters
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
    )


# -- converters of field values ----------------------------------------------------------------


def _field_converter(info: FieldInfo) -> Convert | None:
    convert = _converter(info.annotation)
    return _with_metadata(convert, info.metadata)


def _with_metadata(convert: Convert | None, metadata: list[Any]) -> Convert | None:
    """Apply ``BeforeValidator`` functions first (the last one listed runs first, as in
    pydantic); constraints and after validators only check."""
    for item in metadata:
        if isinstance(item, BeforeValidator):
            convert = _then(_plain_function(item.func), convert)
        elif isinstance(item, FieldInfo):
            convert = _with_metadata(convert, item.metadata)
        elif isinstance(item, _CHECK_ONLY) or not hasattr(item, "__get_pydantic_core_schema__"):
            continue
        else:
            raise _Unsupported(item)
    return convert


def _keeps_empty_list(info: FieldInfo, convert: Convert) -> bool:
    """Whether a list field's conversion leaves an empty list as it is (then it is skipped)."""
    if get_origin(info.annotation) is not list:
        return False
    try:
        return bool(convert([]) == [])
    except Exception:  # a validator refusing an empty list: never skip it
        return False


def _then(first: Convert, second: Convert | None) -> Convert:
    if second is None:
        return first
    return lambda value: second(first(value))


def _converter(annotation: Any) -> Convert | None:
    """How to turn the JSON form of ``annotation`` back into its Python value (None: as is)."""
    if annotation is Any or annotation is JsonValue or annotation in _PRIMITIVES:
        return None
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *metadata = get_args(annotation)
        return _with_metadata(_converter(base), metadata)
    if origin is Literal:
        return None
    if origin is Union or origin is types.UnionType:
        return _union_converter(get_args(annotation))
    if origin is list:
        (item_type,) = get_args(annotation) or (Any,)
        item = _converter(item_type)
        return None if item is None else lambda values: [item(v) for v in values]
    if origin is dict:
        key_type, value_type = get_args(annotation) or (Any, Any)
        if _converter(key_type) is not None:
            raise _Unsupported(annotation)
        value = _converter(value_type)
        return None if value is None else lambda values: {k: value(v) for k, v in values.items()}
    if annotation is Duration:
        return _duration
    if annotation is datetime:
        return _datetime
    if annotation is date:
        return _date
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _builder(annotation)
    raise _Unsupported(annotation)


def _union_converter(members: tuple[Any, ...]) -> Convert | None:
    options = [m for m in members if m is not type(None)]
    converters = [_converter(m) for m in options]
    if all(c is None for c in converters):
        return None  # JSON keeps the exact primitive type that smart-mode unions keep
    if len(options) == 1:
        return converters[0]  # None never reaches a converter
    if set(options) == {date, datetime}:
        return _date_or_datetime
    raise _Unsupported(members)


def _date(value: Any) -> Any:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _datetime(value: Any) -> Any:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _date_or_datetime(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if "T" in value or " " in value:
        return datetime.fromisoformat(value)
    return date.fromisoformat(value)


def _duration(value: Any) -> Any:
    try:
        return _DURATIONS[value]
    except (KeyError, TypeError):
        pass
    if isinstance(value, Duration):
        return value
    parsed = Duration.parse(value)
    if type(value) is str and len(_DURATIONS) < _DURATIONS_KEPT:
        _DURATIONS[value] = parsed
    return parsed


#: Durations repeat (``3d``, ``0d``) and are immutable: each text is parsed once.
_DURATIONS: dict[Any, Duration] = {}
_DURATIONS_KEPT = 4096
