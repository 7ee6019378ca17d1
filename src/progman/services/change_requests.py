"""Change control on a stored program (SPEC §3.5, ``progman change``, the change-request
routes): a request for changes goes draft → submitted → approved | rejected → applied.

* **create** a draft: its changes (``set``/``add``/``remove``, as a what-if's) must apply
  to the program as it is; a draft may be edited and deleted.
* **submit**: the engine computes the impact, the what-if comparison of the program with
  and without the changes (:func:`progman.services.whatif.compare_changes`: dates of the
  program, projects, milestones and deadlines, planned cost, the critical path entering
  and leaving) and the benefits whose forecast moves or that fall at risk
  (:func:`progman.services.strategy.program_strategy`), stored with the request together
  with the program revision it was computed on.
* **approve** or **reject**: only a user who may approve for the program
  (:func:`may_approve`); the decision is recorded as an approval with who, when and why.
* **apply**: if the program changed since the impact was computed (the audit log holds
  a change after that revision, other than to change requests, scenarios, baselines,
  stakeholders, gates and decisions), the impact is computed again, stored, the request
  goes back to *submitted* and the apply is refused (:class:`ChangeRequestStale`) so
  that it is reviewed and approved again; otherwise every change is applied in one save
  with a new baseline named after the request.

A request is part of the program (its ``change_requests`` section), so each step is an
edit of the program, audited (one row per entity it changed) and saved against the
revision it was read at. Who may: anyone who may edit work in the program (a member of
one of its projects and up) requests changes, edits and submits drafts; naming approvers
is a program manager's; approving, rejecting and applying are the approvers'.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy.orm import Session

from progman.domain import ChangeItem, ChangeRequest, Program
from progman.domain.access import Access, User
from progman.domain.governance import Approval
from progman.errors import (
    Conflict,
    Forbidden,
    Location,
    NotFound,
    UsageError,
)
from progman.services.catalog import (
    decode_cursor,
    do_save_edited,
    encode_cursor,
    foreign_cursor,
    visible_program,
    visible_program_at,
)
from progman.services.change_impact import (
    applied_changes,
    compute_impact,
    impact_summary,
)
from progman.services.users import check_can_read
from progman.services.work_items import check_version
from progman.storage import entity_versions
from progman.storage.changed_since import changes_since

MAX_PAGE = 500
KIND = "change_request"  # its kind name in storage and the audit log
#: Changes that leave a computed impact as it was: change control's own records.
IGNORED_KINDS = ("change_request", "scenario", "baseline", "stakeholder", "stage_gate", "decision")
#: What a draft's PATCH may change.
EDITABLE = frozenset({"title", "description", "reason", "requester", "changes", "approvers"})
State = Literal["draft", "submitted", "approved", "rejected", "applied"]


class ChangeRequestState(Conflict):
    """The step asked for does not follow from the request's state."""

    code = "change.wrong_state"


class ChangeRequestStale(Conflict):
    """The program changed since the request's impact was computed."""

    code = "change.stale_impact"


@dataclass(frozen=True)
class ChangeRequestView:
    """A change request and its version (the ETag)."""

    request: ChangeRequest
    version: int


@dataclass(frozen=True)
class ChangeRequestPage:
    items: list[ChangeRequestView]
    next: str | None


@dataclass(frozen=True)
class ChangeRequestEdit:
    """A step done: the request as it is now (as it was, version 0, when deleted), the
    program's new revision, the baseline an apply took, and for an apply refused because
    the impact was stale the error to report once the recomputed impact is committed."""

    view: ChangeRequestView
    revision: int
    baseline: str | None = None
    refused: ChangeRequestStale | None = field(default=None)


# -- reading --------------------------------------------------------------------------------


def find_request(program: Program, ident: str) -> ChangeRequest:
    for request in program.change_requests:
        if request.id == ident:
            return request
    known = ", ".join(r.id for r in program.change_requests) or "none yet"
    raise NotFound(
        f"program {program.key} has no change request {ident!r} (change requests: {known})",
        location=Location(entity=ident),
    )


def _version(session: Session, key: str, ident: str) -> int:
    return entity_versions(session, key, KIND, [ident]).get(ident, 1)


def list_change_requests(
    session: Session,
    user: User,
    key: str,
    *,
    state: str | None = None,
    cursor: str | None = None,
    limit: int = 100,
) -> ChangeRequestPage:
    """The program's change requests in plan order (only those in ``state``), ``limit``
    at most after ``cursor``."""
    if not 1 <= limit <= MAX_PAGE:
        raise UsageError(f"limit must be 1 to {MAX_PAGE}, not {limit}", option="limit")
    states = ("draft", "submitted", "approved", "rejected", "applied")
    if state is not None and state not in states:
        raise UsageError(f"state is one of {', '.join(states)}, not {state!r}", option="state")
    program = visible_program(session, user, key)
    requests = [r for r in program.change_requests if state is None or r.state == state]
    if cursor:
        after = decode_cursor(cursor)
        ids = [r.id for r in requests]
        if after not in ids:
            raise foreign_cursor()
        requests = requests[ids.index(after) + 1 :]
    page = requests[:limit]
    versions = entity_versions(session, key, KIND, [r.id for r in page])
    views = [ChangeRequestView(r, versions.get(r.id, 1)) for r in page]
    more = len(requests) > limit
    return ChangeRequestPage(views, encode_cursor(page[-1].id) if more and page else None)


