"""A draft change request as the web form edits it: its changes as lines of the what-if
form's syntax (``ID.FIELD=VALUE``; ``SUCCESSOR:PREDECESSOR [TYPE±LAG]``; an id to remove)
and the form read back into :func:`do_update_change_request`'s fields.

A change is shown as a line only when that line reads back as the very same change;
anything else (a new task or risk added under a project, a value no line can spell) is
*kept* as it is, listed beside the form, and stays in the request after the edit. Only
the fields that differ from the draft are sent, so a member who may not name approvers
can still edit the title of a draft whose approvers a manager named.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from progman.domain import ChangeItem, ChangeRequest
from progman.errors import UsageError
from progman.services.catalog import visible_program
from progman.services.change_impact import change_text
from progman.services.change_requests import (
    ChangeRequestEdit,
    check_may_request,
    check_state,
    do_update_change_request,
    get_change_request,
)
from progman.services.inputs import parse_dependency, parse_set
from progman.services.whatif_form import WhatIfForm, read_changes
from progman.services.work_items import check_version

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from progman.domain.access import User

__all__ = ["DraftForm", "do_edit_draft", "draft_form"]


@dataclass(frozen=True)
class DraftForm:
    """What the edit form shows of a draft: its text fields and its changes as lines, and
    the changes no line can hold (kept as they are, with their words)."""

    title: str
    reason: str
    approvers: str
    sets: str
    deps: str
    removes: str
    kept: tuple[ChangeItem, ...] = ()

    @property
    def kept_text(self) -> list[str]:
        return [change_text(c) for c in self.kept]


def draft_form(request: ChangeRequest) -> DraftForm:
    """The edit form of ``request`` as it is stored."""
    lines: dict[str, list[str]] = {"sets": [], "deps": [], "removes": []}
    kept: list[ChangeItem] = []
    for change in request.changes:
        found = _line(change)
        if found is None:
            kept.append(change)
        else:
            lines[found[0]].append(found[1])
    return DraftForm(
        title=request.title,
        reason=request.reason or "",
        approvers=", ".join(request.approvers),
        sets="\n".join(lines["sets"]),
        deps="\n".join(lines["deps"]),
        removes="\n".join(lines["removes"]),
        kept=tuple(kept),
    )


def _line(change: ChangeItem) -> tuple[str, str] | None:
    """The form field and line that read back as ``change``, or None."""
    if change.op == "remove":
        return ("removes", change.target) if " " not in change.target else None
    if change.op == "set":
        for text in _value_texts(change.value):
            line = f"{change.target}.{change.field}={text}"
            if _reads_back(parse_set, line, change):
                return "sets", line
        return None
    value = change.value
    link = isinstance(value, dict) and set(value) <= {"task", "type", "lag"}
    if change.field == "depends" and isinstance(value, dict) and link:
        lag = str(value.get("lag") or "")
        sign = "" if not lag or lag.startswith(("-", "+")) else "+"
        for line in (
            f"{change.target}:{value.get('task')} {value.get('type', 'FS')}{sign}{lag}",
            f"{change.target}:{value.get('task')} {value.get('type', 'FS')}",
            f"{change.target}:{value.get('task')}",
        ):
            if _reads_back(parse_dependency, line, change):
                return "deps", line
    return None


def _value_texts(value: Any) -> list[str]:
    """Ways to spell ``value`` in plan syntax, the plainest first."""
    texts = [] if value is None else [str(value)] if isinstance(value, str) else []
    texts.append("" if value is None else json.dumps(value, ensure_ascii=False))
    return texts


def _reads_back(parse: Any, line: str, change: ChangeItem) -> bool:
    try:
        return bool(parse(line) == change)
    except UsageError:
        return False


def do_edit_draft(
    session: Session, user: User, key: str, ident: str, typed: DraftForm, *, if_match: int
) -> ChangeRequestEdit:
    """Save what the form changed of the draft ``ident`` shown at version ``if_match``
    (another version is :class:`StaleVersion`); its lines are read as the new request
    form's (a malformed line is a ``PlanInvalid`` at its field), kept changes stay.
    Nothing changed is a usage error."""
    check_may_request(user, visible_program(session, user, key))  # whatever was typed
    view = get_change_request(session, user, key, ident)
    check_version(ident, if_match, view.version)
    request = view.request
    check_state(request, ("draft",), "edited")
    parsed, _ = read_changes(WhatIfForm(sets=typed.sets, deps=typed.deps, removes=typed.removes))
    kept = draft_form(request).kept
    changes = [*kept, *parsed]
    fields: dict[str, Any] = {}
    if not typed.title.strip():
        raise UsageError("give the change request a title (what it changes, in a few words)",
                         option="title")  # fmt: skip
    if typed.title.strip() != request.title:
        fields["title"] = typed.title.strip()
    if (typed.reason.strip() or None) != request.reason:
        fields["reason"] = typed.reason.strip() or None
    approvers = _names(typed.approvers)
    if approvers != list(request.approvers):
        fields["approvers"] = approvers
    if changes != list(request.changes):
        if not changes:
            raise UsageError(
                "a change request needs at least one change: give one, or delete the draft",
                option="sets",
            )
        fields["changes"] = changes
    if not fields:
        raise UsageError("nothing was changed: edit a field, then save", option="form")
    return do_update_change_request(session, user, key, ident, fields, if_match=if_match)


def _names(text: str) -> list[str]:
    return [name for name in text.replace(",", " ").split() if name]
