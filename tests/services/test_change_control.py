"""progman.ChangeControl, the Python API of change requests: the roles of a given user
decide as in the API, a step refused changes nothing, mistakes name the argument, and a
stale apply raises after the recomputed impact is kept."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import progman
from progman.domain.access import Grant, User
from progman.errors import Forbidden, UsageError
from progman.planfile import load_plan
from progman.samples import sample_plan_path
from progman.services.catalog import LOADED
from progman.services.database import dispose_engines, unit_of_work
from progman.services.programs import init_database
from progman.services.work_items import do_update_work_item, version_of

MEMBER = User("mona", "member", (Grant("member", "DPL", "MOB"),))
MANAGER = User("paula", "program_manager", (Grant("program_manager", "DPL"),))


@pytest.fixture
def url(tmp_path) -> Iterator[str]:
    found = f"sqlite:///{tmp_path / 'progman.db'}"
    init_database(found, load_plan(sample_plan_path()))
    yield found
    LOADED.clear()
    dispose_engines()


def test_a_member_requests_and_a_manager_approves(url):
    member = progman.ChangeControl(url, "DPL", actor=MEMBER)
    made = member.create("Longer beta", sets=["MOB.beta.duration=15d"])
    assert (made.id, made.requester, made.state) == ("CR-003", "mona", "draft")
    assert member.submit("CR-003").impact is not None
    with pytest.raises(Forbidden, match="mona may not"):
        member.approve("CR-003")
    assert member.show("CR-003").state == "submitted"  # nothing changed
    manager = progman.ChangeControl(url, "DPL", actor=MANAGER)
    assert manager.reject("CR-003", comment="not now").approvals[-1].by == "paula"
    assert [r.id for r in manager.list("rejected")] == ["CR-003"]


def test_a_mistake_names_the_argument_and_writes_nothing(url):
    control = progman.ChangeControl(url, "DPL", actor="pat")
    for kind, text in (("sets", "API.perf"), ("add_deps", "API.perf"), ("adds", "nonsense")):
        with pytest.raises(UsageError) as raised:
            control.create("Bad", **{kind: [text]})
        assert raised.value.option == kind
    with pytest.raises(progman.PlanInvalid):
        control.create("Unknown", sets=["NOPE.duration=3d"])
    assert [r.id for r in control.list()] == ["CR-001", "CR-002"]


def test_a_stale_apply_raises_after_the_impact_is_computed_again(url):
    control = progman.ChangeControl(url, "DPL", actor="pat")
    control.create("Longer performance tests", sets=["API.perf.duration=30d"])
    first = control.submit("CR-003").impact_revision
    control.approve("CR-003")
    with unit_of_work(url, write=True) as session:
        version = version_of(session, "DPL", "API.arch_infra")
        do_update_work_item(session, User("pat", "admin"), "DPL", "API.arch_infra",
                            {"name": "Landing zone"}, if_match=version)  # fmt: skip
    with pytest.raises(progman.ProgmanError) as raised:
        control.apply("CR-003")
    assert raised.value.code == "change.stale_impact"
    again = control.show("CR-003")
    assert again.state == "submitted" and (again.impact_revision or 0) > (first or 0)