def get_change_request(session: Session, user: User, key: str, ident: str) -> ChangeRequestView:
    request = find_request(visible_program(session, user, key), ident)
    return ChangeRequestView(request, _version(session, key, ident))


# -- who may --------------------------------------------------------------------------------


def may_request(user: User, program: Program) -> bool:
    """Anyone who may edit work in the program (on it, or on one of its projects)."""
    if user.access(program.key) >= Access.EDIT_WORK:
        return True
    return any(user.access(program.key, p.id) >= Access.EDIT_WORK for p in program.projects)


def may_approve(user: User, program_key: str, request: ChangeRequest) -> bool:
    """Who approves, rejects and applies ``request``: an admin always; when the request
    names ``approvers``, a user named there or holding a role named there (``program_manager``,
    ``project_manager``, ...) on the program or one of its projects; otherwise a program
    manager of the program."""
    if user.is_admin:
        return True
    if not request.approvers:
        return user.access(program_key) >= Access.MANAGE_PROGRAM
    if user.name in request.approvers:
        return user.can_see(program_key)
    roles = {g.role for g in user.grants if g.program in (None, program_key)}
    return bool(roles & set(request.approvers))


def check_may_request(user: User, program: Program) -> None:
    """Refuse (:class:`Forbidden`) a user who may not request changes to ``program``."""
    check_can_read(user, program.key)
    if not may_request(user, program):
        raise Forbidden(
            f"{user.name} may not request changes to program {program.key} (needs edit work "
            "on the program or one of its projects)"
        )


def _check_may_approve(user: User, program: Program, request: ChangeRequest, what: str) -> None:
    if may_approve(user, program.key, request):
        return
    who = (
        f"its approvers are {', '.join(request.approvers)}"
        if request.approvers
        else "a program manager of the program"
    )
    raise Forbidden(
        f"{user.name} may not {what} change request {request.id}: {who} (or an administrator)",
        location=Location(entity=request.id),
    )


def _check_approvers(user: User, program: Program, approvers: Sequence[str]) -> None:
    if approvers and user.access(program.key) < Access.MANAGE_PROGRAM:
        raise Forbidden(
            f"{user.name} may not name the approvers of a change request of {program.key}: "
            "that is a program manager's (leave them out: a program manager approves)",
            location=Location(path="approvers"),
        )


def check_state(request: ChangeRequest, allowed: tuple[str, ...], what: str) -> None:
    """Raise :class:`ChangeRequestState` unless ``request`` is in an ``allowed`` state."""
    if request.state in allowed:
        return
    hint = {
        "draft": "it is a draft: submit it first",
        "submitted": "it is submitted and waits for a decision",
        "approved": "it is approved already: apply it",
        "rejected": "it was rejected: raise a new change request instead",
        "applied": f"it was applied already (baseline {request.baseline})",
    }[request.state]
    raise ChangeRequestState(
        f"change request {request.id} cannot be {what}: {hint}",
        location=Location(entity=request.id),
    )


def stale_changes(session: Session, key: str, request: ChangeRequest, revision: int) -> list[str]:
    """What changed in the program since ``request``'s impact was computed (``kind id``;
    empty: nothing, the impact holds); ``revision`` is the program's now."""
    computed = request.impact_revision
    if computed is None or revision < computed:  # none, or the program was restored
        return [f"the program (revision {revision}, impact of revision {computed})"]
    found = changes_since(session, key, computed, ignored=IGNORED_KINDS)
    return [f"{kind.replace('_', ' ')} {ident}" for kind, ident in dict.fromkeys(found)]


# -- the steps ------------------------------------------------------------------------------


def _replaced(program: Program, request: ChangeRequest) -> list[ChangeRequest]:
    return [request if r.id == request.id else r for r in program.change_requests]


def _saved(
    session: Session,
    user: User,
    read: tuple[Program, int],
    requests: list[ChangeRequest],
    ident: str,
) -> tuple[ChangeRequestView, int]:
    """Save the program read (at its revision) with ``requests``; the request ``ident`` as
    it is now and the program's new revision."""
    program, revision = read
    edited = program.model_copy(update={"change_requests": requests})
    saved = do_save_edited(session, user, program.key, edited, revision)
    view = ChangeRequestView(find_request(edited, ident), _version(session, program.key, ident))
    return view, saved


