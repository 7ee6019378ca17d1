"""The program's registers and strategy one entry at a time: risks, objectives with their
key results, benefits and stakeholders, read with their version and changed with
``If-Match``, as work items are (:mod:`progman.services.work_items`).

Every edit is a change applied copy-on-write (:func:`apply_changes`: values are parsed
and the whole program checked as a plan file is), saved against the program's revision it
was read at, audited, and answered with the entry as it is now and what moved. A delete
is refused while anything still refers to the entry (:func:`check_unreferenced`), naming
what does, so nothing is left pointing at nothing.

Who may: objectives, key results, benefits, stakeholders and program-level risks are the
program's (a program manager's or an admin's); a risk of a project is also its project
manager's, whose access covers "a project's whole breakdown, its links and risks"
(:mod:`progman.domain.access`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from progman.domain import (
    Benefit,
    ChangeItem,
    KeyResult,
    Objective,
    Program,
    Risk,
    Stakeholder,
)
from progman.domain.access import Access, User
from progman.domain.entity_index import entity_named, target_for
from progman.domain.scenarios import apply_changes
from progman.errors import (
    Conflict,
    Location,
    NotFound,
    PlanInvalid,
    Problem,
    StillReferenced,
    UsageError,
)
from progman.services.catalog import (
    decode_cursor,
    do_save_edited,
    encode_cursor,
    foreign_cursor,
    problems_by_field,
    visible_program,
    visible_program_at,
    with_fields_set,
)
from progman.services.users import check_access
from progman.services.work_items import check_version
from progman.storage import entity_versions

MAX_PAGE = 1000
KindName = Literal["risk", "objective", "key_result", "benefit", "stakeholder"]


@dataclass(frozen=True)
class RegisterKind:
    """One kind of register entry: its name (the audit log's and ``kind:id`` targets'),
    its words in messages, the program section holding it and its model."""

    name: KindName
    label: str
    plural: str
    section: str
    model: type[BaseModel]


RISK = RegisterKind("risk", "risk", "risks", "risks", Risk)
OBJECTIVE = RegisterKind("objective", "objective", "objectives", "objectives", Objective)
KEY_RESULT = RegisterKind("key_result", "key result", "key results", "key_results", KeyResult)
BENEFIT = RegisterKind("benefit", "benefit", "benefits", "benefits", Benefit)
STAKEHOLDER = RegisterKind(
    "stakeholder", "stakeholder", "stakeholders", "stakeholders", Stakeholder
)


@dataclass(frozen=True)
class EntryView:
    """An entry and its version (the ETag); ``objective`` holds a key result."""

    entry: Any  # the domain entity: a Risk, Objective, KeyResult, Benefit or Stakeholder
    version: int
    objective: str | None = None


@dataclass(frozen=True)
class EntryPage:
    items: list[EntryView]
    next: str | None


@dataclass(frozen=True)
class EntryEdit:
    """An edit done: the entry as it is now (as it was, version 0, when deleted) and the
    program before and after it."""

    view: EntryView
    before: Program
    after: Program
    revision: int


# -- reading --------------------------------------------------------------------------------


def _entries(program: Program, kind: RegisterKind, objective: str | None) -> list[Any]:
    """The entries of ``kind`` (a key result: those of ``objective``), in plan order."""
    if kind is KEY_RESULT:
        assert objective is not None
        return list(_objective(program, objective).key_results)
    return list(getattr(program, kind.section))


def _objective(program: Program, ident: str) -> Objective:
    for objective in program.objectives:
        if objective.id == ident:
            return objective
    raise NotFound(f"no objective {ident!r} in program {program.key}")


def _find(program: Program, kind: RegisterKind, ident: str, objective: str | None) -> Any:
    for entry in _entries(program, kind, objective):
        if entry.id == ident:
            return entry
    if kind is KEY_RESULT:
        for other in program.objectives:
            if any(result.id == ident for result in other.key_results):
                raise NotFound(
                    f"key result {ident!r} is under objective {other.id}, not {objective}: "
                    f"ask for /objectives/{other.id}/key-results/{ident}"
                )
        raise NotFound(f"no key result {ident!r} under objective {objective}")
    raise NotFound(f"no {kind.label} {ident!r} in program {program.key}")


def _version(session: Session, key: str, kind: RegisterKind, ident: str) -> int:
    return entity_versions(session, key, kind.name, [ident]).get(ident, 1)


def list_entries(
    session: Session,
    user: User,
    key: str,
    kind: RegisterKind,
    *,
    objective: str | None = None,
    cursor: str | None = None,
    limit: int = 100,
) -> EntryPage:
    """The entries of ``kind`` in plan order (a key result: those of ``objective``),
    ``limit`` at most after ``cursor``."""
    if not 1 <= limit <= MAX_PAGE:
        raise UsageError(f"limit must be 1 to {MAX_PAGE}, not {limit}", option="limit")
    entries = _entries(visible_program(session, user, key), kind, objective)
    if cursor:
        after = decode_cursor(cursor)
        ids = [entry.id for entry in entries]
        if after not in ids:
            raise foreign_cursor()
        entries = entries[ids.index(after) + 1 :]
    page = entries[:limit]
    versions = entity_versions(session, key, kind.name, [entry.id for entry in page])
    views = [EntryView(entry, versions.get(entry.id, 1), objective) for entry in page]
    more = len(entries) > limit
    return EntryPage(views, encode_cursor(page[-1].id) if more and page else None)


def get_entry(
    session: Session,
    user: User,
    key: str,
    kind: RegisterKind,
    ident: str,
    *,
    objective: str | None = None,
) -> EntryView:
    entry = _find(visible_program(session, user, key), kind, ident, objective)
    return EntryView(entry, _version(session, key, kind, ident), objective)


# -- who may --------------------------------------------------------------------------------


def check_can_change(
    user: User, program: Program, kind: RegisterKind, projects: Sequence[str | None]
) -> None:
    """A risk of a project is its project manager's (of each project in ``projects``: the
    risk's before and after an edit); everything else is the program's."""
    if kind is RISK and projects and all(p is not None for p in projects):
        for project in projects:  # an unknown one: as for a project not granted
            check_access(user, program.key, Access.MANAGE_PROJECT, project)
        return
    check_access(user, program.key, Access.MANAGE_PROGRAM)


def _projects(kind: RegisterKind, *risks: Mapping[str, Any]) -> list[str | None]:
    return [risk.get("project") for risk in risks] if kind is RISK else []


# -- changing -------------------------------------------------------------------------------


def do_add_entry(
    session: Session,
    user: User,
    key: str,
    kind: RegisterKind,
    fields: Mapping[str, Any],
    *,
    objective: str | None = None,
) -> EntryEdit:
    """A new entry of ``kind`` at the end of its list (a key result: of ``objective``),
    from ``fields`` in plan-file form (``"15d"``, ``"2027-05-01"``)."""
    program, revision, _ = visible_program_at(session, user, key)
    if kind is KEY_RESULT:
        assert objective is not None
        _objective(program, objective)
    check_can_change(user, program, kind, _projects(kind, fields))
    ident = str(fields.get("id", ""))
    _check_new_id(program, kind, ident)
    _check_values(kind, fields)
    if kind is KEY_RESULT:
        assert objective is not None
        target, section = target_for(program, "objective", objective), "key_results"
    else:
        target, section = program.key, kind.section
    change = ChangeItem(op="add", target=target, field=section, value=dict(fields))
    try:
        edited = apply_changes(program, [change])
    except PlanInvalid as invalid:
        raise PlanInvalid(_problems_of_add(invalid, fields)) from None
    return _saved(
        session,
        user,
        key,
        kind=kind,
        ident=ident,
        versions=(program, edited, revision),
        objective=objective,
    )


def do_update_entry(
    session: Session,
    user: User,
    key: str,
    kind: RegisterKind,
    ident: str,
    *,
    fields: Mapping[str, Any],
    if_match: int | None,
    objective: str | None = None,
) -> EntryEdit:
    """Give entry ``ident`` the values of ``fields`` (field name → value in plan-file
    form), if ``if_match`` is its current version."""
    if not fields:
        raise UsageError("nothing to change: send at least one field", option="body")
    program, revision, _ = visible_program_at(session, user, key)
    entry = _find(program, kind, ident, objective)
    before = {"project": getattr(entry, "project", None)}
    check_can_change(user, program, kind, _projects(kind, before, {**before, **fields}))
    check_version(ident, if_match, _version(session, key, kind, ident))
    edited = with_fields_set(program, _target(program, kind, ident), fields)
    return _saved(
        session,
        user,
        key,
        kind=kind,
        ident=ident,
        versions=(program, edited, revision),
        objective=objective,
    )


def do_delete_entry(
    session: Session,
    user: User,
    key: str,
    kind: RegisterKind,
    ident: str,
    *,
    if_match: int | None,
    objective: str | None = None,
) -> EntryEdit:
    """Delete entry ``ident``, if ``if_match`` is its version and nothing refers to it."""
    program, revision, _ = visible_program_at(session, user, key)
    entry = _find(program, kind, ident, objective)
    check_can_change(
        user, program, kind, _projects(kind, {"project": getattr(entry, "project", None)})
    )
    check_version(ident, if_match, _version(session, key, kind, ident))
    check_unreferenced(program, kind, ident)
    edited = apply_changes(program, [ChangeItem(op="remove", target=_target(program, kind, ident))])
    saved_revision = do_save_edited(session, user, key, edited, revision)
    return EntryEdit(EntryView(entry, 0, objective), program, edited, saved_revision)


def _saved(
    session: Session,
    user: User,
    key: str,
    *,
    kind: RegisterKind,
    ident: str,
    versions: tuple[Program, Program, int],
    objective: str | None,
) -> EntryEdit:
    before, after, revision = versions
    saved_revision = do_save_edited(session, user, key, after, revision)
    entry = _find(after, kind, ident, objective)
    view = EntryView(entry, _version(session, key, kind, ident), objective)
    return EntryEdit(view, before, after, saved_revision)


def _target(program: Program, kind: RegisterKind, ident: str) -> str:
    """The change target naming the entry, even when its id is another kind's too."""
    target = target_for(program, kind.name, ident)
    if entity_named(program, target) != (kind.name, ident):
        raise Conflict(
            f"{kind.label} {ident} cannot be changed here: '{target}' is the id of another "
            "entity of the program; rename one of them in the plan"
        )
    return target


