"""The program's shared resource pool, one resource at a time: read with its version, and
changed (capacity, role, team, skills, rates...) with ``If-Match``, as work items are
(:mod:`progman.services.work_items`). Resources belong to the program, not to a project:
changing one needs a program manager."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from progman.domain import ChangeItem, Program, Resource
from progman.domain.access import Access, User
from progman.domain.scenarios import apply_changes
from progman.errors import NotFound, PlanInvalid, UsageError
from progman.services.catalog import do_save_edited, visible_program, visible_program_at
from progman.services.users import check_access
from progman.services.work_items import check_version, problems_by_field
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
    names = list(fields)
    changes = [ChangeItem(op="set", target=ident, field=name, value=fields[name]) for name in names]
    try:
        edited = apply_changes(program, changes)
    except PlanInvalid as invalid:
        raise PlanInvalid(problems_by_field(invalid, names)) from None
    saved_revision = do_save_edited(session, user, key, edited, revision)
    view = ResourceView(_find(edited, ident), resource_versions(session, key, [ident])[ident])
    return ResourceEdit(view, program, edited, saved_revision)
