"""services/change_requests.py: draft → submitted → approved | rejected → applied on a
stored program (SQLite and PostgreSQL), the impact computed on submit and again when the
program changed before an apply, who may do which step, and nothing changed by a refusal."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from progman.domain.access import Grant, User
from progman.errors import Forbidden, PlanInvalid, StaleVersion
from progman.planfile import load_plan
from progman.samples import sample_plan_path
from progman.services import change_requests as cr
from progman.services.baselines import do_capture_baseline
from progman.services.catalog import LOADED
from progman.services.change_impact import impact_summary
from progman.services.database import dispose_engines, unit_of_work
from progman.services.inputs import parse_changes
from progman.services.programs import init_database
from progman.services.work_items import do_update_work_item, version_of
from progman.storage import load_program, program_revision
from progman.storage.audit import audit_entries

ADMIN = User("ann", "admin")
PAULA = User("paula", "program_manager", (Grant("program_manager", "DPL"),))
MONA = User("mona", "member", (Grant("member", "DPL", "MOB"),))
VICTOR = User("victor", "viewer", (Grant("viewer", "DPL"),))
KATRIN = User("katrin", "member", (Grant("member", "DPL", "API"),))
PETE = User("pete", "project_manager", (Grant("project_manager", "DPL", "WEB"),))
#: The campaign runs twice as long: the program finishes later, and costs more.
LONGER = ["MKT.flight.duration=60ed"]


@pytest.fixture
def url(database_url: str) -> Iterator[str]:
    init_database(database_url, load_plan(sample_plan_path()))
    yield database_url
    LOADED.clear()
    dispose_engines()


def _create(
    url: str, user: User = PAULA, sets: list[str] = LONGER, removals: list[str] = (), **kw
) -> cr.ChangeRequestEdit:
    changes = parse_changes(sets, None, list(removals))
    with unit_of_work(url, write=True) as session:
        return cr.do_create_change_request(
            session, user, "DPL", title="Longer campaign", changes=changes, **kw
        )


def _step(url: str, step: str, ident: str, user: User = PAULA, **kw) -> cr.ChangeRequestEdit:
    with unit_of_work(url, write=True) as session:
        version = cr.get_change_request(session, user, "DPL", ident).version
        return getattr(cr, step)(session, user, "DPL", ident, if_match=version, **kw)


def _approved(url: str, sets: list[str] = LONGER, removals: list[str] = ()) -> str:
    ident = _create(url, sets=sets, removals=removals).view.request.id
    _step(url, "do_submit_change_request", ident)
    _step(url, "do_decide_change_request", ident, decision="approved", comment="fine")
    return ident


def _stored(url: str):
    with unit_of_work(url, write=False) as session:
        return load_program(session, "DPL"), program_revision(session, "DPL")[0]


def test_a_request_goes_from_draft_to_applied_with_its_impact_and_a_baseline(url):
    made = _create(url, MONA, reason="the campaign needs more weeks")
    request = made.view.request
    assert (request.id, request.state, request.requester, made.view.version) == (
        "CR-003",  # the sample has CR-001 and CR-002
        "draft",
        "mona",
        1,
    )
    revision = _stored(url)[1]
    submitted = _step(url, "do_submit_change_request", "CR-003", MONA).view
    impact = submitted.request.impact
    assert submitted.request.state == "submitted" and submitted.version == 2
    assert submitted.request.impact_revision == revision == impact["revision"]
    assert impact["finish"]["delta_days"] > 0 and impact["cost"]["delta"] > 0
    assert any(p["id"] == "MKT" and p["delta_days"] > 0 for p in impact["projects"])
    assert "finish" in impact_summary(impact) and "cost +" in impact_summary(impact)
    approved = _step(url, "do_decide_change_request", "CR-003", decision="approved").view
    assert approved.request.state == "approved"
    assert [(a.by, a.decision) for a in approved.request.approvals] == [("paula", "approved")]
    done = _step(url, "do_apply_change_request", "CR-003")
    assert done.refused is None and done.baseline == "CR-003"
    program, _ = _stored(url)
    request = cr.find_request(program, "CR-003")
    assert request.state == "applied" and request.baseline == "CR-003"
    flight = program.task_index()["MKT.flight"]
    assert str(flight.duration) == "60ed"
    baseline = next(b for b in program.baselines if b.id == "CR-003")
    assert baseline.name == "CR-003: Longer campaign"
    assert baseline.tasks["MKT.flight"].finish > baseline.tasks["MKT.flight"].start
    with unit_of_work(url, write=False) as session:
        trail = audit_entries(session, "DPL", entity="CR-003", kind="change_request")
        applied_with = audit_entries(session, "DPL", entity="MKT.flight")
    assert [e.actor for e in reversed(trail)] == ["mona", "mona", "paula", "paula"]
    assert [(e.after or {}).get("state") for e in reversed(trail)] == [
        "draft",
        "submitted",
        "approved",
        "applied",
    ]
    assert applied_with[0].actor == "paula"  # the change itself, in the apply's save


def test_a_rejected_request_is_recorded_and_cannot_be_applied(url):
    ident = _create(url).view.request.id
    _step(url, "do_submit_change_request", ident)
    rejected = _step(url, "do_decide_change_request", ident, decision="rejected", comment="no")
    assert rejected.view.request.state == "rejected"
    assert rejected.view.request.approvals[0].comment == "no"
    before = _stored(url)
    with pytest.raises(cr.ChangeRequestState, match="rejected: raise a new change request"):
        _step(url, "do_apply_change_request", ident)
    assert _stored(url)[1] == before[1]


def test_an_apply_on_a_changed_program_recomputes_the_impact_and_asks_again(url):
    ident = _approved(url)
    first = _stored(url)[0]
    old = cr.find_request(first, ident)
    with unit_of_work(url, write=True) as session:  # someone re-plans the review meanwhile
        version = version_of(session, "DPL", "MKT.review")
        do_update_work_item(
            session, PAULA, "DPL", "MKT.review", {"duration": "20d"}, if_match=version
        )
    refused = _step(url, "do_apply_change_request", ident)
    assert isinstance(refused.refused, cr.ChangeRequestStale)
    message = str(refused.refused)
    assert "work item MKT.review" in message and "approve it again" in message
    program, revision = _stored(url)  # the new impact was kept, nothing was applied
    again = cr.find_request(program, ident)
    assert again.state == "submitted" and again.impact_revision == revision - 1
    assert again.impact_revision > (old.impact_revision or 0)
    assert again.impact["finish"]["current"] != old.impact["finish"]["current"]
    assert str(program.task_index()["MKT.flight"].duration) != "60ed"
    assert not any(b.id == ident for b in program.baselines)
    with pytest.raises(cr.ChangeRequestState, match="waits for a decision"):
        _step(url, "do_apply_change_request", ident)
    _step(url, "do_decide_change_request", ident, decision="approved")
    assert _step(url, "do_apply_change_request", ident).baseline == ident


def test_change_control_records_made_meanwhile_leave_the_impact_current(url):
    ident = _approved(url)
    _create(url, sets=["API.payments.duration=50d"])  # another draft
    with unit_of_work(url, write=True) as session:
        do_capture_baseline(session, PAULA, "DPL", "BL2")
    done = _step(url, "do_apply_change_request", ident)
    assert done.refused is None and done.view.request.state == "applied"


def test_who_may_request_approve_and_apply(url):
    with pytest.raises(Forbidden, match="victor may not request changes"):
        _create(url, VICTOR)
    with pytest.raises(Forbidden, match="name the approvers"):
        _create(url, MONA, approvers=["mona"])
    ident = _create(url, MONA).view.request.id
    _step(url, "do_submit_change_request", ident, MONA)
    for who in (MONA, KATRIN, PETE):  # the default: a program manager (or an admin)
        with pytest.raises(Forbidden, match="a program manager of the program"):
            _step(url, "do_decide_change_request", ident, who, decision="approved")
    assert cr.find_request(_stored(url)[0], ident).state == "submitted"
    named = _create(url, PAULA, sets=["API.payments.duration=50d"], approvers=["katrin"])
    other = named.view.request.id
    _step(url, "do_submit_change_request", other)
    with pytest.raises(Forbidden, match="its approvers are katrin"):
        _step(url, "do_decide_change_request", other, PAULA, decision="approved")
    _step(url, "do_decide_change_request", other, KATRIN, decision="approved")
    by_role = _create(url, sets=["WEB.launch.deadline=2027-12-01"], approvers=["project_manager"])
    third = by_role.view.request.id
    _step(url, "do_submit_change_request", third)
    with pytest.raises(Forbidden):
        _step(url, "do_decide_change_request", third, KATRIN, decision="approved")
    _step(url, "do_decide_change_request", third, PETE, decision="rejected")
    with pytest.raises(Forbidden, match="may not apply"):
        _step(url, "do_apply_change_request", other, PAULA)
    assert _step(url, "do_apply_change_request", other, ADMIN).baseline == other


def test_bad_input_names_the_item_and_changes_nothing(url):
    before = _stored(url)
    with pytest.raises(PlanInvalid) as caught:
        _create(url, sets=["API.nope.duration=5d"])
    assert "API.nope" in str(caught.value) and "changes[0]" in str(caught.value)
    ident = _create(url).view.request.id
    with unit_of_work(url, write=True) as session, pytest.raises(StaleVersion):
        cr.do_submit_change_request(session, PAULA, "DPL", ident, if_match=7)
    with pytest.raises(cr.ChangeRequestState, match="cannot be applied: it is a draft"):
        _step(url, "do_apply_change_request", ident)
    with pytest.raises(cr.ChangeRequestState, match="cannot be approved"):
        _step(url, "do_decide_change_request", ident, decision="approved")
    with pytest.raises(Exception, match="no change request 'CR-404'"):
        _step(url, "do_submit_change_request", "CR-404")
    program, revision = _stored(url)
    assert revision == before[1] + 1  # only the draft was saved
    assert cr.find_request(program, ident).state == "draft"


def test_an_apply_that_fails_changes_nothing(url):
    """One transaction: the first change applies in memory, the second removes a task that
    a request approved since still changes, and the program as stored keeps both as they
    were (the error names that request)."""
    removal = _approved(url, ["MKT.flight.duration=30ed"], removals=["MKT.review"])
    pending = _approved(url, ["MKT.review.duration=3d"])
    program, revision = _stored(url)
    with pytest.raises(PlanInvalid) as caught:
        _step(url, "do_apply_change_request", removal)
    assert pending in str(caught.value) and "MKT.review" in str(caught.value)
    after, now = _stored(url)
    assert now == revision
    assert after.task_index()["MKT.flight"].duration == program.task_index()["MKT.flight"].duration
    assert "MKT.review" in after.task_index()
    assert [b.id for b in after.baselines] == [b.id for b in program.baselines]
    assert cr.find_request(after, removal).state == "approved"
