"""The program's ``scheduling`` block: defaults, the plan format, the JSON Schema."""

from __future__ import annotations

import pytest
import yaml

from progman.domain.scheduling import LAG_CALENDARS, PROGRESS_MODES
from progman.errors import PlanInvalid
from progman.planfile import validate_plan_data
from progman.planfile.dumper import dumps_plan
from progman.planfile.schema import plan_schema

PLAN = {"program": "Settings", "key": "SET", "start": "2027-03-01"}


def test_a_plan_without_the_block_keeps_progmans_rules_and_writes_none():
    program = validate_plan_data(PLAN)
    assert program.scheduling.lag_calendar == "successor"
    assert program.scheduling.progress == "data_date"
    assert "scheduling" not in dumps_plan(program)


@pytest.mark.parametrize("lag_calendar", LAG_CALENDARS)
@pytest.mark.parametrize("progress", PROGRESS_MODES)
def test_every_setting_survives_a_round_trip(lag_calendar, progress):
    chosen = {"lag_calendar": lag_calendar, "progress": progress}
    program = validate_plan_data({**PLAN, "scheduling": chosen})
    again = validate_plan_data(yaml.safe_load(dumps_plan(program)))
    assert again.scheduling == program.scheduling
    assert again.scheduling.model_dump() == chosen


def test_a_wrong_value_names_the_field_and_the_choices():
    with pytest.raises(PlanInvalid) as raised:
        validate_plan_data({**PLAN, "scheduling": {"progress": "ms_project"}})
    text = str(raised.value)
    assert "progress" in text and "'data_date'" in text and "'continuous'" in text


def test_the_schema_offers_the_choices_to_editors():
    settings = plan_schema()["$defs"]["SchedulingSettings"]["properties"]
    assert settings["lag_calendar"]["enum"] == list(LAG_CALENDARS)
    assert settings["progress"]["enum"] == list(PROGRESS_MODES)
