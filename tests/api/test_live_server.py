"""What only a real HTTP exchange shows: an edit is committed before its answer leaves the
server, so a client that reads right after the answer sees it."""

from __future__ import annotations

import time
from contextlib import contextmanager

import httpx2

from progman.api import deps
from progman.services.database import unit_of_work
from progman.services.work_items import version_of


def test_an_edit_is_committed_before_its_answer_is_sent(sqlite_api, site, monkeypatch):
    real = deps.unit_of_work

    @contextmanager
    def slow_commit(url, *, write):  # type: ignore[no-untyped-def]
        with real(url, write=write) as session:
            yield session
            if write:
                time.sleep(0.5)  # the commit comes half a second after the route returns

    monkeypatch.setattr(deps, "unit_of_work", slow_commit)
    headers = {**sqlite_api.token("paula"), "If-Match": '"1"'}
    url = f"{site}/api/v1/programs/DPL/work-items/API.pentest"
    answer = httpx2.patch(url, json={"duration": "13d"}, headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text
    with unit_of_work(sqlite_api.url, write=False) as session:  # another client, at once
        assert version_of(session, "DPL", "API.pentest") == 2