# -- checks ---------------------------------------------------------------------------------


def _check_new_id(program: Program, kind: RegisterKind, ident: str) -> None:
    """An id new to its kind (key results: in the whole program, not only the objective)."""
    if kind is KEY_RESULT:
        taken = {r.id: o.id for o in program.objectives for r in o.key_results}
        if ident in taken:
            raise Conflict(
                f"a key result {ident!r} exists already (under objective {taken[ident]}); "
                "key result ids are unique in the program: choose another id",
                location=Location(path="id"),
            )
        return
    if any(entry.id == ident for entry in getattr(program, kind.section)):
        raise Conflict(
            f"a {kind.label} {ident!r} exists already in program {program.key}; choose "
            "another id (or change that one with PATCH)",
            location=Location(path="id"),
        )


def _check_values(kind: RegisterKind, fields: Mapping[str, Any]) -> None:
    """The new entry's values, each problem named by its field (the whole-program check
    that follows names the change, not the field)."""
    try:
        kind.model.model_validate(dict(fields))
    except ValidationError as error:
        problems = []
        for detail in error.errors(include_url=False):
            where = ".".join(str(part) for part in detail["loc"]) or "body"
            message = str(detail["msg"]).removeprefix("Value error, ")
            problems.append(Problem("plan.invalid_value", message, Location(path=where)))
        raise PlanInvalid(problems) from None


