"""The projects of a stored program, one at a time: listed and read with their version,
created, changed and deleted with optimistic locking, as work items are
(:mod:`progman.services.work_items`).

A project's version covers its own fields (name, manager, priority...), not its work
breakdown. Who may: a program manager creates and deletes projects; a project manager of
the project (or anyone above) changes it.

Deleting a project takes its work items, sprints and stage gates with it. What points into
it from elsewhere (other projects' links to its items, risks and benefits naming them,
risks scoped to it, other projects' items in its sprints) refuses the delete
(:class:`StillReferenced`, naming each) unless ``cascade``: then links are cut, mentions
dropped, and its risks stay as the program's. A change request that changes the project
or its items always refuses it: the request is the record of a decision.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from progman.domain import ChangeItem, Program, Project
from progman.domain.access import Access, User
from progman.domain.entity_index import target_for
from progman.domain.scenarios import apply_changes
from progman.errors import (
    Location,
    NotFound,
    Problem,
    StillReferenced,
    UsageError,
)
from progman.services.catalog import (
    decode_cursor,
    do_add_to_program,
    do_save_edited,
    encode_cursor,
    foreign_cursor,
    visible_program,
    visible_program_at,
    with_fields_set,
)
from progman.services.users import check_access
from progman.services.work_items import check_version
from progman.storage import entity_versions

MAX_PAGE = 1000
#: At most this many referrers are named one by one in a refusal; the message counts all.
MAX_NAMED = 20
T = TypeVar("T")


@dataclass(frozen=True)
class ProjectView:
    """A project, how many work items it holds, and its version (the ETag)."""

    project: Project
    work_items: int
    version: int


@dataclass(frozen=True)
class ProjectPage:
    items: list[ProjectView]
    next: str | None


@dataclass(frozen=True)
class ProjectEdit:
    """A project edit done: the project as it is now (as it was, for a delete), the
    program before and after, and the program's new revision."""

    view: ProjectView
    before: Program
    after: Program
    revision: int


def find_project(program: Program, ident: str) -> Project:
    for project in program.projects:
        if project.id == ident:
            return project
    raise NotFound(f"no project {ident!r} in program {program.key}")


def page_after(
    rows: Sequence[T], ident: Callable[[T], str], cursor: str | None, limit: int
) -> tuple[list[T], str | None]:
    """``limit`` rows at most after the row ``cursor`` names, and the next page's cursor."""
    if not 1 <= limit <= MAX_PAGE:
        raise UsageError(f"limit must be 1 to {MAX_PAGE}, not {limit}", option="limit")
    if cursor:
        after = decode_cursor(cursor)
        ids = [ident(row) for row in rows]
        if after not in ids:
            raise foreign_cursor()
        rows = rows[ids.index(after) + 1 :]
    page = list(rows[:limit])
    more = len(rows) > limit
    return page, encode_cursor(ident(page[-1])) if more and page else None


def _view(session: Session, key: str, project: Project, version: int | None = None) -> ProjectView:
    if version is None:
        version = entity_versions(session, key, "project", [project.id]).get(project.id, 1)
    return ProjectView(project, sum(1 for _ in project.work_items()), version)


def list_projects(
    session: Session, user: User, key: str, *, cursor: str | None = None, limit: int = 100
) -> ProjectPage:
    """The program's projects in plan order, ``limit`` at most after ``cursor``."""
    program = visible_program(session, user, key)
    page, following = page_after(program.projects, lambda p: p.id, cursor, limit)
    versions = entity_versions(session, key, "project", [p.id for p in page])
    views = [_view(session, key, p, versions.get(p.id, 1)) for p in page]
    return ProjectPage(views, following)


def get_project(session: Session, user: User, key: str, ident: str) -> ProjectView:
    return _view(session, key, find_project(visible_program(session, user, key), ident))


def do_create_project(
    session: Session, user: User, key: str, fields: Mapping[str, Any]
) -> ProjectEdit:
    """A new project without work items (``fields`` in plan-file form, with its id)."""
    program, edited, saved = do_add_to_program(session, user, key, "projects", fields)
    ident = str(fields.get("id"))
    return ProjectEdit(_view(session, key, find_project(edited, ident)), program, edited, saved)


