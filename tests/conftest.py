"""Shared fixtures: the sample plan and the contract plan of ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from progman.samples import sample_plan_path

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture
def sample_plan() -> Path:
    return sample_plan_path()


@pytest.fixture
def contract_plan() -> Path:
    path = SHARED / "data" / "plans" / "contract.yaml"
    if not path.exists():
        pytest.skip(f"../shared is absent: {path} not found")
    return path