_AT_FIELD = re.compile(r"\(at [a-z_]+\[\d+\](?:\.key_results\[\d+\])?\.([a-z_]+)")


def _problems_of_add(invalid: PlanInvalid, fields: Mapping[str, Any]) -> list[Problem]:
    """The whole-program problems of an added entry, named by the field they are about
    when the finding says (``... (at risks[12].project)``)."""
    problems = []
    for problem in problems_by_field(invalid, ["body"]):
        found = _AT_FIELD.search(problem.message)
        field = found.group(1) if found and found.group(1) in fields else "body"
        problems.append(Problem(problem.code, problem.message, Location(path=field)))
    return problems


def check_unreferenced(program: Program, kind: RegisterKind, ident: str) -> None:
    """Refuse (:class:`StillReferenced`, naming each) while anything refers to entry
    ``ident``: an objective's key results, the benefits and projects aligned to it, and
    for every kind the change requests that change it and the decisions related to it."""
    referrers: list[Problem] = []

    def refers(entity: str, how: str) -> None:
        referrers.append(Problem(StillReferenced.code, how, Location(entity=entity)))

    if kind is OBJECTIVE:
        for result in _objective(program, ident).key_results:
            refers(result.id, "a key result of it")
        for benefit in program.benefits:
            if benefit.objective == ident:
                refers(benefit.id, "a benefit whose objective it is")
        for project in program.projects:
            if ident in project.objectives:
                refers(project.id, "a project aligned to it (its objectives)")
    names = {ident, f"{kind.name}:{ident}"}  # and only if they name this entry

    def naming(targets: list[str]) -> bool:
        return any(t in names and entity_named(program, t) == (kind.name, ident) for t in targets)

    for request in program.change_requests:
        if naming([item.target for item in request.changes]):
            refers(request.id, "a change request whose changes target it")
    for decision in program.decisions:
        if naming(decision.related):
            refers(decision.id, "a decision related to it")
    if not referrers:
        return
    which = ", ".join(problem.location.entity or "" for problem in referrers)
    keep = " (or close it, status: closed, to keep it on record)" if kind is RISK else ""
    raise StillReferenced(
        f"{kind.label} {ident} is still referred to by {which}: remove those references "
        f"first{keep}",
        referrers,
    )