def do_update_project(
    session: Session,
    user: User,
    key: str,
    ident: str,
    fields: Mapping[str, Any],
    *,
    if_match: int | None,
) -> ProjectEdit:
    """Give project ``ident`` the values of ``fields``, if ``if_match`` is its version."""
    if not fields:
        raise UsageError("nothing to change: send at least one field", option="body")
    program, revision, _ = visible_program_at(session, user, key)
    find_project(program, ident)
    check_access(user, key, Access.MANAGE_PROJECT, ident)
    check_version(ident, if_match, _version(session, key, ident))
    edited = with_fields_set(program, target_for(program, "project", ident), fields)
    saved = do_save_edited(session, user, key, edited, revision)
    return ProjectEdit(_view(session, key, find_project(edited, ident)), program, edited, saved)


def do_delete_project(
    session: Session,
    user: User,
    key: str,
    ident: str,
    *,
    if_match: int | None,
    cascade: bool = False,
) -> ProjectEdit:
    """Delete project ``ident`` with its work items (see the module for ``cascade``)."""
    program, revision, _ = visible_program_at(session, user, key)
    project = find_project(program, ident)
    check_access(user, key, Access.MANAGE_PROGRAM)
    check_version(ident, if_match, _version(session, key, ident))
    check_deletable(program, ident, cascade=cascade)
    target = target_for(program, "project", ident)
    edited = apply_changes(program, [ChangeItem(op="remove", target=target)])
    saved = do_save_edited(session, user, key, edited, revision)
    return ProjectEdit(_view(session, key, project, 0), program, edited, saved)


def check_deletable(program: Program, ident: str, *, cascade: bool) -> None:
    """Refuse (:class:`StillReferenced`) to delete project ``ident`` while a change request
    changes it, or, unless ``cascade``, while anything outside it points into it."""
    project = find_project(program, ident)
    items = {item.id for item in project.work_items()}
    targets = items | {ident, f"project:{ident}"}  # a change names it by id or kind:id
    records = [
        Problem(
            StillReferenced.code,
            "a change request whose changes target the project or its work items",
            Location(entity=request.id),
        )
        for request in program.change_requests
        if any(change.target in targets for change in request.changes)
    ]
    if records:
        raise StillReferenced(
            f"project {ident} is changed by change request "
            f"{', '.join(p.location.entity or '' for p in records)}: a change "
            "request records a decision and is not rewritten, so the project stays (set its "
            "status to cancelled instead)",
            records,
        )
    if cascade:
        return
    referrers = references_into(program, project, items)
    if referrers:
        raise StillReferenced(
            f"project {ident} is still referred to from outside it, {len(referrers)} "
            f"time{'s' if len(referrers) != 1 else ''}: {named(referrers)}. Remove those "
            "references first, or delete with ?cascade=true to cut them (links and mentions "
            "removed, other items leave its sprints, its risks stay as the program's)",
            capped(referrers),
        )


def references_into(program: Program, project: Project, items: set[str]) -> list[Problem]:
    """What outside ``project`` points into it: links from other projects' work items,
    their places in its sprints, risks and benefits naming its items, risks scoped to it."""
    found: list[Problem] = []

    def refers(entity: str, how: str) -> None:
        found.append(Problem(StillReferenced.code, how, Location(entity=entity)))

    sprints = {s.id for s in program.sprints if s.project == project.id}
    for other in program.projects:
        if other.id == project.id:
            continue
        for item in other.work_items():
            for link in item.depends:
                if link.task in items:
                    refers(item.id, f"a link from it to {link.task} ({link.type})")
            if item.sprint in sprints:
                refers(item.id, f"planned in sprint {item.sprint} of {project.id}")
    for risk in program.risks:
        if risk.project == project.id:
            refers(risk.id, f"a risk of project {project.id}")
        affected = [t for t in risk.affects if t in items]
        if affected:
            refers(risk.id, f"a risk affecting {', '.join(affected)}")
    for benefit in program.benefits:
        needed = [t for t in benefit.depends_on if t in items]
        if needed:
            refers(benefit.id, f"a benefit depending on {', '.join(needed)}")
    return found


def named(problems: Sequence[Problem]) -> str:
    """``A.x (a link ...), B.y (...)``: the first few referrers, and how many more
    (for a message; the problems list them one by one)."""
    shown = [f"{p.location.entity} ({p.message})" for p in problems[:5]]
    more = len(problems) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")


def capped(problems: list[Problem]) -> list[Problem]:
    """The first :data:`MAX_NAMED` referrers, and a last problem counting the rest."""
    if len(problems) <= MAX_NAMED:
        return problems
    rest = len(problems) - MAX_NAMED
    return [
        *problems[:MAX_NAMED],
        Problem(StillReferenced.code, f"and {rest} more reference{'s' if rest != 1 else ''}"),
    ]


def _version(session: Session, key: str, ident: str) -> int:
    return entity_versions(session, key, "project", [ident]).get(ident, 1)
