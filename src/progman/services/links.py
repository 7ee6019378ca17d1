"""Links between work items, one at a time: added, changed or removed with the version of
their successor (a link belongs to the task it holds back, as in a plan file).

The edits follow :mod:`progman.services.work_items`: ``If-Match`` names the successor's
version, the change is applied copy-on-write and the whole program checked (a link that
closes a cycle is refused, naming the cycle), saved against the revision read, audited,
and answered with the successor as it is now and what moved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from progman.domain import ChangeItem, Dependency
from progman.domain.access import Access, User
from progman.domain.scenarios import apply_changes
from progman.errors import NotFound, PlanInvalid, UsageError
from progman.services.catalog import problems_by_field, visible_program_at
from progman.services.users import check_access
from progman.services.work_items import (
    Edit,
    check_version,
    find_item,
    saved_edit,
    version_of,
)

LINK_TYPES = ("FS", "SS", "FF", "SF")
#: The change a link edit makes, from the successor's id and its links as they are.
MakeChange = Callable[[str, list[Dependency]], ChangeItem]


def _link(predecessor: str, link_type: str, lag: str) -> dict[str, Any]:
    if link_type not in LINK_TYPES:
        raise UsageError(f"a link type is one of {', '.join(LINK_TYPES)}, not {link_type!r}",
                         option="type")  # fmt: skip
    return {"task": predecessor, "type": link_type, "lag": lag}


def _as_plain(link: Dependency) -> dict[str, Any]:
    return {"task": link.task, "type": link.type, "lag": str(link.lag)}


def do_add_link(
    session: Session,
    user: User,
    key: str,
    link: tuple[str, str],
    *,
    link_type: str = "FS",
    lag: str = "0d",
    if_match: int | None,
) -> Edit:
    """A new link ``predecessor → successor`` (``link``) of ``link_type`` with ``lag``."""
    return _edit(session, user, key, link, _added(link[0], link_type, lag), if_match=if_match)


def do_update_link(
    session: Session,
    user: User,
    key: str,
    link: tuple[str, str],
    *,
    link_type: str | None = None,
    lag: str | None = None,
    if_match: int | None,
) -> Edit:
    """The link ``predecessor → successor`` with another type or lag."""

    def changed(current: Dependency) -> dict[str, Any]:
        plain = _as_plain(current)
        return _link(plain["task"], link_type or plain["type"], lag or plain["lag"])

    return _edit(session, user, key, link, _replaced(link[0], changed), if_match=if_match)


def do_remove_link(
    session: Session, user: User, key: str, link: tuple[str, str], *, if_match: int | None
) -> Edit:
    """Remove the link ``predecessor → successor``."""
    return _edit(session, user, key, link, _replaced(link[0], None), if_match=if_match)


def _added(predecessor: str, link_type: str, lag: str) -> MakeChange:
    def change(successor: str, links: list[Dependency]) -> ChangeItem:
        if any(existing.task == predecessor for existing in links):
            raise UsageError(
                f"{successor} already depends on {predecessor}: change that link instead",
                option="predecessor",
            )
        value = _link(predecessor, link_type, lag)
        return ChangeItem(op="add", target=successor, field="depends", value=value)

    return change


def _replaced(
    predecessor: str, replace: Callable[[Dependency], dict[str, Any]] | None
) -> MakeChange:
    def change(successor: str, links: list[Dependency]) -> ChangeItem:
        if not any(existing.task == predecessor for existing in links):
            raise NotFound(f"no link {predecessor} → {successor}")
        kept = []
        for existing in links:
            if existing.task != predecessor:
                kept.append(_as_plain(existing))
            elif replace is not None:
                kept.append(replace(existing))
        return ChangeItem(op="set", target=successor, field="depends", value=kept)

    return change


def _edit(
    session: Session,
    user: User,
    key: str,
    link: tuple[str, str],
    make: MakeChange,
    *,
    if_match: int | None,
) -> Edit:
    predecessor, successor = link
    program, revision, _ = visible_program_at(session, user, key)
    item, project, _ = find_item(program, successor)
    check_access(user, key, Access.MANAGE_PROJECT, project)
    find_item(program, predecessor)  # a 404 naming it when it does not exist
    check_version(successor, if_match, version_of(session, key, successor))
    change = make(successor, list(item.depends))
    try:
        edited = apply_changes(program, [change])
    except PlanInvalid as invalid:
        raise PlanInvalid(problems_by_field(invalid, ["depends"])) from None
    return saved_edit(session, user, key, successor, (program, edited, revision))
