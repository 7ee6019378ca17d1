"""The published JSON Schema accepts real plans (short forms included) and rejects bad ones."""

from __future__ import annotations

import json

import jsonschema
import pytest

from progman.planfile import load_plan, plan_data, plan_schema
from progman.planfile.loader import read_plan_data


@pytest.fixture(scope="module")
def validator():
    schema = plan_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _as_json(data):
    return json.loads(json.dumps(data, default=str))


def test_hand_written_plans_are_valid(validator, sample_plan, contract_plan):
    for path in (sample_plan, contract_plan):
        data, _ = read_plan_data(path)
        errors = [e.message for e in validator.iter_errors(_as_json(data))]
        assert errors == [], (path, errors[:5])


def test_dumped_plan_is_valid(validator, sample_plan):
    assert list(validator.iter_errors(plan_data(load_plan(sample_plan), json_mode=True))) == []


def test_schema_rejects_bad_plans(validator, contract_plan):
    data = _as_json(read_plan_data(contract_plan)[0])
    data["projects"][0]["tasks"][0]["duration"] = "ten days"
    data["projects"][0]["tasks"][1]["colour"] = "red"
    assert len(list(validator.iter_errors(data))) >= 2
