"""Plan as code: load, validate and dump YAML/JSON plan files and folders; JSON Schema."""

from progman.planfile.dumper import dump_plan, dumps_plan, plan_data
from progman.planfile.loader import (
    load_plan,
    load_plan_warned,
    read_plan_data,
    validate_plan_data,
)
from progman.planfile.schema import plan_schema

__all__ = [
    "dump_plan",
    "dumps_plan",
    "load_plan",
    "load_plan_warned",
    "plan_data",
    "plan_schema",
    "read_plan_data",
    "validate_plan_data",
]
