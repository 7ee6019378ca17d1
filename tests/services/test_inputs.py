"""services/inputs.py: option text to domain values, each mistake a usage error naming the
option to fix (the CLI prints it as its own usage errors, exit 2; the API as a 400)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest

from progman.domain import Duration
from progman.errors import UsageError
from progman.planfile import load_plan
from progman.services.inputs import (
    FreeQuery,
    check_project,
    parse_changes,
    parse_date,
    parse_dependency,
    parse_duration,
    parse_free_query,
    parse_link,
    parse_plan_value,
    parse_set,
    parse_window,
    parse_working_days,
)


def usage_error(call, *args, **kwargs) -> UsageError:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError) as caught:
        call(*args, **kwargs)
    assert caught.value.exit_code == 2 and caught.value.code == "usage.invalid"
    return caught.value


def test_dates():
    assert parse_date(None) is None
    assert parse_date("2027-04-30") == date(2027, 4, 30)
    error = usage_error(parse_date, "2027-02-30")
    assert error.option == "--status-date"
    assert error.message == "'2027-02-30' is not a date; write YYYY-MM-DD, e.g. 2027-04-30"
    assert usage_error(parse_date, "soon", "--from").option == "--from"


def test_a_window_is_two_dates_in_order():
    assert parse_window(("2027-03-01", "2027-03-31")) == (date(2027, 3, 1), date(2027, 3, 31))
    error = usage_error(parse_window, ("2027-03-31", "2027-03-01"))
    assert (error.option, error.message) == ("--between", "D2 is before D1")
    assert "'nope' is not a date" in usage_error(parse_window, ("2027-03-01", "nope")).message


def test_durations():
    assert parse_duration(None, "--slip") is None
    assert parse_duration("10d", "--slip") == Duration.parse("10d")
    error = usage_error(parse_duration, "soon", "--slip")
    assert error.option == "--slip" and error.message.startswith("invalid duration 'soon'")


@pytest.mark.parametrize(("text", "days"), [("5d", 5), ("2w", 10), (" 3 ", 3), ("1 d", 1)])
def test_working_days(text, days):
    assert parse_working_days(text, "--free") == days


@pytest.mark.parametrize("text", ["0d", "zz", "-1d", "1.5d", "3h"])
def test_working_days_are_whole_and_positive(text):
    error = usage_error(parse_working_days, text, "--free")
    assert error.option == "--free"
    assert error.message == f"{text!r} is not a number of working days; write e.g. 10d or 2w"


def test_a_project_of_the_plan(contract_plan):
    program = load_plan(contract_plan)
    check_project(program, "WEB")
    error = usage_error(check_project, program, "WBE")
    assert error.option == "--project"
    assert error.message == "no project 'WBE' in the plan; did you mean 'WEB'?"
    assert usage_error(check_project, program, "ZZZZ").message.endswith("the plan has API, WEB")


def test_links():
    assert parse_link("API.spec:WEB.build") == ("API.spec", "WEB.build")
    error = usage_error(parse_link, "API.ready")
    assert error.option == "--link"
    assert error.message == "'API.ready': write the link as PRED:SUCC, e.g. API.spec:WEB.build"


def test_the_free_query():
    assert parse_free_query(None, "5d", None) is None
    assert parse_free_query("python", "2w", ("2027-03-01", "2027-03-31"), 0.5) == FreeQuery(
        "python", 10, date(2027, 3, 1), date(2027, 3, 31), 0.5
    )
    assert usage_error(parse_free_query, None, "0d", None).option == "--free"  # even alone
    error = usage_error(parse_free_query, "python", "5d", None)
    assert (error.option, error.message) == ("--between", "--skill needs --between D1 D2")


def test_set_changes():
    change = parse_set("API.auth.duration=12d")
    assert (change.op, change.target, change.field, change.value) == (
        "set",
        "API.auth",
        "duration",
        "12d",
    )
    assert parse_set("MOB.build.depends=[API.auth, WEB.ui]").value == ["API.auth", "WEB.ui"]
    assert parse_set("alice.capacity=0.5").value == 0.5
    assert parse_set("API.auth.deadline=").value is None
    for text in ("bad", "B.duration", "duration=3d"):
        error = usage_error(parse_set, text)
        assert error.option == "--set"
        assert error.message == f"{text!r}: write ID.FIELD=VALUE, e.g. API.auth.duration=12d"
    error = usage_error(parse_set, "API.spec.duration=[1")
    assert error.option == "--set" and error.message.startswith("'[1' is not a plan value: ")
    error = usage_error(parse_set, "a b.duration=3d")  # not an id: no pydantic traceback
    assert error.option == "--set" and "should match pattern" in error.message


def test_dependency_changes():
    change = parse_dependency("MOB.build:API.auth FS+2d")
    assert (change.op, change.target, change.field) == ("add", "MOB.build", "depends")
    assert change.value == {"task": "API.auth", "type": "FS", "lag": "2d"}
    error = usage_error(parse_dependency, "C B")
    assert error.option == "--add-dep"
    assert error.message.startswith("'C B': write SUCCESSOR:PREDECESSOR [TYPE±LAG]")
    error = usage_error(parse_dependency, "WEB.build:API.spec XX+2d")
    assert error.option == "--add-dep"
    assert error.message.startswith("invalid dependency 'API.spec XX+2d'")


def test_changes_keep_the_order_of_the_options():
    changes = parse_changes(["A.duration=2d"], ["B:A"], [" C "])
    assert [(c.op, c.target) for c in changes] == [("set", "A"), ("add", "B"), ("remove", "C")]
    assert parse_changes() == []
    assert usage_error(parse_changes, removals=["a b"]).option == "--remove"


def test_plan_values_are_read_as_in_a_plan_file():
    assert parse_plan_value("  ", "--set") is None
    assert parse_plan_value("no", "--set") == "no"  # YAML 1.1's boolean stays text
    assert parse_plan_value("{a: 1}", "--set") == {"a": 1}


def test_importing_it_loads_neither_the_domain_nor_the_engine():
    script = (
        "import sys, json, progman.services.inputs\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('pydantic', "
        "'numba', 'progman.domain', 'progman.engine', 'progman.planfile')))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout) == []
