"""A fixture that counts the CPM schedules run from now on, to pin how often a command or
route schedules a program (a count, not a timing)."""

from __future__ import annotations

import traceback

import pytest

from progman.engine import scheduled
from progman.engine.network import CpmResult, Network


@pytest.fixture
def schedules(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Who scheduled a network by CPM from now on (the callers' names, for a failure)."""
    done: list[str] = []
    real = scheduled.schedule_network

    def counted(network: Network) -> CpmResult:
        done.append(" <- ".join(f.name for f in reversed(traceback.extract_stack(limit=8)[:-2])))
        return real(network)

    monkeypatch.setattr(scheduled, "schedule_network", counted)
    return done
