"""What a plan field expects, in the plan's own words, for pydantic's type errors.

pydantic says ``Input should be a valid dictionary or instance of Assignment``; a plan's
author needs ``resources (in 'API.build'): write {person: units}, e.g. {alice: 1.0}, or a
list of {resource, units}, not 'alice'``. :func:`expected_text` gives the field to name and
that text for the common error types, from the field (how it is written in a plan) and the
error's type (a number, a date, a list, a bound); it gives None where it knows no better
than the caller's generic message. See :func:`progman.planfile.errors.problems_from_validation`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from progman.planfile.source import PathKey

#: How the structured fields are written, by (model, field): for a value of the wrong shape.
HOW_TO_WRITE: dict[tuple[str, str], str] = {
    ("WorkItem", "resources"): "write {person: units}, e.g. {alice: 1.0}, or a list of "
    "{resource, units}",
    ("WorkItem", "depends"): 'write a list of task ids, e.g. [API.auth, "WEB.ui SS+2d"]',
    ("WorkItem", "constraint"): "write {type: snet, date: 2027-02-01} or 'SNET 2027-02-01'",
    ("WorkItem", "estimate"): "write three durations, optimistic, most likely and "
    "pessimistic: [8d, 10d, 16d]",
    ("WorkItem", "checklist"): "write a list of items, e.g. [Code reviewed, {text: Tests "
    "pass, done: true}]",
    ("WorkItem", "tasks"): "write a list of work items, each {id: ..., name: ...}",
    ("WorkItem", "tags"): "write a list, e.g. [frontend, payments]",
    ("Project", "tags"): "write a list, e.g. [frontend, payments]",
    ("Project", "objectives"): "write {objective: weight}, e.g. {O1: 0.5}",
    ("Resource", "skills"): "write a list, e.g. [python, api]",
    ("Resource", "vacations"): "write a list of days or ranges, e.g. [2027-05-31, "
    "{start: 2027-08-02, finish: 2027-08-13}]",
    ("Resource", "availability"): "write a list of periods, e.g. [{start: 2027-07-01, "
    "finish: 2027-08-31, capacity: 0.5}]",
    ("Calendar", "holidays"): "write a list of days or ranges, e.g. [2027-05-31, "
    "{start: 2027-12-24, finish: 2027-12-31}]",
    ("Calendar", "working_days"): "write a list of days or ranges, e.g. [2027-06-05]",
    ("Calendar", "workdays"): "write a list of days, e.g. [mon, tue, wed, thu, fri]",
    ("Program", "calendars"): "write {name: {workdays: [mon, tue, wed, thu, fri], "
    "hours_per_day: 8}}",
    ("Risk", "impact"): "write {schedule: 15d, cost: 40000}",
    ("Risk", "residual"): "write {probability: 0.1, impact: {schedule: 5d}}",
    ("Risk", "affects"): "write a list of task ids, e.g. [API.auth]",
}
#: What a number in these fields means, said after a bound it breaks.
MEANING: dict[str, str] = {
    "probability": "a share: 0.3 is 30 %",
    "percent_complete": "a percentage, 0 to 100",
    "capacity": "FTE: 1.0 is full time",
    "units": "1.0 is full time, 0.5 half",
    "priority": "0 to 1000, higher first",
    "hours_per_day": "hours of a working day",
}
#: A number to show as an example, by field (else 0.5, or 800 for a whole number).
EXAMPLE: dict[str, str] = {
    "hours_per_day": "8",
    "rate": "95",
    "cost": "40000",
    "budget": "250000",
    "fixed_cost": "5000",
    "story_points": "5",
    "target": "200000",
}
_NUMBERS = {"float_parsing", "float_type", "finite_number"}
_WHOLE = {"int_parsing", "int_type", "int_from_float"}
_BOOLS = {"bool_parsing", "bool_type"}
_DATES = {
    "date_parsing",
    "date_type",
    "date_from_datetime_parsing",
    "date_from_datetime_inexact",
    "datetime_parsing",
    "datetime_type",
    "datetime_from_date_parsing",
}
_SHAPES = {"model_type", "dict_type", "list_type", "model_attributes_type"}
_BOUNDS = {
    "greater_than_equal": ("ge", "at least"),
    "greater_than": ("gt", "more than"),
    "less_than_equal": ("le", "at most"),
    "less_than": ("lt", "less than"),
}


def expected_text(
    error: Mapping[str, Any], path: PathKey, data: Any, model: str | None
) -> tuple[str, str] | None:
    """The field to name and what it expects, for pydantic's ``error`` at ``path`` (the
    part of its ``loc`` the data has) in the plan ``data``; ``model`` is the name of the
    model holding that field. None: no better words than the generic message."""
    kind = str(error["type"])
    loc = tuple(error["loc"])
    field = next((part for part in reversed(path) if isinstance(part, str)), None)
    if field is None:
        return None
    given = _shown(error.get("input"))
    inner = loc[len(path) :]
    # {alice: x} is read as [{resource: alice, units: x}]: name the person and the units
    node = _node(data, path)
    if isinstance(node, dict) and inner and isinstance(inner[0], int) and field == "resources":
        people = list(node)
        if inner[0] < len(people):
            what = _number_words(kind, error, inner[-1] if len(inner) > 1 else "units")
            if what is not None:
                return field, f"the {inner[-1]} of {people[inner[0]]}: {what}, not {given}"
    if kind in _SHAPES:
        how = HOW_TO_WRITE.get((model or "", field))
        if how is None:
            if kind != "list_type":
                return None  # the caller says which mapping it expected
            how = "write a list, e.g. [a, b]"
        return field, f"{how}, not {given}"
    what = _number_words(kind, error, field)
    if what is not None:
        return field, f"{what}, not {given}"
    if kind in _DATES:
        return field, f"write a date as YYYY-MM-DD, e.g. 2027-03-01, not {given}"
    if kind in _BOOLS:
        return field, f"write true or false, not {given}"
    if kind == "string_type":
        return field, f"write text (in quotes if it looks like a number or a date), not {given}"
    if kind in ("too_short", "too_long"):
        context = error.get("ctx") or {}
        bound = context.get("min_length" if kind == "too_short" else "max_length")
        many = "at least" if kind == "too_short" else "at most"
        return field, f"needs {many} {bound} entries, not {context.get('actual_length')}"
    text = str(error.get("msg", ""))
    if text.startswith("Input should be "):
        return field, f"should be {text.removeprefix('Input should be ')}, not {given}"
    return None


def _number_words(kind: str, error: Mapping[str, Any], field: str | int) -> str | None:
    """``write a number, e.g. 0.5`` and the like, or None for an error of another kind."""
    meaning = MEANING.get(str(field))
    said = f" ({meaning})" if meaning else ""
    if kind in _NUMBERS:
        return f"write a number, e.g. {EXAMPLE.get(str(field), '0.5')}{said}"
    if kind in _WHOLE:
        return f"write a whole number, e.g. {EXAMPLE.get(str(field), '800')}{said}"
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        bound = (error.get("ctx") or {}).get(key)
        shown = f"{bound:g}" if isinstance(bound, int | float) else str(bound)
        return f"must be {words} {shown}{said}"
    return None


def _node(data: Any, path: PathKey) -> Any:
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _shown(value: Any) -> str:
    """A value as the plan wrote it: text quoted, a date as a date, short."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."
