"""Work items of a stored program, one at a time: read with their version, and edited with
optimistic locking (``If-Match``), an audit row, and what the edit moved.

An edit names the version it was made against: none is :class:`PreconditionRequired`, an
older one :class:`StaleVersion` with the current version (someone else changed the item
since). It is applied to the program as stored (:func:`apply_changes` validates the new
values as a plan file would, and the whole program after it), saved with the program's
revision it was read at (so a concurrent save is a conflict, never a lost update), and
answered with the item as it is now and what moved in the schedule.

Who may: a member edits the progress of the work in their projects (``PROGRESS_FIELDS``);
a project manager everything of their projects' work items; a program manager and an
admin all of them (:mod:`progman.domain.access`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import Any

from sqlalchemy.orm import Session

from progman.domain import ChangeItem, Program, WorkItem
from progman.domain.access import Access, User
from progman.domain.entity_index import locate_work_item
from progman.domain.scenarios import apply_changes
from progman.errors import (
    Location,
    NotFound,
    PlanInvalid,
    PreconditionRequired,
    StaleVersion,
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
from progman.storage import work_item_versions

#: What a member may change: how the work is going, not what it is.
PROGRESS_FIELDS = frozenset(
    {"percent_complete", "actual_start", "actual_finish", "remaining", "status"}
)
MAX_PAGE = 1000


@dataclass(frozen=True)
class WorkItemView:
    """A work item where it sits (project, parent) and its version (the ETag)."""

    item: WorkItem
    project: str
    parent: str | None
    version: int


@dataclass(frozen=True)
class WorkItemPage:
    items: list[WorkItemView]
    next: str | None


def _placed(program: Program) -> Iterator[tuple[WorkItem, str, str | None]]:
    """Every work item with its project and parent, in plan order."""
    for project in program.projects:
        stack: list[tuple[WorkItem, str | None]] = [(t, None) for t in reversed(project.tasks)]
        while stack:
            item, parent = stack.pop()
            yield item, project.id, parent
            stack.extend((child, item.id) for child in reversed(item.tasks))


def find_item(program: Program, ident: str) -> tuple[WorkItem, str, str | None]:
    placed = locate_work_item(program, ident)
    if placed is None:
        raise NotFound(f"no work item {ident!r} in program {program.key}")
    return placed


def list_work_items(
    session: Session,
    user: User,
    key: str,
    *,
    project: str | None = None,
    cursor: str | None = None,
    limit: int = 100,
) -> WorkItemPage:
    """The program's work items in plan order (only ``project``'s when given), ``limit``
    at most after ``cursor``."""
    if not 1 <= limit <= MAX_PAGE:
        raise UsageError(f"limit must be 1 to {MAX_PAGE}, not {limit}", option="limit")
    program = visible_program(session, user, key)
    if project is not None and project not in {p.id for p in program.projects}:
        raise UsageError(f"no project {project!r} in program {key}", option="project")
    after = decode_cursor(cursor) if cursor else None
    rows = (placed for placed in _placed(program) if project is None or placed[1] == project)
    # walk up to the cursor's item only: a page costs its place in the plan, not the plan
    if after is not None and not any(item.id == after for item, _, _ in rows):
        raise foreign_cursor()
    taken = list(islice(rows, limit + 1))
    page = taken[:limit]
    versions = work_item_versions(session, key, [item.id for item, _, _ in page])
    views = [
        WorkItemView(item, pid, parent, versions.get(item.id, 1)) for item, pid, parent in page
    ]
    more = len(taken) > limit
    return WorkItemPage(views, encode_cursor(views[-1].item.id) if more and views else None)


def get_work_item(session: Session, user: User, key: str, ident: str) -> WorkItemView:
    program = visible_program(session, user, key)
    item, project, parent = find_item(program, ident)
    return WorkItemView(item, project, parent, version_of(session, key, ident))


@dataclass(frozen=True)
class Edit:
    """An edit done: the item as it is now, the program before and after it, and the
    program's new revision."""

    view: WorkItemView
    before: Program
    after: Program
    revision: int


def do_update_work_item(
    session: Session,
    user: User,
    key: str,
    ident: str,
    fields: Mapping[str, Any],
    *,
    if_match: int | None,
) -> Edit:
    """Give work item ``ident`` the values of ``fields`` (field name → value in plan-file
    form: ``"12d"``, ``"2027-05-01"``, ``50``), if ``if_match`` is its current version."""
    if not fields:
        raise UsageError("nothing to change: send at least one field", option="body")
    program, revision, _ = visible_program_at(session, user, key)
    _, project, _ = find_item(program, ident)
    needed = Access.EDIT_WORK if set(fields) <= PROGRESS_FIELDS else Access.MANAGE_PROJECT
    check_access(user, key, needed, project)
    check_version(ident, if_match, version_of(session, key, ident))
    edited = with_fields_set(program, ident, {name: _plain(v) for name, v in fields.items()})
    return saved_edit(session, user, key, ident, (program, edited, revision))


