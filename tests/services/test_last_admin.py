"""The last active administrator stays one even when two administrators demote each
other at the same moment (the web pages, the CLI and the REST API share this check)."""

from __future__ import annotations

import threading

import pytest

from progman.domain.access import User
from progman.errors import Conflict
from progman.services.accounts import accounts, do_set_role
from progman.services.database import dispose_engines, unit_of_work
from progman.services.programs import init_database
from progman.services.users import do_add_user, local_admin
from progman.services.versioned_accounts import account_view, do_change_account

ALICE, BOB = User("alice", "admin"), User("bob", "admin")


@pytest.fixture
def url(database_url: str):
    init_database(database_url)
    with unit_of_work(database_url, write=True) as session:
        for name in ("alice", "bob"):
            do_add_user(session, local_admin(), name, "admin", password="long enough secret")
    yield database_url
    dispose_engines()


def _web_demotes(session, actor: User, name: str) -> None:
    do_set_role(session, actor, name, "viewer")


def _api_demotes(session, actor: User, name: str) -> None:
    version = account_view(session, actor, name).version
    do_change_account(session, actor, name, if_match=version, role="viewer")


@pytest.mark.parametrize("demote", [_web_demotes, _api_demotes], ids=["web", "api"])
def test_two_admins_demoting_each_other_at_once_leave_one_of_them_admin(url, demote):
    """The second waits for the first, then finds itself the last: no deadlock, no
    program office without an administrator."""
    first_written, first_may_commit = threading.Event(), threading.Event()
    outcome: dict[str, BaseException | None] = {}

    def alice_demotes_bob() -> None:
        with unit_of_work(url, write=True) as session:
            demote(session, ALICE, "bob")
            first_written.set()
            first_may_commit.wait(30)

    def bob_demotes_alice() -> None:
        try:
            with unit_of_work(url, write=True) as session:
                demote(session, BOB, "alice")
            outcome["second"] = None
        except BaseException as error:  # handed to the test thread
            outcome["second"] = error

    first = threading.Thread(target=alice_demotes_bob)
    first.start()
    assert first_written.wait(30)
    second = threading.Thread(target=bob_demotes_alice)
    second.start()
    second.join(0.5)
    assert second.is_alive(), "the second demotion did not wait for the first"
    first_may_commit.set()
    first.join(30)
    second.join(30)
    assert isinstance(outcome["second"], Conflict), outcome
    assert "alice is the last active administrator" in outcome["second"].message
    with unit_of_work(url, write=False) as session:
        roles = {a.name: a.role for a in accounts(session, local_admin())}
    assert roles == {"alice": "admin", "bob": "viewer"}
