"""The published JSON Schema of the plan format, for editors' completion and checking."""

from __future__ import annotations

from typing import Any

from progman.domain import Program
from progman.domain.durations import DURATION_REGEX

SCHEMA_ID = "https://progman.dev/schema/plan.json"

_DATE = {"type": "string", "format": "date"}
_CONSTRAINT_TEXT = {
    "type": "string",
    "pattern": r"^(?i:(asap|alap)|(snet|snlt|fnet|fnlt|mso|mfo)\s+\d{4}-\d{2}-\d{2}.*)$",
    "description": "short form: 'SNET 2027-03-01'",
}


def plan_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a plan file, including the short forms it accepts."""
    schema = Program.model_json_schema(by_alias=True, mode="validation")
    defs = schema.get("$defs", {})
    _accept_short_form(defs, "DateRange", _DATE)
    _accept_short_form(defs, "Constraint", _CONSTRAINT_TEXT)
    _accept_short_form(defs, "ChecklistItem", {"type": "string"})
    work_item = defs["WorkItem"]["properties"]
    assignment_short = {
        "type": "object",
        "description": "short form: resource id -> units (1.0 = full time) or {units, work}",
        "additionalProperties": {
            "anyOf": [
                {"type": "number", "minimum": 0},
                {
                    "type": "object",
                    "properties": {
                        "units": {"type": "number", "minimum": 0},
                        "work": {"type": "string", "pattern": DURATION_REGEX},
                    },
                    "additionalProperties": False,
                },
            ]
        },
    }
    work_item["resources"] = {"anyOf": [assignment_short, work_item["resources"]]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "progman plan",
    }


def _accept_short_form(defs: dict[str, Any], name: str, short: dict[str, Any]) -> None:
    full = defs[name]
    defs[name] = {"anyOf": [short, full], "title": full.get("title", name)}
    if "description" in full:
        defs[name]["description"] = full["description"]