def do_delete_work_item(
    session: Session, user: User, key: str, ident: str, if_match: int | None
) -> Edit:
    """Delete work item ``ident`` (with its subtasks and the links to them)."""
    program, revision, _ = visible_program_at(session, user, key)
    _, project, _ = find_item(program, ident)
    check_access(user, key, Access.MANAGE_PROJECT, project)
    check_version(ident, if_match, version_of(session, key, ident))
    edited = apply_changes(program, [ChangeItem(op="remove", target=ident)])
    return saved_edit(session, user, key, None, (program, edited, revision), deleted=ident)


def do_create_work_item(
    session: Session, user: User, key: str, under: str, fields: Mapping[str, Any]
) -> Edit:
    """A new work item under the project or work item ``under``."""
    program, revision, _ = visible_program_at(session, user, key)
    projects = {p.id for p in program.projects}
    project = under if under in projects else None
    if project is None:
        try:
            _, project, _ = find_item(program, under)
        except NotFound:
            raise UsageError(
                f"no project or work item {under!r} in program {key} to add under",
                option="parent",
            ) from None
    check_access(user, key, Access.MANAGE_PROJECT, project)
    value = {name: _plain(v) for name, v in fields.items()}
    change = ChangeItem(op="add", target=under, field="tasks", value=value)
    try:
        edited = apply_changes(program, [change])
    except PlanInvalid as invalid:
        raise PlanInvalid(problems_by_field(invalid, ["body"])) from None
    return saved_edit(session, user, key, str(value.get("id")), (program, edited, revision))


def edit_moved(edit: Edit) -> dict[str, Any]:
    """What ``edit`` moved in the schedule, in the ``impact --json`` shape."""
    return moved_between(edit.before, edit.after)


def moved_between(before: Program, after: Program) -> dict[str, Any]:
    """What moved in the schedule from ``before`` to ``after`` (``impact --json``)."""
    from progman.engine.edit_impact import impact_of_edit  # noqa: PLC0415 - numba: on use

    return impact_of_edit(before, after).to_json()


def do_set_assignments(
    session: Session,
    user: User,
    key: str,
    ident: str,
    assignments: list[dict[str, Any]],
    *,
    if_match: int | None,
) -> Edit:
    """Who works on work item ``ident``, and how much (``[{resource, units}, ...]``, or a
    role or skill still to be staffed), replacing its assignments."""
    program, revision, _ = visible_program_at(session, user, key)
    _, project, _ = find_item(program, ident)
    check_access(user, key, Access.MANAGE_PROJECT, project)
    check_version(ident, if_match, version_of(session, key, ident))
    change = ChangeItem(op="set", target=ident, field="resources", value=assignments)
    try:
        edited = apply_changes(program, [change])
    except PlanInvalid as invalid:
        raise PlanInvalid(problems_by_field(invalid, ["assignments"])) from None
    return saved_edit(session, user, key, ident, (program, edited, revision))


def version_of(session: Session, key: str, ident: str) -> int:
    return work_item_versions(session, key, [ident]).get(ident, 1)


def check_version(ident: str, if_match: int | None, current: int) -> None:
    if if_match is None:
        raise PreconditionRequired(
            f"send If-Match with the version of {ident} you changed (its ETag, now {current})"
        )
    if if_match != current:
        raise StaleVersion(
            f"{ident} was changed by someone else since version {if_match} (it is at "
            f"version {current} now): reload it and make your change again",
            current=current,
            location=Location(entity=ident),
        )


def saved_edit(
    session: Session,
    user: User,
    key: str,
    ident: str | None,
    versions: tuple[Program, Program, int],
    *,
    deleted: str | None = None,
) -> Edit:
    """Save ``after`` (made from ``before``, read at ``revision``) and describe the edit."""
    before, after, revision = versions
    saved_revision = do_save_edited(session, user, key, after, revision)
    if ident is None:
        assert deleted is not None
        item, project, parent = find_item(before, deleted)
        view = WorkItemView(item, project, parent, 0)  # no version left: it is gone
    else:
        item, project, parent = find_item(after, ident)
        view = WorkItemView(item, project, parent, version_of(session, key, ident))
    return Edit(view, before, after, saved_revision)


def _plain(value: Any) -> Any:
    """A value as a plan file writes it (dates as text)."""
    return value.isoformat() if isinstance(value, date) else value