_NUMBERED = re.compile(r"CR-(\d+)$")


def next_id(program: Program) -> str:
    """``CR-001``, ``CR-002``, ...: one more than the highest numbered so far."""
    numbers = [int(m.group(1)) for r in program.change_requests if (m := _NUMBERED.match(r.id))]
    return f"CR-{max(numbers, default=0) + 1:03d}"


def do_create_change_request(
    session: Session,
    user: User,
    key: str,
    *,
    title: str,
    changes: Sequence[ChangeItem],
    ident: str | None = None,
    description: str | None = None,
    reason: str | None = None,
    requester: str | None = None,
    approvers: Sequence[str] = (),
) -> ChangeRequestEdit:
    """A new draft request (``ident``: the next ``CR-NNN`` by default) whose changes apply
    to the program as it is now; ``requester`` defaults to ``user``."""
    program, revision, _ = visible_program_at(session, user, key)
    check_may_request(user, program)
    _check_approvers(user, program, approvers)
    ident = ident or next_id(program)
    if any(r.id == ident for r in program.change_requests):
        raise Conflict(
            f"program {key} has a change request {ident!r} already: choose another id "
            "(or leave it out for the next CR number)",
            location=Location(path="id"),
        )
    try:
        request = ChangeRequest(
            id=ident,
            title=title,
            description=description,
            reason=reason,
            requester=requester or user.name,
            changes=list(changes),
            approvers=list(approvers),
        )
    except ValidationError as error:
        detail = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in detail["loc"]) or "body"
        raise UsageError(str(detail["msg"]).removeprefix("Value error, "), option=where) from None
    applied_changes(program, request.changes, ident)
    view, saved = _saved(
        session, user, (program, revision), [*program.change_requests, request], ident
    )
    return ChangeRequestEdit(view, saved)


def do_update_change_request(
    session: Session,
    user: User,
    key: str,
    ident: str,
    fields: Mapping[str, Any],
    *,
    if_match: int | None,
) -> ChangeRequestEdit:
    """Change a draft's ``fields`` (title, description, reason, requester, changes as
    :class:`ChangeItem`, approvers) if ``if_match`` is its version."""
    if not fields:
        raise UsageError("nothing to change: send at least one field", option="body")
    unknown = sorted(set(fields) - EDITABLE)
    if unknown:
        raise UsageError(
            f"a change request's {', '.join(unknown)} cannot be set: edit "
            f"{', '.join(sorted(EDITABLE))}",
            option=unknown[0],
        )
    program, revision, _ = visible_program_at(session, user, key)
    request = find_request(program, ident)
    check_may_request(user, program)
    if "approvers" in fields:
        _check_approvers(user, program, fields["approvers"] or ["changed"])
    check_version(ident, if_match, _version(session, key, ident))
    check_state(request, ("draft",), "edited")
    try:
        changed = request.model_copy(update=dict(fields))
        changed = ChangeRequest.model_validate(changed.model_dump())
    except ValidationError as error:
        detail = error.errors(include_url=False)[0]
        where = str(detail["loc"][0]) if detail["loc"] else "body"
        raise UsageError(str(detail["msg"]).removeprefix("Value error, "), option=where) from None
    if "changes" in fields:
        applied_changes(program, changed.changes, ident)
    view, saved = _saved(session, user, (program, revision), _replaced(program, changed), ident)
    return ChangeRequestEdit(view, saved)


def do_delete_change_request(
    session: Session, user: User, key: str, ident: str, *, if_match: int | None
) -> ChangeRequestEdit:
    """Delete a draft (the audit log keeps what it held); a request past draft is a record
    of change control and stays."""
    program, revision, _ = visible_program_at(session, user, key)
    request = find_request(program, ident)
    check_may_request(user, program)
    check_version(ident, if_match, _version(session, key, ident))
    check_state(request, ("draft",), "deleted")
    kept = [r for r in program.change_requests if r.id != ident]
    edited = program.model_copy(update={"change_requests": kept})
    saved = do_save_edited(session, user, key, edited, revision)
    return ChangeRequestEdit(ChangeRequestView(request, 0), saved)


def do_submit_change_request(
    session: Session, user: User, key: str, ident: str, *, if_match: int | None
) -> ChangeRequestEdit:
    """Submit a draft for approval: its impact is computed on the program as it is now and
    stored with it."""
    program, revision, _ = visible_program_at(session, user, key)
    request = find_request(program, ident)
    check_may_request(user, program)
    check_version(ident, if_match, _version(session, key, ident))
    check_state(request, ("draft",), "submitted")
    submitted = request.model_copy(
        update={
            "state": "submitted",
            "submitted": date.today(),
            "impact": compute_impact(program, request.changes, revision, ident),
            "impact_revision": revision,
        }
    )
    view, saved = _saved(session, user, (program, revision), _replaced(program, submitted), ident)
    return ChangeRequestEdit(view, saved)


