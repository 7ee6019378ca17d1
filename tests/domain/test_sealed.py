"""Sealed programs: shared, never changed in place, so checked once and for all; their
copy-on-write variants that only change fields the check does not read skip the check."""

from __future__ import annotations

from pathlib import Path

import pytest

from progman.domain import ChangeItem, Program, checked, scenarios
from progman.domain.checked import is_checked, is_sealed, mark_checked, seal
from progman.domain.scenarios import apply_changes
from progman.errors import PlanInvalid
from progman.planfile import load_plan


@pytest.fixture
def sealed(sample_plan: Path) -> Program:
    program = load_plan(sample_plan)
    seal(program)
    mark_checked(program)
    return program


def no_check(program: Program) -> list:
    raise AssertionError("check_program ran")


def test_a_sealed_mark_needs_no_digest(sealed: Program, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checked, "_digest", lambda program: pytest.fail("digest taken"))
    assert is_checked(sealed)


def test_setting_an_unchecked_field_carries_the_check_over(
    sealed: Program, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scenarios, "check_program", no_check)
    monkeypatch.setattr(scenarios, "check_once", no_check)
    change = ChangeItem(op="set", target="API.arch_infra", field="duration", value="9d")
    variant = apply_changes(sealed, [change])
    assert is_sealed(variant) and is_checked(variant)
    assert variant.projects[0].tasks[0].tasks[1].duration is not None


@pytest.mark.parametrize(
    ("field", "value"),
    [("calendar", "nowhere"), ("depends", ["API.nowhere"]), ("resources", {"nobody": 1.0})],
)
def test_setting_a_field_the_check_reads_is_checked(
    sealed: Program, field: str, value: object
) -> None:
    change = ChangeItem(op="set", target="API.arch_infra", field=field, value=value)
    with pytest.raises(PlanInvalid):
        apply_changes(sealed, [change])


def test_a_variant_of_an_unsealed_program_is_not_sealed(sample_plan: Path) -> None:
    program = load_plan(sample_plan)
    change = ChangeItem(op="set", target="API.arch_infra", field="duration", value="9d")
    variant = apply_changes(program, [change])
    assert not is_sealed(variant) and is_checked(variant)
    variant.projects[0].tasks[0].tasks[1].depends.clear()
    assert not is_checked(variant)  # changed in place since: the engine checks it again
