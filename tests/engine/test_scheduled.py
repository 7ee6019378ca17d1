"""A sealed revision's schedule is kept, and a variant that only sets task durations is
scheduled from the kept network with those durations changed: the same schedule as a fresh
build, or a fresh build whenever the change is more than that."""

from __future__ import annotations

import copy

import pytest

from progman.domain import Program
from progman.domain.checked import seal
from progman.domain.governance import ChangeItem
from progman.domain.scenarios import apply_changes
from progman.engine import build, scheduled
from progman.engine.schedule import schedule
from progman.planfile import load_plan
from progman.samples import sample_plan_path


@pytest.fixture
def sealed() -> Program:
    program = load_plan(sample_plan_path())
    seal(program)
    return program


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[Program]:
    """The programs built from scratch from now on."""
    made: list[Program] = []
    real = build.build_network

    def counted(program: Program, *args: object, **kwargs: object) -> build.BuiltNetwork:
        made.append(program)
        return real(program, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(scheduled, "build_network", counted)
    return made


def _fresh(program: Program) -> dict[str, object]:
    """The schedule of an unsealed copy: built from scratch."""
    return schedule(copy.deepcopy(program)).to_json()


def _set(target: str, field: str, value: object) -> ChangeItem:
    return ChangeItem(op="set", target=target, field=field, value=value)


@pytest.mark.parametrize(
    "changes",
    [
        [_set("API.pentest", "duration", "45d")],  # before the cutover: moves much
        [_set("API.pentest", "duration", "1d")],
        [_set("WEB.hypercare", "duration", "3h"), _set("MKT.teaser", "duration", "2w")],
    ],
)
def test_a_duration_set_is_scheduled_from_the_kept_network_as_a_fresh_build(
    sealed, builds, changes
):
    before = schedule(sealed)
    assert builds == [sealed]
    variant = apply_changes(sealed, changes)
    after = schedule(variant)
    assert builds == [sealed], "the variant was built from scratch"
    assert after.to_json() == _fresh(variant)
    assert after.task(changes[0].target).finish != before.task(changes[0].target).finish
    assert schedule(sealed).to_json() == before.to_json()  # the kept base is untouched


@pytest.mark.parametrize(
    "change",
    [
        _set("API.pentest", "duration", "5ed"),  # elapsed: another calendar
        _set("MOB.beta", "duration", "10d"),  # was elapsed
        _set("API.data_migration", "duration", "30d"),  # has progress
        _set("API.pentest", "name", "Renamed"),  # not a duration
        _set("API.pentest", "percent_complete", 50),  # progress
        ChangeItem(op="set", target="API", field="name", value="Renamed"),  # not a task
    ],
)
def test_anything_more_than_a_plain_duration_is_built_anew(sealed, builds, change):
    schedule(sealed)
    variant = apply_changes(sealed, [change])
    after = schedule(variant)
    assert builds == [sealed, variant]
    assert after.to_json() == _fresh(variant)


def test_edits_in_a_row_each_start_from_the_one_before(sealed, builds):
    program = sealed
    schedule(sealed)
    for days in (20, 3, 11):
        program = apply_changes(program, [_set("API.pentest", "duration", f"{days}d")])
        after = schedule(program)
        assert builds == [sealed]
        assert after.to_json() == _fresh(program)
        del builds[1:]


def test_an_unsealed_program_is_never_kept(builds):
    program = load_plan(sample_plan_path())
    schedule(program)
    schedule(program)
    assert builds == [program, program]
