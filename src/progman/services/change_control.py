"""Change requests of a stored program for Python scripts (``progman.ChangeControl``):
``progman change``'s commands as methods, each one transaction on the database through
:mod:`progman.services.change_requests`, with the same rules.

Who acts is an administrator named as the command line names one (``--as NAME``, else
``cli:LOGIN``), since whoever may open the database may change anything in it; or a
:class:`progman.domain.access.User` given, whose roles then decide (a member may create
and submit, only an approver may approve). Each step reads the request's current
version, as the command line does, so a script does not carry versions around.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from progman.domain import ChangeItem, ChangeRequest
from progman.domain.access import User
from progman.errors import UsageError
from progman.services import change_requests as service
from progman.services.change_impact import impact_summary, parse_add
from progman.services.database import unit_of_work
from progman.services.inputs import parse_changes
from progman.services.users import local_admin

__all__ = ["ChangeControl"]

State = Literal["draft", "submitted", "approved", "rejected", "applied"]
#: ``change create``'s options → :meth:`ChangeControl.create`'s arguments.
ARGUMENTS = {"--set": "sets", "--add-dep": "add_deps", "--remove": "removes", "--add": "adds"}


class ChangeControl:
    """The change requests of the stored program ``program`` in the database ``db`` (a
    SQLAlchemy URL, e.g. ``sqlite:///progman.db``), acted on by ``actor``."""

    def __init__(self, db: str, program: str, *, actor: str | User | None = None) -> None:
        self.db = db
        self.program = program
        self.user = actor if isinstance(actor, User) else local_admin(actor)

    def create(
        self,
        title: str,
        *,
        sets: Sequence[str] = (),
        add_deps: Sequence[str] = (),
        removes: Sequence[str] = (),
        adds: Sequence[str] = (),
        changes: Sequence[ChangeItem] = (),
        ident: str | None = None,
        reason: str | None = None,
        description: str | None = None,
        requester: str | None = None,
        approvers: Sequence[str] = (),
    ) -> ChangeRequest:
        """A new draft (``ident``: the next ``CR-NNN`` by default). Its changes are
        ``changes`` and those written as ``change create`` takes them: ``sets``
        (``ID.FIELD=VALUE``), ``add_deps`` (``SUCCESSOR:PREDECESSOR [TYPE±LAG]``),
        ``removes`` (ids) and ``adds`` (``PARENT.SECTION={...}``); they must apply to the
        program as it is."""
        try:
            typed = parse_changes(list(sets), list(add_deps), list(removes))
            typed += [parse_add(text) for text in adds]
        except UsageError as error:  # named as the argument, not the command line option
            option = ARGUMENTS.get(error.option, error.option)
            raise UsageError(error.message, option=option) from None
        every = [*changes, *typed]
        with unit_of_work(self.db, write=True) as session:
            made = service.do_create_change_request(
                session, self.user, self.program, title=title, changes=every, ident=ident,
                description=description, reason=reason, requester=requester,
                approvers=list(approvers),
            )  # fmt: skip
        return made.view.request

    def submit(self, ident: str) -> ChangeRequest:
        """Submit a draft: its impact is computed on the program as it is and stored."""
        return self._step("do_submit_change_request", ident)

    def approve(self, ident: str, comment: str | None = None) -> ChangeRequest:
        """Approve a submitted request (an approver's), with why."""
        return self._step("do_decide_change_request", ident, "approved", comment=comment)

    def reject(self, ident: str, comment: str | None = None) -> ChangeRequest:
        """Reject a submitted request (an approver's), with why."""
        return self._step("do_decide_change_request", ident, "rejected", comment=comment)

    def apply(self, ident: str) -> ChangeRequest:
        """Apply an approved request: its changes and a baseline named after it (its id in
        the answer's ``baseline``) in one save. If the program changed since its impact
        was computed, the impact is computed again and stored, the request is submitted
        again, and ``ChangeRequestStale`` (code ``change.stale_impact``) is raised."""
        return self._step("do_apply_change_request", ident)

    def show(self, ident: str) -> ChangeRequest:
        """The request ``ident`` with its changes, decisions and stored impact."""
        with unit_of_work(self.db, write=False) as session:
            return service.get_change_request(session, self.user, self.program, ident).request

    def list(self, state: State | None = None) -> list[ChangeRequest]:
        """The program's requests in plan order, those in ``state`` only when given."""
        found: list[ChangeRequest] = []
        cursor = None
        with unit_of_work(self.db, write=False) as session:
            while True:
                page = service.list_change_requests(
                    session, self.user, self.program, state=state, cursor=cursor,
                    limit=service.MAX_PAGE,
                )  # fmt: skip
                found += [view.request for view in page.items]
                if page.next is None:
                    return found
                cursor = page.next

    @staticmethod
    def summary(request: ChangeRequest) -> str:
        """The request's stored impact in one line, as ``change list`` shows it."""
        return impact_summary(request.impact)

    def _step(self, step: str, ident: str, *args: object, **kw: object) -> ChangeRequest:
        with unit_of_work(self.db, write=True) as session:
            version = service.get_change_request(session, self.user, self.program, ident).version
            done = getattr(service, step)(
                session, self.user, self.program, ident, *args, if_match=version, **kw
            )
        if done.refused is not None:  # after the commit: the recomputed impact is kept
            raise done.refused
        request: ChangeRequest = done.view.request
        return request
