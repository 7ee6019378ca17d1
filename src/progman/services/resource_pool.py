"""The program's shared resource pool, one resource at a time: read with its version, and
changed (capacity, role, team, skills, rates...) with ``If-Match``, as work items are
(:mod:`progman.services.work_items`), added, and deleted once no work item is assigned to
it any more (the caller removes those assignments first, seeing what each moves).
Resources belong to the program, not to a project: changing one needs a program manager."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from progman.domain import ChangeItem, Program, Resource
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
    do_add_to_program,
    do_save_edited,
    visible_program,
    visible_program_at,
    with_fields_set,
)
from progman.services.projects import capped, named
from progman.services.users import check_access
from progman.services.work_items import check_version
from progman.storage import resource_versions


@dataclass(frozen=True)
class ResourceView:
    resource: Resource
    version: int


@dataclass(frozen=True)
class ResourceEdit:
    view: ResourceView
    before: Program
    after: Program
    revision: int


def _find(program: Program, ident: str) -> Resource:
    for resource in program.resources:
        if resource.id == ident:
            return resource
    raise NotFound(f"no resource {ident!r} in program {program.key}")


def list_resources(session: Session, user: User, key: str) -> list[ResourceView]:
    program = visible_program(session, user, key)
    versions = resource_versions(session, key)
    return [ResourceView(r, versions.get(r.id, 1)) for r in program.resources]


def get_resource(session: Session, user: User, key: str, ident: str) -> ResourceView:
    resource = _find(visible_program(session, user, key), ident)
    return ResourceView(resource, resource_versions(session, key, [ident]).get(ident, 1))


def do_update_resource(
    session: Session,
    user: User,
    key: str,
    ident: str,
    fields: Mapping[str, Any],
    *,
    if_match: int | None,
) -> ResourceEdit:
    """Give resource ``ident`` the values of ``fields``, if ``if_match`` is its version."""
    if not fields:
        raise UsageError("nothing to change: send at least one field", option="body")
    program, revision, _ = visible_program_at(session, user, key)
    _find(program, ident)
    check_access(user, key, Access.MANAGE_PROGRAM)
    check_version(ident, if_match, resource_versions(session, key, [ident]).get(ident, 1))
    edited = with_fields_set(program, ident, fields)
    saved_revision = do_save_edited(session, user, key, edited, revision)
    view = ResourceView(_find(edited, ident), resource_versions(session, key, [ident])[ident])
    return ResourceEdit(view, program, edited, saved_revision)


def do_create_resource(
    session: Session, user: User, key: str, fields: Mapping[str, Any]
) -> ResourceEdit:
    """A new resource of the pool (``fields`` in plan-file form, with its id)."""
    program, edited, saved_revision = do_add_to_program(session, user, key, "resources", fields)
    ident = str(fields.get("id"))
    view = ResourceView(_find(edited, ident), resource_versions(session, key, [ident])[ident])
    return ResourceEdit(view, program, edited, saved_revision)


def do_delete_resource(
    session: Session, user: User, key: str, ident: str, *, if_match: int | None
) -> ResourceEdit:
    """Delete resource ``ident``, if ``if_match`` is its version and no work item is
    assigned to it any more (:func:`check_unassigned`)."""
    program, revision, _ = visible_program_at(session, user, key)
    resource = _find(program, ident)
    check_access(user, key, Access.MANAGE_PROGRAM)
    check_version(ident, if_match, resource_versions(session, key, [ident]).get(ident, 1))
    check_unassigned(program, ident)
    target = target_for(program, "resource", ident)
    edited = apply_changes(program, [ChangeItem(op="remove", target=target)])
    saved_revision = do_save_edited(session, user, key, edited, revision)
    return ResourceEdit(ResourceView(resource, 0), program, edited, saved_revision)


def check_unassigned(program: Program, ident: str) -> None:
    """Refuse (:class:`StillReferenced`, naming each) while work items are assigned to
    resource ``ident``: deleting it would take work off them without a word."""
    assigned = [
        Problem(
            StillReferenced.code,
            f"assigned {a.units:g} of resource {ident}",
            Location(entity=item.id),
        )
        for item in program.work_items()
        for a in item.resources
        if a.resource == ident
    ]
    if assigned:
        count = len(assigned)
        raise StillReferenced(
            f"resource {ident} is assigned to {count} work item{'s' if count != 1 else ''}: "
            f"{named(assigned)}. Remove those assignments first (PUT "
            ".../work-items/{id}/assignments), then delete it",
            capped(assigned),
        )