def do_decide_change_request(
    session: Session,
    user: User,
    key: str,
    ident: str,
    decision: Literal["approved", "rejected"],
    *,
    if_match: int | None,
    comment: str | None = None,
) -> ChangeRequestEdit:
    """Approve or reject a submitted request (an approver's), recording who, when, why."""
    program, revision, _ = visible_program_at(session, user, key)
    request = find_request(program, ident)
    what = "approve" if decision == "approved" else "reject"
    _check_may_approve(user, program, request, what)
    check_version(ident, if_match, _version(session, key, ident))
    check_state(request, ("submitted",), decision)
    approval = Approval(by=user.name, decision=decision, date=date.today(), comment=comment)
    decided = request.model_copy(
        update={"state": decision, "approvals": [*request.approvals, approval]}
    )
    view, saved = _saved(session, user, (program, revision), _replaced(program, decided), ident)
    return ChangeRequestEdit(view, saved)


def do_apply_change_request(
    session: Session, user: User, key: str, ident: str, *, if_match: int | None
) -> ChangeRequestEdit:
    """Apply an approved request: every change and a new baseline named after it, in one
    save. When the program changed since its impact was computed, the impact is computed
    again and stored, the request goes back to *submitted*, and the answer's ``refused``
    says so: the caller commits that and reports the error (nothing else is changed)."""
    from progman.services.baselines import frozen_baseline  # noqa: PLC0415 - numba: on use

    program, revision, _ = visible_program_at(session, user, key)
    request = find_request(program, ident)
    _check_may_approve(user, program, request, "apply")
    check_version(ident, if_match, _version(session, key, ident))
    check_state(request, ("approved",), "applied")
    changed = stale_changes(session, key, request, revision)
    if changed:
        return _recomputed(session, user, (program, revision), request, changed)
    done = request.model_copy(update={"state": "applied", "baseline": _baseline_id(program, ident)})
    # the request is applied in the program its changes are applied to: a removal's target
    # is gone afterwards, which only a pending request may not point at
    edited = applied_changes(
        program.model_copy(update={"change_requests": _replaced(program, done)}),
        request.changes,
        ident,
    )
    assert done.baseline is not None
    name = f"{ident}: {request.title}"
    baseline = frozen_baseline(edited, done.baseline, name=name, created=date.today())
    edited = edited.model_copy(update={"baselines": [*edited.baselines, baseline]})
    saved = do_save_edited(session, user, key, edited, revision)
    view = ChangeRequestView(find_request(edited, ident), _version(session, key, ident))
    return ChangeRequestEdit(view, saved, baseline=baseline.id)


def _recomputed(
    session: Session,
    user: User,
    read: tuple[Program, int],
    request: ChangeRequest,
    changed: list[str],
) -> ChangeRequestEdit:
    program, revision = read
    impact = compute_impact(program, request.changes, revision, request.id)
    again = request.model_copy(
        update={"state": "submitted", "impact": impact, "impact_revision": revision}
    )
    ident = request.id
    view, saved = _saved(session, user, (program, revision), _replaced(program, again), ident)
    what = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
    refused = ChangeRequestStale(
        f"change request {ident} was not applied: the program changed since its impact was "
        f"computed (revision {request.impact_revision}: {what}). The impact was computed "
        f"again ({impact_summary(impact)}) and the request is submitted again: review it "
        "and approve it again before applying",
        location=Location(entity=ident),
    )
    return ChangeRequestEdit(view, saved, refused=refused)


def _baseline_id(program: Program, ident: str) -> str:
    """The request's id, or with ``-2``, ``-3``... when a baseline has that id already."""
    taken = {b.id for b in program.baselines}
    candidate, number = ident, 1
    while candidate in taken:
        number += 1
        candidate = f"{ident}-{number}"
    return candidate


# -- the JSON shape -------------------------------------------------------------------------


def request_json(view: ChangeRequestView) -> dict[str, Any]:
    """A change request as ``progman change show --json`` and the API answer it."""
    request = view.request
    return {
        "id": request.id,
        "title": request.title,
        "description": request.description,
        "requester": request.requester,
        "reason": request.reason,
        "state": request.state,
        "submitted": None if request.submitted is None else request.submitted.isoformat(),
        "changes": [
            {"op": c.op, "target": c.target, "field": c.field, "value": c.value}
            for c in request.changes
        ],
        "approvers": list(request.approvers),
        "approvals": [
            {"by": a.by, "decision": a.decision, "date": a.date.isoformat(), "comment": a.comment}
            for a in request.approvals
        ],
        "impact": request.impact,
        "impact_revision": request.impact_revision,
        "baseline": request.baseline,
        "version": view.version,
    }
